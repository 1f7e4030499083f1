"""Quotes and what-if comparisons, from the stored catalogue, price lists and
history. They read only: nothing is issued or written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.catalogue import Charge, Tier
from billing.errors import DataError
from billing.files.tariff_file import load_price_list
from billing.period import Month
from billing.persistence.mapping import load_agencies, load_price_lists, load_volumes
from billing.persistence.models import VolumeRow
from billing.persistence.volume_stream import monthly_service_totals
from billing.progress import Progress, silent
from billing.quoting.estimation import Ratio, per_employee_ratios
from billing.quoting.quote import Quote, price_quote
from billing.quoting.request import QuoteRequest, VolumeBasis
from billing.quoting.whatif import Difference, compare_months
from billing.services.catalogue import stored_catalogue


def months_with_volumes(session: Session, first: Month | None = None,
                        last: Month | None = None) -> list[Month]:
    months = sorted(set(session.scalars(select(VolumeRow.period).distinct())))
    return [m for m in months if (first is None or m >= first) and (last is None or m <= last)]


def history_ratios(session: Session, request: QuoteRequest, first: Month | None,
                   last: Month | None) -> dict[str, Ratio]:
    months = months_with_volumes(session, first, last)
    volumes = {month: load_volumes(session, month) for month in months}
    return per_employee_ratios(stored_catalogue(session), request.areas, load_agencies(session),
                               volumes)


def quote(session: Session, request: QuoteRequest, estimate: bool = False,
          first: Month | None = None, last: Month | None = None) -> tuple[Quote, dict[str, Ratio]]:
    """Price the request; with ``estimate``, basic services without a given volume
    are estimated from the centre's history in the window."""
    catalogue = stored_catalogue(session)
    request.check(catalogue)  # before anything looks a given service up
    ratios: dict[str, Ratio] = {}
    if estimate:
        ratios = history_ratios(session, request, first, last)
        if not ratios:
            window = f"{first or 'the first month'} to {last or 'the last'}"
            raise DataError.single(f"no volume history from {window} to estimate from: give the "
                                   "expected volumes with --volume CODE=QUANTITY", field="estimate")
        volumes = dict(request.volumes)
        for service in catalogue.services:
            if (service.area in request.areas and service.tier is Tier.BASIC
                    and service.charge is Charge.PER_UNIT and service.code not in volumes
                    and service.code in ratios):
                ratio = ratios[service.code]
                volumes[service.code] = VolumeBasis(ratio.estimate(request.employees),
                                                    ratio.describe(request.employees))
        bare = [area for area in request.areas
                if not any(catalogue[code].area is area for code in volumes)]
        if bare:
            raise DataError.single(
                f"no volume history for {', '.join(a.label for a in bare)} in the window to "
                "estimate from: give those volumes with --volume CODE=QUANTITY", field="estimate")
        request = replace(request, volumes=volumes)
    elif not request.volumes:
        raise DataError.single("give the expected monthly volumes (--volume CODE=QUANTITY), or "
                               "--estimate them from the centre's history", field="volumes")
    return price_quote(request, catalogue, load_price_lists(session)), ratios


def what_if(session: Session, draft_file: Path, first: Month | None, last: Month | None,
            progress: Progress = silent) -> tuple[list[Difference], list[Month], str]:
    if first is not None and last is not None and last < first:
        raise DataError.single(f"--to {last} is before --from {first}", field="last_period")
    catalogue = stored_catalogue(session)
    draft = load_price_list(draft_file, catalogue)
    months = months_with_volumes(session, first, last)
    if not months:
        raise DataError.single("no recorded volumes in the months asked for", field="first_period")
    agencies = load_agencies(session)
    # Month by month: memory holds one month's totals, however many years are compared.
    totals = monthly_service_totals(session, months, {i: a.organisation_number for i, a in agencies.items()})
    differences = compare_months(catalogue, load_price_lists(session), draft, agencies, totals,
                                 len(months), progress)
    return differences, months, draft.id
