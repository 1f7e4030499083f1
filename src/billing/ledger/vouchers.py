"""One balanced ledger voucher per issued document, on the centre's accounts.

Signs follow the SIE convention: debit positive, credit negative. An invoice
debits receivables with the payable amount and credits revenue, pass-through,
output VAT and the rounding. A credit note needs no special case: its lines and
totals are the invoice's negated, so the same rules give the mirror voucher
(receivables credited, revenue and VAT debited) and the two cancel to the öre.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.seller import Accounts
from billing.errors import BillingError
from billing.invoicing.document import DocumentKind, Invoice
from billing.money import ORE

ZERO = Decimal("0.00")
_ACCOUNT_NUMBER = re.compile(r"^\d{4}$")


class LedgerRefused(BillingError):
    """Documents that cannot be booked as configured; nothing was written."""

    def __init__(self, what: str, problems: Iterable[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join([f"{what} refused, no file written:",
                                    *(f"  {p}" for p in self.problems)]))


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    amount: Decimal  # debit positive, credit negative


@dataclass(frozen=True, slots=True)
class Voucher:
    number: int  # the document's number: one series for invoices and credit notes
    date: date  # the document's issue date
    text: str
    postings: tuple[Posting, ...]


def output_vat_accounts(accounts: Accounts) -> dict[Decimal, str]:
    """Output VAT account per VAT rate (percent, two decimals).

    The centre's configuration names one output VAT account, the 25 % one
    (utgående moms 25 %, 2611). VAT at any other rate belongs on an account of
    its own (12 % and 6 % have theirs in the chart of accounts) that the
    configuration cannot name yet, so such a document is refused rather than
    booked on the 25 % account. A 0 % rate carries no VAT and needs no account.
    """
    return {Decimal("25.00"): accounts.output_vat}


def account_names(accounts: Accounts) -> dict[str, str]:
    """A name for every configured account, for the #KONTO records."""
    names = {accounts.receivables: "Kundfordringar"}
    for area in ServiceArea:
        if area in accounts.revenue:
            names.setdefault(accounts.revenue[area], f"Intäkter, {area.label.lower()}")
    names.setdefault(accounts.pass_through, "Vidarefakturerade systemtjänster")
    for rate, account in output_vat_accounts(accounts).items():
        names.setdefault(account, f"Utgående moms {rate.normalize():f} %")
    names.setdefault(accounts.rounding, "Öresavrundning")
    return names


def account_problems(accounts: Accounts) -> list[str]:
    """Account numbers that are not four digits (the revenue map is not checked when read)."""
    configured = [("receivables", accounts.receivables), ("output_vat", accounts.output_vat),
                  ("pass_through", accounts.pass_through), ("rounding", accounts.rounding),
                  *((f"revenue.{area}", account) for area, account in accounts.revenue.items())]
    return [f"accounts.{key} = {account!r} is not a four-digit account number"
            for key, account in configured if not _ACCOUNT_NUMBER.match(account)]


def document_title(document: Invoice) -> str:
    return f"{document.kind.label} {document.number}"


def voucher_text(document: Invoice) -> str:
    text = (f"{document_title(document)} {document.agency_name} {document.organisation_number} "
            f"period {document.period}")
    if document.credits is None:
        return text
    if document.kind is DocumentKind.INVOICE:  # an invoice reversing a credit balance note
        return text + f", återför kreditfaktura {document.credits}"
    return text + f", krediterar faktura {document.credits}"


def voucher_for(document: Invoice, accounts: Accounts) -> tuple[Voucher | None, list[str]]:
    """The document's voucher, or None and what stops it from being booked."""
    where = f"{document_title(document)} ({document.agency_name}, {document.organisation_number})"
    problems: list[str] = []
    credits: dict[str, Decimal] = {}  # account -> amount credited (negative on a credit note)

    def credit(account: str, amount: Decimal) -> None:
        credits[account] = credits.get(account, ZERO) + amount

    # Revenue per service area in the areas' order, then pass-through, VAT and rounding.
    for area in sorted({line.area for line in document.lines}, key=lambda a: a.order):
        lines = [l for l in document.lines if l.area is area and l.part is not FeePart.PASS_THROUGH]
        if lines and area not in accounts.revenue:
            problems.append(f"{where}: no revenue account for service area {area} "
                            f"(accounts.revenue.{area} in the centre file)")
        elif lines:
            credit(accounts.revenue[area], sum((l.amount for l in lines), ZERO))
    pass_through = [l.amount for l in document.lines if l.part is FeePart.PASS_THROUGH]
    if pass_through:
        credit(accounts.pass_through, sum(pass_through, ZERO))
    vat_accounts = output_vat_accounts(accounts)
    for subtotal in document.totals.vat_subtotals:
        rate = subtotal.rate.quantize(ORE)
        if rate == 0 and subtotal.vat == 0:
            continue
        if rate not in vat_accounts:
            problems.append(f"{where}: no output VAT account for VAT at {rate.normalize():f} % "
                            f"(VAT {subtotal.vat}); only 25 % is configured (accounts.output_vat)")
            continue
        credit(vat_accounts[rate], subtotal.vat)
    credit(accounts.rounding, document.totals.rounding)  # rounding up is owed by the agency: a credit
    if problems:
        return None, problems
    # Receivables: the agency owes the payable amount (a debit; a credit note's is negative).
    postings = [Posting(accounts.receivables, document.totals.payable)]
    postings += [Posting(account, -amount) for account, amount in credits.items() if amount != 0]
    total = sum((p.amount for p in postings), ZERO)
    if total != 0:
        return None, [f"{where}: the voucher does not balance (difference {total}); the stored "
                      "totals disagree with the lines; run 'billing verify'"]
    assert document.number is not None
    return Voucher(document.number, document.issue_date, voucher_text(document), tuple(postings)), []
