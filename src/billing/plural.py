"""Counts in words: "1 invoice", "2 invoices"; "1 volympost", "2 volymposter".

The one place a message puts a number before a noun, so no message says
"1 invoices" or "1 volymposter".
"""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the noun in the form the count takes. ``plural`` defaults to
    the English regular form (singular + "s"); Swedish nouns give theirs."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
