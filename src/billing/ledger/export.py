"""`billing export sie`: the documents of a month as one SIE 4I file, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from billing.domain.seller import Centre
from billing.invoicing.document import Invoice
from billing.ledger.financial_year import financial_year, years_of
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


class VoucherDate(StrEnum):
    """The date each voucher is booked on: the user's choice, as the ledger's
    periods are closed."""

    INVOICE = "invoice"  # the document's issue date (the invoice date)
    PERIOD_END = "period-end"  # the last day of the month the document bills

    def of(self, document: Invoice) -> date:
        return document.issue_date if self is VoucherDate.INVOICE else document.period.last_day


def sie_file(documents: Sequence[Invoice], centre: Centre, month: Month, generated: date,
             selection: Selection,
             voucher_date: VoucherDate = VoucherDate.INVOICE,
             progress: Progress = silent) -> tuple[bytes, tuple[Voucher, ...]]:
    """The encoded file and its vouchers; LedgerRefused when there are no
    documents, when their vouchers fall in two financial years, or naming every
    document that cannot be booked, after looking at all of them."""
    what = f"SIE export of {month}"
    if not documents:
        which = "billed for" if selection is Selection.PERIOD else "issued in"
        raise LedgerRefused(what, [f"no documents {which} {month}"])
    first_month = centre.financial_year_first_month
    years = years_of((voucher_date.of(d) for d in documents), first_month)
    if len(years) > 1:
        raise LedgerRefused(what, _two_years(documents, voucher_date, first_month, centre.source))
    problems = account_problems(centre.accounts)
    vouchers = []
    for document in tracked(documents, "Booking vouchers", progress):
        voucher, found = voucher_for(document, centre.accounts, voucher_date.of(document), centre.source)
        problems += found
        if voucher is not None:
            vouchers.append(voucher)
    if problems:
        raise LedgerRefused(what, problems)
    how = "fakturerade för" if selection is Selection.PERIOD else "utfärdade under"
    text = sie_text(centre.seller, account_names(centre.accounts), vouchers, generated,
                    f"Fakturor och kreditfakturor {how} {month}", years[0])
    return encode(text), tuple(vouchers)


def _two_years(documents: Sequence[Invoice], voucher_date: VoucherDate, first_month: int,
               source: str) -> list[str]:
    """Which documents fall in which financial year, and the exports that keep to one."""
    by_year: dict = {}
    for document in documents:
        by_year.setdefault(financial_year(voucher_date.of(document), first_month), []).append(
            str(document.number))
    problems = [f"vouchers dated by {voucher_date} fall in two financial years (the year begins in "
                f"month {first_month}, {source}); an import file holds one year:"]
    problems += [f"  financial year {year}: documents {', '.join(numbers)}"
                 for year, numbers in sorted(by_year.items())]
    problems.append("export by issue month with invoice dates (--by issued --voucher-date invoice: "
                    "every document dated in one month), or by period with the period's last day "
                    "(--by period --voucher-date period-end: every voucher on one day)")
    return problems
