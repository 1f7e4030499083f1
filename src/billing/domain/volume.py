"""Volumes and pass-through amounts: what an agency used in a month."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.catalogue import ServiceArea
from billing.domain.vat_exemption import VatExemption
from billing.period import Month


@dataclass(frozen=True, slots=True)
class VolumeRecord:
    id: int | None  # database id once stored; None before
    period: Month
    organisation_number: str
    service: str
    quantity: Decimal
    source: str = ""
    reference: str = ""


RecordKey = tuple[str, str, str, str]


def volume_key(period: Month, organisation_number: str, service: str, reference: str) -> RecordKey:
    """What identifies a volume record: a record with the same key is the same
    record again (skipped) or a revision of it (a correction supersedes it)."""
    return (str(period), organisation_number, service, reference)


def record_key(record: VolumeRecord) -> RecordKey:
    return volume_key(record.period, record.organisation_number, record.service, record.reference)


@dataclass(frozen=True, slots=True)
class PassThroughCharge:
    """A sub-supplier's cost re-invoiced to one agency (vidarefakturering)."""

    id: int | None
    period: Month
    organisation_number: str
    area: ServiceArea
    description: str
    amount: Decimal
    vat_rate: Decimal
    supplier: str = ""
    reference: str = ""
    vat_exemption: VatExemption | None = None  # why a 0 % amount carries no VAT


ChargeKey = tuple[str, str, str, str]


def charge_key(charge: PassThroughCharge) -> ChargeKey:
    """What identifies a pass-through charge: the supplier's invoice (supplier
    and reference) to one agency in one month. The same key again is the same
    charge: skipped when it says the same, refused when it says otherwise."""
    return (str(charge.period), charge.organisation_number, charge.supplier, charge.reference)
