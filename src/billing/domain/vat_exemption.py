"""Why an item carries no VAT: the exemption reason a 0 % line must state.

An invoice line without VAT must say why (the VAT Act asks for a reference to
the provision; EN 16931 asks for an exemption reason, BR-E-10). The reason is
given where the item is priced, in the price list or the pass-through file,
as a code of the CEF VATEX list and a Swedish text, and travels with the line
onto the document, the e-invoice and the PDF.

Only exemptions of VAT category E ("exempt from tax") are taken. The other
VATEX codes name categories that cannot share an invoice with the centre's
25 % lines or need details our documents do not carry: O ("outside the scope
of VAT": BR-O-11 forbids any other category on the same document, BR-O-02 the
seller's VAT number), AE (reverse charge: the buyer's VAT number), K and G
(intra-community supply and export: a buyer abroad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# CEF VATEX codes of category E: the exemptions of the VAT Directive (articles
# 79 c, 132, 143, 148, 151 and 309 with their points) and the margin schemes.
_EXEMPT = re.compile(r"VATEX-EU-(79-C|132(-1[A-Q])?|143(-1[A-L])?|148(-[A-G])?|151(-1[A-E])?|309"
                     r"|D|F|I|J)", re.ASCII)
_OTHER_CATEGORIES = {
    "VATEX-EU-O": "O (outside the scope of VAT): such a document may hold no other category "
                  "(BR-O-11) and no seller VAT number (BR-O-02), and the centre's invoices have both",
    "VATEX-EU-AE": "AE (reverse charge), which needs the buyer's VAT number",
    "VATEX-EU-IC": "K (intra-community supply), for a buyer in another member state",
    "VATEX-EU-G": "G (export outside the EU), for a buyer abroad",
}
MAX_REASON = 300


@dataclass(frozen=True, slots=True)
class VatExemption:
    code: str  # a VATEX code of category E, e.g. VATEX-EU-132-1A
    reason: str  # the Swedish text printed on the invoice

    @property
    def label(self) -> str:
        """As printed beside a line: the reason, then the code."""
        return f"{self.reason} ({self.code})"


def exemption_code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a 0 % line's exemption, or None when it can."""
    if _EXEMPT.fullmatch(code):
        return None
    if code in _OTHER_CATEGORIES:
        return (f"{code} is VAT category {_OTHER_CATEGORIES[code]}; only exemptions of category E "
                "(a VATEX-EU code of articles 79 c, 132, 143, 148, 151, 309, or D, F, I, J) are taken")
    return (f"{code!r} is not a VATEX exemption code of category E (such as VATEX-EU-132-1A, "
            "VATEX-EU-309)")


def exemption_reason_problem(reason: str) -> str | None:
    if not reason.strip():
        return "the exemption reason is empty: it is printed on the invoice"
    if len(reason) > MAX_REASON:
        return f"the exemption reason is longer than {MAX_REASON} characters"
    return None
