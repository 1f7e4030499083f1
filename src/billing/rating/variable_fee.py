"""The variable part of the base fee, in its three models."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.domain.tariff import GraduatedTiers, PerEmployee, SizeBands, VariableModel
from billing.rating.lines import TierStep


@dataclass(frozen=True, slots=True)
class VariableCharge:
    """What a month's variable base fee is, before proration."""

    quantity: Decimal
    unit: str
    unit_price: Decimal
    detail: str
    tier_steps: tuple[TierStep, ...] = ()


def variable_charge(model: VariableModel, employees: int) -> VariableCharge:
    match model:
        case PerEmployee(rate=rate):
            return VariableCharge(Decimal(employees), "anst", rate, f"{employees} anställda")
        case SizeBands(bands=bands):
            lower = 1
            for band in bands:
                if band.up_to is None or employees <= band.up_to:
                    span = f"{lower}-{band.up_to}" if band.up_to is not None else f"{lower}-"
                    return VariableCharge(Decimal(1), "mån", band.amount,
                                          f"{employees} anställda, storleksklass {span}")
                lower = band.up_to + 1
            raise AssertionError("validated price lists end with an open band")
        case GraduatedTiers(tiers=tiers):
            steps = tuple(_tier_steps(tiers, employees))
            total = sum((step.amount for step in steps), Decimal(0))
            detail = f"{employees} anställda: " + ", ".join(
                f"{s.first}-{s.last} à {s.rate}" for s in steps)
            return VariableCharge(Decimal(1), "mån", total, detail, steps)
    raise TypeError(f"unknown variable model {model!r}")


def _tier_steps(tiers, employees: int):
    lower = 1
    for tier in tiers:
        if lower > employees:
            return
        upper = employees if tier.up_to is None else min(tier.up_to, employees)
        if upper >= lower:
            yield TierStep(lower, upper, tier.rate)
        if tier.up_to is None:
            return
        lower = tier.up_to + 1
