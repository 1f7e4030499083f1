"""Data on the terminal is shown as written, never obeyed (issue 10): rich
markup in a name, reference, reason, description or file name is printed
literally, and control characters are printed escaped, not sent to the
terminal. On SQLite and PostgreSQL, through the command line.

Found: an agency named "Rekryteringsmyndigheten [/avd 2]" made `billing run`
end in a markup error after the invoices were committed, and `invoices list`
fail from then on, the name being sealed into the invoice;
"Arbetsdomstolen [avd 2]" was shown without its bracket.

Brackets are legal in the files, so they come in through the files. Control
characters are refused by the readers, so they are written into the rows
directly, as data an older version could have stored, or given as an option.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from billing.persistence.models import AgencyRow, AgreementRow, DiscountRow, PassThroughRow, VolumeRow
from db_helpers import (ORG_A, ORG_B, ORG_C, POSTAGE, TARIFFS, WORLD_VOLUMES, write, write_amounts,
                        write_volumes)
from helpers_cli import cli, flat

ESC = "\x1b[31m"
MARKUP = "[/x] [bold] [avd 2]"
HOSTILE = f"{MARKUP} {ESC}"
SHOWN = f"{MARKUP} \\x1b[31m"  # as printed: the brackets kept, ESC written out

NAME_A = "Rekryteringsmyndigheten [/avd 2]"
NAME_B = "Arbetsdomstolen [avd 2]"
# In the file without its control characters; in the database with them (a
# right-to-left override would turn what follows around).
NAME_C_FILE = "G [/x][avd 2]"
NAME_C, SHOWN_C = f"{NAME_C_FILE}{ESC}\u202e", f"{NAME_C_FILE}\\x1b[31m\\u202e"

AGENCIES = f"""\
[[agencies]]
organisation_number = "{ORG_A}"
name = "{NAME_A}"
address = {{ street = "Box 1010", postal_code = "103 20", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 1 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "A {MARKUP}"

[[agencies]]
organisation_number = "{ORG_B}"
name = "{NAME_B}"
address = {{ street = "Box 1011", postal_code = "103 21", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 2 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "B {MARKUP}"

  [[agencies.discounts]]
  percent = "10"
  parts = ["base_fixed"]
  area = "payroll"
  from = "2012-11"
  to = "2012-11"
  reason = "R {MARKUP}"

[[agencies]]
organisation_number = "{ORG_C}"
name = "{NAME_C_FILE}"
address = {{ street = "Box 1012", postal_code = "103 22", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 4 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "C {MARKUP}"
"""


def _ok(result):
    assert result.exit_code == 0, result.output
    return _clean(result)


def _clean(result):
    """No raw control code reached the terminal, and nothing crashed."""
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\u202e" not in stream, stream
        assert "Traceback" not in stream and "MarkupError" not in stream, stream
    return result


def _cells(out: str) -> str:
    """The rows of the tables in ``out``, each with its cells' wrapped lines
    joined again (a row goes on while its first cell is empty), one a line."""
    rows: list[list[str]] = []
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip().split("│")[1:-1]]
        if not cells:
            continue
        if rows and not cells[0] and len(cells) == len(rows[-1]):
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    return "\n".join(" │ ".join(row) for row in rows)


def _with_control_codes(engine) -> None:
    """Control characters written into the rows the files made, as an older
    version could have stored them."""
    agency = lambda org: sa.select(AgencyRow.id).where(AgencyRow.organisation_number == org)  # noqa: E731
    with engine.begin() as connection:
        connection.execute(sa.update(AgencyRow).where(AgencyRow.organisation_number == ORG_C)
                           .values(name=NAME_C))
        for org, letter in ((ORG_A, "A"), (ORG_B, "B"), (ORG_C, "C")):
            connection.execute(sa.update(AgreementRow)
                               .where(AgreementRow.agency_id == agency(org).scalar_subquery())
                               .values(buyer_reference=f"{letter} {HOSTILE}"))
        connection.execute(sa.update(DiscountRow).values(reason=f"R {HOSTILE}"))
        connection.execute(sa.update(PassThroughRow).values(description=f"P {HOSTILE}"))
        connection.execute(sa.update(VolumeRow).where(VolumeRow.agency_id == agency(ORG_B).scalar_subquery(),
                                                      VolumeRow.service_code == "PAY-SLIP-DEV")
                           .values(reference=f"V {HOSTILE}"))


@pytest.fixture
def billed_hostile(engine, database_url, tmp_path):
    """The world's payroll with hostile text everywhere, billed for 2012-11
    through the command line: 1 A, 2 B, 3 C."""
    url = database_url
    _ok(cli(url, "tariffs", "load", TARIFFS))
    agencies = write(tmp_path, "[bold]kunder[/x].toml", AGENCIES)
    imported = _ok(cli(url, "agencies", "import", agencies))
    assert f"{agencies}: 3 agencies added" in flat(imported.stdout)
    november = [row for row in WORLD_VOLUMES["2012-11"] if "PAY-" in row]
    volumes = write_volumes(tmp_path, "[/x]2012-11.csv", november)
    assert f"{volumes}: 3 volume records imported" in flat(_ok(cli(url, "volumes", "import", volumes)).stdout)
    amounts = write_amounts(tmp_path, "porto [avd 2].csv",
                            [f"2012-11,{ORG_A},payroll,P {MARKUP},10.00,0,,,{POSTAGE}"])
    _ok(cli(url, "passthrough", "import", amounts))
    _with_control_codes(engine)
    run = _ok(cli(url, "run", "2012-11", "--date", "2012-12-05"))
    return run, volumes


def test_run_and_list_show_names_as_written(billed_hostile, database_url):
    run, _ = billed_hostile
    assert "3 invoices issued for 2012-11, numbers 1-3" in flat(run.stdout)
    for result in (run, _ok(cli(database_url, "invoices", "list"))):
        out = flat(result.stdout)
        # Names are folded to fit, never cut: at 250 columns the first is whole, "[/" and all.
        assert f"│ 1 │ Faktura │ 2012-11 │ 2012-12-05 │ {ORG_A} │ {NAME_A} │" in out
        assert f"│ 2 │ Faktura │ 2012-11 │ 2012-12-05 │ {ORG_B} │ {NAME_B} │" in out
        assert f"│ 3 │ Faktura │ 2012-11 │ 2012-12-05 │ {ORG_C} │ {SHOWN_C} │" in out


def test_invoice_show_agencies_list_and_trace_show_data_as_written(billed_hostile, database_url):
    url = database_url
    _, volumes = billed_hostile
    first = flat(_ok(cli(url, "invoice", "show", "1")).stdout)
    assert f"Kund {NAME_A} │" in first and f"Er referens A {SHOWN} │" in first
    assert f"│ P {SHOWN} │ 1 │ st │" in first  # the pass-through line's description
    second = flat(_ok(cli(url, "invoice", "show", "2")).stdout)
    assert f"Kund {NAME_B} │" in second and f"Er referens B {SHOWN} │" in second
    assert f"│ R {SHOWN}; prislista standard-2012-06 │" in second  # the discount's reason, under its line
    third = flat(_ok(cli(url, "invoice", "show", "3")).stdout)
    assert f"Kund {SHOWN_C} │" in third and f"Er referens C {SHOWN} │" in third

    listed = flat(_ok(cli(url, "agencies", "list")).stdout)
    for org, name in ((ORG_A, NAME_A), (ORG_B, NAME_B), (ORG_C, SHOWN_C)):
        assert f"│ {org} │ {name} │" in listed

    second = _ok(cli(url, "audit", "trace", "2")).stdout
    assert f"Dokument 2 (faktura), {NAME_B} {ORG_B}, 2012-11" in flat(second)
    assert f"(R {SHOWN}) on lines priced by standard-2012-06" in flat(second)
    assert f"quantity=5, source=Palasso, reference=V {SHOWN}, revision=1" in _cells(second)
    assert f"file={volumes}" in _cells(second)
    first = flat(_ok(cli(url, "audit", "trace", "1")).stdout)
    assert f"Dokument 1 (faktura), {NAME_A} {ORG_A}, 2012-11" in first
    assert f"Rad 4: P {SHOWN} — 1 st à 10,00 = 10,00" in first
    assert f"Dokument 3 (faktura), {SHOWN_C} {ORG_C}" in flat(_ok(cli(url, "audit", "trace", "3")).stdout)


def test_reasons_of_corrections_and_credit_notes_are_shown_as_written(billed_hostile, database_url, tmp_path):
    # Reasons with markup come in through the options (brackets are legal); a
    # reason with a control character is refused there (see test_edge_text), so
    # one is written into a stored document afterwards, as an older version could have.
    url = database_url
    corrected = write_volumes(tmp_path, "[avd 2]rättelse.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,4,Palasso,"])
    taken = _ok(cli(url, "volumes", "correct", corrected, "--reason", f"V {MARKUP}"))
    assert f"{corrected}: 1 record taken in" in flat(taken.stdout)
    correction = flat(_ok(cli(url, "correct", "2012-11", "--reason", f"K {MARKUP}",
                              "--date", "2012-12-20")).stdout)
    # Credit note 4 credits invoice 1, invoice 5 replaces it; both say why.
    assert correction.count(f"Orsak K {MARKUP} │") == 2
    assert f"Kund {NAME_A} │" in correction
    credit = flat(_ok(cli(url, "credit", "2", "--reason", f"C {MARKUP}", "--date", "2012-12-21")).stdout)
    assert f"Orsak C {MARKUP} │" in credit and "Credit note 6 issued for invoice 2." in credit
    assert f"Orsak C {MARKUP} │" in flat(_ok(cli(url, "invoice", "show", "6")).stdout)
    refused = _clean(cli(url, "credit", "3", "--reason", f"C {HOSTILE}", "--date", "2012-12-21"))
    assert refused.exit_code == 1 and "[--reason]" in refused.stderr

    log = _cells(_ok(cli(url, "log")).stdout)
    assert f"batch=5, reason=V {MARKUP} │" in log
    assert f"agency=, reason=K {MARKUP} │" in log
    assert f"number=2, reason=C {MARKUP}, date=2012-12-21 │" in log
    assert "6 documents verified" in flat(_ok(cli(url, "verify")).stdout)

    audited = _clean(cli(url, "audit", "2012-11"))
    assert audited.exit_code == 1  # credited, Arbetsdomstolen has no invoice for the month
    out = flat(audited.stdout)
    # Credited on its own: the finding names the credit note and the command that bills it again.
    # (the table wraps the message over two rows).
    assert f"{ORG_B} {NAME_B} är ofakturerad för 2012-11: faktura 2 krediterades ensam med" in out
    assert f"fakturera på nytt med 'billing correct 2012-11 --agency {ORG_B}'" in out
    # The program's own styling is style, not markup printed as text.
    assert "│ underkänd │" in out and "Minst en kontroll är underkänd." in out
    assert "[green]" not in out and "[red]" not in out and "[yellow]" not in out

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE invoices SET reason = :r WHERE number = 6"),
                           {"r": f"C {HOSTILE}"})
    engine.dispose()
    assert f"Orsak C {SHOWN} │" in flat(_ok(cli(url, "invoice", "show", "6")).stdout)


def test_a_quote_shows_the_prospective_name_as_written(engine, database_url):
    _ok(cli(database_url, "tariffs", "load", TARIFFS))
    quoted = _ok(cli(database_url, "quote", "--employees", "10", "--area", "payroll", "--name",
                     f"Ny {HOSTILE}", "--volume", "PAY-SLIP-DEV=10", "--start", "2013-01"))
    assert f"Prisuppskattning: Ny {SHOWN}" in flat(quoted.stdout)


def test_a_data_error_quoting_a_bad_value_emits_no_control_code(engine, database_url, tmp_path):
    _ok(cli(database_url, "tariffs", "load", TARIFFS))
    bad = write(tmp_path, "[/x]fel.toml", AGENCIES.replace(f'"{ORG_A}"', '"\\u001b[31m[/x]"'))
    refused = _clean(cli(database_url, "agencies", "import", bad))
    assert refused.exit_code == 1
    assert f"{bad}:2 [agencies[0].organisation_number]" in refused.stderr
    assert "Kundmyndigheter (0)" in flat(_ok(cli(database_url, "agencies", "list")).stdout)


def test_a_bad_date_option_is_quoted_without_its_control_code(engine, database_url):
    refused = _clean(cli(database_url, "run", "2012-11", "--date", f"2012-12-0{ESC}"))
    assert refused.exit_code == 2
    assert "not a date (YYYY-MM-DD): 2012-12-0\\x1b[31m" in flat(refused.stderr.replace("│", " "))
