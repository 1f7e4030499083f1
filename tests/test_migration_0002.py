"""Migration 0002: stored price lists converted to their own stored form (form 2),
and invoice_lines.price_source, on a database billed before it. On SQLite and
PostgreSQL.

tests/form1/database-0001.json is every row of a database at revision 0001,
written by the code of that revision (commit 79703ec, before this migration):
tests/form1/tariffs loaded (the shipped tariffs and special-2012-01.toml, a list
with bands, tiers, a per-employee rate read from a TOML float, hourly rates, a
connection fee and VAT rates of its own), the agencies of tests/db_helpers
(Alfaverket, Betaverket, Gammaverket, Epsilonverket) and Deltaverket (series
"special"), November 2012 billed on 2012-12-05 (1 A, 2 B, 3 C, 4 Deltaverket,
5 Epsilonverket), Alfaverket's payslips corrected 3 -> 4 and the month corrected
on 2012-12-20 (6 credits 1, 7 replaces 1), 5 credited on 2012-12-21 (8) and
Epsilonverket billed again the same day (9 replaces 5).
Its price lists are form 1 (the dump of the tariff file model), exactly as that
code stored them, with their hashes; its lines have no price source.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from billing.errors import BillingError, DataError
from billing.files.catalogue_file import load_catalogue
from billing.files.tariff_file import load_price_list
from billing.period import Month
from billing.persistence import database
from billing.persistence.database import alembic_config, create_engine_for, upgrade
from billing.persistence.documents import read_documents as read_invoices
from billing.persistence.mapping import load_price_lists
from billing.persistence.models import InvoiceRow, PriceListRow
from billing.persistence.price_list_form import content_hash, stored_form
from billing.rating.lines import PriceSource
from billing.services.audit import run_audit
from billing.services.corrections import correct_month
from billing.services.tariffs import load_tariffs
from billing.services.trace import trace_document
from billing.services.verify import verify_documents
from billing.services.volumes import correct_volumes
from billing.services.agencies import import_agencies
from db_helpers import ORG_A, WORLD_AGENCIES, write, write_volumes
from helpers_cli import cli, flat

FORM_1 = Path(__file__).parent / "form1"
FIXTURE = json.loads((FORM_1 / "database-0001.json").read_text(encoding="utf-8"))
TABLES = FIXTURE["tables"]
NOVEMBER = Month(2012, 11)
OLD_HEAD = TABLES["number_series"][0]["last_seal"]
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate(engine: sa.Engine, action, revision: str) -> None:
    database.migrate(engine, action, revision)


def version(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _value(column: sa.Column, value):
    if value is not None and isinstance(column.type, sa.DateTime):
        return datetime.fromisoformat(value)
    if value is not None and isinstance(column.type, sa.Date):
        return date.fromisoformat(value)
    return value


def restore_0001(engine: sa.Engine) -> None:
    """A database at revision 0001 holding the fixture's rows, through the
    schema as 0001 made it (reflected), not through today's models."""
    migrate(engine, command.upgrade, "0001")
    assert FIXTURE["revision"] == "0001"
    with engine.begin() as connection:
        metadata = sa.MetaData()
        metadata.reflect(connection)
        tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
        assert {t.name for t in tables} == set(TABLES)
        for table in reversed(tables):
            connection.execute(table.delete())  # the invoice series row 0001 made
        for table in tables:
            rows = [{k: _value(table.c[k], v) for k, v in row.items()} for row in TABLES[table.name]]
            successors = {r["id"]: r.pop("superseded_by_id") for r in rows} \
                if table.name == "volume_records" else {}
            if rows:
                connection.execute(table.insert(), rows)
            for record_id, successor in successors.items():  # a record points to a later one
                if successor is not None:
                    connection.execute(table.update().where(table.c.id == record_id)
                                       .values(superseded_by_id=successor))
            if (connection.dialect.name == "postgresql" and rows and "id" in table.c
                    and isinstance(table.c.id.type, sa.Integer)):  # its sequence past the ids given
                connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                           f"(SELECT max(id) FROM {table.name}))"))
    assert version(engine) == ["0001"]


