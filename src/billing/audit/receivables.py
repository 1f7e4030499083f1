"""The customer ledger reconciles: per agency, its documents less the
payments applied to them are its open balance.

The open balance is what the open items say (payments/open_items.py: chains
followed, credit notes netted); the other side is the plain sum over the
agency's documents and over the applications naming them. They differ when
a chain runs across agencies or an application names a document that is not
there (both only in altered data). Each payment is also checked: what was
applied and refunded of it never exceeds it, and no application is undone twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from billing.audit.findings import CheckResult, Finding
from billing.invoicing.in_force import DocumentHead
from billing.money import format_sek
from billing.payments.ledger import ZERO, Application, StoredPayment
from billing.payments.open_items import OpenItem


def check_receivables(heads: Sequence[DocumentHead], payments: Sequence[StoredPayment],
                      applications: Sequence[Application], items: Sequence[OpenItem],
                      names: Mapping[int, str]) -> CheckResult:
    findings: list[Finding] = []
    agency_of = {h.number: h.agency_id for h in heads}
    documents: dict[int, Decimal] = {}
    for head in heads:
        documents[head.agency_id] = documents.get(head.agency_id, ZERO) + head.payable
    applied: dict[int, Decimal] = {}
    for a in applications:
        if a.document is None:
            continue
        if a.document not in agency_of:
            findings.append(Finding(f"application {a.id} of payment {a.payment_id} names document {a.document}, "
                                    "which is not there", a.document))
            continue
        agency = agency_of[a.document]
        applied[agency] = applied.get(agency, ZERO) + a.amount
    open_balance: dict[int, Decimal] = {}
    for item in items:
        agency = item.document.agency_id
        open_balance[agency] = open_balance.get(agency, ZERO) + item.open
    rows = []
    for agency in sorted(set(documents) | set(applied) | set(open_balance), key=lambda a: (names.get(a, ""), a)):
        expected = documents.get(agency, ZERO) - applied.get(agency, ZERO)
        found = open_balance.get(agency, ZERO)
        rows.append({"agency": names.get(agency, str(agency)), "documents": documents.get(agency, ZERO),
                     "applied": applied.get(agency, ZERO), "open": found})
        if expected != found:
            findings.append(Finding(f"{names.get(agency, agency)}: documents {format_sek(documents.get(agency, ZERO))} "
                                    f"less applied {format_sek(applied.get(agency, ZERO))} is "
                                    f"{format_sek(expected)}, but its open items sum to {format_sek(found)}"))
    used: dict[int, Decimal] = {}
    for a in applications:
        used[a.payment_id] = used.get(a.payment_id, ZERO) + a.amount
    for payment in payments:
        taken = used.get(payment.id, ZERO)
        if payment.amount > 0 and not ZERO <= taken <= payment.amount:
            findings.append(Finding(f"payment {payment.id} of {format_sek(payment.amount)} has "
                                    f"{format_sek(taken)} applied and refunded"))
    undone = [a.reverses for a in applications if a.reverses is not None]
    for twice in sorted({n for n in undone if undone.count(n) > 1}):
        findings.append(Finding(f"application {twice} is reversed more than once"))
    return CheckResult("receivables", "Kundreskontran stämmer: dokument minus betalningar = öppet saldo",
                       tuple(findings), rows=tuple(rows))
