"""A price plan from its files and the stored catalogue, price lists and
volume history. It reads only: nothing is stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from billing.domain.catalogue import Catalogue
from billing.domain.tariff import STANDARD_SERIES, PriceList, version_in_force
from billing.errors import DataError
from billing.files.connection_plan_file import read_connection_plan
from billing.files.cost_forecast_file import read_cost_forecast
from billing.files.tariff_file import load_price_list
from billing.period import Month
from billing.persistence.mapping import load_agencies, load_price_lists, load_volumes
from billing.planning.inputs import ConnectionPlan, Method, Target, VolumeRate
from billing.planning.plan import PricePlan, checked, planned, prepare
from billing.quoting.estimation import per_employee_ratios
from billing.services.catalogue import stored_catalogue
from billing.services.quotes import months_with_volumes


def price_plan(session: Session, plan_file: Path, costs_file: Path, target: Target,
               start: str | None = None, list_id: str | None = None,
               first: Month | None = None, last: Month | None = None,
               check: Path | None = None) -> PricePlan:
    """The plan (or, with ``check``, what that price list gives) from the files."""
    catalogue = stored_catalogue(session)
    plan = read_connection_plan(plan_file, catalogue)
    forecast = read_cost_forecast(costs_file)
    stored = load_price_lists(session)
    first_year = plan.base_year + 1
    starting = _starting_list(start, stored, catalogue, first_year)
    rates = volume_rates(session, catalogue, plan, first, last)
    setup = prepare(catalogue, starting, plan, forecast, rates, target,
                    list_id or (f"plan-{first_year}" if target.method is Method.MULTIPLIER else "plan"))
    if check is not None:
        return checked(setup, plan, forecast, rates, load_price_list(check, catalogue))
    return planned(setup, plan, forecast, rates)


def _starting_list(start: str | None, stored: tuple[PriceList, ...], catalogue: Catalogue,
                   first_year: int) -> PriceList:
    """A stored version by id, a price-list file, or by default the standard
    version in force on 1 January of the first planned year."""
    if start is None:
        found = version_in_force(stored, STANDARD_SERIES, date(first_year, 1, 1))
        if found is None:
            raise DataError.single(f"no standard price list in force on {first_year}-01-01 to start "
                                   "from: name one with --start", field="start")
        return found
    named = next((p for p in stored if p.id == start), None)
    if named is not None:
        return named
    path = Path(start)
    if path.suffix == ".toml" and path.is_file():
        return load_price_list(path, catalogue)
    raise DataError.single(f"no stored price list {start!r}, and no price-list file by that name",
                           field="start")


def volume_rates(session: Session, catalogue: Catalogue, plan: ConnectionPlan,
                 first: Month | None, last: Month | None) -> dict[str, VolumeRate]:
    """Monthly volume per employee of each basic service, as the quote estimates
    it from the history in the window (with its spread), unless the plan gives it."""
    months = months_with_volumes(session, first, last)
    volumes = {month: load_volumes(session, month) for month in months}
    ratios = per_employee_ratios(catalogue, plan.areas, load_agencies(session), volumes)
    rates = {code: VolumeRate(code, r.per_employee,
                              f"historik {r.first}–{r.last}: {r.per_employee} per anställd och månad "
                              f"(spridning {r.low}–{r.high} bland {r.agencies} myndigheter)")
             for code, r in ratios.items() if code not in plan.volumes}
    rates.update({code: VolumeRate(code, q, f"angivet i anslutningsplanen: {q} per anställd och månad")
                  for code, q in plan.volumes.items()})
    bare = [area for area in plan.areas
            if not any(catalogue[code].area is area for code in rates)]
    if bare:
        raise DataError.single(
            f"no volume history for {', '.join(str(a) for a in bare)} to learn volumes from: give "
            "them per employee and month in the connection plan's [volumes]", field="plan")
    return dict(sorted(rates.items()))

