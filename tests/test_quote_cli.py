"""`billing quote` and `billing whatif` on a real database (typer's CliRunner),
and the CSV/JSON output they share (issue 4)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal

import lxml.html
import pytest

from billing.reports.tabular import neutralise, to_csv, to_json
from db_helpers import (ORG_A, ORG_B, ORG_C, ROOT, TARIFFS, WORLD_AGENCIES, check_assumed_prices,
                        copy_tariffs, dump, set_price, setup_world, write)
from helpers_cli import cli, flat
from factories import D

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def draft(directory, price: str = "72.60"):
    """standard-2012-06 under a new id with PAY-SLIP-DEV at ``price`` (66.00 in force)."""
    text = (TARIFFS / "standard-2012-06.toml").read_text(encoding="utf-8")
    path = write(directory, "draft.toml", text.replace('id = "standard-2012-06"', 'id = "utkast-2012-06"'))
    set_price(path, "PAY-SLIP-DEV", price)
    return path


# --- CSV and JSON, pure -----------------------------------------------------------------

def test_the_formula_starts_are_neutralised():
    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    assert to_csv([{"a": "\r=1"}]).startswith("a\r\n\"'")  # quoted: it holds a carriage return
    # JSON is read by programs, not spreadsheets: it carries the text exactly (issue 10).
    assert json.loads(to_json(["\r=1"])) == ["\r=1"]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x.example","klicka")', "+46 8 123", "-2+3",
                                  "@SUM(A1:A2)", "\t=1"])
def test_a_text_cell_a_spreadsheet_would_run_is_neutralised(text):
    assert neutralise(text) == "'" + text
    row = [{"name": text, "amount": D("-46.20")}]
    parsed, = csv.DictReader(io.StringIO(to_csv(row)))
    assert parsed == {"name": "'" + text, "amount": "-46.20"}
    # Only CSV cells are neutralised; JSON carries the data exactly (issue 10).
    assert json.loads(to_json({"rows": row})) == {"rows": [{"name": text, "amount": "-46.20"}]}


def test_plain_text_and_numbers_are_left_alone():
    for value in ("Alfaverket", "202100-0001", "a=b", " =1", "", D("-5.00"), -5, None):
        assert neutralise(value) == value
    rows = [{"org": "202100-0001", "current": D("6542.00"), "change": D("-0.10"), "percent": None,
             "count": -3, "tiny": D("0.000001")}]
    assert to_csv(rows) == "org,current,change,percent,count,tiny\r\n202100-0001,6542.00,-0.10,,-3,0.000001\r\n"
    assert json.loads(to_json(rows)) == [{"org": "202100-0001", "current": "6542.00", "change": "-0.10",
                                          "percent": None, "count": -3, "tiny": "0.000001"}]
    assert to_csv([]) == ""


def test_a_cell_with_a_carriage_return_stays_in_its_row():
    text = to_csv([{"name": "Alfa\rverket", "amount": D("1.00")}])
    assert list(csv.DictReader(io.StringIO(text, newline=""))) == [{"name": "Alfa\rverket", "amount": "1.00"}]


# --- billing quote ---------------------------------------------------------------------------

QUOTE = ("quote", "--employees", "40", "--area", "payroll", "--volume", "PAY-SLIP-DEV=40", "--start", "2013-01")
# standard-2013-01, 40 employees, payroll only, 2013-01 for 12 months:
#   a month: 3100.00 + 40 x 40.00 + 40 x 68.00 = 4700.00 + 2720.00 = 7420.00 (annual cost)
#   year: annual 12 x 7420.00 = 89040.00; extraordinary 0.00; one-off: payroll connection 75000.00
#   net 164040.00; VAT: January (7420.00 + 75000.00) x 25 % = 20605.00, other months 1855.00
#   -> 20605.00 + 11 x 1855.00 = 41010.00; total 205050.00; recurring per month 7420.00


def test_quote_prints_the_cost_classes_with_vat_apart(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    before = dump(engine)
    result = cli(database_url, *QUOTE)
    assert result.exit_code == 0, result.stderr
    out = flat(result.stdout)
    for text in ("Prisuppskattning: Ny kundmyndighet", "Årlig kostnad", "Extraordinär", "Engångskostnad",
                 "Moms", "2013 (12 mån)", "│ 89 040,00 │ 0,00 │ 75 000,00 │ 164 040,00 │ 41 010,00 │ "
                 "205 050,00 │ 7 420,00 │", "│ PAY-SLIP-DEV │ 40 │ angivet │", "Prislistor: standard-2013-01."):
        assert text in out, text
    assert dump(engine) == before


def test_quote_as_csv_and_json_with_exact_decimals(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    as_csv = cli(database_url, *QUOTE, "--format", "csv")
    assert as_csv.exit_code == 0
    assert as_csv.stdout == (
        "year,months,annual,extraordinary,one_off,net,vat,total,recurring_per_month,price_lists\n"
        "2013,12,89040.00,0.00,75000.00,164040.00,41010.00,205050.00,7420.00,standard-2013-01\n")

    as_json = cli(database_url, *QUOTE, "--format", "json", "--years", "2")
    assert as_json.exit_code == 0
    data = json.loads(as_json.stdout)
    # Two years: 2014 has no connection, so net 89040.00, VAT 12 x 1855.00 = 22260.00
    assert data == {
        "years": [
            {"year": 2013, "months": 12, "annual": "89040.00", "extraordinary": "0.00", "one_off": "75000.00",
             "net": "164040.00", "vat": "41010.00", "total": "205050.00", "recurring_per_month": "7420.00",
             "price_lists": "standard-2013-01"},
            {"year": 2014, "months": 12, "annual": "89040.00", "extraordinary": "0.00", "one_off": "0.00",
             "net": "89040.00", "vat": "22260.00", "total": "111300.00", "recurring_per_month": "7420.00",
             "price_lists": "standard-2013-01"}],
        "volumes": [{"service": "PAY-SLIP-DEV", "monthly_quantity": "40", "source": "angivet"}]}


def test_the_two_area_quote_of_tests_test_quote_from_the_command_line(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    result = cli(database_url, "quote", "--employees", "40", "--area", "payroll", "--area", "eprocurement",
                 *[x for v in ("PAY-SLIP-DEV=40", "PAY-EXPENSE=10", "PAY-ADD-DEDUCT=2", "PAY-SPEC-STATS=3",
                               "EPR-INV-CODED=100", "EPR-ORDER=21", "EPR-ADD-SCAN=5") for x in ("--volume", v)],
                 "--subscription", "EPR-ADD-CHART", "--connection-item", "Konvertering av lönedata=12500.00",
                 "--start", "2013-01", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    # Worked out by hand in tests/test_quote.py (SMALL): annual 12 x 14349.50, extraordinary
    # 12 x 5325.00, one-off 75000.00 + 40000.00 + 12500.00, VAT 36793.63 + 11 x 4918.63.
    assert result.stdout.splitlines()[1] == (
        "2013,12,172194.00,63900.00,127500.00,363594.00,90898.56,454492.56,19674.50,standard-2013-01")


def test_quote_across_a_price_change_from_the_command_line(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    result = cli(database_url, "quote", "--employees", "40", "--area", "payroll", "--volume",
                 "PAY-SLIP-DEV=40", "--start", "2012-12", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # December 2012 at standard-2012-06: 3000.00 + 1600.00 + 40 x 66.00 = 7240.00, + 75000.00 connection;
    #   VAT 82240.00 x 25 % = 20560.00
    # 2013-01..11 at standard-2013-01: 11 x 7420.00 = 81620.00, VAT 11 x 1855.00 = 20405.00
    assert [(r["year"], r["months"], r["annual"], r["one_off"], r["vat"], r["price_lists"]) for r in rows] == [
        ("2012", "1", "7240.00", "75000.00", "20560.00", "standard-2012-06"),
        ("2013", "11", "81620.00", "0.00", "20405.00", "standard-2013-01")]
    named = cli(database_url, "quote", "--employees", "40", "--area", "payroll", "--volume",
                "PAY-SLIP-DEV=40", "--start", "2012-12", "--tariff-id", "standard-2012-06", "--format", "csv")
    # Every month at standard-2012-06: 2013 annual 11 x 7240.00 = 79640.00
    assert [r["annual"] for r in csv.DictReader(io.StringIO(named.stdout))] == ["7240.00", "79640.00"]


def test_quote_saved_as_a_self_contained_html_document(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    target = tmp_path / "offert.html"
    result = cli(database_url, *QUOTE, "--name", "<b>Fet</b> & Co", "--html", target)
    assert result.exit_code == 0, result.stderr
    assert f"Quote saved as {target}." in flat(result.stdout + result.stderr)
    page = target.read_text(encoding="utf-8")
    lowered = page.lower()
    for external in ("http://", "https://", "<script", "<link", "src=", "href=", "url(", "@import"):
        assert external not in lowered, external
    assert "<b>Fet</b>" not in page and "&lt;b&gt;Fet&lt;/b&gt; &amp; Co" in page
    for item in ("<li>Storlek: 40 anställda under hela perioden.</li>",
                 "<li>Period: 2013-01 till 2013-12 (12 månader).</li>",
                 "<li>Prislista: den version som gäller varje månad.</li>"):
        assert item in page, item
    # Babel's Swedish amounts (no-break space), services by their names.
    assert "205\u00a0050,00" in page
    assert ("<tr><td>Löneadministration avvikelserapportering 8-17, per lönespecifikation</td>"
            '<td class="n">40</td><td>angivet</td></tr>') in page


@pytest.mark.parametrize("args, message", [
    (("--volume", "PAY-SLIP-XYZ=5"), "[--volume]: unknown service PAY-SLIP-XYZ"),
    (("--volume", "PAY-SLIP-DEV=-1"), "[--volume]: negative volume for PAY-SLIP-DEV: -1"),
    (("--employees", "0", "--volume", "PAY-SLIP-DEV=40"), "[--employees]: the size must be at least 1 employee, not 0"),
    (("--volume", "PAY-SLIP-DEV=40", "--start", "2012-04"),
     "payroll: no price list of series 'standard' in force in 2012-04"),
    (("--volume", "PAY-SLIP-DEV=40", "--subscription", "EPR-ADD-CHART"),
     "[--subscription]: EPR-ADD-CHART belongs to eprocurement, which is not requested"),
    (("--volume", "PAY-SLIP-DEV=40", "--tariff-id", "standard-2099-01"),
     "[--tariff-id]: no price list 'standard-2099-01'"),
    (("--volume", "PAY-SLIP-DEV=40", "--tariff-id", "utkast-2012-06", "--volume", "PAY-SLIP-ATT=5"),
     "price list utkast-2012-06 does not price PAY-SLIP-ATT"),
    (("--volume", "PAY-SLIP-DEV=40", "--years", "0"), "[--years]: the span must be at least one month"),
    ((), "[--volume]: give the expected monthly volumes"),
    (("--estimate", "--history-from", "2013-01"), "[--estimate]: no volume history from 2013-01 to the last"),
])
def test_quote_bad_input_exits_1_with_a_clear_message(engine, database_url, tmp_path, args, message):
    # The stored lists plus one of another series that does not price PAY-SLIP-ATT.
    tariffs = copy_tariffs(tmp_path)
    text = (tariffs / "standard-2012-06.toml").read_text(encoding="utf-8")
    text = text.replace('id = "standard-2012-06"', 'id = "utkast-2012-06"').replace(
        'series = "standard"', 'series = "utkast"').replace('PAY-SLIP-ATT = "68.00"\n', "")
    write(tariffs, "utkast-2012-06.toml", text)
    setup_world(engine, tmp_path, months=("2012-11",), tariffs=tariffs)
    before = dump(engine)
    base = ("quote", "--employees", "40", "--area", "payroll", "--start", "2013-01")
    if "--employees" in args:
        base = ("quote", "--area", "payroll", "--start", "2013-01")
    result = cli(database_url, *base, *args)
    assert result.exit_code == 1
    assert message in flat(result.stderr)
    assert result.stdout == ""
    assert dump(engine) == before


@pytest.mark.parametrize("args", [("--volume", "PAY-SLIP-DEV=fem"), ("--volume", "PAY-SLIP-DEV"),
                                  ("--area", "lön"), ("--start", "2013-13"), ("--format", "xml")])
def test_quote_malformed_options_are_usage_errors(tmp_path, args):
    # Refused while the options are read, before any database is opened.
    result = cli(f"sqlite:///{tmp_path}/billing.sqlite", "quote", "--employees", "40", "--area", "payroll", *args)
    assert result.exit_code == 2


@SQLITE_ONLY
def test_an_unknown_area_of_a_volume_is_named(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    result = cli(database_url, "quote", "--employees", "40", "--area", "payroll", "--volume", "EPR-INV-CODED=5")
    assert result.exit_code == 1
    assert "EPR-INV-CODED belongs to eprocurement, which is not requested" in flat(result.stderr)


@SQLITE_ONLY
@pytest.mark.parametrize("name", ["Nya verket [utkast]", "Verket [/]"])
def test_the_quote_table_shows_the_name_as_given(engine, database_url, tmp_path, name):
    setup_world(engine, tmp_path, months=())
    result = cli(database_url, *QUOTE, "--name", name)
    assert result.exit_code == 0
    assert f"Prisuppskattning: {name}" in flat(result.stdout)


@SQLITE_ONLY
def test_the_whatif_table_shows_agency_names_as_stored(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",),
                agencies_text=WORLD_AGENCIES.replace('name = "Alfaverket"', 'name = "Alfaverket [gamla]"'))
    result = cli(database_url, "whatif", "--tariff", draft(tmp_path))
    assert result.exit_code == 0
    assert "Alfaverket [gamla]" in flat(result.stdout)


@SQLITE_ONLY
@pytest.mark.parametrize("output", ["csv", "json"])
def test_machine_readable_output_stays_clean_when_html_is_saved_too(engine, database_url, tmp_path, output):
    setup_world(engine, tmp_path, months=())
    target = tmp_path / "offert.html"
    result = cli(database_url, *QUOTE, "--format", output, "--html", target)
    assert result.exit_code == 0 and target.exists()
    if output == "json":
        assert json.loads(result.stdout)["years"][0]["total"] == "205050.00"
    else:
        assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 1


@SQLITE_ONLY
def test_a_connection_item_that_is_not_an_amount_is_refused(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    result = cli(database_url, *QUOTE, "--connection-item", "Konvertering=NaN", "--format", "csv")
    assert "NaN" not in result.stdout
    assert result.exit_code != 0
    assert "--connection-item" in flat(result.stderr)


@SQLITE_ONLY
def test_an_html_file_that_cannot_be_written_is_a_clear_error(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    target = tmp_path / "saknas" / "offert.html"
    result = cli(database_url, *QUOTE, "--html", target)
    assert result.exit_code == 1
    assert str(target) in flat(result.stderr)


@SQLITE_ONLY
def test_a_repeated_subscription_is_not_charged_twice(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=())
    result = cli(database_url, "quote", "--employees", "10", "--area", "finance", "--volume", "FIN-CUSTINV=5",
                 "--subscription", "FIN-ADD-ACCESS", "--subscription", "FIN-ADD-ACCESS", "--start", "2013-01",
                 "--format", "csv")
    if result.exit_code == 1:  # refused: fine, if it says why
        assert "FIN-ADD-ACCESS" in flat(result.stderr)
    else:
        # one subscription, 12 x 2500.00 = 30000.00 extraordinary (not 60000.00)
        row, = csv.DictReader(io.StringIO(result.stdout))
        assert row["extraordinary"] == "30000.00"


# --- billing whatif --------------------------------------------------------------------------

# World months 2012-11 and 2012-12 re-rated with PAY-SLIP-DEV 66.00 -> 72.60 (hand-worked
# in tests/test_whatif.py):
WORLD_CSV = (
    "organisation_number,agency,area,current,draft,change,change_percent\n"
    f"{ORG_A},Alfaverket,payroll,6542.00,6588.20,46.20,0.7\n"
    f"{ORG_B},Betaverket,payroll,6886.00,6958.60,72.60,1.1\n"
    f"{ORG_B},Betaverket,finance,23377.50,23377.50,0.00,0.0\n"
    f"{ORG_C},Gammaverket,payroll,6864.00,6864.00,0.00,0.0\n"
    f"{ORG_C},Gammaverket,eprocurement,7044.00,7044.00,0.00,0.0\n")


def test_whatif_csv_json_and_table_change_nothing(engine, database_url, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    path = draft(tmp_path)
    before = dump(engine)

    as_csv = cli(database_url, "whatif", "--tariff", path, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.stderr
    assert as_csv.stdout == WORLD_CSV

    as_json = cli(database_url, "whatif", "--tariff", path, "--format", "json")
    data = json.loads(as_json.stdout)
    assert (data["draft"], data["months"]) == ("utkast-2012-06", ["2012-11", "2012-12"])
    assert data["agencies"][0] == {"organisation_number": ORG_A, "agency": "Alfaverket", "area": "payroll",
                                   "current": "6542.00", "draft": "6588.20", "change": "46.20",
                                   "change_percent": "0.7"}
    # Totals per area: payroll 6542.00 + 6886.00 + 6864.00 = 20292.00 -> 20410.80 (+118.80)
    # 118.80 / 20292.00 = 0.585 % -> 0.6
    assert data["totals"] == [
        {"area": "payroll", "current": "20292.00", "draft": "20410.80", "change": "118.80", "change_percent": "0.6"},
        {"area": "finance", "current": "23377.50", "draft": "23377.50", "change": "0.00", "change_percent": "0.0"},
        {"area": "eprocurement", "current": "7044.00", "draft": "7044.00", "change": "0.00",
         "change_percent": "0.0"}]

    table = cli(database_url, "whatif", "--tariff", path, "--from", "2012-11", "--to", "2012-12")
    out = flat(table.stdout)
    assert "Utkast utkast-2012-06 mot gällande prislistor, 2012-11-2012-12" in out
    assert f"│ {ORG_A} │ Alfaverket │ Lönerelaterade tjänster │ 6 542,00 │ 6 588,20 │ 46,20 │ 0.7 │" in out
    # 118.80 / 20292.00 = 0.585 % -> 0.6
    assert "│ │ Summa │ Lönerelaterade tjänster │ 20 292,00 │ 20 410,80 │ 118,80 │ 0.6 │" in out
    assert "Nothing was issued or changed." in out
    assert dump(engine) == before


def cells(page: str, table_id: str) -> list[tuple[str, ...]]:
    doc = lxml.html.fromstring(page)
    return [tuple(td.text_content() for td in tr.findall("td"))
            for tr in doc.xpath(f"//table[@id='{table_id}']//tr") if tr.findall("td")]


NBSP = "\u00a0"


# Per agency over both months (WORLD_CSV): Betaverket 6886.00 + 23377.50 = 30263.50
# -> 30336.10, +72.60 (72.60 / 30263.50 = 0.24 % -> 0.2); Alfaverket 6542.00 ->
# 6588.20, +46.20 (0.7 %); Gammaverket 6864.00 + 7044.00 = 13908.00, unchanged.
def test_whatif_html_shows_the_agencies_most_affected_first_and_hides_the_unchanged(engine, database_url,
                                                                                     tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    path, page = draft(tmp_path), tmp_path / "whatif.html"
    before = dump(engine)

    result = cli(database_url, "whatif", "--tariff", path, "--format", "csv", "--html", page)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == WORLD_CSV  # the machine-readable output lists every row still
    assert f"What-if saved as {page}." in flat(result.stderr)
    html = page.read_text(encoding="utf-8")
    assert "<title>Prisutkast utkast-2012-06: påverkan per kund, 2012-11–2012-12</title>" in html
    assert cells(html, "agencies") == [
        (ORG_B, "Betaverket", f"30{NBSP}263,50", f"30{NBSP}336,10", "72,60", f"0,2{NBSP}%"),
        (ORG_A, "Alfaverket", f"6{NBSP}542,00", f"6{NBSP}588,20", "46,20", f"0,7{NBSP}%")]
    assert "1 kund utan förändring visas inte" in html
    assert cells(html, "details") == [
        (ORG_B, "Betaverket", "Lön", f"6{NBSP}886,00", f"6{NBSP}958,60", "72,60", f"1,1{NBSP}%"),
        (ORG_A, "Alfaverket", "Lön", f"6{NBSP}542,00", f"6{NBSP}588,20", "46,20", f"0,7{NBSP}%")]
    assert "3 rader utan förändring visas inte." in html
    # Payroll 20292.00 -> 20410.80, +118.80 (0.585 % -> 0.6); the others unchanged.
    assert cells(html, "totals") == [
        ("Lönerelaterade tjänster", f"20{NBSP}292,00", f"20{NBSP}410,80", "118,80", f"0,6{NBSP}%"),
        ("Ekonomiadministrativa tjänster", f"23{NBSP}377,50", f"23{NBSP}377,50", "0,00", f"0,0{NBSP}%"),
        ("E-handelstjänster", f"7{NBSP}044,00", f"7{NBSP}044,00", "0,00", f"0,0{NBSP}%")]
    # The chart: the two agencies that changed, bars in proportion 72.60 : 46.20.
    chart = html[html.index('<figure class="chart" id="whatif-chart">'):html.index("</figure>")]
    widths = dict((title.split(":")[0], Decimal(width)) for width, title in re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#[0-9a-f]+"><title>([^<]*)</title>',
        chart))
    assert list(widths) == ["Betaverket", "Alfaverket"]
    assert abs(widths["Alfaverket"] - widths["Betaverket"] * Decimal("46.20") / Decimal("72.60")) < Decimal("0.2")
    assert f">72,60{NBSP}kr (0,2{NBSP}%)</text>" in chart
    assert dump(engine) == before

    shown = cli(database_url, "whatif", "--tariff", path, "--html", page, "--show-unchanged")
    html = page.read_text(encoding="utf-8")
    assert [row[1] for row in cells(html, "agencies")] == ["Betaverket", "Alfaverket", "Gammaverket"]
    assert cells(html, "agencies")[2][2:] == (f"13{NBSP}908,00", f"13{NBSP}908,00", "0,00", f"0,0{NBSP}%")
    assert [(row[1], row[2]) for row in cells(html, "details")] == [
        ("Betaverket", "Lön"), ("Betaverket", "Ekonomi"), ("Alfaverket", "Lön"), ("Gammaverket", "Lön"),
        ("Gammaverket", "E-handel")]
    assert "visas inte" not in html
    assert "Gammaverket" in flat(shown.stdout)


def test_the_whatif_table_hides_unchanged_rows_unless_asked(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    path = draft(tmp_path)
    out = flat(cli(database_url, "whatif", "--tariff", path).stdout)
    assert f"│ {ORG_A} │ Alfaverket │" in out and f"│ {ORG_B} │ Betaverket │ Lönerelaterade tjänster │" in out
    assert "Gammaverket" not in out and "Ekonomiadministrativa tjänster │ 23 377,50" not in out.split("Summa")[0]
    assert "3 rows without change not shown (--show-unchanged shows them); the sums include them." in out
    # The sums count every agency, shown or not.
    assert "│ │ Summa │ Ekonomiadministrativa tjänster │ 23 377,50 │ 23 377,50 │ 0,00 │ 0.0 │" in out
    every = flat(cli(database_url, "whatif", "--tariff", path, "--show-unchanged").stdout)
    assert f"│ {ORG_C} │ Gammaverket │ E-handelstjänster │ 7 044,00 │ 7 044,00 │ 0,00 │ 0.0 │" in every
    assert "without change" not in every


def test_whatif_bad_draft_exits_1_naming_agency_and_service(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",))
    path = draft(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('PAY-SLIP-ATT = "68.00"\n', ""), encoding="utf-8")
    before = dump(engine)
    result = cli(database_url, "whatif", "--tariff", path, "--format", "csv")
    assert result.exit_code == 1
    assert f"{ORG_C} Gammaverket: payroll: price list utkast-2012-06 does not price PAY-SLIP-ATT" in flat(
        result.stderr)
    assert result.stdout == ""
    missing = cli(database_url, "whatif", "--tariff", tmp_path / "saknas.toml")
    assert missing.exit_code == 1 and "saknas.toml: cannot read file" in flat(missing.stderr)
    unknown = cli(database_url, "whatif", "--tariff", path, "--from", "2013-01")
    assert unknown.exit_code == 1 and "no recorded volumes in the months asked for" in flat(unknown.stderr)
    assert dump(engine) == before


NAMES = {"Alfaverket": '=HYPERLINK("http://x.example/?q=1","Alfa")', "Betaverket": "-Betaverket",
         "Gammaverket": "@Gammaverket"}


def _renamed_world(engine, tmp_path):
    agencies = WORLD_AGENCIES
    for old, new in NAMES.items():
        agencies = agencies.replace(f'name = "{old}"', f"name = '{new}'")
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"), agencies_text=agencies)


def test_whatif_neutralises_formula_names_in_csv_but_not_numbers_nor_json(engine, database_url, tmp_path):
    _renamed_world(engine, tmp_path)
    # A 10 % cut, 66.00 -> 59.40: Alfaverket -46.20 (-0.7 %), Betaverket payroll -72.60 (-1.1 %)
    path = draft(tmp_path, "59.40")
    rows = {(r["organisation_number"], r["area"]): r for r in csv.DictReader(io.StringIO(
        cli(database_url, "whatif", "--tariff", path, "--format", "csv").stdout))}
    assert {k: (r["agency"], r["change"], r["change_percent"]) for k, r in rows.items()} == {
        (ORG_A, "payroll"): ("'" + NAMES["Alfaverket"], "-46.20", "-0.7"),
        (ORG_B, "payroll"): ("'-Betaverket", "-72.60", "-1.1"),
        (ORG_B, "finance"): ("'-Betaverket", "0.00", "0.0"),
        (ORG_C, "payroll"): ("'@Gammaverket", "0.00", "0.0"),
        (ORG_C, "eprocurement"): ("'@Gammaverket", "0.00", "0.0")}
    data = json.loads(cli(database_url, "whatif", "--tariff", path, "--format", "json").stdout)
    alfa, = [r for r in data["agencies"] if r["organisation_number"] == ORG_A]
    # JSON carries the names exactly: only CSV cells are neutralised (issue 10)
    assert (alfa["agency"], alfa["current"], alfa["change"]) == (NAMES["Alfaverket"], "6542.00", "-46.20")
    assert {r["agency"] for r in data["agencies"]} == set(NAMES.values())
    assert data["totals"][0] == {"area": "payroll", "current": "20292.00", "draft": "20173.20", "change": "-118.80",
                                 "change_percent": "-0.6"}


# --- output piped to a file or another tool -----------------------------------------------------

def billing(url: str, *args) -> subprocess.CompletedProcess:
    """The real command in a process of its own, its output piped as in `billing ... > file`."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", "from billing.cli.app import main; main()",
                           "--database-url", url, *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


