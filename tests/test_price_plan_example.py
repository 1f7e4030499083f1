"""examples/pricing on the example database (December 2012's volumes, as
scripts/run-example.sh loads them): what the README says about the
calibrated example prices is what the command says (issue 16)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy.orm import Session

from billing.money import round_percent
from billing.services.agencies import import_agencies
from billing.services.tariffs import load_tariffs
from billing.services.volumes import import_volumes
from db_helpers import ROOT, TARIFFS
from helpers_cli import cli

PRICING = ROOT / "examples" / "pricing"
README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())  # as it reads, not as it wraps


def million(amount: str) -> str:
    return str((Decimal(amount) / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_example_prices_fall_short_and_the_plan_says_by_how_much(engine, database_url):
    with Session(engine) as session, session.begin():
        load_tariffs(session, TARIFFS)
        import_agencies(session, ROOT / "examples" / "agencies.toml")
        import_volumes(session, ROOT / "examples" / "volumes" / "2012-12.csv")
    files = ("--plan", PRICING / "connection-plan.toml", "--costs", PRICING / "costs.toml", "--format", "json")

    checked = cli(database_url, "prices", "plan", *files, "--check", TARIFFS / "standard-2013-01.toml")
    assert checked.exit_code == 0, checked.stderr
    end = {r["area"]: r for r in json.loads(checked.stdout)["rows"] if r["year"] == 2019}
    short = {area: million(end[area]["accumulated"]) for area in ("payroll", "finance", "eprocurement")}
    assert all(Decimal(v) < 0 for v in short.values())
    assert (f"(payroll {short['payroll']}, finance {short['finance']}, "
            f"e-procurement {short['eprocurement']} MSEK)") in README
    # 2014's payroll cost: 94 285 714.29 / 46 228 employees x 53 324 x 0.95, to öre.
    cost_2014 = (Decimal("94285714.29") / 46228 * 53324 * Decimal("0.95")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert next(r for r in json.loads(checked.stdout)["rows"]
                if (r["year"], r["area"]) == (2014, "payroll"))["cost"] == str(cost_2014)

    planned = cli(database_url, "prices", "plan", *files)
    assert planned.exit_code == 0, planned.stderr
    data = json.loads(planned.stdout)
    change = {p["area"]: round_percent(Decimal(p["value"]) - 1, Decimal(1)) for p in data["parameters"]}
    assert all(p["met"] for p in data["parameters"])
    assert (f"payroll +{change['payroll']} %, finance +{change['finance']} % and e-procurement "
            f"+{change['eprocurement']} %") in README
    end = {r["area"]: Decimal(r["accumulated"]) for r in data["rows"] if r["year"] == 2019}
    assert all(end[a] >= 0 for a in ("payroll", "finance", "eprocurement"))

    centre = cli(database_url, "prices", "plan", *files, "--balance", "centre")
    value, = [Decimal(p["value"]) for p in json.loads(centre.stdout)["parameters"]]
    assert f"(`--balance centre`: +{round_percent(value - 1, Decimal(1))} % for all)" in README
