"""A month whose charges for an agency net to a credit.

Refunded pass-through amounts can outweigh an agency's fees: the month then
nets to a negative amount, and an invoice would ask the agency to pay a
negative sum (a "Faktura" of minus twelve million, exported as a Peppol
Invoice). Such a month is never an invoice. The run, and a correction, hold
it back and say so, naming the agency and the amounts; the other agencies'
documents are issued. `billing credit-balance` then issues it on purpose, as
a credit note.

How that credit note is represented (decided here, relied on by the in-force
rule, the audit, the outputs):

- **Kind and links.** A credit note (``Kreditfaktura``) that credits no
  invoice (``credits`` is None): what tells it from the credit note of a
  correction. It names in ``replaces`` the invoice whose place it takes, when
  the agency had one for the month (that invoice is credited in full by a
  credit note of its own, issued with it), like a corrected invoice. A reason
  is required and printed on it.
- **Lines and signs.** Its lines are the month's rated lines with the signs
  they were rated with: a fee positive, a refund negative, each with its
  basis (volume records, pass-through amounts). They add up to the negative
  total, so the note is stored like every credit note, with a negative
  payable amount, and the agency's balance for the month (the sum of its
  documents) is exactly the month's charges. The exports show a credit note
  negated: in the Peppol ``CreditNote`` the refund is a positive credited
  line and each fee a negative one (a discount then adds to the credit and is
  a line, not an allowance); SIE books the same rules, so the voucher credits
  receivables; the PDF says it is a credit for the month, not of an invoice.
- **Nothing to pay.** Its due date is its issue date; the credit is set off
  or refunded.
- **In force.** It is the agency's document in force for the month (the audit
  counts its lines as billed) until a correction reverses it: then an invoice
  that mirrors it and names it in ``credits`` (``document.reversal_of``), and
  the month's new document, which names it in ``replaces``.
- **Zero.** A month that nets to exactly zero is still an invoice (its lines
  show what cancelled out, and nothing is to be paid); an agency with nothing
  at all to bill gets no document, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from billing.invoicing.document import AgencyDocument, DocumentKind, Invoice
from billing.invoicing.totals import InvoiceTotals
from billing.money import format_sek
from billing.period import Month


def nets_to_credit(totals: InvoiceTotals) -> bool:
    """The charges owe the agency money: a negative net, or a negative amount to pay."""
    return totals.net < 0 or totals.payable < 0


def split_credit_balances(drafts: Sequence[AgencyDocument]) -> tuple[list[AgencyDocument], list[AgencyDocument]]:
    """The drafts to issue as invoices, and those held back as credit balances, each in the given order."""
    invoices = [d for d in drafts if not nets_to_credit(d.document.totals)]
    held = [d for d in drafts if nets_to_credit(d.document.totals)]
    return invoices, held


def credit_balance_note(draft: Invoice, issue_date: date, reason: str,
                        replaces: int | None = None) -> Invoice:
    """The credit note of a month that nets to a credit: the drafted lines as
    rated, kind credit note, reversing no invoice."""
    assert draft.kind is DocumentKind.INVOICE and nets_to_credit(draft.totals) and reason.strip()
    return replace(draft, number=None, kind=DocumentKind.CREDIT_NOTE, issue_date=issue_date,
                   due_date=issue_date, credits=None, replaces=replaces, reason=reason.strip())


def amounts(totals: InvoiceTotals) -> str:
    return (f"net {format_sek(totals.net)}, VAT {format_sek(totals.vat)}, "
            f"payable {format_sek(totals.payable)} SEK")


def credit_balance_command(month: Month, organisation_number: str) -> str:
    return f"billing credit-balance {month} --agency {organisation_number} --reason TEXT"


def held_back_message(draft: Invoice) -> str:
    """What the run (or a correction) says of a month it held back."""
    return (f"held back: {draft.organisation_number} {draft.agency_name}: {draft.period} nets to a "
            f"credit ({amounts(draft.totals)}); no invoice is issued for a negative amount. To issue "
            f"it as a credit note: {credit_balance_command(draft.period, draft.organisation_number)}")
