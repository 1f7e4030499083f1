"""Between rows and domain values, in both directions, in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from sys import intern

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.address import PostalAddress
from billing.domain.agency import (Agency, Agreement, ConnectionItem, Discount, FeePart, SizeChange,
                                   Subscription)
from billing.domain.catalogue import Catalogue, Charge, Measure, Service, ServiceArea, Tier
from billing.domain.tariff import PriceList
from billing.domain.vat_exemption import VatExemption
from billing.domain.volume import PassThroughCharge, VolumeRecord
from billing.errors import BillingError
from billing.period import Month
from billing.persistence.models import (AgencyRow, AgreementRow, DiscountRow, PassThroughRow,
                                        PriceListRow, ServiceRow, SizeRow, VolumeRow)
from billing.persistence.price_list_form import price_list_from_form


_CHUNK = 5000
_AGENCIES = AgencyRow.__table__


def load_catalogue(session: Session) -> Catalogue:
    rows = session.scalars(select(ServiceRow).order_by(ServiceRow.code))
    return Catalogue(tuple(
        Service(code=r.code, area=ServiceArea(r.area), tier=Tier(r.tier), charge=Charge(r.charge),
                name=r.name, unit=r.unit, unit_code=r.unit_code, measure=Measure(r.measure),
                rate_class=r.rate_class, requires_any=tuple(r.requires_any))
        for r in rows))


def service_row(service: Service) -> ServiceRow:
    return ServiceRow(code=service.code, area=str(service.area), tier=str(service.tier),
                      charge=str(service.charge), name=service.name, unit=service.unit,
                      unit_code=service.unit_code, measure=str(service.measure),
                      rate_class=service.rate_class, requires_any=list(service.requires_any))


def load_price_lists(session: Session, ids: set[str] | None = None) -> tuple[PriceList, ...]:
    """The stored price lists (or those of ``ids``), read from their stored form."""
    query = select(PriceListRow).order_by(PriceListRow.series, PriceListRow.valid_from)
    if ids is not None:
        query = query.where(PriceListRow.id.in_(sorted(ids)))
    rows = session.scalars(query)
    return tuple(price_list_from_form(row.document) for row in rows)


def load_agencies(session: Session, ids: list[int] | None = None) -> dict[int, Agency]:
    """Agencies with their sizes, agreements and discounts: four queries in all
    (four per chunk of ids when ``ids`` are given: no unbounded IN list)."""
    if ids is None:
        return _agencies(session, None)
    found: dict[int, Agency] = {}
    for start in range(0, len(ids), _CHUNK):
        found |= _agencies(session, ids[start:start + _CHUNK])
    return found


def _agencies(session: Session, ids: list[int] | None) -> dict[int, Agency]:
    # Columns, not ORM entities: a run reads every agency (10,000 at scale) and
    # needs only their values, not rows tracked by the session. Each child table
    # is read once, ordered as the relationships order it (models.py).
    def rows(table, *order):
        query = select(table)
        if ids is not None:
            query = query.where((table.c.id if table is _AGENCIES else table.c.agency_id).in_(ids))
        grouped: dict[int, list] = defaultdict(list)
        for row in session.execute(query.order_by(*order)):
            grouped[row.id if table is _AGENCIES else row.agency_id].append(row)
        return grouped

    sizes = rows(SizeRow.__table__, SizeRow.agency_id, SizeRow.effective, SizeRow.id)
    agreements = rows(AgreementRow.__table__, AgreementRow.agency_id, AgreementRow.connected_on,
                      AgreementRow.id)
    discounts = rows(DiscountRow.__table__, DiscountRow.agency_id, DiscountRow.id)
    return {agency_id: _agency(row, sizes.get(agency_id, ()), agreements.get(agency_id, ()),
                               discounts.get(agency_id, ()))
            for agency_id, [row] in rows(_AGENCIES, AgencyRow.id).items()}


def agency_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(AgencyRow.organisation_number, AgencyRow.id)).all())


def agency_from_row(row: AgencyRow) -> Agency:
    return _agency(row, row.sizes, row.agreements, row.discounts)


def _agency(row, sizes, agreements, discounts) -> Agency:
    """The agency of a row and its children: ORM rows or plain result rows alike."""
    return Agency(
        organisation_number=row.organisation_number, name=row.name,
        sizes=tuple(SizeChange(s.effective, s.employees) for s in sizes),
        agreements=tuple(_agreement(a) for a in agreements),
        discounts=tuple(Discount(d.percent, frozenset(FeePart(p) for p in d.parts), d.start, d.end,
                                 ServiceArea(d.area) if d.area else None, d.reason)
                        for d in discounts),
        address=(PostalAddress(row.street, row.postal_code or "", row.city or "", row.country or "",
                               row.additional_street or "") if row.street is not None else None))


def _agreement(a: AgreementRow) -> Agreement:
    return Agreement(
        area=ServiceArea(a.area), connected_on=a.connected_on, ends_on=a.ends_on,
        buyer_reference=a.buyer_reference, price_series=a.price_series,
        transformed_on=a.transformed_on,
        services=tuple(a.services) if a.services is not None else None,
        agreed_prices=tuple(sorted((k, Decimal(v)) for k, v in a.agreed_prices.items())),
        subscriptions=tuple(Subscription(s["service"], date.fromisoformat(s["from"]),
                                         date.fromisoformat(s["to"]) if s["to"] else None)
                            for s in a.subscriptions),
        connection_items=tuple(ConnectionItem(c["description"], Decimal(c["amount"]),
                                              date.fromisoformat(c["on"]) if c["on"] else None)
                               for c in a.connection_items),
        connection_fee=a.connection_fee)


def agency_rows(agency: Agency, row: AgencyRow) -> AgencyRow:
    """Fill ``row`` (new, or loaded with its children) from the domain value."""
    row.organisation_number = agency.organisation_number
    row.name = agency.name
    a = agency.address
    row.street = a.street if a else None
    row.additional_street = a.additional_street if a else None
    row.postal_code = a.postal_code if a else None
    row.city = a.city if a else None
    row.country = a.country if a else None
    row.sizes = [SizeRow(effective=s.effective, employees=s.employees) for s in agency.sizes]
    row.agreements = [
        AgreementRow(
            area=str(a.area), connected_on=a.connected_on, ends_on=a.ends_on,
            buyer_reference=a.buyer_reference, price_series=a.price_series,
            transformed_on=a.transformed_on,
            services=list(a.services) if a.services is not None else None,
            # Decimals as strings inside JSON: exact on every database.
            agreed_prices={k: str(v) for k, v in a.agreed_prices},
            subscriptions=[{"service": s.service, "from": s.start.isoformat(),
                            "to": s.end.isoformat() if s.end else None} for s in a.subscriptions],
            connection_items=[{"description": c.description, "amount": str(c.amount),
                               "on": c.on.isoformat() if c.on else None} for c in a.connection_items],
            connection_fee=a.connection_fee)
        for a in agency.agreements]
    row.discounts = [DiscountRow(percent=d.percent, parts=sorted(str(p) for p in d.parts),
                                 area=str(d.area) if d.area else None, start=d.start, end=d.end,
                                 reason=d.reason) for d in agency.discounts]
    return row


def load_volumes(session: Session, period: Month,
                 agency_ids: Sequence[int] | None = None) -> dict[int, list[VolumeRecord]]:
    """The month's volume records in force (not superseded), by agency id, in
    one query: every agency's, or those of ``agency_ids`` (a chunk of a run,
    never more than _CHUNK of them)."""
    return load_volume_records(session, VolumeRow.period == period, VolumeRow.superseded_by_id.is_(None),
                               *_of_agencies(VolumeRow, agency_ids))


def load_volume_records(session: Session, *criteria) -> dict[int, list[VolumeRecord]]:
    """Volume records matching SQLAlchemy criteria on VolumeRow, by agency id."""
    result: dict[int, list[VolumeRecord]] = defaultdict(list)
    # Columns, not ORM entities: a month at scale holds 300,000 records, and
    # entities would each sit in the session's identity map until it closes.
    query = (select(VolumeRow.id, VolumeRow.agency_id, VolumeRow.period, AgencyRow.organisation_number,
                    VolumeRow.service_code, VolumeRow.quantity, VolumeRow.source, VolumeRow.reference)
             .join(AgencyRow, AgencyRow.id == VolumeRow.agency_id)
             .where(*criteria).order_by(VolumeRow.id))
    # The texts repeated on every record (agency, service, source) are shared.
    for record_id, agency_id, period, org, code, quantity, source, reference in session.execute(query):
        result[agency_id].append(VolumeRecord(record_id, period, intern(org), intern(code), quantity,
                                              intern(source), reference))
    return result


def load_pass_through(session: Session, period: Month,
                      agency_ids: Sequence[int] | None = None) -> dict[int, list[PassThroughCharge]]:
    """The month's pass-through charges, by agency id: every agency's, or those of ``agency_ids``."""
    return load_pass_through_charges(session, PassThroughRow.period == period,
                                     *_of_agencies(PassThroughRow, agency_ids))


def _of_agencies(row, agency_ids: Sequence[int] | None) -> list:
    if agency_ids is None:
        return []
    if len(agency_ids) > _CHUNK:
        raise BillingError(f"{len(agency_ids)} agencies asked for at once: at most {_CHUNK}, in chunks")
    return [row.agency_id.in_(agency_ids)]


def load_pass_through_charges(session: Session, *criteria) -> dict[int, list[PassThroughCharge]]:
    """Pass-through charges matching SQLAlchemy criteria on PassThroughRow, by agency id."""
    result: dict[int, list[PassThroughCharge]] = defaultdict(list)
    query = (select(PassThroughRow, AgencyRow.organisation_number).join(AgencyRow)
             .where(*criteria).order_by(PassThroughRow.id))
    for row, org in session.execute(query):
        result[row.agency_id].append(PassThroughCharge(
            row.id, row.period, org, ServiceArea(row.area), row.description, row.amount,
            row.vat_rate, row.supplier, row.reference, charge_exemption(row)))
    return result


def charge_exemption(row: PassThroughRow) -> VatExemption | None:
    if row.vat_exemption_code is None:
        return None
    return VatExemption(row.vat_exemption_code, row.vat_exemption_reason or "")
