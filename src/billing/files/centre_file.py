"""The centre's own details and ledger accounts (default: billing/config/centre.toml)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from billing.domain.catalogue import ServiceArea
from billing.domain.seller import Accounts, Centre, Seller
from billing.files.agencies_file import OrganisationNumber
from billing.files.fields import Frozen
from billing.files.toml_source import read_toml, validate

DEFAULT_CENTRE_FILE = Path(__file__).resolve().parents[1] / "config" / "centre.toml"
# [0-9], not \d: the pattern engine takes any script's digits for \d.
_ACCOUNT = Field(pattern=r"^[0-9]{4}$")


class _Seller(Frozen):
    name: str = Field(min_length=1, max_length=200)
    organisation_number: OrganisationNumber
    vat_number: str = Field(pattern=r"^SE[0-9]{12}$")
    street: str
    postal_code: str
    city: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    bankgiro: str = Field(pattern=r"^[0-9]{3,4}-[0-9]{4}$")
    email: str


class _Accounts(Frozen):
    receivables: str = _ACCOUNT
    output_vat: str = _ACCOUNT
    pass_through: str = _ACCOUNT
    rounding: str = _ACCOUNT
    revenue: dict[ServiceArea, str]


class _CentreFile(Frozen):
    seller: _Seller
    accounts: _Accounts


def load_centre(path: Path = DEFAULT_CENTRE_FILE) -> Centre:
    data, text = read_toml(path)
    parsed = validate(_CentreFile, data, path, text)
    assert isinstance(parsed, _CentreFile)
    a = parsed.accounts
    return Centre(Seller(**parsed.seller.model_dump()),
                  Accounts(a.receivables, a.output_vat, a.pass_through, a.rounding, dict(a.revenue)))
