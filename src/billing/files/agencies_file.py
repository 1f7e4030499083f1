"""Agencies, their sizes, agreements and discounts (examples/agencies.toml)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from collections.abc import Set
from pathlib import Path
from typing import Annotated

from pydantic import (AfterValidator, BeforeValidator, Field, ValidationError, field_validator,
                      model_validator)

from billing.domain.agency import (DISCOUNTABLE_PARTS, Agency, Agreement, ConnectionItem, Discount,
                                   FeePart, SizeChange, Subscription)
from billing.domain.catalogue import Catalogue, Charge, ServiceArea, Tier
from billing.domain.organisation import normalise_organisation_number
from billing.domain.tariff import STANDARD_SERIES
from billing.errors import ProblemCollector
from billing.files.address_fields import AddressFields
from billing.files.fields import Amount, Day, Employees, Frozen, Percent, Price, ascii_text
from billing.files.toml_source import NonEmpty, field_name, locate, read_toml, text_problems, validate
from billing.period import Month

OrganisationNumber = Annotated[str, BeforeValidator(ascii_text),
                               AfterValidator(normalise_organisation_number)]


def _month(text: str) -> Month:
    return Month.parse(text)


class _Size(Frozen):
    effective: Day = Field(alias="from")
    employees: Employees


class _Subscription(Frozen):
    service: str
    start: Day = Field(alias="from")
    end: Day | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _range(self) -> "_Subscription":
        if self.end is not None and self.end < self.start:
            raise ValueError("to is before from")
        return self


class _ConnectionItem(Frozen):
    description: str = Field(min_length=1, max_length=300)
    amount: Amount
    on: Day | None = None


class _Agreement(Frozen):
    area: ServiceArea
    connected_on: Day
    ends_on: Day | None = None
    buyer_reference: str = Field(default="", max_length=100)
    price_series: str = Field(default=STANDARD_SERIES, max_length=80)
    transformed_on: Day | None = None
    services: tuple[str, ...] | None = None
    agreed_prices: dict[str, Price] = {}
    subscriptions: tuple[_Subscription, ...] = ()
    connection_items: tuple[_ConnectionItem, ...] = ()
    connection_fee: bool = True

    @model_validator(mode="after")
    def _dates(self) -> "_Agreement":
        if self.ends_on is not None and self.ends_on < self.connected_on:
            raise ValueError("ends_on is before connected_on")
        if self.transformed_on is not None:
            if self.transformed_on.day != 1:
                raise ValueError("transformed_on must be the first day of a month")
            if self.price_series == STANDARD_SERIES:
                raise ValueError("transformed_on needs an old agreement's price_series")
        return self


class _Discount(Frozen):
    percent: Annotated[Percent, Field(gt=0)]
    parts: Annotated[frozenset[FeePart], NonEmpty]
    area: ServiceArea | None = None
    start: Annotated[str, AfterValidator(_month)] = Field(alias="from")
    end: Annotated[str, AfterValidator(_month)] = Field(alias="to")
    reason: str = Field(default="", max_length=500)

    @field_validator("parts")
    @classmethod
    def _discountable(cls, parts: frozenset[FeePart]) -> frozenset[FeePart]:
        wrong = parts - DISCOUNTABLE_PARTS
        if wrong:
            raise ValueError(f"cannot discount {', '.join(sorted(wrong))}")
        return parts

    @model_validator(mode="after")
    def _range(self) -> "_Discount":
        if self.end < self.start:  # type: ignore[operator]
            raise ValueError("to is before from")
        return self


class _Agency(Frozen):
    organisation_number: OrganisationNumber
    name: str = Field(min_length=1, max_length=200)
    address: AddressFields | None = None
    sizes: Annotated[tuple[_Size, ...], NonEmpty]
    agreements: tuple[_Agreement, ...] = ()
    discounts: tuple[_Discount, ...] = ()

    @field_validator("sizes")
    @classmethod
    def _one_size_a_day(cls, sizes: tuple[_Size, ...]) -> tuple[_Size, ...]:
        days = [s.effective for s in sizes]
        if len(set(days)) != len(days):
            raise ValueError("two sizes from the same day")
        return sizes


class _AgenciesFile(Frozen):
    agencies: Annotated[tuple[dict, ...], NonEmpty]


def load_agencies(path: Path, catalogue: Catalogue,
                  known: Set[str] = frozenset()) -> tuple[Agency, ...]:
    """Every agency of the file, or a DataError with every problem in it: each
    agency is validated on its own, and the catalogue's rules are checked for
    every agency that parsed, so one pass shows everything to fix.

    An agency whose organisation number is not in ``known`` (the agencies
    already stored) needs an address: it will be invoiced, and an invoice
    names the buyer's address. A known agency may leave it out (a file of
    before addresses were kept); its stored address, if any, then stays."""
    data, text = read_toml(path)
    document = validate(_AgenciesFile, data, path, text, check_text=False)
    assert isinstance(document, _AgenciesFile)
    problems = ProblemCollector(str(path))
    for problem in text_problems(data, path, text):  # with every other problem, at once
        problems.append(problem)
    parsed: list[tuple[int, _Agency]] = []
    for a_index, raw in enumerate(document.agencies):
        try:
            parsed.append((a_index, _Agency.model_validate(raw)))
        except ValidationError as exc:
            for error in exc.errors():
                loc = ("agencies", a_index, *error["loc"])
                problems.add(f"{raw.get('name', '?')}: {error['msg']}", line=locate(text, loc),
                             field=field_name(loc))
    seen: dict[str, int] = {}
    for a_index, agency in parsed:
        def add(message: str, *loc: str | int) -> None:
            full = ("agencies", a_index, *loc)
            problems.add(f"{agency.name}: {message}", line=locate(text, full), field=field_name(full))

        if agency.organisation_number in seen:
            add(f"organisation number {agency.organisation_number} also at "
                f"agencies[{seen[agency.organisation_number]}]", "organisation_number")
        seen.setdefault(agency.organisation_number, a_index)
        if agency.address is None and agency.organisation_number not in known:
            problems.add(f"{agency.name}: a new agency needs its postal address (the VAT Act asks for "
                         "the buyer's address on every invoice): address = { street = ..., "
                         "postal_code = ..., city = ... }", line=locate(text, ("agencies", a_index)),
                         field=field_name(("agencies", a_index, "address")))
        for d_index, discount in enumerate(agency.discounts):
            together = sum((d.percent for d in agency.discounts if _discounts_meet(d, discount)),
                           Decimal(0))
            if together > 100:
                add(f"discounts on the same fee part and months add up to {together} %, over 100 %",
                    "discounts", d_index, "percent")
        for g_index, agreement in enumerate(agency.agreements):
            _check_agreement(agreement, catalogue, lambda m, *f: add(m, "agreements", g_index, *f))
            for other in agency.agreements[:g_index]:
                if other.area == agreement.area and _overlap(other, agreement):
                    add(f"two agreements for {agreement.area} overlap", "agreements", g_index,
                        "connected_on")
    problems.raise_if_any()
    return tuple(_to_domain(a) for _, a in parsed)


def _discounts_meet(a: _Discount, b: _Discount) -> bool:
    """Whether two discounts can reduce the same line: common parts, months and area."""
    return (bool(a.parts & b.parts) and a.start <= b.end and b.start <= a.end  # type: ignore[operator]
            and (a.area is None or b.area is None or a.area == b.area))


def _overlap(a: _Agreement, b: _Agreement) -> bool:
    far = date.max
    return a.connected_on <= (b.ends_on or far) and b.connected_on <= (a.ends_on or far)


def _check_agreement(agreement: _Agreement, catalogue: Catalogue, add) -> None:
    area = agreement.area
    for code in agreement.services or ():
        service = catalogue.get(code)
        if service is None or service.area is not area:
            add(f"services: {code} is not a service of {area}", "services")
        elif service.requires_any and not set(service.requires_any) & set(agreement.services or ()):
            add(f"{code} is sold only together with one of {', '.join(service.requires_any)}", "services")
    for code in agreement.agreed_prices:
        service = catalogue.get(code)
        if service is None or service.area is not area or service.tier is not Tier.ADDITIONAL:
            add(f"agreed price for {code}: only additional services of {area} can have one",
                "agreed_prices", code)
    for item in agreement.connection_items:
        if item.on is not None and not (agreement.connected_on <= item.on
                                        <= (agreement.ends_on or date.max)):
            add(f"connection item {item.description!r} on {item.on} is outside the agreement "
                f"({agreement.connected_on} to {agreement.ends_on or 'open'}): it would never be billed",
                "connection_items")
    for sub in agreement.subscriptions:
        service = catalogue.get(sub.service)
        if service is None or service.area is not area or service.charge is not Charge.SUBSCRIPTION:
            add(f"{sub.service} is not a subscription service of {area}", "subscriptions")


def _to_domain(a: _Agency) -> Agency:
    return Agency(
        organisation_number=a.organisation_number, name=a.name,
        address=a.address.to_domain() if a.address is not None else None,
        sizes=tuple(SizeChange(s.effective, s.employees) for s in a.sizes),
        agreements=tuple(
            Agreement(
                area=g.area, connected_on=g.connected_on, ends_on=g.ends_on,
                buyer_reference=g.buyer_reference, price_series=g.price_series,
                transformed_on=g.transformed_on, services=g.services,
                agreed_prices=tuple(sorted(g.agreed_prices.items())),
                subscriptions=tuple(Subscription(s.service, s.start, s.end) for s in g.subscriptions),
                connection_items=tuple(ConnectionItem(c.description, c.amount, c.on)
                                       for c in g.connection_items),
                connection_fee=g.connection_fee)
            for g in a.agreements),
        discounts=tuple(Discount(d.percent, d.parts, d.start, d.end, d.area, d.reason)  # type: ignore[arg-type]
                        for d in a.discounts))
