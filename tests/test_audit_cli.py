"""`billing audit YYYY-MM` on a real database (typer's CliRunner), SQLite and
PostgreSQL: the terminal summary, the exit status a scheduled job alerts on,
and the HTML, CSV and JSON outputs.

The world of db_helpers billed for 2012-11 (and 2012-12 where the variance
needs a month before): November invoices 1 Alfaverket net 3238.00,
2 Betaverket 15772.00, 3 Gammaverket 7192.00 (see test_audit for the hand-work).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import lxml.html
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from billing.cli.app import app
from billing.period import Month
from db_helpers import ORG_C, POSTAGE, WORLD_AGENCIES, billed, dump, write, write_amounts
from helpers_cli import cli, flat
from helpers_tamper import LINES, tamper

NOVEMBER, DECEMBER = Month(2012, 11), Month(2012, 12)
TITLES = {"rerating": "Omräkning från underlag", "arithmetic": "Aritmetik", "completeness": "Fullständighet",
          "numbering": "Nummerserie", "integrity": "Integritet"}


def alter_payslips(engine) -> None:
    """Betaverket's payslip line 330.00 -> 333.00: arithmetic, re-rating and integrity fail."""
    tamper(engine, sa.update(LINES).where(LINES.c.invoice_number == 2, LINES.c.service_code == "PAY-SLIP-DEV")
           .values(amount=Decimal("333.00")))


def statuses(report: dict) -> dict[str, str]:
    return {c["name"]: c["status"] for c in report["checks"]}


# --- exit status and the summary ----------------------------------------------------------

