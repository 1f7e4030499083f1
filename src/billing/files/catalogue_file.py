"""The service catalogue file (tariffs/catalogue.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from billing.domain.catalogue import Catalogue, Charge, Measure, Service, ServiceArea, Tier
from billing.errors import ProblemCollector
from billing.files.fields import Frozen
from billing.files.toml_source import NonEmpty, locate, read_toml, validate

_CODE = r"^[A-Z0-9][A-Z0-9-]*$"


class _Service(Frozen):
    code: str = Field(pattern=_CODE, max_length=40)
    area: ServiceArea
    tier: Tier
    charge: Charge
    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=20)
    unit_code: str = Field(pattern=r"^[A-Z0-9]{2,3}$")
    measure: Measure = Measure.FLOW
    rate_class: str | None = Field(default=None, max_length=40)
    requires_any: tuple[str, ...] = ()


class _CatalogueFile(Frozen):
    services: Annotated[tuple[_Service, ...], NonEmpty]


def load_catalogue(path: Path) -> Catalogue:
    data, text = read_toml(path)
    parsed = validate(_CatalogueFile, data, path, text)
    assert isinstance(parsed, _CatalogueFile)
    problems = ProblemCollector(str(path))
    codes = [s.code for s in parsed.services]
    for index, service in enumerate(parsed.services):
        def add(message: str, field: str = "code") -> None:
            loc = ("services", index, field)
            problems.add(f"{service.code}: {message}", line=locate(text, loc),
                         field=f"services[{index}].{field}")
        if codes.index(service.code) != index:
            add("defined twice")
        if (service.charge is Charge.HOURLY) != (service.tier is Tier.SPECIAL):
            add("special services, and only they, are charged by the hour", "charge")
        if service.charge is Charge.SUBSCRIPTION and service.tier is not Tier.ADDITIONAL:
            add("only additional services can be subscriptions", "charge")
        if (service.rate_class is not None) != (service.charge is Charge.HOURLY):
            add("an hourly service needs a rate_class, and only it", "rate_class")
        for required in service.requires_any:
            if required not in codes:
                add(f"requires_any names unknown service {required}", "requires_any")
    problems.raise_if_any()
    return Catalogue(tuple(Service(**s.model_dump()) for s in parsed.services))
