"""Small price plans worked out by hand: a price list of round prices, a
plan of a few agencies, costs and volumes given per employee."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.domain.catalogue import ServiceArea
from billing.domain.tariff import BaseFee, PerEmployee, PriceList
from billing.files.catalogue_file import load_catalogue
from billing.planning.inputs import (ConnectionPlan, CostForecast, PlannedYear, Target,
                                     VolumeRate)
from billing.planning.plan import planned, prepare
from db_helpers import TARIFFS

D = Decimal
PAY, FIN = ServiceArea.PAYROLL, ServiceArea.FINANCE
CATALOGUE = load_catalogue(TARIFFS / "catalogue.toml")


def price_list(fixed: str = "0", per_employee: str = "0", slip: str = "10", invoice: str = "10",
               connection: dict | None = None) -> PriceList:
    """Payroll and finance: a base fee of ``fixed`` a month plus ``per_employee``,
    a payslip (PAY-SLIP-DEV) and a customer invoice (FIN-CUSTINV) at their prices."""
    return PriceList(id="start", series="standard", currency="SEK", valid_from=date(2012, 1, 1),
                     base_fees={area: BaseFee(D(fixed), PerEmployee(D(per_employee))) for area in (PAY, FIN)},
                     prices={"PAY-SLIP-DEV": D(slip), "FIN-CUSTINV": D(invoice)},
                     hourly_rates={}, connection_fees=connection or {})


def one_agency_plan(areas=(PAY,), employees: int = 100, years=(2012, 2013, 2014)) -> ConnectionPlan:
    """One agency of ``employees`` in each area, connected before the plan."""
    return ConnectionPlan(years=tuple(PlannedYear(y, a, 1, employees) for y in years for a in areas))


RATES = {"PAY-SLIP-DEV": VolumeRate("PAY-SLIP-DEV", D(1), "angivet"),
         "FIN-CUSTINV": VolumeRate("FIN-CUSTINV", D(1), "angivet")}


def forecast(costs: dict, opening: dict | None = None, **kwargs) -> CostForecast:
    areas = {a for _, a in costs}
    return CostForecast(direct={k: D(v) for k, v in costs.items()},
                        opening={a: D((opening or {}).get(a, "0")) for a in areas}, **kwargs)


def plan_for(start: PriceList, plan: ConnectionPlan, costs: CostForecast, target: Target,
             rates=None, list_id: str = "plan-2013"):
    rates = RATES if rates is None else rates
    setup = prepare(CATALOGUE, start, plan, costs, rates, target, list_id)
    return planned(setup, plan, costs, rates)


def row(result, year: int, area):
    return next(r for r in result.rows if r.year == year and r.area is area)
