"""The centre's own details and ledger accounts (default: billing/config/centre.toml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from billing.domain.catalogue import ServiceArea
from billing.domain.seller import Accounts, Centre, ReceivablesSettings, Seller
from billing.files.agencies_file import OrganisationNumber
from billing.files.fields import Frozen
from billing.files.toml_source import read_toml, validate
from billing.money import ORE

DEFAULT_CENTRE_FILE = Path(__file__).resolve().parents[1] / "config" / "centre.toml"
# [0-9], not \d: the pattern engine takes any script's digits for \d.
_ACCOUNT = Field(pattern=r"^[0-9]{4}$")
Account = Annotated[str, _ACCOUNT]
STANDARD_RATE = Decimal("25.00")


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


def _rates(value: object) -> object:
    """``output_vat = "2611"`` (the form before VAT rates had accounts of their
    own) names the 25 % account."""
    return {"25": value} if isinstance(value, str) else value


class _Accounts(Frozen):
    receivables: str = _ACCOUNT
    output_vat: Annotated[dict[str, Account], BeforeValidator(_rates)]
    pass_through: str = _ACCOUNT
    rounding: str = _ACCOUNT
    revenue: dict[ServiceArea, Account]
    exempt_revenue: Account | None = None

    @field_validator("output_vat")
    @classmethod
    def _positive_rates(cls, accounts: dict[str, str]) -> dict[str, str]:
        for rate in accounts:
            if not rate.replace(".", "", 1).isdigit() or not rate.isascii():
                raise ValueError(f"{rate!r} is not a VAT rate in percent (\"25\", \"12\", \"6\")")
            value = Decimal(rate)
            if not 0 < value <= 100 or value != value.quantize(ORE):
                raise ValueError(f"VAT rate {rate}: output VAT accounts are for rates above 0 "
                                 "and up to 100, with at most two decimals (0 % has no VAT)")
        return accounts


class _Ledger(Frozen):
    # The month the financial year begins with; a government agency's is January.
    financial_year_first_month: int = Field(default=1, ge=1, le=12)


class _Receivables(Frozen):
    bank: str = Field(default="1930", pattern=r"^[0-9]{4}$")
    unapplied: str = Field(default="2420", pattern=r"^[0-9]{4}$")
    # Text, so the fee is exact: "0", "60", "60.00".
    reminder_fee: str = Field(default="0", pattern=r"^[0-9]{1,6}(\.[0-9]{1,2})?$")


class _CentreFile(Frozen):
    seller: _Seller
    accounts: _Accounts
    ledger: _Ledger = _Ledger()
    receivables: _Receivables = _Receivables()


def load_centre(path: Path = DEFAULT_CENTRE_FILE) -> Centre:
    data, text = read_toml(path)
    parsed = validate(_CentreFile, data, path, text)
    assert isinstance(parsed, _CentreFile)
    a = parsed.accounts
    vat = {Decimal(rate).quantize(ORE): account for rate, account in a.output_vat.items()}
    return Centre(Seller(**parsed.seller.model_dump()),
                  Accounts(a.receivables, vat, a.pass_through, a.rounding, dict(a.revenue),
                           a.exempt_revenue),
                  source=str(path), financial_year_first_month=parsed.ledger.financial_year_first_month,
                  receivables=ReceivablesSettings(parsed.receivables.bank, parsed.receivables.unapplied,
                                                  Decimal(parsed.receivables.reminder_fee).quantize(ORE)))
