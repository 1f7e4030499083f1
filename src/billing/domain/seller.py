"""The centre itself, as the seller on every document, and its ledger accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.catalogue import ServiceArea


@dataclass(frozen=True, slots=True)
class Seller:
    name: str
    organisation_number: str  # NNNNNN-NNNN
    vat_number: str
    street: str
    postal_code: str
    city: str
    country: str
    bankgiro: str
    email: str


@dataclass(frozen=True, slots=True)
class Accounts:
    """The ledger accounts sales are booked on.

    Revenue at a positive VAT rate goes to its service area's account (a
    pass-through amount to ``pass_through``), revenue at 0 % to
    ``exempt_revenue`` whatever its area, so that the VAT return's taxed and
    exempt sales can be read off the ledger; output VAT to the account of its
    rate."""

    receivables: str
    output_vat: Mapping[Decimal, str]  # VAT rate in percent, two decimals ("25.00") -> account
    pass_through: str
    rounding: str
    revenue: Mapping[ServiceArea, str]
    exempt_revenue: str | None = None  # revenue at 0 % VAT; None: not configured


@dataclass(frozen=True, slots=True)
class ReceivablesSettings:
    """The customer ledger: the accounts payments are booked on, and reminders.

    Money received that is not (yet) put on a document, an agency's credit
    balance or a payment nobody is known for, waits on ``unapplied``
    (förskott från kunder) until it is applied or paid back. Between state
    agencies no reminder fee or interest is charged: the fee is 0 unless the
    centre sets one."""

    bank: str = "1930"
    unapplied: str = "2420"
    reminder_fee: Decimal = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Centre:
    seller: Seller
    accounts: Accounts
    source: str = "the centre file"  # where the details were read, for messages
    financial_year_first_month: int = 1  # 1 = the calendar year
    receivables: ReceivablesSettings = ReceivablesSettings()
