"""Loading the catalogue and the price lists of a tariff directory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.catalogue import Catalogue
from billing.domain.tariff import PriceList
from billing.errors import DataError, Problem
from billing.files.catalogue_file import load_catalogue as read_catalogue
from billing.files.tariff_file import load_price_list
from billing.persistence.documents import price_lists_used
from billing.persistence.locks import lock_billing
from billing.persistence.mapping import service_row
from billing.persistence.models import PriceListRow, ServiceRow
from billing.persistence.price_list_form import content_hash, stored_form
from billing.services.batches import record_batch
from billing.services.billing_run import billed_months
from billing.services.events import now

CATALOGUE_FILE = "catalogue.toml"


@dataclass
class TariffLoad:
    services_added: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def load_tariffs(session: Session, directory: Path) -> TariffLoad:
    """The catalogue and every price list of ``directory``, all or nothing."""
    # Before anything is read: a price list in force in a month being billed
    # waits for the run, then is refused (persistence/locks.py).
    lock_billing(session)
    catalogue = read_catalogue(directory / CATALOGUE_FILE)
    files = sorted(p for p in directory.glob("*.toml") if p.name != CATALOGUE_FILE)
    problems: list[Problem] = []
    loaded: list[tuple[Path, PriceList]] = []
    for path in files:
        try:
            loaded.append((path, load_price_list(path, catalogue)))
        except DataError as error:
            problems += error.problems
    seen: dict[object, Path] = {}
    for path, price_list in loaded:
        for key, what in (((price_list.id,), f"id {price_list.id}"),
                          ((price_list.series, price_list.valid_from),
                           f"series {price_list.series} from {price_list.valid_from}")):
            if key in seen:
                problems.append(Problem(f"{what} is also in {seen[key].name}", str(path), None, "id"))
            seen.setdefault(key, path)
    if problems:
        raise DataError(problems)

    result = TariffLoad()
    _store_catalogue(session, catalogue, directory / CATALOGUE_FILE, result)
    _store_price_lists(session, loaded, result)
    digest = hashlib.sha256("".join(stored_form(p) for _, p in loaded).encode()).hexdigest()
    record_batch(session, "tariffs", directory, len(result.added) + len(result.replaced),
                 len(result.unchanged), digest)
    return result


def _store_catalogue(session: Session, catalogue: Catalogue, path: Path, result: TariffLoad) -> None:
    existing = {row.code: row for row in session.scalars(select(ServiceRow))}
    problems = []
    for service in catalogue.services:
        new = service_row(service)
        old = existing.get(service.code)
        if old is None:
            session.add(new)
            result.services_added.append(service.code)
        elif _columns(old) != _columns(new):
            problems.append(Problem(f"service {service.code} differs from the stored one; a service "
                                    "once loaded cannot change (add a new code instead)",
                                    str(path), None, "services"))
    if problems:
        raise DataError(problems)


def _columns(row: ServiceRow) -> tuple:
    return tuple(getattr(row, c.key) for c in ServiceRow.__table__.columns)


def _store_price_lists(session: Session, loaded: list[tuple[Path, PriceList]],
                       result: TariffLoad) -> None:
    stored = {row.id: row for row in session.scalars(select(PriceListRow))}
    used = price_lists_used(session)
    slots = {(row.series, row.valid_from): row.id for row in stored.values()}
    last_billed = max(billed_months(session), default=None)
    problems = []
    for path, price_list in loaded:
        # Compared and stored as the stored form: the meaning, not the file's
        # text or its format, so a comment or a renamed file key changes nothing.
        document = stored_form(price_list)
        holder = slots.get((price_list.series, price_list.valid_from))
        if holder is not None and holder != price_list.id:
            problems.append(Problem(
                f"price list {holder} is already the {price_list.series} version from "
                f"{price_list.valid_from}", str(path), None, "valid_from"))
            continue
        row = stored.get(price_list.id)
        if row is not None and row.content_hash == content_hash(document):
            result.unchanged.append(price_list.id)
            continue
        if row is not None and price_list.id in used:
            problems.append(Problem(
                f"price list {price_list.id} has priced issued invoices and cannot change; "
                "give the new prices a new id and valid_from", str(path), None, "id"))
            continue
        if last_billed is not None and price_list.valid_from <= last_billed.first_day:
            # Billed months keep the prices they were billed with, even where no
            # invoice used this list: a re-rating must find the same version in force.
            problems.append(Problem(
                f"price list {price_list.id} would be in force from {price_list.valid_from}, but "
                f"months up to {last_billed} are billed: new prices take effect after them",
                str(path), None, "valid_from"))
            continue
        if row is None:
            row = PriceListRow(id=price_list.id)
            session.add(row)
            result.added.append(price_list.id)
        else:
            result.replaced.append(price_list.id)
        row.series, row.valid_from, row.currency = (price_list.series, price_list.valid_from,
                                                    price_list.currency)
        row.document, row.content_hash = document, content_hash(document)
        row.source_file, row.loaded_at = str(path), now()
    if problems:
        raise DataError(problems)
    session.flush()
