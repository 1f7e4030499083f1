"""The names a column may have in a file: the field's own, and the Swedish one a person would write.

A header is matched without regard to case, surrounding spaces, the spaces,
underscores, hyphens, dots and per cent signs inside a name ('Org.nr',
'org nr', 'Moms %') or the rings and dots of å, ä and ö ('Manad' is 'Månad').
docs/formats.md lists the names of every file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from billing.files.fields import text_problem

# Field: the other names it is known by (the field's own name is always one).
ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("månad", "month"),
    "organisation_number": ("organisationsnummer", "organisationsnr", "orgnr", "org.nr",
                            "organization_number"),
    "service": ("tjänst", "tjänstekod", "service_code"),
    "quantity": ("antal", "volym", "volume"),
    "source": ("källa", "källsystem"),
    "reference": ("referens", "ref"),
    "area": ("område", "tjänsteområde"),
    "description": ("beskrivning", "text"),
    "amount": ("belopp",),
    "vat_rate": ("moms", "momssats", "vat"),
    "supplier": ("leverantör",),
    "vat_exemption_code": ("undantagskod", "momsundantagskod"),
    "vat_exemption_reason": ("undantagsskäl", "momsundantagsskäl"),
    "key": ("fördelningsnyckel", "nyckel"),
    "cost": ("kostnad",),
    "date": ("datum", "betalningsdatum"),
}
# The fields that hold a decimal number, in any file.
NUMBER_FIELDS = frozenset({"quantity", "amount", "vat_rate", "cost"})
_IGNORED = re.compile(r"[\s_.\-%]+")


def folded(name: str) -> str:
    """The name as it is compared: lower case, without marks or separating signs."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _IGNORED.sub("", bare.casefold())


_FIELD_OF = {folded(name): field for field, names in ALIASES.items() for name in (field, *names)}


@dataclass(frozen=True, slots=True)
class Header:
    """A header matched to fields: each column's field, None for a column without a name."""

    fields: tuple[str | None, ...]
    problems: tuple[str, ...]  # what is wrong with it, told at its line


def match_header(names: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> Header:
    wanted = (*required, *optional)
    fields: list[str | None] = []
    written: dict[str, str] = {}  # field: the name it was given in the file
    unknown: list[str] = []
    problems: list[str] = []
    for name in names:
        name = name.strip()
        field = _FIELD_OF.get(folded(name)) if name else None
        if name and field not in wanted:
            unknown.append(name if text_problem(name) is None else repr(name))
            field = None
        elif field in written:
            problems.append(f"columns '{written[field]}' and '{name}' both name {field}")
            field = None
        elif field is not None:
            written[field] = name
        fields.append(field)
    missing = [field for field in required if field not in written]
    if missing:
        problems.insert(0, f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)} (the columns are "
                        f"{', '.join(wanted)}, or their Swedish names: see docs/formats.md)")
    return Header(tuple(fields), tuple(problems))

