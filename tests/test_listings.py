"""The listings a person reads and a script parses: no amount ever cut, at any
width; every listing as table, CSV and JSON with the same values; the filters
of `invoices list`; `agencies show`; `volumes list`; options a command cannot
honour refused.

The scene (db_helpers' world, with one huge volume so that amounts of 14
characters and more appear):

    2012-11 billed on 2012-12-05: invoice 1 Alfaverket, 2 Betaverket, 3 Gammaverket
    Alfaverket's payslips corrected 3 -> 4, the month corrected on 2012-12-20:
        credit note 4 credits 1, invoice 5 replaces it
    invoice 2 credited on its own on 2012-12-21: credit note 6

    statuses: 1 replaced, 2 credited, 3 in force, 5 in force; 4 and 6 are credit notes

Gammaverket (4 employees; payroll, e-procurement limited to EPR-INV-CODED and
EPR-ORDER) in 2012-11, by hand from tariffs/standard-2012-06.toml:

    payroll fixed 3 000,00 + 4 x 40,00 = 160,00        3 160,00
    PAY-SLIP-ATT 8 x 68,00                               544,00
    PAY-SLIP-DEV 10 000 000 x 66,00              660 000 000,00   (the huge volume)
    e-procurement fixed 2 500,00 + band 750,00          3 250,00
    EPR-INV-CODED 7 x 34,00                              238,00
    net                                          660 007 192,00
    VAT 25 %                                     165 001 798,00
    payable                                      825 008 990,00   (14 characters)
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from billing import swedish
from billing.cli.app import app
from billing.invoicing.in_force import InvoiceStatus, invoice_statuses
from billing.money import format_sek
from billing.services.corrections import credit_invoice
from db_helpers import (ORG_A, ORG_B, ORG_C, TARIFFS, WORLD_AGENCIES, billed_and_corrected, write,
                        write_volumes)
from factories import head
from helpers_cli import cli, flat

NOTE_KIND = "credit-note"
BIG = f"2012-11,{ORG_C},PAY-SLIP-DEV,10000000,Palasso,stor"


@pytest.fixture
def scene(engine, database_url, tmp_path, monkeypatch):
    """The scene above; the huge volume joins the world's November file."""
    import db_helpers
    monkeypatch.setitem(db_helpers.WORLD_VOLUMES, "2012-11", [*db_helpers.WORLD_VOLUMES["2012-11"], BIG])
    billed_and_corrected(engine, tmp_path)
    with Session(engine) as session, session.begin():
        credit_invoice(session, 2, "Fel mottagare", date(2012, 12, 21))
    return database_url


def _run(url: str, columns: int | None, *args) -> str:
    """The command's stdout with COLUMNS at ``columns`` (None: not set, as in a pipe)."""
    result = CliRunner().invoke(app, ["--database-url", url, *map(str, args)],
                                env={"COLUMNS": None if columns is None else str(columns)})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.stdout


def _whole(text: str, table: str) -> bool:
    """``text`` in the table on one line, not part of a longer number."""
    return re.search(r"(?<![\d,])(?<!\d )" + re.escape(text) + r"(?![\d])", table) is not None


AMOUNT_KEYS = {"net", "vat", "payable", "amount", "taxable", "vat_total", "rounding"}
PRICE_KEYS = {"unit_price", "price"}


def _amounts(data, found=None) -> set[str]:
    """Every amount in a JSON value, as the table writes it."""
    found = set() if found is None else found
    if isinstance(data, dict):
        for key, value in data.items():
            if key in AMOUNT_KEYS and isinstance(value, str):
                found.add(format_sek(Decimal(value)))
            elif key in PRICE_KEYS and isinstance(value, str):
                found.add(swedish.price(Decimal(value)))
            else:
                _amounts(value, found)
    elif isinstance(data, list):
        for value in data:
            _amounts(value, found)
    return found


LISTINGS = [
    ("invoices", "list"), ("invoice", "show", "3"), ("agencies", "list"), ("agencies", "show", "gamma"),
    ("tariffs", "list"), ("log",), ("audit", "trace", "3"), ("volumes", "list", "--period", "2012-11"),
]


