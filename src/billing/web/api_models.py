"""The JSON API's shapes, for its OpenAPI description. Amounts and quantities
are decimal strings ("4063.00"), never floats; every list is a page."""

from __future__ import annotations

from pydantic import BaseModel


class DocumentHeadOut(BaseModel):
    number: int
    kind: str
    status: str | None
    organisation_number: str
    agency_name: str
    period: str
    issue_date: str
    due_date: str
    payable: str


class DocumentPage(BaseModel):
    items: list[DocumentHeadOut]
    total: int
    offset: int
    limit: int


class LineOut(BaseModel):
    line_no: int
    area: str
    part: str
    service: str | None
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str
    vat_rate: str
    price_list: str | None
    volume_records: list[int]


class DocumentOut(BaseModel):
    number: int
    kind: str
    status: str | None
    organisation_number: str
    agency_name: str
    buyer_reference: str
    period: str
    issue_date: str
    due_date: str
    currency: str
    net: str
    vat: str
    rounding: str
    payable: str
    credits: int | None
    replaces: int | None
    reason: str
    lines: list[LineOut]


class BasisLineOut(BaseModel):
    line_no: int
    description: str
    amount: str
    price_item: str
    basis: list[dict[str, str | int | None]]


class BasisOut(BaseModel):
    number: int
    lines: list[BasisLineOut]


class PriceOut(BaseModel):
    area: str
    service: str
    name: str
    unit: str
    price: str
    source: str


class AgreementOut(BaseModel):
    area: str
    connected_on: str
    ends_on: str | None
    buyer_reference: str
    price_series: str
    services: list[str] | None
    agreed_prices: dict[str, str]


class AgencyOut(BaseModel):
    organisation_number: str
    name: str
    sizes: list[dict[str, str | int]]
    agreements: list[AgreementOut]
    prices: list[PriceOut]
    prices_total: int
    offset: int
    limit: int


class VolumeRecordIn(BaseModel):
    period: str
    organisation_number: str
    service: str
    quantity: str | int
    source: str = ""
    reference: str = ""


class VolumesIn(BaseModel):
    records: list[VolumeRecordIn]


class VolumesOut(BaseModel):
    added: int
    skipped: int


class EventOut(BaseModel):
    id: int
    occurred_at: str
    user: str
    action: str
    arguments: dict
    summary: str


class EventPage(BaseModel):
    items: list[EventOut]
    total: int
    offset: int
    limit: int


class AgencyVolumesOut(BaseModel):
    organisation_number: str
    name: str
    services: list[dict[str, str]]


class MonthStatusOut(BaseModel):
    period: str
    previous: str
    billed: bool
    refused: list[str]
    would_issue: int | None
    would_hold_back: int | None
    would_issue_payable: str | None
    agencies: list[AgencyVolumesOut]
    total: int
    offset: int
    limit: int


class IssueIn(BaseModel):
    confirm: str


class IssueOut(BaseModel):
    period: str
    issued: int
    numbers: list[int]
    payable: str


class OpenItemOut(BaseModel):
    document: int
    kind: str
    issue_date: str
    due_date: str
    original: str
    paid: str
    open: str
    days_overdue: int


class OpenItemPage(BaseModel):
    as_of: str
    items: list[OpenItemOut]
    credit_balance: str
    total: int
    offset: int
    limit: int


class ApplicationOut(BaseModel):
    id: int
    document: int | None
    amount: str
    effective_on: str
    kind: str
    reverses: int | None


class PaymentOut(BaseModel):
    id: int
    booked_on: str
    amount: str
    reference: str
    left: str
    applications: list[ApplicationOut]


class PaymentPage(BaseModel):
    as_of: str
    items: list[PaymentOut]
    total: int
    offset: int
    limit: int


class ReceivableOut(BaseModel):
    organisation_number: str
    agency: str
    document: int | None
    kind: str
    due_date: str | None
    original: str | None
    paid: str | None
    open: str
    days_overdue: int
    ageing: str


class UnappliedOut(BaseModel):
    payment: int
    booked_on: str
    amount: str
    left: str
    reference: str
    payer_organisation_number: str


class ReceivablesOut(BaseModel):
    """Every agency's open items (a page of them), the ageing per agency and in all, and unapplied payments."""

    as_of: str
    items: list[ReceivableOut]
    ageing: list[dict[str, str]]
    ageing_total: dict[str, str]
    unapplied: list[UnappliedOut]
    total: int
    offset: int
    limit: int
