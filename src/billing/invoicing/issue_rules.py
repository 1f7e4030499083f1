"""What an invoice must state before it is issued, beyond its amounts.

The VAT Act asks every invoice for the buyer's name and address, and for the
reason of each line that carries no VAT. Both are recorded since migration
0005; data stored before may lack them (an agency without an address, a price
list or pass-through amount with a 0 % item and no exemption). Such data is
still rated, so an old month re-rates as it was issued and its credit notes
mirror it; only a new invoice that would lack them is refused, naming the
agency and what to load again.
"""

from __future__ import annotations

from collections.abc import Iterable

from billing.errors import Problem
from billing.invoicing.document import DocumentKind, Invoice
from billing.rating.lines import RatedLine


def issue_problems(documents: Iterable[Invoice]) -> list[Problem]:
    """Everything that keeps these documents from being issued, each naming its agency."""
    problems = []
    for document in documents:
        if document.kind is not DocumentKind.INVOICE:
            continue  # a credit note repeats the invoice it reverses, as it was issued
        who = f"{document.organisation_number} {document.agency_name}"
        if document.buyer_address is None:
            problems.append(Problem(
                f"{who}: has no postal address, which an invoice must name (the VAT Act): give the "
                "agency its address = { street = ..., postal_code = ..., city = ... } in the agencies "
                "file and run 'billing agencies import FILE'"))
        missing = dict.fromkeys(_fix(line) for line in document.lines
                                if line.vat_rate == 0 and line.vat_exemption is None)
        problems += [Problem(f"{who}: a line at 0 % VAT has no exemption reason, which an invoice "
                             f"must state: {fix}") for fix in missing]
    return problems


def _fix(line: RatedLine) -> str:
    if line.pass_through_ids or line.price_list_id is None:
        return (f"the pass-through amount {line.description!r} was imported before exemptions were "
                "recorded: import it again with vat_exemption_code and vat_exemption_reason "
                "('billing passthrough import')")
    item = line.service_code or str(line.part)
    return (f"price list {line.price_list_id} prices {line.description!r} ({item}) at 0 % without "
            "one: load a version with [vat_exemptions] ('billing tariffs load')")
