"""The step every export shares: which documents it writes, and the record
that it wrote them (services/outputs.py makes and writes the files).

The order, inside the command's one transaction:

1. exports of the format take turns (persistence/exports.lock_exports), so two
   at once cannot both find a document unexported;
2. the documents asked for, less those exported in the format before (unless
   asked ``again``), are read, and the e-invoices and the SIE file made in
   memory; a document that cannot be made stops the export, naming it;
3. the batch, a record per document and the event are added and flushed: a
   database that refuses them refuses before any file is written;
4. the files are written, all or nothing (files/output.py; PDFs are rendered
   here, all before any is written); a failure raises, and the records go
   with the rolled-back transaction;
5. the command commits.

So nothing is recorded as exported that was not written: the records commit
only after every file is in place. The one gap left is a commit that fails
after the files are written: then the files are there but not recorded, the
command fails saying so, and the next export writes them again (the same
names, the same bytes). Written twice is found out; recorded but never
written would not be.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from billing.domain.exports import Chosen, DocumentChoice, ExportFormat, choose, number_ranges
from billing.errors import DataError, Problem
from billing.invoicing.document import DocumentKind, Invoice
from billing.persistence.documents import chosen_documents, documents_by_number
from billing.persistence.exports import ExportBatch, exported_numbers, lock_exports, record_export
from billing.services.events import now, operator, record_event

_KNOWN_KINDS = {str(kind) for kind in DocumentKind}


@dataclass(frozen=True, slots=True)
class Selected:
    """What an export will write: the choice's documents sorted out, and of
    those to write, any stored with a kind that cannot be read."""

    choice: DocumentChoice
    chosen: Chosen
    unknown_kinds: tuple[tuple[int, str, str], ...]  # (number, kind, agency name)


@dataclass(frozen=True, slots=True)
class Exported:
    """An export done, or nothing to do (no documents written, nothing recorded)."""

    format: ExportFormat
    choice: DocumentChoice
    chosen: Chosen
    documents: tuple[Invoice, ...] = ()  # written, by number
    paths: tuple[Path, ...] = ()  # the files written: one per document, or the SIE file
    batch: int | None = None  # the export batch recorded

    @property
    def invoices(self) -> int:
        return sum(1 for d in self.documents if d.kind is DocumentKind.INVOICE)

    @property
    def credit_notes(self) -> int:
        return sum(1 for d in self.documents if d.kind is DocumentKind.CREDIT_NOTE)

    @property
    def payable(self) -> Decimal:
        """The sum of the documents' payable amounts (booked on receivables)."""
        return sum((d.totals.payable for d in self.documents), Decimal("0.00"))


def select_documents(session: Session, fmt: ExportFormat, choice: DocumentChoice) -> Selected:
    """The documents ``choice`` names, sorted into those to write and those
    exported in ``fmt`` before; exports of ``fmt`` wait for each other from here
    to the end of the transaction."""
    if not choice.names_documents:
        raise DataError.single("name the documents to export: a month, numbers or a first issue date",
                               field="period")
    lock_exports(session, fmt)
    candidates = chosen_documents(session, choice)
    numbers = [number for number, _, _ in candidates]
    chosen = choose(numbers, exported_numbers(session, fmt, numbers), choice.again)
    writing = set(chosen.numbers)
    unknown = tuple(c for c in candidates if c[0] in writing and c[1] not in _KNOWN_KINDS)
    return Selected(choice, chosen, unknown)


def read_selected(selected: Selected, session: Session, what: str) -> list[Invoice]:
    """The documents to write; a DataError naming each one stored with a kind
    that is neither invoice nor credit note (it cannot be read, so none is written)."""
    if selected.unknown_kinds:
        raise DataError([Problem(f"document {number} ({name}) is of kind {kind!r}, which cannot be "
                                 f"made into {what} (invoice or credit note)")
                         for number, kind, name in selected.unknown_kinds])
    return [found.document for found in documents_by_number(session, selected.chosen.numbers)]


def nothing_to_write(fmt: ExportFormat, selected: Selected) -> Exported:
    return Exported(fmt, selected.choice, selected.chosen)


def write_and_record(session: Session, fmt: ExportFormat, selected: Selected, documents: Sequence[Invoice],
                     target: Path, files: Sequence[Path], write: Callable[[], object]) -> Exported:
    """Record the export (``files``: each document's file, in the order of
    ``documents``), then ``write``: see the module's order and why."""
    batch = record_export(session, ExportBatch(
        fmt, target.absolute(), selected.choice.described(),
        tuple((d.number or 0, path.absolute()) for d, path in zip(documents, files, strict=True)),
        now(), operator()))
    record_event(session, f"export.{fmt}",
                 {**selected.choice.arguments(), "target": str(target.absolute()), "batch": str(batch)},
                 _summary(fmt, selected.chosen))
    write()
    paths = tuple(dict.fromkeys(files))  # the SIE file once
    return Exported(fmt, selected.choice, selected.chosen, tuple(documents), paths, batch)


def _summary(fmt: ExportFormat, chosen: Chosen) -> str:
    said = f"{len(chosen.numbers)} documents written as {fmt.label}: {number_ranges(chosen.numbers)}"
    if chosen.again:
        said += f"; {len(chosen.again)} of them exported before, written again: {number_ranges(chosen.again)}"
    if chosen.left_out:
        said += f"; {len(chosen.left_out)} exported before, left out: {number_ranges(chosen.left_out)}"
    return said
