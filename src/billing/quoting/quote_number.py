"""A quote's number and how long it is valid.

The number is made from the date the quote is drawn up and the request
itself, so it needs no stored series and a quote made again the same day for
the same request gets the same number: "O20121220-3F9A2C" is the date, then
the first six hexadecimal digits of the SHA-256 of the request's canonical
text (every field that prices it: name, size, areas, start, span, volumes and
where they came from, subscriptions, connection items, price list, connection
fee). A changed request gets another number.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from billing.quoting.request import QuoteRequest

VALID_DAYS = 90  # a quote binds the centre's prices for this long from the day it is drawn up


def quote_number(request: QuoteRequest, drawn_up: date) -> str:
    canonical = json.dumps({
        "name": request.name, "employees": request.employees,
        "areas": [str(a) for a in request.areas], "start": str(request.start), "months": request.months,
        "volumes": {code: [str(b.quantity), b.source] for code, b in sorted(request.volumes.items())},
        "subscriptions": list(request.subscriptions),
        "connection_items": [[i.description, str(i.amount)] for i in request.connection_items],
        "price_list_id": request.price_list_id, "connection_fee": request.connection_fee,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"O{drawn_up:%Y%m%d}-{digest[:6].upper()}"


def valid_until(drawn_up: date) -> date:
    return drawn_up + timedelta(days=VALID_DAYS)
