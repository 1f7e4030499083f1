"""`billing prices plan` on a real database (issue 16): the plan learnt from
the recorded history, its draft list accepted by `tariffs load` and `whatif
--tariff`, `--check`, the formats and the report; nothing is changed."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal

import lxml.html
import pytest

from db_helpers import TARIFFS, dump, setup_world, write
from helpers_cli import cli, flat

PLAN = """\
[[plan]]
year = 2013
area = "payroll"
agencies = 2
employees = 300

[[plan]]
year = 2014
area = "payroll"
agencies = 3
employees = 500

[[plan]]
year = 2015
area = "payroll"
agencies = 4
employees = 700

[[plan]]
year = 2013
area = "finance"
agencies = 1
employees = 200

[[plan]]
year = 2014
area = "finance"
agencies = 2
employees = 300

[[plan]]
year = 2015
area = "finance"
agencies = 2
employees = 300
"""

COSTS = """\
[opening]
payroll = "-300000.00"
finance = "-200000.00"

[efficiency]
basis = "unit"
change_percent = "-3"

[[costs]]
year = 2014
area = "payroll"
cost = "900000.00"

[[costs]]
year = 2014
area = "finance"
cost = "800000.00"
"""


def files(tmp_path, costs: str = COSTS):
    return write(tmp_path, "plan.toml", PLAN), write(tmp_path, "costs.toml", costs)


def test_the_plan_drafts_a_list_that_tariffs_load_and_whatif_accept(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    plan, costs = files(tmp_path)
    drafts, page = tmp_path / "drafts", tmp_path / "plan.html"
    before = dump(engine)

    result = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs, "--target-year", "2015",
                 "--draft", drafts, "--html", page, "--format", "json")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["start"], data["target_year"], data["balance"], data["drafts"]) == (
        "standard-2013-01", 2015, "area", ["plan-2014"])
    assert [p["area"] for p in data["parameters"]] == ["payroll", "finance"]
    assert all(p["met"] for p in data["parameters"])
    # Volumes learnt from the two recorded months, said so with their spread.
    sources = {r["service"]: r["source"] for r in data["volume_rates"]}
    assert sources["PAY-SLIP-DEV"].startswith("historik 2012-11–2012-12: ")
    assert "spridning" in sources["PAY-SLIP-DEV"]
    end = {r["area"]: r for r in data["rows"] if r["year"] == 2015}
    assert Decimal(end["payroll"]["accumulated"]) >= 0 and Decimal(end["finance"]["accumulated"]) >= 0
    assert Decimal(end["centre"]["revenue"]) == Decimal(end["payroll"]["revenue"]) + Decimal(end["finance"]["revenue"])
    assert f"Draft price list written to {drafts / 'plan-2014.toml'}." in flat(result.stderr)
    assert dump(engine) == before  # nothing stored

    html = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    assert html.findtext("head/title") == "Prisplan för full kostnadstäckning 2014–2015"
    assert len(html.xpath("//figure[@id='accumulated-chart']//svg")) == 1
    assert len(html.xpath("//figure[@id='money-chart']//svg")) == 1
    said = " ".join(li.text_content() for li in html.xpath("//ul[@id='assumptions']/li"))
    assert "Utgångsprislista: standard-2013-01" in said
    assert "PAY-SLIP-DEV: historik" in said

    # The draft as it was written: whatif takes it, and tariffs load stores it.
    whatif = cli(database_url, "whatif", "--tariff", drafts / "plan-2014.toml", "--format", "json")
    assert whatif.exit_code == 0, whatif.stderr
    assert json.loads(whatif.stdout)["draft"] == "plan-2014"
    directory = tmp_path / "load"
    directory.mkdir()
    shutil.copy(TARIFFS / "catalogue.toml", directory)
    shutil.copy(drafts / "plan-2014.toml", directory)
    loaded = cli(database_url, "tariffs", "load", directory)
    assert loaded.exit_code == 0, loaded.stderr
    listed = cli(database_url, "tariffs", "list", "--format", "json")
    assert "plan-2014" in [row["id"] for row in json.loads(listed.stdout)]

    # Checked against the same inputs, the plan's own list meets the target.
    checked = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs, "--target-year", "2015",
                  "--check", drafts / "plan-2014.toml")
    assert checked.exit_code == 0, checked.stderr
    out = flat(checked.stdout)
    assert "Kontroll av plan-2014" in out
    assert "Lönerelaterade tjänster: når målet" in out and "Ekonomiadministrativa tjänster: når målet" in out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_check_says_how_far_the_prices_in_force_are_and_csv_has_every_row(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",))
    plan, costs = files(tmp_path)
    result = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs, "--target-year", "2015",
                 "--check", TARIFFS / "standard-2013-01.toml", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["year"], r["area"]) for r in rows] == [
        ("2014", "payroll"), ("2014", "finance"), ("2014", "centre"),
        ("2015", "payroll"), ("2015", "finance"), ("2015", "centre")]
    assert {"revenue_base_fixed", "revenue_transaction", "revenue_connection", "cost", "result",
            "accumulated", "recovery_percent", "volume_PAY-SLIP-DEV"} <= set(rows[0])
    # Costs: 2014 as given; 2015 payroll 900 000 / 500 x 700 x 0.97 = 1 222 200.00,
    # finance 800 000 / 300 x 300 x 0.97 = 776 000.00.
    assert (rows[3]["cost"], rows[4]["cost"], rows[5]["cost"]) == ("1222200.00", "776000.00", "1998200.00")
    # The centre's accumulated result is the areas' together.
    assert Decimal(rows[5]["accumulated"]) == Decimal(rows[3]["accumulated"]) + Decimal(rows[4]["accumulated"])

    refused = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs, "--target-year", "2015",
                  "--check", TARIFFS / "standard-2013-01.toml", "--step", "0.50")
    assert refused.exit_code == 2
    assert "--step: --check evaluates the given list as it is" in flat(refused.stderr)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_target_out_of_reach_is_said_with_the_best_and_exit_status_1(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",))
    plan, costs = files(tmp_path, COSTS.replace('cost = "900000.00"', 'cost = "900000000.00"'))
    result = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs, "--target-year", "2015",
                 "--max-multiplier", "3")
    assert result.exit_code == 1
    out = flat(result.stdout)
    assert "Lönerelaterade tjänster: målet kan inte nås inom gränsen (multiplikator 3 (+200,0 %))" in out
    assert "Ekonomiadministrativa tjänster: multiplikator" in out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bad_inputs_are_named_and_nothing_is_computed(engine, database_url, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",))
    plan, costs = files(tmp_path)
    bad = write(tmp_path, "bad.toml", PLAN.replace("employees = 500", "employees = -5"))
    result = cli(database_url, "prices", "plan", "--plan", bad, "--costs", costs)
    assert result.exit_code == 1
    assert f"{bad}:11 [plan[1].employees]" in flat(result.stderr)
    outside = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs)
    assert outside.exit_code == 1
    assert "[--target-year]: the target year 2019 is not one of the plan's years 2014-2015" in flat(outside.stderr)
    step = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs, "--step", "nought")
    assert step.exit_code == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_report_opens_in_a_browser_and_a_file_name_stays_text(engine, database_url, tmp_path):
    from test_html_in_browser import rendered
    setup_world(engine, tmp_path, months=("2012-11",))
    hostile = '"><img src=x onerror=alert(1)>'
    plan = write(tmp_path, f"{hostile}.toml", PLAN)
    costs = write(tmp_path, "costs.toml", COSTS)
    page = tmp_path / "plan.html"
    result = cli(database_url, "prices", "plan", "--plan", plan, "--costs", costs, "--target-year", "2015",
                 "--method", "index", "--balance", "centre", "--html", page, "--draft", tmp_path / "d")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["plan-2014.toml", "plan-2015.toml"]
    dom = rendered(page)
    assert not dom.xpath("//img") and not dom.xpath("//script")
    said = " ".join(li.text_content() for li in dom.xpath("//ul[@id='assumptions']/li"))
    assert f"Anslutningsplan: {plan};" in said
    verdict, = [li.text_content() for li in dom.xpath("//ul[@id='verdicts']/li")]
    assert verdict.startswith("Hela myndigheten: årligt index ")
    assert len(dom.xpath("//table[@class='draft']")) == 2  # one list per year
