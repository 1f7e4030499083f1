"""The centre itself, as the seller on every document, and its ledger accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
    receivables: str
    output_vat: str
    pass_through: str
    rounding: str
    revenue: Mapping[ServiceArea, str]


@dataclass(frozen=True, slots=True)
class Centre:
    seller: Seller
    accounts: Accounts
