"""The price plan's files (issue 16): the connection plan and the cost
forecast read all or nothing with file, line and field; the examples read;
a draft price list written reads back as the same list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.errors import DataError
from billing.files.connection_plan_file import read_connection_plan
from billing.files.cost_forecast_file import read_cost_forecast
from billing.files.tariff_file import load_price_list
from billing.files.tariff_toml import price_list_toml
from billing.planning.inputs import EfficiencyBasis
from db_helpers import ROOT, TARIFFS, write
from planning_helpers import CATALOGUE, FIN, PAY

D = Decimal
EXAMPLES = ROOT / "examples" / "pricing"


def test_the_examples_read_as_the_report_gives_them():
    plan = read_connection_plan(EXAMPLES / "connection-plan.toml", CATALOGUE)
    assert (plan.base_year, plan.last_year) == (2012, 2019)
    assert plan.get(2015, PAY).agencies == 117 and plan.get(2015, PAY).employees == 59924
    assert plan.get(2014, FIN).employees == 37004
    forecast = read_cost_forecast(EXAMPLES / "costs.toml")
    # The report's results per area add up to -77.94 MSEK.
    assert sum(forecast.opening.values()) == D("-77940000.00")
    # (69.9 - 14.9) x 12 / 7 = 94.2857142... MSEK
    assert forecast.direct[(2013, PAY)] == D("94285714.29")
    assert forecast.efficiency.basis is EfficiencyBasis.UNIT
    assert forecast.efficiency.change(PAY) == D("-5")


PLAN = """\
size_profile = ["1", "2"]

[volumes]
PAY-SLIP-DEV = "0.8"

[[plan]]
year = 2012
area = "payroll"
agencies = 2
employees = 100

[[plan]]
year = 2013
area = "payroll"
agencies = 3
employees = 160

[[named]]
name = "Nya verket"
employees = 40
areas = ["payroll"]
connects = 2013-04-01
"""


def test_a_plan_file_reads_whole(tmp_path):
    plan = read_connection_plan(write(tmp_path, "plan.toml", PLAN), CATALOGUE)
    assert plan.size_profile == (D(1), D(2))
    assert dict(plan.volumes) == {"PAY-SLIP-DEV": D("0.8")}
    assert plan.named[0].connects == date(2013, 4, 1)


def test_every_problem_of_a_plan_file_is_named_with_its_line_and_field(tmp_path):
    text = (PLAN.replace('PAY-SLIP-DEV = "0.8"', 'PAY-SLIP-DEV = "0.8"\nFIN-ADD-ACCESS = "1"\nNOPE = "1"')
            .replace("employees = 160", "employees = 2")
            .replace("connects = 2013-04-01", "connects = 2016-04-01")
            + '\n[[plan]]\nyear = 2013\narea = "payroll"\nagencies = 1\nemployees = 10\n')
    path = write(tmp_path, "plan.toml", text)
    with pytest.raises(DataError) as caught:
        read_connection_plan(path, CATALOGUE)
    found = {(p.field, p.line) for p in caught.value.problems}
    assert all(p.file == str(path) for p in caught.value.problems)
    lines = text.splitlines()
    assert ("volumes.FIN-ADD-ACCESS", lines.index('FIN-ADD-ACCESS = "1"') + 1) in found
    assert ("volumes.NOPE", lines.index('NOPE = "1"') + 1) in found
    assert ("plan.1.employees", lines.index("employees = 2") + 1) in found
    assert ("named.0.connects", lines.index("connects = 2016-04-01") + 1) in found
    assert any(f == "plan.2.area" for f, _ in found)  # payroll 2013 twice
    assert len(caught.value.problems) == 5


def test_a_plan_file_with_a_wrong_type_is_refused_at_its_line(tmp_path):
    path = write(tmp_path, "plan.toml", PLAN.replace("agencies = 3", 'agencies = "tre"'))
    with pytest.raises(DataError) as caught:
        read_connection_plan(path, CATALOGUE)
    problem, = caught.value.problems
    assert (problem.field, problem.line) == ("plan[1].agencies", PLAN.splitlines().index("agencies = 3") + 1)


FORECAST = """\
allocation = "key"

[allocation_key]
payroll = "1"
finance = "3"

[efficiency]
basis = "area"
change_percent = "-2.5"

[opening]
payroll = "-1000.00"
finance = "0"

[[costs]]
year = 2013
area = "payroll"
cost = "5000.00"

[[costs]]
year = 2013
area = "finance"
cost = "7000.00"

[[common]]
year = 2013
cost = "400.00"
"""


def test_a_cost_forecast_reads_whole(tmp_path):
    forecast = read_cost_forecast(write(tmp_path, "costs.toml", FORECAST))
    assert dict(forecast.key) == {PAY: D(1), FIN: D(3)}
    assert forecast.efficiency.change(FIN) == D("-2.5")
    assert dict(forecast.common) == {2013: D("400.00")}
    assert forecast.opening[PAY] == D("-1000.00")


def test_every_problem_of_a_cost_forecast_is_named(tmp_path):
    text = (FORECAST.replace('cost = "7000.00"', 'cost = "-7000.00"')
            .replace('finance = "0"\n', "")
            .replace('year = 2013\ncost = "400.00"', 'year = 2013\ncost = "400.00"\n\n[[common]]\nyear = 2013\ncost = "1.00"'))
    path = write(tmp_path, "costs.toml", text)
    with pytest.raises(DataError) as caught:
        read_cost_forecast(path)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["costs[1].cost"]  # the type errors first; the rest once they read
    fixed = write(tmp_path, "costs2.toml", text.replace('"-7000.00"', '"7000.00"'))
    with pytest.raises(DataError) as caught:
        read_cost_forecast(fixed)
    assert {(p.field, p.line) for p in caught.value.problems} == {
        ("common.1.year", text.splitlines().index('cost = "1.00"')),
        ("opening", text.splitlines().index("[opening]") + 1)}


def test_a_draft_list_written_reads_back_as_the_same_list(tmp_path):
    for name in ("standard-2012-06.toml", "standard-2013-01.toml", "kammarkollegiet-2012-01.toml"):
        original = load_price_list(TARIFFS / name, CATALOGUE)
        path = write(tmp_path, name, price_list_toml(original, ["utkast", "", "två rader"]))
        assert load_price_list(path, CATALOGUE) == original
        assert path.read_text(encoding="utf-8").startswith("# utkast\n#\n# två rader\n\nid = ")
