"""`billing export sie`: the documents of a month as one SIE 4 file, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from billing.domain.seller import Centre
from billing.invoicing.document import Invoice
from billing.ledger.sie import encode, sie_text
from billing.ledger.vouchers import LedgerRefused, Voucher, account_names, account_problems, voucher_for
from billing.period import Month
from billing.progress import Progress, silent, tracked


class Selection(StrEnum):
    """Which documents belong to a month's file. By issue month (the default of
    `billing export sie`), a file holds the documents dated in a period of
    bookkeeping, as the ledger books them; by period, the documents billed for
    the month, so a correction dated in a later month joins its period's file.
    Either way a document already booked in an earlier SIE export is left out
    unless asked for again (services/exporting.py), so no voucher is booked twice."""

    ISSUED = "issued"  # issued during the month: the ledger's period
    PERIOD = "period"  # billed for the month (the run and its corrections), as `invoices list --period`


def sie_file(documents: Sequence[Invoice], centre: Centre, month: Month, generated: date,
             selection: Selection,
             progress: Progress = silent) -> tuple[bytes, tuple[Voucher, ...]]:
    """The encoded file and its vouchers; LedgerRefused when there are no
    documents, or naming every document that cannot be booked, after looking at
    all of them."""
    if not documents:
        which = "billed for" if selection is Selection.PERIOD else "issued in"
        raise LedgerRefused(f"SIE export of {month}", [f"no documents {which} {month}"])
    problems = account_problems(centre.accounts)
    vouchers = []
    for document in tracked(documents, "Booking vouchers", progress):
        voucher, found = voucher_for(document, centre.accounts)
        problems += found
        if voucher is not None:
            vouchers.append(voucher)
    if problems:
        raise LedgerRefused(f"SIE export of {month}", problems)
    how = "fakturerade för" if selection is Selection.PERIOD else "utfärdade under"
    text = sie_text(centre.seller, account_names(centre.accounts), vouchers, generated,
                    f"Fakturor och kreditfakturor {how} {month}")
    return encode(text), tuple(vouchers)
