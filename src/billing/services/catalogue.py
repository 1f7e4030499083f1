"""The stored catalogue, which every import checks against."""

from __future__ import annotations

from sqlalchemy.orm import Session

from billing.domain.catalogue import Catalogue
from billing.errors import DataError
from billing.persistence.mapping import load_catalogue


def stored_catalogue(session: Session) -> Catalogue:
    catalogue = load_catalogue(session)
    if not catalogue.services:
        raise DataError.single("no service catalogue in the database: run 'billing tariffs load' first")
    return catalogue
