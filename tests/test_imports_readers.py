"""Issue 13 on a real database (SQLite and PostgreSQL): the same volumes saved
as a person's spreadsheet program saves them (UTF-8, UTF-8 with BOM and
decimal commas, Windows-1252, an Excel workbook) are stored alike; each
malformed variant is refused with where and what, and changes nothing; and
each import says what it read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.persistence.models import AgencyRow, VolumeRow
from billing.services.passthrough import import_pass_through
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import ORG_A, ORG_B, ORG_C, ORG_UNKNOWN, dump, setup_world, write
from helpers_cli import cli, flat

HEADER = ["period", "organisation_number", "service", "quantity", "source", "reference"]
SWEDISH = ["Månad", "Organisationsnummer", "Tjänst", "Antal", "Källa", "Referens"]
# December's volumes of the world's three agencies; hours with decimals, and
# å, ä and ö in a source and a reference.
VOLUMES = [
    ["2012-12", ORG_A, "PAY-SLIP-DEV", "4", "Palasso", ""],
    ["2012-12", ORG_A, "PAY-SPEC-STATS", "2.25", "Källsystemet", "uppdrag åäö"],
    ["2012-12", ORG_B, "PAY-SLIP-DEV", "6", "Palasso", ""],
    ["2012-12", ORG_B, "FIN-ASSET", "1201", "Agresso", "Ärende 7"],
    ["2012-12", ORG_C, "EPR-INV-CODED", "9", "Proceedo", ""],
]
# What every variant stores: (period, organisation number, service, quantity, source,
# reference, line in the file, revision).
STORED = [("2012-12", org, service, quantity, source, reference, line, 1)
          for line, (_, org, service, quantity, source, reference) in enumerate(VOLUMES, start=2)]


def csv_file(tmp_path: Path, name: str, encoding: str, separator: str, decimal: str,
             header: list[str] = HEADER) -> Path:
    lines = [separator.join(header)] + [separator.join(v.replace(".", decimal) for v in row)
                                        for row in VOLUMES]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def xlsx_file(tmp_path: Path, name: str, rows: list[list], title: str = "Volymer",
              merge: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    path = tmp_path / name
    book.save(path)
    return path


def typed(row: list[str]) -> list:
    """A row as a person types it into a sheet: the month a date, quantities numbers."""
    period, org, service, quantity, source, reference = row
    number = float(quantity) if "." in quantity else int(quantity)  # float ok: a cell's number
    return [date(2012, 12, 1), org, service, number, source, reference or None]


VARIANTS = {
    "utf-8 comma": lambda d: csv_file(d, "v.csv", "utf-8", ",", "."),
    "utf-8 bom semicolon decimal comma": lambda d: csv_file(d, "v.csv", "utf-8-sig", ";", ","),
    "windows-1252 semicolon swedish names": lambda d: csv_file(d, "v.csv", "cp1252", ";", ",",
                                                               SWEDISH),
    "xlsx": lambda d: xlsx_file(d, "volymer.xlsx", [SWEDISH, *map(typed, VOLUMES)]),
}


def stored(engine) -> list[tuple]:
    with Session(engine) as session:
        return [(str(r.period), org, r.service_code, str(r.quantity), r.source, r.reference,
                 r.source_line, r.revision)
                for r, org in session.execute(
                    sa.select(VolumeRow, AgencyRow.organisation_number)
                    .join(AgencyRow, AgencyRow.id == VolumeRow.agency_id).order_by(VolumeRow.id))]


def take_in(engine, action):
    with Session(engine) as session, session.begin():
        return action(session)


def refused(engine, action) -> DataError:
    before = dump(engine)
    with pytest.raises(DataError) as caught:
        take_in(engine, action)
    assert dump(engine) == before
    return caught.value


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_each_variant_stores_the_same_volume_records(engine, tmp_path, variant):
    setup_world(engine, tmp_path, months=())
    path = VARIANTS[variant](tmp_path)
    result = take_in(engine, lambda s: import_volumes(s, path))
    assert (result.added, result.skipped) == (5, 0)
    assert stored(engine) == STORED


def test_once_one_variant_is_in_the_others_are_the_same_records(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    for number, name in enumerate(VARIANTS):
        directory = tmp_path / str(number)
        directory.mkdir()
        path = VARIANTS[name](directory)
        result = take_in(engine, lambda s: import_volumes(s, path))
        # the first stores them all; each other is the same records (period, agency,
        # service, reference and quantity), already there
        assert (result.added, result.skipped) == ((5, 0) if number == 0 else (0, 5)), name
    assert stored(engine) == STORED


def test_the_summary_of_what_was_read(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    path = VARIANTS["windows-1252 semicolon swedish names"](tmp_path)
    read = take_in(engine, lambda s: import_volumes(s, path)).read
    assert read.form == "Windows-1252, separated by ';', decimal comma"
    assert (read.rows, read.agencies) == (5, 3)
    assert [str(m) for m in read.months] == ["2012-12"]
    # PAY-SLIP-DEV 4 + 6 = 10; the others one record each
    assert [(s, str(q)) for s, q in read.quantities] == [
        ("EPR-INV-CODED", "9"), ("FIN-ASSET", "1201"), ("PAY-SLIP-DEV", "10"),
        ("PAY-SPEC-STATS", "2.25")]


# --- malformed variants: refused, located, nothing changed ----------------------------------

def _lines(tmp_path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / "bad.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


MALFORMED = {
    "mixed separators": (
        lambda d: _lines(d, [";".join(HEADER), f"2012-12;{ORG_A};PAY-SLIP-DEV;4;;",
                             f"2012-12,{ORG_B},PAY-SLIP-DEV,6,,"]),
        ["bad.csv:3 [period]: this line is separated by ',', the header by ';': save the file "
         "with one separator"]),
    "two decimal styles in one column": (
        lambda d: _lines(d, [";".join(HEADER), f"2012-12;{ORG_A};PAY-SPEC-STATS;2,25;;",
                             f"2012-12;{ORG_B};PAY-SPEC-STATS;1.5;;"]),
        ["bad.csv:3 [quantity]: decimal point in '1.5', but a decimal comma on line 2: write the "
         "numbers of a column one way"]),
    "ambiguous comma file": (
        lambda d: _lines(d, [",".join(HEADER), f"2012-12,{ORG_A},PAY-SPEC-STATS,2,25,Palasso,"]),
        ["bad.csv:2 [quantity]: more values than columns: is '2,25' one number with a decimal "
         "comma? In a file separated by commas, write it with a point (2.25) or in quotes "
         "(\"2,25\"), or save the file separated by ';'"]),
    "header on the wrong line": (
        lambda d: _lines(d, ["Volymer december", ";".join(HEADER), f"2012-12;{ORG_A};PAY-SLIP-DEV;4;;"]),
        ["bad.csv:1: missing column(s): period, organisation_number, service, quantity",
         "bad.csv:1: unknown column(s): Volymer december (the columns are period, "
         "organisation_number, service, quantity, source, reference, or their Swedish names: "
         "see docs/formats.md)",
         "bad.csv:2: the column names are on line 2: the first line must name the columns "
         "(remove the lines above it)"]),
    "merged header": (
        lambda d: xlsx_file(d, "bad.xlsx", [["Volymer december"], HEADER,
                                            typed(VOLUMES[0])], merge="A1:F1"),
        ["bad.xlsx [Volymer] row 1: missing column(s): period, organisation_number, service, "
         "quantity",
         "bad.xlsx [Volymer] row 1: unknown column(s): Volymer december (the columns are period, "
         "organisation_number, service, quantity, source, reference, or their Swedish names: "
         "see docs/formats.md)",
         "bad.xlsx [Volymer] row 2: the column names are on row 2: the first row must name the "
         "columns (remove the rows above it)"]),
    "empty sheet": (
        lambda d: xlsx_file(d, "bad.xlsx", []),
        ["bad.xlsx [Volymer] row 1: the sheet 'Volymer' is empty: its first row must name the "
         "columns"]),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_variant_is_refused_and_changes_nothing(engine, tmp_path, name):
    setup_world(engine, tmp_path, months=())
    make, expected = MALFORMED[name]
    path = make(tmp_path)
    error = refused(engine, lambda s: import_volumes(s, path))
    assert [str(p).replace(str(path), path.name) for p in error.problems] == expected


def test_the_import_s_own_problems_in_a_workbook_name_sheet_row_and_column(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    rows = [SWEDISH, typed(VOLUMES[0]), ["2012-12", ORG_UNKNOWN, "PAY-SLIP-DEV", 3],
            ["2012-12", ORG_A, "FIN-ASSET", 5]]
    path = xlsx_file(tmp_path, "volymer.xlsx", rows)
    error = refused(engine, lambda s: import_volumes(s, path))
    assert [str(p).replace(str(path), path.name) for p in error.problems] == [
        f"volymer.xlsx [Volymer] row 3, column B (organisation_number): unknown agency {ORG_UNKNOWN}",
        "volymer.xlsx [Volymer] row 4, column C (service): Alfaverket has no finance agreement in "
        "force in 2012-12"]


def test_a_correction_from_a_workbook(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    take_in(engine, lambda s: import_volumes(s, VARIANTS["utf-8 comma"](tmp_path)))
    path = xlsx_file(tmp_path, "rättelse.xlsx", [HEADER, ["2012-12", ORG_B, "FIN-ASSET", 1210,
                                                          "Agresso", "Ärende 7"]], title="Blad1")
    result = take_in(engine, lambda s: correct_volumes(s, path, "fel i underlaget"))
    assert (result.added, result.superseded, result.read.rows) == (1, 1, 1)
    assert stored(engine)[-1] == ("2012-12", ORG_B, "FIN-ASSET", "1210", "Agresso", "Ärende 7", 2, 2)


def test_pass_through_amounts_from_a_workbook_are_summed_and_located(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    header = ["Månad", "Orgnr", "Område", "Beskrivning", "Belopp", "Moms", "Leverantör", "Referens"]
    path = xlsx_file(tmp_path, "belopp.xlsx", [
        header,
        ["2012-12", ORG_A, "payroll", "Systemtjänst Palasso", 1234.56, 25, "Skatteverket", "SKV-1"],
        ["2012-12", ORG_B, "finance", "Systemtjänst Agresso", "1 000,50", 25, "ESV", "ESV-1"]],
        title="Blad1")
    result = take_in(engine, lambda s: import_pass_through(s, path))
    # 1234.56 + 1000.50 = 2235.06
    assert (result.added, result.read.rows, result.read.agencies, str(result.read.amount)) == (
        2, 2, 2, "2235.06")
    wrong = xlsx_file(tmp_path, "fel.xlsx", [
        header, ["2012-12", ORG_A, "finance", "Systemtjänst Agresso", 10, 25, "ESV", "ESV-2"]],
        title="Blad1")
    error = refused(engine, lambda s: import_pass_through(s, wrong))
    assert [str(p).replace(str(wrong), wrong.name) for p in error.problems] == [
        "fel.xlsx [Blad1] row 2, column C (area): Alfaverket has no finance agreement in force "
        "in 2012-12"]


def test_the_command_line_says_what_it_read(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    path = xlsx_file(tmp_path, "volymer.xlsx", [SWEDISH, *map(typed, VOLUMES)])
    done = cli(database_url, "volumes", "import", path)
    assert done.exit_code == 0
    out = flat(done.stdout)
    assert f"{path}: read 5 rows (sheet Volymer): 3 agencies, months 2012-12" in out
    assert "quantity per service (4 services): EPR-INV-CODED 9 FIN-ASSET 1201 PAY-SLIP-DEV 10 " \
           "PAY-SPEC-STATS 2.25" in out
    assert f"{path}: 5 volume records imported, 0 already there." in out
    amounts = write(tmp_path, "amounts.csv",
                    "Månad;Orgnr;Område;Beskrivning;Belopp\n"
                    f"2012-12;{ORG_A};payroll;Systemtjänst;1 234,56\n"
                    f"2012-12;{ORG_B};payroll;Systemtjänst;-34,56\n")
    done = cli(database_url, "passthrough", "import", amounts)
    assert done.exit_code == 0
    # 1234.56 - 34.56 = 1200.00
    assert "total amount: 1 200,00 SEK" in flat(done.stdout)
    assert "read 2 rows (UTF-8, separated by ';', decimal comma): 2 agencies, months 2012-12" \
        in flat(done.stdout)


def test_the_command_line_names_the_sheet_or_says_to(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    book = Workbook()
    book.active.title = "Anteckningar"
    sheet = book.create_sheet("Volymer")
    for row in [HEADER, typed(VOLUMES[0]), ["2012-12", ORG_A, "PAY-SLIP-DEV", -1, "", "x"]]:
        sheet.append(row)
    path = tmp_path / "volymer.xlsx"
    book.save(path)
    unnamed = cli(database_url, "volumes", "import", path)
    assert unnamed.exit_code == 1
    assert (f"{path} [sheet]: the workbook has 2 sheets (Anteckningar, Volymer): name the one to "
            "read (--sheet)") in flat(unnamed.stderr)
    named = cli(database_url, "volumes", "import", path, "--sheet", "Volymer")
    assert named.exit_code == 1
    assert f"{path} [Volymer] row 3, column D (quantity): negative quantity -1" in flat(named.stderr)
