"""Postal addresses: where an agency receives its invoices.

The VAT Act (mervärdesskattelagen) requires the buyer's name and address on
an invoice, so an agency is billed only with an address, and each document
keeps the address it was issued to.
"""

from __future__ import annotations

from dataclasses import dataclass

SWEDEN = "SE"

# ISO 3166-1 alpha-2, the officially assigned codes.
COUNTRY_CODES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A postal address as an invoice prints it and an e-invoice carries it
    (BT-50 street, BT-51 additional line, BT-53 postcode, BT-52 city, BT-55
    country). A Swedish postcode is kept as "NNN NN"."""

    street: str
    postal_code: str
    city: str
    country: str = SWEDEN  # ISO 3166-1 alpha-2
    additional_street: str = ""  # a second line (c/o, department), or ""

    def lines(self) -> list[str]:
        """The address as printed: street, the second line if any, postcode and
        city, and the country only when it is not Sweden."""
        lines = [self.street]
        if self.additional_street:
            lines.append(self.additional_street)
        lines.append(f"{self.postal_code} {self.city}")
        if self.country != SWEDEN:
            lines.append(self.country)
        return lines
