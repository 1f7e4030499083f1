"""The stored catalogue, which every import checks against, and the price-list
versions stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.catalogue import Catalogue
from billing.errors import DataError
from billing.persistence.mapping import load_catalogue
from billing.persistence.models import PriceListRow


def stored_catalogue(session: Session) -> Catalogue:
    catalogue = load_catalogue(session)
    if not catalogue.services:
        raise DataError.single("no service catalogue in the database: run 'billing tariffs load' first")
    return catalogue


@dataclass(frozen=True, slots=True)
class PriceListVersion:
    """A stored price-list version as `billing tariffs list` shows it."""

    id: str
    series: str
    valid_from: date
    content_hash: str
    source_file: str


def price_list_versions(session: Session) -> list[PriceListVersion]:
    """Every stored version, by series and the day it takes effect."""
    return [PriceListVersion(r.id, r.series, r.valid_from, r.content_hash, r.source_file)
            for r in session.scalars(select(PriceListRow)
                                     .order_by(PriceListRow.series, PriceListRow.valid_from))]
