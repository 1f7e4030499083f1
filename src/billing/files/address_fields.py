"""A postal address as the input files write it: checked, and a Swedish
postcode written NNN NN (python-stdnum, stdnum.se.postnummer)."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator
from stdnum.exceptions import ValidationError as NumberError
from stdnum.se import postnummer

from billing.domain.address import COUNTRY_CODES, SWEDEN, PostalAddress
from billing.files.fields import Frozen


class AddressFields(Frozen):
    """``address = { street = "Box 2280", postal_code = "103 17", city = "Stockholm" }``;
    ``additional_street`` (a second line) and ``country`` (ISO 3166-1 alpha-2,
    default SE) are optional."""

    street: str = Field(min_length=1, max_length=200)
    additional_street: str = Field(default="", max_length=200)
    # Before the postcode: a postcode is checked by its country's rules.
    country: str = SWEDEN
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)

    @field_validator("street", "city")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank")
        return value.strip()

    @field_validator("additional_street")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value not in COUNTRY_CODES:
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (SE, NO, FI ...)")
        return value

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, value: str, info: ValidationInfo) -> str:
        if "country" not in info.data:  # the country is refused: its rules are unknown
            return value
        if info.data["country"] != SWEDEN:
            if not value.strip():
                raise ValueError("is blank")
            return value.strip()
        try:
            return postnummer.format(postnummer.validate(value))
        except NumberError:
            raise ValueError(f"{value!r} is not a Swedish postcode (five digits, NNN NN, "
                             "not beginning with 0)") from None

    def to_domain(self) -> PostalAddress:
        return PostalAddress(self.street, self.postal_code, self.city, self.country,
                             self.additional_street)
