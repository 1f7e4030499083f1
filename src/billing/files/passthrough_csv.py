"""Pass-through files (CSV or a workbook's sheet): amounts per agency, and sub-supplier invoices to allocate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from billing.domain.catalogue import Catalogue, ServiceArea
from billing.domain.tariff import DEFAULT_VAT_RATE
from billing.domain.volume import PassThroughCharge
from billing.files.csv_source import decimal, month, organisation_number
from billing.files.reading import Reading
from billing.files.tables import open_rows
from billing.money import ORE
from billing.period import Month


def _amount(text: str) -> Decimal:
    """Under a thousand billion kronor either way (decimal's 12 digits), in öre."""
    value = decimal(text)
    if value != value.quantize(ORE):
        raise ValueError(f"an amount has at most two decimals (öre): {text}")
    return value


def _vat(text: str) -> Decimal:
    value = decimal(text)
    if not 0 <= value <= 100 or value != value.quantize(ORE):
        raise ValueError(f"VAT rate must be a percentage 0-100 with at most two decimals: {text}")
    return value


def read_pass_through(path: Path, sheet: str | None = None,
                      reading: Reading | None = None) -> tuple[tuple[int, PassThroughCharge], ...]:
    rows = open_rows(path, ("period", "organisation_number", "area", "description", "amount"),
                     ("vat_rate", "supplier", "reference"), {"description": 300, "supplier": 200},
                     reading=reading, sheet=sheet)
    result = []
    for line, row in rows:
        values = (rows.field(line, row, "period", month),
                  rows.field(line, row, "organisation_number", organisation_number),
                  rows.field(line, row, "area", ServiceArea),
                  rows.field(line, row, "description", str),
                  rows.field(line, row, "amount", _amount))
        vat = rows.field(line, row, "vat_rate", _vat, required=False)
        supplier, reference = row.get("supplier", ""), row.get("reference", "")
        if None in (*values, supplier, reference) or row.get("vat_rate", "") is None:
            continue  # refused, recorded
        period, org, area, description, amount = values
        rows.reading.count(period, org, amount=amount)
        result.append((line, PassThroughCharge(None, period, org, area, description, amount,
                                               DEFAULT_VAT_RATE if vat is None else vat,
                                               supplier, reference)))
    rows.problems.raise_if_any()
    return tuple(result)


@dataclass(frozen=True, slots=True)
class SupplierInvoice:
    """One sub-supplier invoice, to be spread over the agencies that use the system."""

    line: int
    period: Month
    supplier: str
    reference: str
    area: ServiceArea
    description: str
    amount: Decimal
    key: str  # "employees" or "service:CODE"
    vat_rate: Decimal

    @property
    def key_service(self) -> str | None:
        return self.key.split(":", 1)[1] if self.key.startswith("service:") else None


def read_supplier_invoices(path: Path, catalogue: Catalogue, sheet: str | None = None,
                           reading: Reading | None = None) -> tuple[SupplierInvoice, ...]:
    rows = open_rows(path, ("period", "supplier", "reference", "area", "description", "amount", "key"),
                     ("vat_rate",), {"description": 300, "supplier": 200, "key": 60},
                     reading=reading, sheet=sheet)

    def key(text: str) -> str:
        match = re.fullmatch(r"employees|service:(\S+)", text)
        if not match:
            raise ValueError(f"key must be 'employees' or 'service:CODE', not {text!r}")
        if match.group(1) and match.group(1) not in catalogue:
            raise ValueError(f"unknown service {match.group(1)} in key")
        return text

    result = []
    for line, row in rows:
        values = (rows.field(line, row, "period", month), rows.field(line, row, "supplier", str),
                  rows.field(line, row, "reference", str), rows.field(line, row, "area", ServiceArea),
                  rows.field(line, row, "description", str), rows.field(line, row, "amount", _amount),
                  rows.field(line, row, "key", key))
        vat = rows.field(line, row, "vat_rate", _vat, required=False)
        if None in values or row.get("vat_rate", "") is None:
            continue
        rows.reading.count(values[0], amount=values[5])  # type: ignore[arg-type]
        result.append(SupplierInvoice(line, *values, DEFAULT_VAT_RATE if vat is None else vat))  # type: ignore[arg-type]
    rows.problems.raise_if_any()
    return tuple(result)
