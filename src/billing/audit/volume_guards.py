"""Guards before a month is billed: do its volumes look missing or incomplete?

A run issues invoices from whatever volumes are in the database. A month whose
volume file was never imported, or was imported in part, still bills every
base fee, and nothing looks wrong until an agency asks where its usage went.
So before anything is issued the month's volumes are compared with those of
the previous billed month:

- no volume record at all for the month;
- an agency that had volumes of a basic service (catalogue tier basic: the
  services every connected agency uses) in the previous billed month has
  none of any basic service now;
- a service whose total volume falls by more than a threshold (default 50 %).

The user may go on deliberately, naming the agencies (or all) and a reason.
Pure: the totals are read in bulk by persistence/volume_totals.py.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.catalogue import Catalogue, Tier
from billing.period import Month

DEFAULT_DROP_THRESHOLD = Decimal(50)
ALL = "all"

# (organisation number, service code) -> the month's total quantity in force
Totals = Mapping[tuple[str, str], Decimal]


@dataclass(frozen=True, slots=True)
class VolumeFinding:
    message: str
    # The agency the finding is about; None for the whole month (overridden only by "all").
    organisation_number: str | None = None

    def allowed_by(self, allowed: Collection[str]) -> bool:
        return ALL in allowed or (self.organisation_number is not None
                                  and self.organisation_number in allowed)


def volume_findings(catalogue: Catalogue, month: Month, current: Totals,
                    previous_month: Month | None, previous: Totals,
                    names: Mapping[str, str] | None = None,
                    drop_threshold: Decimal = DEFAULT_DROP_THRESHOLD) -> tuple[VolumeFinding, ...]:
    """What looks missing in ``month``'s volumes against ``previous_month``'s
    (the previous billed month, None when nothing was billed before)."""
    names = names or {}
    if not current:
        agencies = len({org for org, _ in previous})
        where = (f" ({previous_month}, the previous billed month, had volumes of {agencies} agencies)"
                 if previous_month is not None and previous else "")
        return (VolumeFinding(f"{month} has no volume records at all{where}: "
                              f"import the month's volumes first"),)
    if previous_month is None:
        return ()
    findings = []
    basic = {s.code for s in catalogue.services if s.tier is Tier.BASIC}
    had = sorted({org for org, code in previous if code in basic})
    has = {org for org, code in current if code in basic}
    for org in had:
        if org not in has:
            label = f"{org} {names[org]}" if org in names else org
            findings.append(VolumeFinding(
                f"{label} had basic-service volumes in {previous_month} but has none in {month}", org))
    for code, before in sorted(_by_service(previous).items()):
        now = _by_service(current).get(code, Decimal(0))
        if before > 0 and (before - now) * 100 > drop_threshold * before:
            fall = ((before - now) * 100 / before).quantize(Decimal("0.1"))
            findings.append(VolumeFinding(
                f"the total volume of {code} falls by {fall} % ({before} in {previous_month}, "
                f"{now} in {month}), more than {drop_threshold} %"))
    return tuple(findings)


def unallowed(findings: tuple[VolumeFinding, ...], allowed: Collection[str]) -> tuple[VolumeFinding, ...]:
    return tuple(f for f in findings if not f.allowed_by(allowed))


def _by_service(totals: Totals) -> dict[str, Decimal]:
    result: dict[str, Decimal] = {}
    for (_, code), quantity in totals.items():
        result[code] = result.get(code, Decimal(0)) + quantity
    return result
