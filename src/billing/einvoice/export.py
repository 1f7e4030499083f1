"""The e-invoices of a month: one UBL file per issued document, all or none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.domain.seller import Seller
from billing.einvoice.checks import document_problems, seller_problems
from billing.einvoice.ubl import build_document, file_name, to_bytes
from billing.errors import DataError, Problem
from billing.invoicing.document import DocumentKind, Invoice
from billing.period import Month
from billing.persistence.invoice_store import read_invoices
from billing.persistence.models import InvoiceRow
from billing.files.output import write_files


@dataclass(frozen=True, slots=True)
class PeppolExport:
    month: Month
    documents: tuple[Invoice, ...]
    paths: tuple[Path, ...]

    @property
    def invoices(self) -> int:
        return sum(1 for d in self.documents if d.kind is DocumentKind.INVOICE)

    @property
    def credit_notes(self) -> int:
        return sum(1 for d in self.documents if d.kind is DocumentKind.CREDIT_NOTE)


def peppol_documents(session: Session, month: Month, seller: Seller) -> list[tuple[Invoice, str, bytes]]:
    """(document, file name, XML) of every document issued for ``month``, by number.

    Every document is checked before any is made: a problem in any of them
    (or in the seller's details) raises one DataError naming each document.
    """
    problems: list[Problem] = list(seller_problems(seller))
    known = {str(kind) for kind in DocumentKind}
    for number, kind, name in session.execute(
            select(InvoiceRow.number, InvoiceRow.kind, InvoiceRow.agency_name)
            .where(InvoiceRow.period == month, InvoiceRow.kind.not_in(known))
            .order_by(InvoiceRow.number)):
        problems.append(Problem(f"document {number} ({name}) is of kind {kind!r}, which has no "
                                "e-invoice document type (invoice or credit note)"))
    if problems:
        raise DataError(problems)
    documents = read_invoices(session, InvoiceRow.period == month)
    for document in documents:
        problems += document_problems(document)
    if problems:
        raise DataError(problems)
    # A credit note credits, and a corrected invoice replaces, an invoice of the same month.
    issue_dates = {d.number: d.issue_date for d in documents if d.number is not None}
    return [(d, file_name(d), to_bytes(build_document(d, seller, issue_dates))) for d in documents]


def export_month(session: Session, month: Month, out: Path, seller: Seller) -> PeppolExport:
    """Write the month's e-invoices into ``out`` (created if missing).

    All documents are made in memory first and written all or nothing
    (``files.output.write_files``): bad data or a failed write leaves ``out``
    as it was. A file of the same name from an earlier export is replaced.
    """
    made = peppol_documents(session, month, seller)
    if not made:
        return PeppolExport(month, (), ())
    paths = write_files(out, {name: content for _, name, content in made}, "e-invoices")
    return PeppolExport(month, tuple(d for d, _, _ in made), tuple(paths))