def stored_price_lists(engine: sa.Engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as connection:
        return {i: (d, h) for i, d, h in connection.execute(
            sa.select(PriceListRow.id, PriceListRow.document, PriceListRow.content_hash))}


# special-2012-01 prices base_fee at 0 % VAT, from before a 0 % item had to
# state its exemption (migration 0005): its file is no longer loaded as it
# stands. Read with one added, then without it, it is the value stored then.
EXEMPT_BASE_FEE = ('\n[vat_exemptions]\nbase_fee = { code = "VATEX-EU-132", '
                   'reason = "Undantaget från skatteplikt" }\n')


def form1_tariffs(directory: Path) -> Path:
    """A copy of the form-1 tariffs whose 0 % item states an exemption."""
    shutil.copytree(FORM_1 / "tariffs", directory)
    special = directory / "special-2012-01.toml"
    special.write_text(special.read_text(encoding="utf-8") + EXEMPT_BASE_FEE, encoding="utf-8")
    return directory


def from_files() -> dict:
    with tempfile.TemporaryDirectory() as work:
        tariffs = form1_tariffs(Path(work) / "tariffs")
        catalogue = load_catalogue(tariffs / "catalogue.toml")
        lists = [load_price_list(p, catalogue) for p in sorted(tariffs.glob("*-*.toml"))]
    return {p.id: replace(p, vat_exemptions={}) for p in lists}


@pytest.fixture
def old_database(database_url):
    engine = create_engine_for(database_url)
    try:
        restore_0001(engine)
        yield engine
    finally:
        engine.dispose()


def test_the_fixture_holds_form_1_price_lists_and_lines_without_sources(old_database):
    stored = stored_price_lists(old_database)
    assert sorted(stored) == ["kammarkollegiet-2012-01", "special-2012-01", "standard-2012-06",
                              "standard-2013-01"]
    for document, _ in stored.values():
        assert "form" not in json.loads(document)
    special = json.loads(stored["special-2012-01"][0])
    assert special["base_fees"]["payroll"]["variable"]["model"] == "bands"
    with old_database.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("invoice_lines")}
    assert "price_source" not in columns


def test_upgrade_converts_the_price_lists_and_keeps_every_document_sealed(old_database, database_url, tmp_path):
    result = cli(database_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert version(old_database) == [HEAD]  # 0002 and the migrations after it

    # Every price list in form 2, hashed anew, and read back as the same value
    # as its tariff file gives; the document is exactly today's stored form.
    files = from_files()
    stored = stored_price_lists(old_database)
    assert sorted(stored) == sorted(files)
    for price_list_id, (document, stored_hash) in stored.items():
        assert json.loads(document)["form"] == 2
        assert document == stored_form(files[price_list_id])
        assert stored_hash == content_hash(document)
    with Session(old_database) as session:
        assert {p.id: p for p in load_price_lists(session)} == files
        documents = read_invoices(session)
    assert [d.number for d in documents] == list(range(1, 10))
    assert {line.price_source for d in documents for line in d.lines} == {None}

    # The documents issued before verify, with the head noted before the upgrade.
    result = cli(database_url, "verify")
    assert result.exit_code == 0, result.output
    assert "9 documents verified: every seal and the chain are intact." in flat(result.stdout)
    assert OLD_HEAD in flat(result.stdout)
    # ... and audit cleanly: re-rated from the converted price lists, the old lines'
    # missing source is no difference.
    with Session(old_database) as session:
        report = run_audit(session, NOVEMBER, NOVEMBER, seed=1)
    assert report.passed, [(c.name, c.findings) for c in report.checks if c.findings]
    assert next(c for c in report.checks if c.name == "rerating").findings == ()
    assert next(c for c in report.checks if c.name == "integrity").findings == ()

    # Loading the same tariff files finds every list unchanged: the hash the
    # migration computed is the one loading computes. special-2012-01 as it
    # stands is refused since 0005, for its 0 % item states no exemption.
    with pytest.raises(DataError, match=r"special-2012-01.toml:\d+ \[vat_rates.base_fee\]: base_fee is at "
                                        "0 % VAT without an exemption reason"):
        with Session(old_database) as session, session.begin():
            load_tariffs(session, FORM_1 / "tariffs")
    others = tmp_path / "tariffs"
    shutil.copytree(FORM_1 / "tariffs", others, ignore=shutil.ignore_patterns("special-*"))
    with Session(old_database) as session, session.begin():
        loaded = load_tariffs(session, others)
    assert (loaded.added, loaded.replaced, sorted(loaded.unchanged)) == (
        [], [], sorted(set(files) - {"special-2012-01"}))


def test_billing_goes_on_after_the_upgrade(old_database, tmp_path):
    upgrade(old_database)

    # Re-rating November gives lines with sources where the invoices in force
    # have none: the same charges, so no correction.
    with Session(old_database) as session, session.begin():
        nothing = correct_month(session, NOVEMBER, date(2012, 12, 28))
    assert (nothing.credit_notes, nothing.invoices) == ((), ())

    # Alfaverket's payslips corrected again, 4 -> 5: its new invoice needs the
    # address the agencies stored before 0005 lack, and is refused naming it,
    # issuing nothing, until its agencies file gives one.
    with Session(old_database) as session, session.begin():
        correct_volumes(session, write_volumes(tmp_path, "again.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,5,Palasso,"]),
                        "ännu en lönespecifikation")
    with pytest.raises(DataError) as refused, Session(old_database) as session, session.begin():
        correct_month(session, NOVEMBER, date(2012, 12, 28))
    assert [p.message.split(": ")[:2] for p in refused.value.problems] == [
        [f"{ORG_A} Alfaverket", "has no postal address, which an invoice must name (the VAT Act)"]]
    alfaverket = WORLD_AGENCIES.split("\n\n[[agencies]]")[0]
    assert 'name = "Alfaverket"' in alfaverket and "address = {" in alfaverket
    with Session(old_database) as session, session.begin():
        import_agencies(session, write(tmp_path, "alfaverket.toml", alfaverket))

    # Then 10 credits 7 (an old invoice: its lines keep no source, it has no
    # address), 11 replaces 7 with sources and the address. 5 x 66.00 = 330.00.
    with Session(old_database) as session, session.begin():
        corrected = correct_month(session, NOVEMBER, date(2012, 12, 28))
    assert [(d.number, d.credits) for d in corrected.credit_notes] == [(10, 7)]
    assert [(d.number, d.replaces) for d in corrected.invoices] == [(11, 7)]
    with Session(old_database) as session:
        credit, new = read_invoices(session, InvoiceRow.number.in_([10, 11]))
    assert {line.price_source for line in credit.lines} == {None}
    assert {line.price_source for line in new.lines} == {PriceSource.PRICE_LIST}
    payslips, = [line for line in new.lines if line.service_code == "PAY-SLIP-DEV"]
    assert (payslips.quantity, payslips.amount) == (Decimal("5"), Decimal("330.00"))
    assert credit.buyer_address is None and new.buyer_address.lines() == ["Box 1002", "103 12 Stockholm"]

    # Old and new documents in one intact chain, and a clean audit.
    with Session(old_database) as session:
        verification = verify_documents(session)
        report = run_audit(session, NOVEMBER, NOVEMBER, seed=1)
    assert verification.intact and verification.documents == 11
    assert report.passed, [(c.name, c.findings) for c in report.checks if c.findings]


