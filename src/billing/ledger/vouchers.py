"""One balanced ledger voucher per issued document, on the centre's accounts.

Signs follow the SIE convention: debit positive, credit negative. An invoice
debits receivables with the payable amount (on the customer agency, so that
the ledger's accounts receivable per customer agree with this sub-ledger) and
credits revenue, pass-through, output VAT per rate and the rounding. Revenue
at 0 % goes to the exempt-revenue account, whatever its area. A credit note
needs no special case: its lines and totals are the invoice's negated, so the
same rules give the mirror voucher and the two cancel to the öre.
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
from billing.rating.lines import RatedLine

ZERO = Decimal("0.00")
_ACCOUNT_NUMBER = re.compile(r"^[0-9]{4}$")


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
    customer: str | None = None  # the customer agency's organisation number (SIE dimension 8)


@dataclass(frozen=True, slots=True)
class Voucher:
    number: int  # the document's number: one series for invoices and credit notes
    date: date  # the issue date, or the end of the period billed (the user's choice)
    text: str
    postings: tuple[Posting, ...]
    customer: tuple[str, str]  # (organisation number, name as on the document)


def rate_key(rate: Decimal) -> Decimal:
    """A VAT rate as the accounts are keyed: percent, two decimals."""
    return rate.quantize(ORE)


def account_names(accounts: Accounts) -> dict[str, str]:
    """A name for every configured account, for the #KONTO records."""
    names = {accounts.receivables: "Kundfordringar"}
    for area in ServiceArea:
        if area in accounts.revenue:
            names.setdefault(accounts.revenue[area], f"Intäkter, {area.label.lower()}")
    names.setdefault(accounts.pass_through, "Vidarefakturerade systemtjänster")
    if accounts.exempt_revenue is not None:
        names.setdefault(accounts.exempt_revenue, "Momsfria intäkter")
    for rate, account in sorted(accounts.output_vat.items(), reverse=True):
        names.setdefault(account, f"Utgående moms {rate.normalize():f} %")
    names.setdefault(accounts.rounding, "Öresavrundning")
    return names


def account_problems(accounts: Accounts) -> list[str]:
    """Account numbers that are not four digits (a file read by load_centre has none)."""
    configured = [("receivables", accounts.receivables), ("pass_through", accounts.pass_through),
                  ("rounding", accounts.rounding),
                  *((f"output_vat.\"{rate.normalize():f}\"", account)
                    for rate, account in accounts.output_vat.items()),
                  *((f"revenue.{area}", account) for area, account in accounts.revenue.items())]
    if accounts.exempt_revenue is not None:
        configured.append(("exempt_revenue", accounts.exempt_revenue))
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


def voucher_for(document: Invoice, accounts: Accounts, on: date | None = None,
                source: str = "the centre file") -> tuple[Voucher | None, list[str]]:
    """The document's voucher dated ``on`` (default its issue date), or None and
    what stops it from being booked; ``source`` names the centre file in messages."""
    where = f"{document_title(document)} ({document.agency_name}, {document.organisation_number})"
    problems: list[str] = []
    credits: dict[str, Decimal] = {}  # account -> amount credited (negative on a credit note)

    def credit(account: str, amount: Decimal) -> None:
        credits[account] = credits.get(account, ZERO) + amount

    def revenue_account(line: RatedLine) -> str | None:
        if rate_key(line.vat_rate) == 0:
            if accounts.exempt_revenue is None:
                problems.append(f"{where}: no account for revenue at 0 % VAT (accounts.exempt_revenue "
                                f"in {source})")
            return accounts.exempt_revenue
        if line.part is FeePart.PASS_THROUGH:
            return accounts.pass_through
        if line.area not in accounts.revenue:
            problems.append(f"{where}: no revenue account for service area {line.area} "
                            f"(accounts.revenue.{line.area} in {source})")
        return accounts.revenue.get(line.area)

    # Revenue per service area in the areas' order, then pass-through, revenue
    # at 0 %, VAT per rate and the rounding.
    def booking_order(line: RatedLine) -> tuple[int, int]:
        group = 2 if rate_key(line.vat_rate) == 0 else 1 if line.part is FeePart.PASS_THROUGH else 0
        return group, line.area.order

    for line in sorted(document.lines, key=booking_order):
        account = revenue_account(line)
        if account is not None:
            credit(account, line.amount)
    for subtotal in document.totals.vat_subtotals:
        rate = rate_key(subtotal.rate)
        if rate == 0 and subtotal.vat == 0:
            continue
        if rate not in accounts.output_vat:
            problems.append(f"{where}: no output VAT account for VAT at {rate.normalize():f} % "
                            f"(VAT {subtotal.vat}): add \"{rate.normalize():f}\" = \"NNNN\" under "
                            f"[accounts.output_vat] in {source}")
            continue
        credit(accounts.output_vat[rate], subtotal.vat)
    credit(accounts.rounding, document.totals.rounding)  # rounding up is owed by the agency: a credit
    if problems:
        return None, list(dict.fromkeys(problems))  # one message per missing account
    # Receivables: the agency owes the payable amount (a debit; a credit note's is negative).
    postings = [Posting(accounts.receivables, document.totals.payable, document.organisation_number)]
    postings += [Posting(account, -amount) for account, amount in credits.items() if amount != 0]
    total = sum((p.amount for p in postings), ZERO)
    if total != 0:
        return None, [f"{where}: the voucher does not balance (difference {total}); the stored "
                      "totals disagree with the lines; run 'billing verify'"]
    assert document.number is not None
    return Voucher(document.number, on or document.issue_date, voucher_text(document), tuple(postings),
                   (document.organisation_number, document.agency_name)), []
