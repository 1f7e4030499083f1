"""A price list as a tariff file (tariffs/<series>-<YYYY-MM>.toml) that
``billing tariffs load`` and ``billing whatif --tariff`` read back unchanged:
every amount as a string, so it is read exactly."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal

from billing.domain.catalogue import ServiceArea
from billing.domain.tariff import GraduatedTiers, PerEmployee, PriceList, SizeBands
from billing.money import ORE

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _text(value: str) -> str:
    # A JSON string is a TOML basic string: the same quotes and escapes.
    return json.dumps(value, ensure_ascii=False)


def _amount(value: Decimal) -> str:
    # Kronor and öre as the tariff files write them ("133.00"); finer prices as they are.
    return f'"{value.quantize(ORE) if value.as_tuple().exponent > -2 else value}"'


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _text(key)


def _variable(model) -> str:
    if isinstance(model, PerEmployee):
        return f'{{ model = "per_employee", rate = {_amount(model.rate)} }}'
    if isinstance(model, SizeBands):
        items = [f"  {{ {'' if b.up_to is None else f'up_to = {b.up_to}, '}amount = {_amount(b.amount)} }},"
                 for b in model.bands]
        return '{ model = "bands", bands = [\n' + "\n".join(items) + "\n] }"
    assert isinstance(model, GraduatedTiers)
    items = [f"  {{ {'' if t.up_to is None else f'up_to = {t.up_to}, '}rate = {_amount(t.rate)} }},"
             for t in model.tiers]
    return '{ model = "tiers", tiers = [\n' + "\n".join(items) + "\n] }"


def price_list_toml(price_list: PriceList, comments: Sequence[str] = ()) -> str:
    """The file's text; ``comments`` head it, one line each."""
    out = [f"# {line}" if line else "#" for line in comments]
    if out:
        out.append("")
    out += [f"id = {_text(price_list.id)}", f"series = {_text(price_list.series)}",
            f"currency = {_text(price_list.currency)}",
            f"valid_from = {price_list.valid_from.isoformat()}",
            f"default_vat_rate = {_amount(price_list.default_vat_rate)}"]
    for area in ServiceArea:
        fee = price_list.base_fees.get(area)
        if fee is not None:
            out += ["", f"[base_fees.{area}]", f"fixed = {_amount(fee.fixed)}",
                    f"variable = {_variable(fee.variable)}"]
    for table, items in (("prices", price_list.prices), ("hourly_rates", price_list.hourly_rates),
                         ("connection_fees", price_list.connection_fees),
                         ("vat_rates", price_list.vat_rates)):
        if items:
            out += ["", f"[{table}]"]
            out += [f"{_key(str(key))} = {_amount(value)}" for key, value in items.items()]
    if price_list.vat_exemptions:
        out += ["", "[vat_exemptions]"]
        out += [f"{_key(item)} = {{ code = {_text(e.code)}, reason = {_text(e.reason)} }}"
                for item, e in price_list.vat_exemptions.items()]
    return "\n".join(out) + "\n"
