"""Sealing documents: a hash of each document's content, chained to the one before.

The canonical content is a JSON text of everything the document states (header,
every line with its basis, VAT and totals), with sorted keys and decimals as
their exact strings, so the same document always gives the same text. The seal
of document n is sha256(seal of document n-1 + canonical content of n); the
first document chains to the empty string. Changing, removing or inserting a
document or a line after issue breaks the seal of that document or the chain.

A field added later (a line's price source, since migration 0002; the buyer's
address and a 0 % line's exemption, since 0005) enters the content only where
it has a value, so documents sealed before it existed keep their seals.
"""

from __future__ import annotations

import hashlib
import json

from billing.invoicing.document import Invoice
from billing.rating.lines import RatedLine


def canonical_content(document: Invoice) -> str:
    t = document.totals
    content = {
        "number": document.number, "kind": str(document.kind), "credits": document.credits,
        "replaces": document.replaces, "reason": document.reason,
        "organisation_number": document.organisation_number, "agency_name": document.agency_name,
        "buyer_reference": document.buyer_reference, "period": str(document.period),
        "issue_date": document.issue_date.isoformat(), "due_date": document.due_date.isoformat(),
        "currency": document.currency,
        "lines": [_line_content(l) for l in document.lines],
        "vat": [[str(s.rate), str(s.taxable), str(s.vat)] for s in t.vat_subtotals],
        "net": str(t.net), "vat_total": str(t.vat), "rounding": str(t.rounding),
        "payable": str(t.payable),
    }
    if document.buyer_address is not None:
        a = document.buyer_address
        content["buyer_address"] = {"street": a.street, "additional_street": a.additional_street,
                                    "postal_code": a.postal_code, "city": a.city, "country": a.country}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _line_content(l: RatedLine) -> dict:
    content = {
        "area": str(l.area), "part": str(l.part), "service": l.service_code,
        "description": l.description, "detail": l.detail, "quantity": str(l.quantity),
        "unit": l.unit, "unit_code": l.unit_code, "unit_price": str(l.unit_price),
        "amount": str(l.amount), "vat_rate": str(l.vat_rate), "price_list": l.price_list_id,
        "proration": [l.proration.days, l.proration.of_days] if l.proration else None,
        "tiers": [[s.first, s.last, str(s.rate)] for s in l.tier_steps],
        "volume_records": list(l.volume_record_ids), "pass_through": list(l.pass_through_ids),
    }
    # Recorded since migration 0002. A line issued before has none, and its
    # document's content (so its seal) stays exactly what it was at issue.
    if l.price_source is not None:
        content["price_source"] = str(l.price_source)
    if l.vat_exemption is not None:
        content["vat_exemption"] = [l.vat_exemption.code, l.vat_exemption.reason]
    return content


def seal(previous_seal: str, document: Invoice) -> str:
    return hashlib.sha256((previous_seal + canonical_content(document)).encode()).hexdigest()
