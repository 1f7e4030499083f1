"""The stored form of a price list: a versioned, canonical JSON document of the
domain value, owned by the database and independent of the tariff file format.

Form 2, the current one (form 1 was the dump of the TOML file model, stored
until migration 0002 converted it):

    {"form": 2, "id": ID, "series": SERIES, "currency": "SEK",
     "valid_from": "YYYY-MM-DD", "default_vat_rate": D,
     "base_fees": {AREA: {"fixed": D, "variable": VARIABLE}, ...},
     "prices": {SERVICE_CODE: D, ...}, "hourly_rates": {RATE_CLASS: D, ...},
     "connection_fees": {AREA: D, ...}, "vat_rates": {ITEM: D, ...}
     [, "vat_exemptions": {ITEM: {"code": VATEX, "reason": TEXT}, ...}]}

    VARIABLE = {"kind": "per_employee", "rate": D}
             | {"kind": "bands", "bands": [{"up_to": N or null, "amount": D}, ...]}
             | {"kind": "tiers", "tiers": [{"up_to": N or null, "rate": D}, ...]}

where D is a decimal as its exact text (``str(Decimal)``), so it reads back
exactly. Keys are sorted and there is no white space: the same price list
always gives the same text, and the sha256 of that text is its content hash.
A renamed key in the tariff files changes nothing here; a change to this form
is a new form number and a migration that converts the stored rows.

``vat_exemptions`` (why an item at 0 % carries no VAT) came later within form
2, as an optional key: it is written only when the list has exemptions, so
every list stored before (none has a 0 % item with a reason) keeps its exact
document and hash, and a document without the key reads as a list without
exemptions. No conversion was needed, so no new form.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from billing.domain.catalogue import ServiceArea
from billing.domain.tariff import (Band, BaseFee, GraduatedTiers, PerEmployee, PriceList, RateTier,
                                   SizeBands, VariableModel)
from billing.domain.vat_exemption import VatExemption
from billing.errors import BillingError

FORM = 2
_KEYS = frozenset({"form", "id", "series", "currency", "valid_from", "default_vat_rate",
                   "base_fees", "prices", "hourly_rates", "connection_fees", "vat_rates"})
_OPTIONAL_KEYS = frozenset({"vat_exemptions"})


def stored_form(price_list: PriceList) -> str:
    """The document a price list is stored as."""
    exemptions = {"vat_exemptions": {item: {"code": e.code, "reason": e.reason}
                                     for item, e in price_list.vat_exemptions.items()}
                  } if price_list.vat_exemptions else {}
    return json.dumps({
        "form": FORM, "id": price_list.id, "series": price_list.series,
        "currency": price_list.currency, "valid_from": price_list.valid_from.isoformat(),
        "default_vat_rate": str(price_list.default_vat_rate),
        "base_fees": {str(area): {"fixed": str(fee.fixed), "variable": variable_form(fee.variable)}
                      for area, fee in price_list.base_fees.items()},
        "prices": _texts(price_list.prices), "hourly_rates": _texts(price_list.hourly_rates),
        "connection_fees": _texts(price_list.connection_fees),
        "vat_rates": _texts(price_list.vat_rates), **exemptions,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(document: str) -> str:
    """The hash a stored price list is known by: of its stored document."""
    return hashlib.sha256(document.encode()).hexdigest()


def variable_form(model: VariableModel) -> dict:
    """A variable base fee as the stored form writes it."""
    if isinstance(model, PerEmployee):
        return {"kind": "per_employee", "rate": str(model.rate)}
    if isinstance(model, SizeBands):
        return {"kind": "bands",
                "bands": [{"up_to": b.up_to, "amount": str(b.amount)} for b in model.bands]}
    return {"kind": "tiers", "tiers": [{"up_to": t.up_to, "rate": str(t.rate)} for t in model.tiers]}


def price_list_from_form(document: str) -> PriceList:
    """A stored price list back as the domain value; refuses anything but form 2."""
    try:
        data = json.loads(document)
    except ValueError as error:
        raise BillingError(f"a stored price list is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise BillingError("a stored price list is not a JSON object")
    name = data.get("id", "without an id")
    if data.get("form") != FORM:
        raise BillingError(f"stored price list {name} is in form {data.get('form', 1)}, not {FORM}: "
                           "the database was not upgraded (billing db upgrade)")
    if not _KEYS <= set(data) <= _KEYS | _OPTIONAL_KEYS:
        differ = (set(data) ^ _KEYS) - _OPTIONAL_KEYS
        raise BillingError(f"stored price list {name} does not have the keys of form {FORM}: "
                           f"{', '.join(sorted(differ))}")
    try:
        return PriceList(
            id=_text(data["id"]), series=_text(data["series"]), currency=_text(data["currency"]),
            valid_from=date.fromisoformat(_text(data["valid_from"])),
            base_fees={ServiceArea(area): BaseFee(_decimal(fee["fixed"]), _variable(fee["variable"]))
                       for area, fee in data["base_fees"].items()},
            prices=_decimals(data["prices"]), hourly_rates=_decimals(data["hourly_rates"]),
            connection_fees={ServiceArea(area): amount
                             for area, amount in _decimals(data["connection_fees"]).items()},
            default_vat_rate=_decimal(data["default_vat_rate"]),
            vat_rates=_decimals(data["vat_rates"]),
            vat_exemptions={_text(item): _exemption(e)
                            for item, e in data.get("vat_exemptions", {}).items()})
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as error:
        raise BillingError(f"stored price list {name} cannot be read as form {FORM}: "
                           f"{type(error).__name__} {error}") from error


def _texts(values: Mapping) -> dict[str, str]:
    return {str(key): str(value) for key, value in values.items()}


def _variable(data: dict) -> VariableModel:
    kind = data["kind"]
    if kind == "per_employee" and set(data) == {"kind", "rate"}:
        return PerEmployee(_decimal(data["rate"]))
    if kind == "bands" and set(data) == {"kind", "bands"}:
        return SizeBands(tuple(Band(_limit(b["up_to"]), _decimal(b["amount"])) for b in data["bands"]))
    if kind == "tiers" and set(data) == {"kind", "tiers"}:
        return GraduatedTiers(tuple(RateTier(_limit(t["up_to"]), _decimal(t["rate"]))
                                    for t in data["tiers"]))
    raise ValueError(f"not a variable base fee: {data!r}")


def _exemption(data: dict) -> VatExemption:
    if set(data) != {"code", "reason"}:
        raise ValueError(f"not a VAT exemption: {data!r}")
    return VatExemption(_text(data["code"]), _text(data["reason"]))


def _decimals(values: dict) -> dict[str, Decimal]:
    return {_text(key): _decimal(value) for key, value in values.items()}


def _decimal(value: object) -> Decimal:
    # Only text: a JSON number would have passed through float somewhere.
    result = Decimal(_text(value))
    if not result.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return result


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _limit(value: object) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{value!r} is not a whole number of employees")
    return value