@pytest.mark.parametrize("columns", [60, 200])
def test_no_amount_is_cut_in_any_listing_at_any_width(scene, columns):
    url = scene
    for args in LISTINGS:
        table = _run(url, columns, *args)
        amounts = _amounts(json.loads(_run(url, columns, *args, "--format", "json")))
        cut = [a for a in amounts if not _whole(a, table)]
        assert cut == [], (args, cut)
        if args[:2] in (("invoices", "list"), ("invoice", "show")):
            # Hand-worked above: Gammaverket's payable, 14 characters.
            assert "825 008 990,00" in amounts and _whole("825 008 990,00", table)
    volumes = _run(url, columns, "volumes", "list", "--period", "2012-11")
    assert _whole("10 000 000", volumes)  # the huge quantity, whole too


def test_the_width_is_columns_or_132_in_a_pipe_and_a_document_at_most_132(scene):
    url = scene
    shown = {columns: _run(url, columns, "invoice", "show", "3") for columns in (None, 100, 250)}
    widths = {columns: max(len(line) for line in text.splitlines()) for columns, text in shown.items()}
    # The description column stretches to the width: 132 in a pipe, COLUMNS when
    # set, and never wider than 132 (a page), however wide the terminal.
    assert widths == {None: 132, 100: 100, 250: 132}
    assert shown[None] == shown[250]


def test_a_table_too_wide_for_the_width_is_printed_wider_never_cut(scene):
    text = _run(scene, 30, "invoices", "list")
    widest = max(len(line) for line in text.splitlines())
    assert widest > 30  # widened: the numbers alone need more than 30 columns
    for line in text.splitlines():
        if "825 008 990,00" in line:
            break
    else:
        pytest.fail("the payable of invoice 3 is not whole on any line")


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _as_csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@pytest.mark.parametrize("args", [
    ("invoices", "list"), ("agencies", "list"), ("tariffs", "list"), ("log",),
    ("volumes", "list", "--period", "2012-11"),
])
def test_each_listing_as_csv_and_json_has_the_same_rows(scene, args):
    rows = json.loads(_run(scene, 200, *args, "--format", "json"))
    table = _csv(_run(scene, 200, *args, "--format", "csv"))
    assert rows and len(table) == len(rows)
    assert [{k: _as_csv_cell(v) for k, v in row.items()} for row in rows] == table


def test_invoices_list_as_json_carries_exact_values_and_statuses(scene):
    rows = {r["number"]: r for r in json.loads(_run(scene, 200, "invoices", "list", "--format", "json"))}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6]
    assert {n: (r["kind"], r["status"]) for n, r in rows.items()} == {
        1: ("invoice", "replaced"), 2: ("invoice", "credited"), 3: ("invoice", "in-force"),
        4: (NOTE_KIND, None), 5: ("invoice", "in-force"), 6: (NOTE_KIND, None)}
    # Amounts as exact decimal text (see the docstring for invoice 3).
    assert (rows[3]["net"], rows[3]["vat"], rows[3]["payable"]) == (
        "660007192.00", "165001798.00", "825008990")
    assert rows[3]["organisation_number"] == ORG_C and rows[3]["period"] == "2012-11"
    # Alfaverket 2012-11: 3 000,00 + 40,00 + 3 x 66,00 = 3 238,00, VAT 809,50,
    # payable 4 048; its credit note is the negation.
    assert (rows[4]["net"], rows[4]["payable"]) == ("-3238.00", "-4048")


def test_invoice_show_as_csv_and_json(scene):
    data = json.loads(_run(scene, 200, "invoice", "show", "3", "--format", "json"))
    lines = _csv(_run(scene, 200, "invoice", "show", "3", "--format", "csv"))
    assert data["number"] == 3 and data["kind"] == "invoice" and data["agency"] == "Gammaverket"
    assert (data["net"], data["vat_total"], data["payable"]) == ("660007192.00", "165001798.00", "825008990")
    assert data["ocr_reference"] == "331" and data["bankgiro"] == "5050-1055"  # 3, length 3, Luhn 1
    # Payroll fixed and variable, PAY-SLIP-ATT, PAY-SLIP-DEV; e-procurement fixed, variable, EPR-INV-CODED.
    assert len(lines) == len(data["lines"]) == 7
    for row, line in zip(lines, data["lines"]):
        assert row["number"] == "3"
        for key in ("line", "description", "quantity", "unit_price", "amount", "vat_rate", "service"):
            assert row[key] == str(line[key]), key
    assert sum(Decimal(row["amount"]) for row in lines) == Decimal("660007192.00")
    note = json.loads(_run(scene, 200, "invoice", "show", "4", "--format", "json"))
    assert note["kind"] == NOTE_KIND and note["credits"] == 1
    assert "ocr_reference" not in note and "bankgiro" not in note  # nothing to pay on a credit note


