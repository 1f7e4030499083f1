"""Importing agencies and their agreements."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from billing.files.agencies_file import load_agencies as read_agencies
from billing.persistence.locks import lock_billing
from billing.persistence.mapping import agency_from_row, agency_rows
from billing.persistence.models import AgencyRow
from billing.progress import Progress, silent, tracked
from billing.services.batches import record_batch
from billing.services.catalogue import stored_catalogue


@dataclass(frozen=True)
class AgencyImport:
    added: int
    updated: int
    unchanged: int


def import_agencies(session: Session, path: Path, progress: Progress = silent) -> AgencyImport:
    """Add new agencies and replace the sizes, agreements and discounts of known ones.

    Issued invoices keep their own copy of what they need (name, organisation
    number, address, reference, lines), so updating an agency never changes one.
    A new agency needs an address; a known one the file gives none keeps its own.
    ``progress`` is told each agency stored.
    """
    # Wait for a run that is rating agreements, as the other imports do, so
    # a run never bills a month with agreements changed under it (persistence/locks.py).
    lock_billing(session)
    known = set(session.scalars(select(AgencyRow.organisation_number)))
    agencies = read_agencies(path, stored_catalogue(session), known)
    numbers = [a.organisation_number for a in agencies]
    rows = {row.organisation_number: row for row in session.scalars(
        select(AgencyRow).where(AgencyRow.organisation_number.in_(numbers))
        .options(selectinload(AgencyRow.sizes), selectinload(AgencyRow.agreements),
                 selectinload(AgencyRow.discounts)))}
    added = updated = unchanged = 0
    for agency in tracked(agencies, "Importing agencies", progress):
        row = rows.get(agency.organisation_number)
        if row is not None and agency.address is None:
            agency = replace(agency, address=agency_from_row(row).address)
        if row is None:
            session.add(agency_rows(agency, AgencyRow()))
            added += 1
        elif agency_from_row(row) == agency:
            unchanged += 1
        else:
            # Old children go first: the new ones may repeat their unique keys.
            row.sizes, row.agreements, row.discounts = [], [], []
            session.flush()
            agency_rows(agency, row)
            updated += 1
    session.flush()
    record_batch(session, "agencies", path, added + updated, unchanged)
    return AgencyImport(added, updated, unchanged)


def agency_names(session: Session) -> list[tuple[str, str]]:
    """(organisation number, name) of every stored agency, by name."""
    return [(org, name) for org, name in session.execute(
        select(AgencyRow.organisation_number, AgencyRow.name).order_by(AgencyRow.name))]