def test_old_lines_trace_to_the_list_and_the_agreement_without_a_source(old_database):
    upgrade(old_database)

    with Session(old_database) as session:
        _, epsilon = trace_document(session, 5)
        _, delta = trace_document(session, 4)
    assert epsilon[0].line.price_source is None
    items = {t.line.description: t.price_item for t in epsilon}
    assert items["Tilläggstjänst intresseavdrag"] == (
        "agreement: agreed price 8.00 (in place of standard-2012-06: prices.PAY-ADD-DEDUCT)")
    assert items["Integration mot ekonomisystem"] == (
        "agreement: connection item 'Integration mot ekonomisystem' = 45000.00")
    assert items["Anslutningsavgift lönerelaterade tjänster"] == (
        "standard-2012-06: connection_fees.payroll = 75000.00")
    by_code = {t.line.service_code: t.price_item for t in delta if t.line.service_code}
    assert by_code == {
        "PAY-PENSION": "special-2012-01: prices.PAY-PENSION = 300",
        "PAY-SLIP-DEV": "special-2012-01: prices.PAY-SLIP-DEV = 61.2500",
        "PAY-SPEC-CONSULT": "special-2012-01: hourly_rates.handlaggare = 700.00",
        "FIN-ASSET": "special-2012-01: prices.FIN-ASSET = 3.5",
    }
    variable = [t.price_item for t in delta if str(t.line.part) == "base_variable"]
    assert variable == [
        'special-2012-01: base_fees.payroll.variable = {"kind": "bands", "bands": [{"up_to": 49, '
        '"amount": "500.00"}, {"up_to": 99, "amount": "900.00"}, {"up_to": null, "amount": "1500.00"}]}',
        'special-2012-01: base_fees.finance.variable = {"kind": "tiers", "tiers": [{"up_to": 50, '
        '"rate": "20.50"}, {"up_to": null, "rate": "10.125"}]}']


def test_a_price_list_changed_in_the_database_is_not_converted(old_database, database_url):
    document, stored_hash = stored_price_lists(old_database)["standard-2012-06"]
    altered = document.replace('"PAY-SLIP-DEV":"66.00"', '"PAY-SLIP-DEV":"67.00"')
    assert altered != document
    with old_database.begin() as connection:
        connection.execute(sa.text("UPDATE price_lists SET document = :d WHERE id = 'standard-2012-06'"),
                           {"d": altered})
    before = stored_price_lists(old_database)

    with pytest.raises(BillingError) as refused:
        upgrade(old_database)

    message = str(refused.value)
    assert "migration 0002 (upgrade) refused, nothing was changed" in message
    assert f"price list standard-2012-06 does not match the hash it was loaded with ({stored_hash[:12]})" \
        in message
    # Nothing changed: still 0001, every price list as it was (the altered one
    # with its old hash), no new column.
    assert version(old_database) == ["0001"]
    assert stored_price_lists(old_database) == before
    with old_database.connect() as connection:
        assert "price_source" not in {c["name"] for c in sa.inspect(connection).get_columns("invoice_lines")}
    # The command line says so and exits 1.
    result = cli(database_url, "db", "upgrade")
    assert result.exit_code == 1
    assert "standard-2012-06 does not match the hash" in flat(result.stderr)


def test_downgrade_gives_back_the_documents_of_0001(old_database):
    before = stored_price_lists(old_database)
    upgrade(old_database)
    upgraded = stored_price_lists(old_database)

    migrate(old_database, command.downgrade, "0001")

    assert version(old_database) == ["0001"]
    assert stored_price_lists(old_database) == before
    with old_database.connect() as connection:
        assert "price_source" not in {c["name"] for c in sa.inspect(connection).get_columns("invoice_lines")}
    upgrade(old_database)
    assert stored_price_lists(old_database) == upgraded