def test_invoice_show_has_the_ocr_reference_and_the_bankgiro(scene):
    text = flat(_run(scene, 200, "invoice", "show", "3"))
    assert "OCR-nummer 331" in text and "Bankgiro 5050-1055" in text
    note = flat(_run(scene, 200, "invoice", "show", "4"))
    assert "OCR-nummer" not in note and "Bankgiro" not in note


def test_audit_trace_as_csv_and_json(scene, tmp_path):
    data = json.loads(_run(scene, 200, "audit", "trace", "3", "--format", "json"))
    rows = _csv(_run(scene, 200, "audit", "trace", "3", "--format", "csv"))
    assert data["number"] == 3 and data["payable"] == "825008990"
    slips = [line for line in data["lines"] if line["description"].startswith("Löneadministration")]
    big = [b for line in slips for b in line["basis"] if b["quantity"] == "10000000"]
    assert len(big) == 1 and big[0]["kind"] == "volume_record" and big[0]["reference"] == "stor"
    # A row per line and basis item: the five lines, PAY-SLIP-DEV with one record.
    assert len(rows) == sum(max(1, len(line["basis"])) for line in data["lines"])
    assert {(r["line"], r["amount"]) for r in rows} == {(str(l["line"]), l["amount"]) for l in data["lines"]}
    written = tmp_path / "trace.json"
    _run(scene, 200, "audit", "trace", "3", "--format", "json", "--out", written)
    assert json.loads(written.read_text(encoding="utf-8")) == data


# --- the filters of invoices list -------------------------------------------------------------

def _numbers(url, *args) -> list[int]:
    return [r["number"] for r in json.loads(_run(url, 200, "invoices", "list", *args, "--format", "json"))]


def test_invoices_list_filters(scene):
    url = scene
    assert _numbers(url, "--agency", ORG_A) == [1, 4, 5]
    assert _numbers(url, "--agency", ORG_A.replace("-", "")) == [1, 4, 5]  # as typed without the dash
    assert _numbers(url, "--agency", "gAMMA") == [3]  # a part of the name, case ignored
    assert _numbers(url, "--agency", "Betaverket") == [2, 6]
    assert _numbers(url, "--kind", "credit-note") == [4, 6]
    assert _numbers(url, "--kind", "invoice") == [1, 2, 3, 5]
    assert _numbers(url, "--status", "in-force") == [3, 5]
    assert _numbers(url, "--status", "credited") == [2]
    assert _numbers(url, "--status", "replaced") == [1]
    assert _numbers(url, "--period", "2012-11", "--agency", "alfa", "--status", "replaced") == [1]
    assert _numbers(url, "--period", "2012-12") == []


def test_an_agency_named_ambiguously_or_not_at_all_is_refused_with_the_matches(scene):
    many = cli(scene, "invoices", "list", "--agency", "VERKET")
    assert many.exit_code == 1
    message = flat(many.stderr)
    assert f"'VERKET' fits 3 agencies: {ORG_A} Alfaverket; {ORG_B} Betaverket; {ORG_C} Gammaverket" in message
    assert many.stdout == ""
    none = cli(scene, "invoices", "list", "--agency", "Deltaverket")
    assert none.exit_code == 1 and "no agency's name contains 'Deltaverket'" in flat(none.stderr)
    unknown = cli(scene, "invoices", "list", "--agency", "202100-0092")
    assert unknown.exit_code == 1 and "no agency with organisation number 202100-0092" in flat(unknown.stderr)
    assert cli(scene, "invoices", "list", "--status", "paid").exit_code == 2  # not a status


