"""SQL statements per command do not grow with the number of agencies (issue 14).

The same month is taken through import, run, audit, corrections, trace,
exports and verify with 5 agencies and with 40, each on a fresh database, and
every statement sent to the database is counted (the engine's
``before_cursor_execute`` event; a COPY on PostgreSQL goes to psycopg
directly and is not seen, the same number of times at either size). Every
command must send exactly as many statements at both sizes: a query per
agency, per document or per record would differ by at least 35. The chunked
reads (persistence/documents.py, persistence/bulk.py) hold 1,000 documents or
50,000 rows, far above both sizes, so they too count the same.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from stdnum import luhn

from billing.domain.exports import DocumentChoice
from billing.files.centre_file import DEFAULT_CENTRE_FILE, load_centre
from billing.ledger.export import Selection
from billing.period import Month
from billing.persistence.models import InvoiceRow
from billing.services.agencies import import_agencies
from billing.services.audit import run_audit
from billing.services.billing_run import run_month
from billing.services.corrections import correct_month
from billing.services.outputs import export_pdfs, export_peppol, export_sie
from billing.services.tariffs import load_tariffs
from billing.services.trace import trace_document
from billing.services.verify import verify_everything
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import TARIFFS

DECEMBER = Month(2012, 12)
SERVICES = ("PAY-SLIP-DEV", "PAY-EXPENSE", "PAY-SPEC-STATS", "FIN-CUSTINV", "FIN-ASSET", "EPR-INV-CODED",
            "EPR-ORDER")


def organisation_number(index: int) -> str:
    body = f"2{index % 10}2{index // 10:06d}"
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


def write_month(directory: Path, agencies: int) -> tuple[Path, Path, Path]:
    """Agencies with the three areas' agreements, a volume of each service for
    each, and a correction of the first service of every agency."""
    agencies_file, volumes, corrections = (directory / "agencies.toml", directory / "volumes.csv",
                                           directory / "corrections.csv")
    text = ""
    for index in range(agencies):
        text += (f'[[agencies]]\norganisation_number = "{organisation_number(index)}"\n'
                 f'name = "Myndighet {index:03d}"\n'
                 'address = { street = "Gatan 1", postal_code = "111 11", city = "Stockholm" }\n'
                 f"sizes = [ {{ from = 2012-01-01, employees = {10 + index} }} ]\n")
        for area in ("payroll", "finance", "eprocurement"):
            text += (f'[[agencies.agreements]]\narea = "{area}"\nconnected_on = 2012-01-01\n'
                     f'buyer_reference = "KST {index}"\nconnection_fee = false\n')
    agencies_file.write_text(text, encoding="utf-8")
    header = "period,organisation_number,service,quantity,source,reference\n"
    volumes.write_text(header + "".join(f"2012-12,{organisation_number(i)},{code},{i + n + 1},Test,\n"
                                        for i in range(agencies) for n, code in enumerate(SERVICES)),
                       encoding="utf-8")
    corrections.write_text(header + "".join(f"2012-12,{organisation_number(i)},{SERVICES[0]},{i + 500},Test,\n"
                                            for i in range(agencies)), encoding="utf-8")
    return agencies_file, volumes, corrections


def statements_per_command(engine, directory: Path, agencies: int) -> dict[str, int]:
    agencies_file, volumes, corrections = write_month(directory, agencies)
    centre = load_centre(DEFAULT_CENTRE_FILE)
    counted = [0]

    def count(*_):
        counted[0] += 1

    with Session(engine) as session, session.begin():
        load_tariffs(session, TARIFFS)
        import_agencies(session, agencies_file)
    steps = {
        "volumes import": lambda s: import_volumes(s, volumes),
        "run": lambda s: run_month(s, DECEMBER, date(2013, 1, 8)),
        "audit": lambda s: run_audit(s, DECEMBER, DECEMBER, seed=1),
        "export peppol": lambda s: export_peppol(s, DocumentChoice(billed_for=DECEMBER), directory / "peppol",
                                                 centre.seller),
        "export sie": lambda s: export_sie(s, DECEMBER, Selection.PERIOD, directory / "dec.se", centre,
                                           date(2013, 1, 9)),
        "export pdf": lambda s: export_pdfs(s, DocumentChoice(billed_for=DECEMBER), centre.seller,
                                            directory / "pdf"),
        "volumes correct": lambda s: correct_volumes(s, corrections, "counted again"),
        "correct": lambda s: correct_month(s, DECEMBER, date(2013, 1, 20)),
        "audit after the correction": lambda s: run_audit(s, DECEMBER, DECEMBER, seed=1),
        "trace": lambda s: trace_document(s, s.scalar(select(func.max(InvoiceRow.number)))),
        "verify": lambda s: verify_everything(s),
    }
    found = {}
    event.listen(engine, "before_cursor_execute", count)
    try:
        for name, step in steps.items():
            counted[0] = 0
            with Session(engine) as session, session.begin():
                step(session)
            found[name] = counted[0]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return found


@pytest.fixture
def second_engine(tmp_path, request, database_url):
    """A second fresh database on the same backend as ``engine``."""
    from billing.persistence.database import create_engine_for, upgrade

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/second.sqlite"
        engine = create_engine_for(url)
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    admin = request.getfixturevalue("postgres_admin")
    name = f"t_second_{abs(hash(str(tmp_path))) % 10**8}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = create_engine_for(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_statements_per_command_do_not_grow_with_the_agencies(engine, second_engine, tmp_path):
    (tmp_path / "small").mkdir()
    (tmp_path / "larger").mkdir()
    small = statements_per_command(engine, tmp_path / "small", 5)
    larger = statements_per_command(second_engine, tmp_path / "larger", 40)
    # 40 agencies issue 40 invoices, then 40 credit notes and 40 new invoices:
    # the correction changed every agency's first service.
    with Session(second_engine) as session:
        assert session.scalar(select(func.count()).select_from(InvoiceRow)) == 120
    assert larger == small
    assert all(count > 0 for count in small.values()), small