@SQLITE_ONLY
def test_quote_json_piped_to_a_tool_is_valid_json(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    result = billing(database_url, "quote", "--employees", "1000", "--area", "finance", "--estimate",
                     "--start", "2013-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # Finance history: Betaverket only, 2 employees x 2 months = 4 employee-months;
    # FIN-ASSET (200 + 201) / 4 = 100.25 per employee and month -> 100.25 x 1000 = 100250
    asset, = [v for v in data["volumes"] if v["service"] == "FIN-ASSET"]
    assert asset == {"service": "FIN-ASSET", "monthly_quantity": "100250",
                     "source": "uppskattat: 100.2500 per anställd och månad x 1000 (spridning "
                               "100.2500-100.2500 bland 1 myndigheter, 2012-11-2012-12)"}


LONG_NAME = "Myndigheten för uppföljning och utvärdering av statlig service och ekonomiadministration i samverkan"


@SQLITE_ONLY
def test_whatif_csv_piped_keeps_one_line_per_row(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",),
                agencies_text=WORLD_AGENCIES.replace('name = "Alfaverket"', f'name = "{LONG_NAME}"'))
    result = billing(database_url, "whatif", "--tariff", draft(tmp_path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 5
    # November only: Alfaverket 3238.00 -> 3238.00 + 3 x 6.60 = 3257.80
    assert (rows[4]["agency"], rows[4]["current"], rows[4]["draft"]) == (LONG_NAME, "3238.00", "3257.80")


@SQLITE_ONLY
def test_whatif_csv_writes_names_as_they_are(engine, database_url, tmp_path):
    name = "Verket :smile: och :thumbs_up:"
    setup_world(engine, tmp_path, months=("2012-11",),
                agencies_text=WORLD_AGENCIES.replace('name = "Alfaverket"', f'name = "{name}"'))
    result = cli(database_url, "whatif", "--tariff", draft(tmp_path), "--format", "csv")
    assert f"{ORG_A},{name},payroll,3238.00,3257.80,19.80,0.6" in result.stdout
