"""Swedish organisation numbers: the one place that knows their form.

Files, commands and the e-invoice all take a number through here, so an
agency is found under the same key however the number was written.
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError as OrgNumberError
from stdnum.se import orgnr


def normalise_organisation_number(text: str) -> str:
    """NNNNNN-NNNN, after checking length and the Luhn check digit."""
    try:
        return orgnr.format(orgnr.validate(text))
    except OrgNumberError as exc:
        raise ValueError(f"not a valid Swedish organisation number {text!r}: {exc}") from None


def organisation_number_digits(text: str) -> str | None:
    """The ten digits of a valid organisation number, or None."""
    try:
        return orgnr.compact(orgnr.validate(text or ""))
    except OrgNumberError:
        return None