def test_a_clean_month_exits_0_prints_every_check_passed_and_changes_nothing(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    before = dump(engine)

    result = cli(database_url, "audit", "2012-11", "--seed", "7")

    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    for title in TITLES.values():
        assert re.search(re.escape(title) + r"[^│]*│ godkänd │ 0 │", out), title
    assert "Stickprovets seed: 7 (ge --seed 7 för samma urval)." in out
    assert "Alla kontroller godkända." in out
    assert "underkänd" not in out
    assert dump(engine) == before


def test_a_failed_check_exits_1_and_names_the_document_and_line(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    alter_payslips(engine)
    before = dump(engine)

    result = cli(database_url, "audit", "2012-11")

    assert result.exit_code == 1
    out = flat(result.stdout)
    for name in ("rerating", "arithmetic", "integrity"):
        assert re.search(re.escape(TITLES[name]) + r"[^│]*│ underkänd │", out), name
    for name in ("completeness", "numbering"):
        assert re.search(re.escape(TITLES[name]) + r"[^│]*│ godkänd │ 0 │", out), name
    # Betaverket's lines: payroll fixed, variable, then the payslips on line 3.
    assert "│ 2 │ 3 │ radbelopp 333,00, men 5 × 66,00 = 330,00 │" in out
    assert "Minst en kontroll är underkänd." in out
    assert dump(engine) == before  # the audit changes nothing, failed or not


def test_the_seed_is_printed_and_draws_the_same_sample_again(engine, database_url, tmp_path):
    billed(engine, tmp_path, months=("2012-11", "2012-12"))

    first = cli(database_url, "audit", "2012-11", "--to", "2012-12", "--sample", "2")
    seed = int(re.search(r"Stickprovets seed: (\d+) \(ge --seed \1 för samma urval\)", flat(first.stdout))[1])
    drawn = re.search(r"Stickprov: 2 av 6 dokument \(seed (\d+)\)", flat(first.stdout))
    assert drawn and int(drawn[1]) == seed

    def sample(*extra):
        result = cli(database_url, "audit", "2012-11", "--to", "2012-12", "--sample", "2", "--format", "json",
                     *extra)
        assert result.exit_code == 0
        report = json.loads(result.stdout)
        return report["seed"], [r["number"] for c in report["checks"] if c["name"] == "sample" for r in c["rows"]]

    again = sample("--seed", seed)
    assert again[0] == seed and len(again[1]) == 2
    assert sample("--seed", seed) == again
    assert re.search(rf"│ {again[1][0]} │ - │ granska dokument {again[1][0]} mot dess underlag", flat(first.stdout))


def test_threshold_changes_the_variance_but_never_the_exit_status(engine, database_url, tmp_path):
    billed(engine, tmp_path, months=("2012-11", "2012-12"))

    def variance(*extra):
        result = cli(database_url, "audit", "2012-12", "--format", "json", *extra)
        assert result.exit_code == 0  # variance is a review list: it never fails the audit
        report = json.loads(result.stdout)
        (rows,) = [c["rows"] for c in report["checks"] if c["name"] == "variance"]
        return {(r["subject"], r["change_percent"]) for r in rows}

    # Gammaverket's coded supplier invoices 7 -> 9: +28.6 %, under 30, over 25.
    # Alfaverket's payslips 3 -> 4: +33.3 %, over both.
    default = variance()
    assert ("Alfaverket PAY-SLIP-DEV", "33.3") in default
    assert ("Gammaverket EPR-INV-CODED", "28.6") not in default
    lower = variance("--threshold", "25")
    assert ("Gammaverket EPR-INV-CODED", "28.6") in lower and default < lower
    assert variance("--threshold", "40") == {(s, p) for s, p in default if p.lstrip("-") != "33.3"}


def test_a_range_ending_before_it_starts_exits_1(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    result = cli(database_url, "audit", "2012-12", "--to", "2012-11")
    assert result.exit_code == 1
    assert "[--to]: 2012-11 is before 2012-12" in flat(result.stderr)


def test_a_bad_costs_file_exits_1_with_the_problem_located(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    costs = write(tmp_path, "costs.csv", "period,area,cost\n2012-11,payroll,tolv\n")
    before = dump(engine)

    result = cli(database_url, "audit", "2012-11", "--costs", costs)

    assert result.exit_code == 1
    assert f"{costs}:2 [cost]: not a number: 'tolv'" in flat(result.stderr)
    assert dump(engine) == before


def test_a_missing_costs_file_exits_1_naming_it(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    missing = tmp_path / "missing.csv"
    result = cli(database_url, "audit", "2012-11", "--costs", missing)
    assert result.exit_code == 1
    assert f"{missing}: cannot read file" in flat(result.stderr)


def test_an_out_file_that_cannot_be_written_exits_1_with_a_message(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    out = tmp_path / "no-such-directory" / "audit.html"
    result = CliRunner().invoke(app, ["--database-url", database_url, "audit", "2012-11", "--format", "html",
                                      "--out", str(out)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert str(out) in flat(result.output)


def test_a_negative_sample_size_is_refused_with_a_message(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    result = CliRunner().invoke(app, ["--database-url", database_url, "audit", "2012-11", "--sample", "-1"])
    assert isinstance(result.exception, SystemExit) and result.exit_code in (1, 2)
    assert "sample" in result.output.lower()


def test_the_summary_prints_names_as_written(engine, database_url, tmp_path):
    billed(engine, tmp_path, months=("2012-11", "2012-12"),
           agencies_text=WORLD_AGENCIES.replace('"Alfaverket"', '"Alfaverket [avvecklas]"'))

    result = cli(database_url, "audit", "2012-12")

    assert result.exit_code == 0
    assert "PAY-SLIP-DEV: 3 → 4 (+33,3 %)" in flat(result.stdout)  # the finding is there
    assert "volym Alfaverket [avvecklas] PAY-SLIP-DEV: 3 → 4 (+33,3 %)" in flat(result.stdout)


# --- JSON and CSV ----------------------------------------------------------------------------

# Gammaverket gets four pass-through amounts whose descriptions a spreadsheet
# would run as formulas; each line's amount is then altered 10.00 -> 11.00, so
# the re-rating finding of each line starts with its description.
FORMULAS = ["=HYPERLINK(1)", "+Porto", "-Frakt", "@Avgift"]
AMOUNTS = [f"2012-11,{ORG_C},payroll,{d},10.00,0,,F-{n},{POSTAGE}"
           for n, d in enumerate(FORMULAS)]


def formulas_on_findings(engine, tmp_path):
    billed(engine, tmp_path, amounts=write_amounts(tmp_path, "amounts.csv", AMOUNTS))
    tamper(engine, sa.update(LINES).where(LINES.c.invoice_number == 3, LINES.c.part == "pass_through")
           .values(amount=Decimal("11.00")))


def test_json_is_machine_readable_and_exact(engine, database_url, tmp_path):
    formulas_on_findings(engine, tmp_path)

    result = cli(database_url, "audit", "2012-11", "--format", "json", "--seed", "3")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["first"], report["last"], report["seed"], report["passed"]) == ("2012-11", "2012-11", 3, False)
    # Four lines of document 3 altered: re-rating (the basis gives 10.00),
    # arithmetic (11.00 is not 1 x 10.00; totals) and integrity (the seal) fail.
    assert statuses(report) == {"rerating": "failed", "arithmetic": "failed", "completeness": "passed",
                                "numbering": "passed", "integrity": "failed", "variance": "noted",
                                "sample": "noted", "revenue": "noted", "receivables": "passed"}
    (rerating,) = [c for c in report["checks"] if c["name"] == "rerating"]
    messages = sorted(f["message"] for f in rerating["findings"])
    # The descriptions exactly as given: only CSV cells are neutralised (issue 10).
    assert messages == sorted(f"{d}: belopp 11,00, omräknat 10,00" for d in FORMULAS)
    assert {f["code"] for f in rerating["findings"]} == {"rerated_amount"}
    assert {f["document"] for f in rerating["findings"]} == {3}
    assert all(isinstance(f["line"], int) for f in rerating["findings"])
    # Amounts are exact decimal text, never floats; a negative amount is not neutralised.
    (revenue,) = [c for c in report["checks"] if c["name"] == "revenue"]
    # payroll pass-through on the lines now: 4 x 11.00 = 44.00
    assert {"month": "2012-11", "area": "payroll", "part": "pass_through", "amount": "44.00"} in revenue["rows"]


def test_csv_of_the_findings_is_machine_readable_and_neutralised(engine, database_url, tmp_path):
    formulas_on_findings(engine, tmp_path)

    result = cli(database_url, "audit", "2012-11", "--format", "csv")

    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["check", "status", "code", "document", "line", "message"]
    rerating = sorted(r["message"] for r in rows if r["check"] == "rerating")
    assert rerating == sorted(f"'{d}: belopp 11,00, omräknat 10,00" for d in FORMULAS)
    assert {r["code"] for r in rows if r["check"] == "rerating"} == {"rerated_amount"}
    assert {r["status"] for r in rows if r["check"] == "rerating"} == {"failed"}
    assert {r["document"] for r in rows if r["check"] == "rerating"} == {"3"}
    assert {r["check"] for r in rows if r["status"] == "failed"} == {"rerating", "arithmetic", "integrity"}
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_csv_out_to_a_file(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    out = tmp_path / "findings.csv"

    result = cli(database_url, "audit", "2012-11", "--format", "csv", "--out", out)

    assert result.exit_code == 0
    assert f"Audit report written to {out}: passed." in flat(result.stdout)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    # A clean first month: only the review lists have something to say.
    assert {(r["check"], r["status"]) for r in rows} == {("variance", "noted"), ("sample", "noted")}


# --- HTML -----------------------------------------------------------------------------------------

def assert_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<iframe", "<img", "src=", "href=", "url(", "@import"):
        assert forbidden not in lowered, forbidden
    # No address at all: SVG inline in HTML needs no namespace name.
    assert re.findall(r"https?://[^'\" >]*", page) == []


def figure(page: str, chart_id: str) -> str:
    """The chart's figure: its SVG and caption."""
    start = page.index(f'<figure class="chart" id="{chart_id}">')
    return page[start:page.index("</figure>", start)]


NBSP = "\u00a0"  # Babel's Swedish thousands separator, and before the per-cent sign


def test_html_with_costs_is_one_self_contained_file_with_a_chart(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    costs = write(tmp_path, "costs.csv", "period,area,cost\n2012-11,payroll,12000.00\n2012-11,finance,10000\n")
    out = tmp_path / "audit.html"

    result = cli(database_url, "audit", "2012-11", "--format", "html", "--out", out, "--costs", costs)

    assert result.exit_code == 0
    assert f"Audit report written to {out}: passed." in flat(result.stdout)
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    # One month is named once (not "2012-11-2012-11").
    assert "<title>Fakturagranskning 2012-11</title>" in page
    assert "<h1>Fakturagranskning 2012-11</h1>" in page
    assert "Alla kontroller godkända." in page
    for title in TITLES.values():
        assert re.search(re.escape(title) + r'[^<]*</td><td class="passed">godkänd</td>', page), title
    # The cost-recovery chart: revenue against cost per area. Payroll 9000.00 +
    # 280.00 + 1072.00 = 10352.00 against 12000.00 (86.27 % -> 86,3 %, under
    # 100 %: flagged); finance 12362.00 against 10000 (123,6 %); e-procurement
    # 3488.00 against a cost of 0 (none in the file): no ratio, no bar.
    chart = figure(page, "recovery-chart")
    for text in (f"intäkt 10{NBSP}352,00{NBSP}kr", f"kostnad 12{NBSP}000,00{NBSP}kr",
                 f"intäkt 12{NBSP}362,00{NBSP}kr", f"kostnad 10{NBSP}000,00{NBSP}kr",
                 f"86,3{NBSP}%", f"123,6{NBSP}%", ">Lön<", ">Ekonomi<", f"100{NBSP}% = full täckning"):
        assert text in chart, text
    assert "E-handel" not in chart and "payroll" not in chart and "finance" not in chart
    assert re.search(r'<text [^>]*class="flag">86,3\xa0%', chart)  # under 100 %: flagged
    assert not re.search(r'class="flag">123,6', chart)
    assert (f'<tr><td>E-handel</td><td class="n">3{NBSP}488,00</td><td class="n">0,00</td>'
            '<td class="n">–</td><td></td></tr>') in page[page.index('<table id="recovery">'):]
    assert f"Kostnadstäckning under 100{NBSP}%: Lön 86,3{NBSP}%." in page
    # The revenue per month as a chart, the areas by their Swedish short names:
    # November's total 10352.00 + 12362.00 + 3488.00 = 26202.00.
    revenue = figure(page, "revenue-chart")
    for text in (">Lön<", ">Ekonomi<", ">E-handel<", ">2012-11<", f"26{NBSP}202,00{NBSP}kr"):
        assert text in revenue, text
    assert "eprocurement" not in revenue


def test_html_shows_the_recovery_ratio_to_one_decimal(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    costs = write(tmp_path, "costs.csv", "period,area,cost\n2012-11,payroll,12000.00\n")
    result = cli(database_url, "audit", "2012-11", "--format", "html", "--costs", costs)
    assert result.exit_code == 0
    # payroll 10352.00 / 12000.00 = 86.27 % -> 86,3 %, under 100 %: the row is flagged
    assert re.search(r'<tr class="flag"><td>Lön</td>.*<td class="n">86,3\xa0%</td><td>under 100\xa0%</td>',
                     result.stdout)


def test_html_without_costs_has_no_recovery_chart(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    result = cli(database_url, "audit", "2012-11", "--format", "html")
    assert result.exit_code == 0
    page = result.stdout
    assert_self_contained(page)
    assert 'id="recovery-chart"' not in page and "Kostnadstäckning" not in page
    assert page.count("<svg") == 1 and 'id="revenue-chart"' in page  # the revenue per month
    assert '<table id="revenue"' in page


def test_html_of_a_failed_audit_escapes_what_the_findings_quote(engine, database_url, tmp_path):
    amounts = write_amounts(tmp_path, "amounts.csv",
                            [f"2012-11,{ORG_C},payroll,<script>alert(1)</script>,10.00,0,,,{POSTAGE}"])
    billed(engine, tmp_path, amounts=amounts)
    tamper(engine, sa.update(LINES).where(LINES.c.invoice_number == 3, LINES.c.part == "pass_through")
           .values(amount=Decimal("11.00")))
    out = tmp_path / "audit.html"

    result = cli(database_url, "audit", "2012-11", "--format", "html", "--out", out)

    assert result.exit_code == 1
    assert f"Audit report written to {out}: FAILED." in flat(result.stdout)
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: belopp 11,00, omräknat 10,00" in page
    assert "Minst en kontroll är underkänd." in page
    assert page.count('<td class="failed">underkänd</td>') == 3  # re-rating, arithmetic, integrity


def cells(page: str, xpath: str) -> list[tuple[str, ...]]:
    """The text of each row's cells in the tables found."""
    doc = lxml.html.fromstring(page)
    return [tuple(td.text_content() for td in tr.findall("td")) for tr in doc.xpath(xpath) if tr.findall("td")]


PAY_SLIP_DEV = "Löneadministration avvikelserapportering 8-17, per lönespecifikation"
PAY_SLIP_ATT = "Löneadministration närvarorapportering 8-17, per lönespecifikation"
FIN_CUSTINV = "Kundfakturering, per kundfaktura"


def test_html_variance_is_sorted_by_its_impact_in_kronor_with_the_part_that_moved(engine, database_url, tmp_path):
    billed(engine, tmp_path, months=("2012-11", "2012-12"))

    result = cli(database_url, "audit", "2012-12", "--format", "html")

    assert result.exit_code == 0
    page = result.stdout
    # The rows over 30 % (see test_audit for the hand-worked impacts), the
    # largest move in kronor first, up or down; services by their names.
    assert cells(page, "//table[contains(@class, 'variance')]//tr") == [
        ("Volym totalt", "Alla kunder", FIN_CUSTINV, "Transaktionsavgifter", f"-1{NBSP}350,00", f"-100,0{NBSP}%",
         "30", "0"),
        ("Volym", "Betaverket", FIN_CUSTINV, "Transaktionsavgifter", f"-1{NBSP}350,00", f"-100,0{NBSP}%", "30", "0"),
        ("Volym totalt", "Alla kunder", PAY_SLIP_ATT, "Transaktionsavgifter", "-544,00", f"-100,0{NBSP}%", "8", "0"),
        ("Volym", "Gammaverket", PAY_SLIP_ATT, "Transaktionsavgifter", "-544,00", f"-100,0{NBSP}%", "8", "0"),
        ("Volym", "Alfaverket", PAY_SLIP_DEV, "Transaktionsavgifter", "66,00", f"33,3{NBSP}%", "3", "4")]
    # The chart of the largest movers: one bar per agency's move (the totals
    # of all agencies are in the table only), lengths in proportion to the
    # kronor: 1350 : 544 : 66.
    chart = figure(page, "variance-chart-1")
    widths = {title.split(":")[0]: Decimal(width) for width, title in
              re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#[0-9a-f]+">'
                         r"<title>([^<]*)</title>", chart)}
    assert list(widths) == [f"Betaverket · {FIN_CUSTINV}", f"Gammaverket · {PAY_SLIP_ATT}",
                            f"Alfaverket · {PAY_SLIP_DEV}"]
    largest = widths[f"Betaverket · {FIN_CUSTINV}"]
    assert abs(widths[f"Gammaverket · {PAY_SLIP_ATT}"] - largest * 544 / 1350) < Decimal("0.2")
    assert abs(widths[f"Alfaverket · {PAY_SLIP_DEV}"] - largest * 66 / 1350) < Decimal("0.2")
    for text in (f"-1{NBSP}350,00{NBSP}kr", f"-544,00{NBSP}kr", f"66,00{NBSP}kr"):
        assert f">{text}</text>" in chart, text


def test_a_range_is_titled_with_an_en_dash(engine, database_url, tmp_path):
    billed(engine, tmp_path, months=("2012-11", "2012-12"))
    page = cli(database_url, "audit", "2012-11", "--to", "2012-12", "--format", "html").stdout
    assert "<title>Fakturagranskning 2012-11–2012-12</title>" in page
    assert "<h1>Fakturagranskning 2012-11–2012-12</h1>" in page
    # The revenue chart has a column per month.
    revenue = figure(page, "revenue-chart")
    assert ">2012-11</text>" in revenue and ">2012-12</text>" in revenue
    table = cli(database_url, "audit", "2012-11", "--to", "2012-12")
    assert "Fakturagranskning 2012-11–2012-12" in flat(table.stdout)


def test_the_recovery_threshold_decides_what_is_flagged(engine, database_url, tmp_path):
    billed(engine, tmp_path)
    costs = write(tmp_path, "costs.csv", "period,area,cost\n2012-11,payroll,12000.00\n2012-11,finance,10000\n")
    # Payroll 10352.00 / 12000.00 = 86.27 %: flagged under the default 100 % and
    # under 90 %, not under 80 %; finance 123.6 % is never flagged.
    default = cli(database_url, "audit", "2012-11", "--costs", costs)
    assert default.exit_code == 0  # a review list: flagged, not failed
    assert "Kostnadstäckning under 100 %: Lön 86,3 %." in flat(default.stdout)

    at_90 = cli(database_url, "audit", "2012-11", "--costs", costs, "--format", "html", "--recovery-threshold", "90")
    assert f'<p class="failed" id="shortfall">Kostnadstäckning under 90{NBSP}%: Lön 86,3{NBSP}%.</p>' in at_90.stdout
    assert ("Lön", f"10{NBSP}352,00", f"12{NBSP}000,00", f"86,3{NBSP}%", f"under 90{NBSP}%") in \
        cells(at_90.stdout, "//table[@id='recovery']//tr")

    at_80 = cli(database_url, "audit", "2012-11", "--costs", costs, "--format", "html", "--recovery-threshold", "80")
    assert 'id="shortfall"' not in at_80.stdout and 'class="flag"' not in at_80.stdout
    assert ("Lön", f"10{NBSP}352,00", f"12{NBSP}000,00", f"86,3{NBSP}%", f"minst 80{NBSP}%") in \
        cells(at_80.stdout, "//table[@id='recovery']//tr")
    assert "Kostnadstäckning under" not in flat(
        cli(database_url, "audit", "2012-11", "--costs", costs, "--recovery-threshold", "80").stdout)

    bad = cli(database_url, "audit", "2012-11", "--costs", costs, "--recovery-threshold", "-1")
    assert bad.exit_code == 2 and "--recovery-threshold" in flat(bad.stderr)
