"""The customer ledger's vouchers: one per payment, one per later application.

A payment debits the bank and credits receivables with what the import put
on documents (on each document's customer, SIE dimension 8); what was left
over is credited to the account for money not yet applied ("förskott från
kunder"), on the customer when it is known (a credit balance), else with no
customer (an unidentified payment). Every later application moves money off
that account: put on a document it credits receivables, paid back (a refund)
it credits the bank; a counter-entry is the same with the amount negated.
Every voucher sums to zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.domain.seller import Accounts, ReceivablesSettings
from billing.ledger.vouchers import Posting
from billing.payments.ledger import ZERO, Application, ApplicationKind, StoredPayment

PAYMENT_SERIES = "B"  # betalningar
APPLICATION_SERIES = "R"  # avräkningar: applications after the payment, refunds, counter-entries


@dataclass(frozen=True, slots=True)
class LedgerVoucher:
    series: str
    number: int
    date: date
    text: str
    postings: tuple[Posting, ...]
    customers: tuple[tuple[str, str], ...]  # (organisation number, name) of the customers it books on

    @property
    def balance(self) -> Decimal:
        return sum((p.amount for p in self.postings), ZERO)


def _customers(postings: Sequence[Posting], names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    numbers = sorted({p.customer for p in postings if p.customer is not None})
    return tuple((n, names[n]) for n in numbers)


def payment_voucher(payment: StoredPayment, automatic: Sequence[Application], accounts: Accounts,
                    ledger: ReceivablesSettings, customer_of_document: Mapping[int, str],
                    customer_of_agency: Mapping[int, str], names: Mapping[str, str]) -> LedgerVoucher:
    postings = [Posting(ledger.bank, payment.amount)]
    for application in automatic:
        assert application.document is not None
        postings.append(Posting(accounts.receivables, -application.amount, customer_of_document[application.document]))
    left = payment.amount - sum((a.amount for a in automatic), ZERO)
    if left:
        holder = None if payment.agency_id is None else customer_of_agency[payment.agency_id]
        postings.append(Posting(ledger.unapplied, -left, holder))
    reference = f" ref {payment.reference}" if payment.reference else ""
    return LedgerVoucher(PAYMENT_SERIES, payment.id, payment.booked_on, f"Inbetalning {payment.id}{reference}",
                         tuple(postings), _customers(postings, names))


def application_voucher(application: Application, payment: StoredPayment, accounts: Accounts,
                        ledger: ReceivablesSettings, customer_of_document: Mapping[int, str],
                        customer_of_agency: Mapping[int, str], names: Mapping[str, str]) -> LedgerVoucher:
    holder = None if payment.agency_id is None else customer_of_agency[payment.agency_id]
    if application.document is None:
        other = Posting(ledger.bank, -application.amount)
        text = f"Återbetalning av inbetalning {payment.id}"
    else:
        other = Posting(accounts.receivables, -application.amount, customer_of_document[application.document])
        text = f"Inbetalning {payment.id} avräknad mot dokument {application.document}"
    if application.kind is ApplicationKind.REVERSAL:
        text = f"Motbokning av avräkning {application.reverses}: {text[0].lower()}{text[1:]}"
    postings = (Posting(ledger.unapplied, application.amount, holder), other)
    return LedgerVoucher(APPLICATION_SERIES, application.id, application.effective_on, text, postings,
                         _customers(postings, names))


def ledger_vouchers(payments: Sequence[StoredPayment], applications: Sequence[Application], first: date, end: date,
                    accounts: Accounts, ledger: ReceivablesSettings, customer_of_document: Mapping[int, str],
                    customer_of_agency: Mapping[int, str], names: Mapping[str, str]) -> list[LedgerVoucher]:
    """The vouchers of the payments booked, and the later applications effective,
    from ``first`` up to, not including, ``end``: payments first, by id."""
    automatic: dict[int, list[Application]] = {}
    for a in applications:
        if a.kind is ApplicationKind.AUTOMATIC:
            automatic.setdefault(a.payment_id, []).append(a)
    by_id = {p.id: p for p in payments}
    vouchers = [payment_voucher(p, automatic.get(p.id, []), accounts, ledger, customer_of_document,
                                customer_of_agency, names)
                for p in payments if first <= p.booked_on < end]
    vouchers += [application_voucher(a, by_id[a.payment_id], accounts, ledger, customer_of_document,
                                     customer_of_agency, names)
                 for a in applications if a.kind is not ApplicationKind.AUTOMATIC and first <= a.effective_on < end]
    return vouchers
