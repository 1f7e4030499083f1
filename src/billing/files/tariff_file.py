"""Price list files (tariffs/<series>-<YYYY-MM>.toml)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from billing.domain.catalogue import Catalogue, Charge, ServiceArea
from billing.domain.tariff import (Band, BaseFee, GraduatedTiers, PerEmployee, PriceList, RateTier,
                                   SizeBands)
from billing.domain.vat_exemption import (VatExemption, exemption_code_problem,
                                          exemption_reason_problem)
from billing.errors import ProblemCollector
from billing.files.fields import Amount, Day, Employees, Frozen, Percent, Price
from billing.files.toml_source import NonEmpty, locate, read_toml, validate

class _PerEmployee(Frozen):
    model: Literal["per_employee"]
    rate: Price


class _Band(Frozen):
    up_to: Employees | None = None
    amount: Amount


class _Bands(Frozen):
    model: Literal["bands"]
    bands: Annotated[tuple[_Band, ...], NonEmpty]

    @model_validator(mode="after")
    def _ordered(self) -> "_Bands":
        _check_steps([b.up_to for b in self.bands], "band")
        return self


class _Tier(Frozen):
    up_to: Employees | None = None
    rate: Price


class _Tiers(Frozen):
    model: Literal["tiers"]
    tiers: Annotated[tuple[_Tier, ...], NonEmpty]

    @model_validator(mode="after")
    def _ordered(self) -> "_Tiers":
        _check_steps([t.up_to for t in self.tiers], "tier")
        return self


def _check_steps(limits: list[int | None], what: str) -> None:
    if limits[-1] is not None:
        raise ValueError(f"the last {what} must be open (no up_to)")
    bounded = limits[:-1]
    if any(limit is None for limit in bounded):
        raise ValueError(f"only the last {what} can be open")
    if any(upper <= lower for lower, upper in zip(bounded, bounded[1:])):
        raise ValueError(f"{what} limits (up_to) must increase")


class _Exemption(Frozen):
    code: str = Field(max_length=30)
    reason: str


class _BaseFee(Frozen):
    fixed: Amount
    variable: _PerEmployee | _Bands | _Tiers = Field(discriminator="model")


class _PriceListFile(Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    series: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    currency: Literal["SEK"]
    valid_from: Day
    default_vat_rate: Percent = Decimal("25")
    base_fees: dict[ServiceArea, _BaseFee]
    prices: dict[str, Price] = {}
    hourly_rates: dict[str, Price] = {}
    connection_fees: dict[ServiceArea, Amount] = {}
    vat_rates: dict[str, Percent] = {}
    vat_exemptions: dict[str, _Exemption] = {}

    @field_validator("valid_from")
    @classmethod
    def _first_of_month(cls, value: date) -> date:
        if value.day != 1:
            raise ValueError(f"valid_from must be the first day of a month, not {value.isoformat()}")
        return value


def load_price_list(path: Path, catalogue: Catalogue) -> PriceList:
    data, text = read_toml(path)
    parsed = validate(_PriceListFile, data, path, text)
    assert isinstance(parsed, _PriceListFile)
    problems = ProblemCollector(str(path))

    def add(message: str, *loc: str) -> None:
        problems.add(message, line=locate(text, loc), field=".".join(loc))

    for code in parsed.prices:
        service = catalogue.get(code)
        if service is None:
            add(f"unknown service {code}", "prices", code)
        elif service.charge is Charge.HOURLY:
            add(f"{code} is charged by the hour: price its rate class in hourly_rates",
                "prices", code)
    for code in parsed.vat_rates:
        if code not in catalogue and code not in ("base_fee", "connection"):
            add(f"unknown item {code} (a service code, base_fee or connection)", "vat_rates", code)
    _check_exemptions(parsed, catalogue, add)
    rate_classes = {s.rate_class for s in catalogue.services if s.rate_class}
    for rate_class in parsed.hourly_rates:
        if rate_class not in rate_classes:
            add(f"no special service uses rate class {rate_class!r}", "hourly_rates", rate_class)
    problems.raise_if_any()
    return _to_domain(parsed)


def _to_domain(parsed: _PriceListFile) -> PriceList:
    return PriceList(
        id=parsed.id, series=parsed.series, currency=parsed.currency, valid_from=parsed.valid_from,
        base_fees={area: BaseFee(fee.fixed, _variable(fee.variable))
                   for area, fee in parsed.base_fees.items()},
        prices=dict(parsed.prices), hourly_rates=dict(parsed.hourly_rates),
        connection_fees=dict(parsed.connection_fees), default_vat_rate=parsed.default_vat_rate,
        vat_rates=dict(parsed.vat_rates),
        vat_exemptions={item: VatExemption(e.code, e.reason) for item, e in parsed.vat_exemptions.items()})


def _check_exemptions(parsed: _PriceListFile, catalogue: Catalogue, add) -> None:
    """Every item at 0 % names why it carries no VAT (a VATEX code of category E
    and the Swedish text the invoice prints), and only such an item does."""
    def rate(item: str) -> Decimal:
        return parsed.vat_rates.get(item, parsed.default_vat_rate)

    for item, exemption in parsed.vat_exemptions.items():
        if item not in catalogue and item not in ("base_fee", "connection"):
            add(f"unknown item {item} (a service code, base_fee or connection)", "vat_exemptions", item)
        elif rate(item) != 0:
            add(f"{item} is at {rate(item)} % VAT: an exemption reason is for an item at 0 %",
                "vat_exemptions", item)
        for problem in (exemption_code_problem(exemption.code), exemption_reason_problem(exemption.reason)):
            if problem is not None:
                add(problem, "vat_exemptions", item)
    for item, value in parsed.vat_rates.items():
        if value == 0 and item not in parsed.vat_exemptions:
            add(f"{item} is at 0 % VAT without an exemption reason: [vat_exemptions] {item} = "
                '{ code = "VATEX-EU-...", reason = "..." }', "vat_rates", item)
    if parsed.default_vat_rate == 0:
        hourly = {s.code for s in catalogue.services if s.rate_class in parsed.hourly_rates}
        items = set(parsed.prices) | hourly | ({"base_fee"} if parsed.base_fees else set()) \
            | ({"connection"} if parsed.connection_fees else set())
        for item in sorted(items - set(parsed.vat_rates) - set(parsed.vat_exemptions)):
            add(f"{item} is at the default 0 % VAT without an exemption reason: [vat_exemptions] "
                f'{item} = {{ code = "VATEX-EU-...", reason = "..." }}', "default_vat_rate")


def _variable(model: _PerEmployee | _Bands | _Tiers):
    if isinstance(model, _PerEmployee):
        return PerEmployee(model.rate)
    if isinstance(model, _Bands):
        return SizeBands(tuple(Band(b.up_to, b.amount) for b in model.bands))
    return GraduatedTiers(tuple(RateTier(t.up_to, t.rate) for t in model.tiers))