def test_the_table_shows_statuses_in_swedish_and_counts_with_grammar(scene):
    text = flat(_run(scene, 200, "invoices", "list"))
    assert "│ 1 │ Faktura │ 2012-11 │ 2012-12-05 │" in text
    assert "Alfaverket │ ersatt │" in text and "Betaverket │ krediterad │" in text
    assert "Gammaverket │ gällande │" in text
    assert "4 fakturor, 2 kreditfakturor" in text
    one = flat(_run(scene, 200, "invoices", "list", "--agency", "beta", "--kind", "credit-note"))
    assert "0 fakturor, 1 kreditfaktura" in one


def test_pure_status_rule():
    heads = [head(1), head(2, agency_id=2), head(3, agency_id=3),
             head(4, kind=head(4).kind.CREDIT_NOTE, credits=1), head(5, replaces=1),
             head(6, agency_id=2, kind=head(6).kind.CREDIT_NOTE, credits=2)]
    assert invoice_statuses(heads) == {1: InvoiceStatus.REPLACED, 2: InvoiceStatus.CREDITED,
                                       3: InvoiceStatus.IN_FORCE, 5: InvoiceStatus.IN_FORCE}
    # Without the documents pointing to it, an invoice is in force.
    assert invoice_statuses(heads[:3]) == {n: InvoiceStatus.IN_FORCE for n in (1, 2, 3)}


def test_status_of_a_credit_balance_note_and_of_the_invoice_reversing_it():
    note = head(1).kind.CREDIT_NOTE
    # Agency 1: credit balance note 1 (credits nothing), reversed by invoice 2
    # (credits 1) and replaced by invoice 3. Agency 2: note 4 reversed by
    # invoice 5, nothing in its place. Agency 3: note 6, untouched.
    heads = [head(1, kind=note), head(2, credits=1), head(3, replaces=1),
             head(4, agency_id=2, kind=note), head(5, agency_id=2, credits=4),
             head(6, agency_id=3, kind=note)]
    assert invoice_statuses(heads) == {1: InvoiceStatus.REPLACED, 2: InvoiceStatus.REVERSAL,
                                       3: InvoiceStatus.IN_FORCE, 4: InvoiceStatus.REVERSED,
                                       5: InvoiceStatus.REVERSAL, 6: InvoiceStatus.IN_FORCE}
    assert [InvoiceStatus.REVERSED.label, InvoiceStatus.REVERSAL.label] == ["återförd", "återföring"]


# --- agencies show and volumes list ---------------------------------------------------------------

BETA_WITH_TERMS = WORLD_AGENCIES.replace('''  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-07-01
  buyer_reference = "B-200"
''', '''  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-07-01
  buyer_reference = "B-200"
  agreed_prices = { FIN-ADD-SUPPORT = "425.50" }

  [[agencies.discounts]]
  percent = "12.5"
  parts = ["base_fixed", "transaction"]
  area = "finance"
  from = "2013-01"
  to = "2013-12"
  reason = "Eget systemstöd"
''')


def test_agencies_show_has_sizes_agreements_discounts_and_documents(scene, tmp_path):
    assert BETA_WITH_TERMS != WORLD_AGENCIES
    assert cli(scene, "agencies", "import", write(tmp_path, "terms.toml", BETA_WITH_TERMS)).exit_code == 0
    text = flat(_run(scene, 200, "agencies", "show", ORG_B))
    assert f"Betaverket ({ORG_B})" in text
    assert "│ 2012-06-01 │ 2 │" in text  # size
    assert "Avtal: Lönerelaterade tjänster" in text and "Avtal: Ekonomiadministrativa tjänster" in text
    assert "FIN-ADD-SUPPORT à 425,50" in text
    assert "Rabatt 12,5 %" in text and "grundavgift fast del, transaktionsavgifter" in text
    assert "Eget systemstöd" in text
    assert "│ 2 │ Faktura │ 2012-11 │ 2012-12-05 │ 2013-01-04 │ krediterad │" in text
    assert "│ 6 │ Kredit │ 2012-11 │ 2012-12-21 │" in text
    data = json.loads(_run(scene, 200, "agencies", "show", "betaverket", "--format", "json"))
    assert data["organisation_number"] == ORG_B
    assert data["sizes"] == [{"effective": "2012-06-01", "employees": 2}]
    assert [a["area"] for a in data["agreements"]] == ["payroll", "finance"]
    assert data["agreements"][1]["agreed_prices"] == [{"service": "FIN-ADD-SUPPORT", "price": "425.50"}]
    assert data["discounts"] == [{"percent": "12.5", "parts": ["base_fixed", "transaction"],
                                  "area": "finance", "start": "2013-01", "end": "2013-12",
                                  "reason": "Eget systemstöd"}]
    assert [(d["number"], d["kind"], d["status"], d["credits"]) for d in data["documents"]] == [
        (2, "invoice", "credited", None), (6, NOTE_KIND, None, 2)]
    refused = cli(scene, "agencies", "show", ORG_B, "--format", "csv")
    assert refused.exit_code == 2  # one agency is several tables: no single CSV


def test_volumes_list_shows_the_records_in_force(scene):
    rows = json.loads(_run(scene, 200, "volumes", "list", "--period", "2012-11", "--format", "json"))
    # The world's six records and the huge one; Alfaverket's 3 payslips were
    # superseded by the correction (4), so only the new revision is listed.
    assert len(rows) == 7
    alfa = [(r["service"], r["quantity"], r["revision"]) for r in rows if r["organisation_number"] == ORG_A]
    assert alfa == [("PAY-SLIP-DEV", "4", 2)]
    assert [r["quantity"] for r in rows if r["reference"] == "stor"] == ["10000000"]
    only = json.loads(_run(scene, 200, "volumes", "list", "--period", "2012-11", "--agency", "gamma",
                           "--format", "json"))
    assert {r["organisation_number"] for r in only} == {ORG_C} and len(only) == 3
    text = flat(_run(scene, 200, "volumes", "list", "--period", "2012-11"))
    assert "7 volymposter" in text and "Volymposter 2012-11" in text
    one = flat(_run(scene, 200, "volumes", "list", "--period", "2012-11", "--agency", "alfa"))
    assert "1 volympost" in one and "1 volymposter" not in one


# --- options a command cannot honour ---------------------------------------------------------------

def test_options_that_cannot_be_honoured_are_refused(scene, tmp_path):
    out = tmp_path / "report.txt"
    for args, named in (
            (("audit", "2012-11", "--out", out), "--out"),  # a table is for the terminal
            (("audit", "trace", "3", "--out", out), "--out"),
            (("audit", "trace", "3", "--to", "2012-12"), "--to"),
            (("audit", "trace", "3", "--sample", "2", "--seed", "1"), "--sample, --seed"),
            (("audit", "trace", "3", "--format", "html"), "--format"),
            (("audit", "2012-11", "3"), "NUMBER"),
            (("invoice", "show", "3", "--format", "csv", "--centre", out), "--centre")):
        refused = cli(scene, *args)
        assert refused.exit_code == 2, args
        assert named in refused.output, args
        assert not out.exists()
    # What can be honoured is: a report in a file, a trace as JSON.
    written = cli(scene, "audit", "2012-11", "--format", "json", "--out", out)
    assert written.exit_code in (0, 1) and json.loads(out.read_text(encoding="utf-8"))["first"] == "2012-11"
    assert json.loads(_run(scene, 200, "audit", "trace", "3", "--format", "json"))["number"] == 3


def test_grammar_of_counts_in_messages_and_invoice_lines(engine, database_url, tmp_path):
    url = database_url
    assert cli(url, "tariffs", "load", TARIFFS).exit_code == 0
    one = WORLD_AGENCIES.split("[[agencies]]")[1]
    imported = cli(url, "agencies", "import", write(tmp_path, "one.toml", "[[agencies]]" + one))
    assert "1 agency added" in flat(imported.stdout)
    volumes = write_volumes(tmp_path, "v.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,3,Palasso,"])
    assert "1 volume record imported" in flat(cli(url, "volumes", "import", volumes).stdout)
    run = flat(cli(url, "run", "2012-11", "--date", "2012-12-05").stdout)
    assert "1 invoice issued for 2012-11, numbers 1-1" in run
    assert "1 faktura" in run and "1 fakturor" not in run
    shown = flat(cli(url, "invoice", "show", "1").stdout)
    assert "underlag: 1 volympost" in shown and "volymposter" not in shown
    assert "1 document verified" in flat(cli(url, "verify").stdout)
