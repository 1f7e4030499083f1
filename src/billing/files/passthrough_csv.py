"""Pass-through files (CSV or a workbook's sheet): amounts per agency, and sub-supplier invoices to allocate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from billing.domain.catalogue import Catalogue, ServiceArea
from billing.domain.tariff import DEFAULT_VAT_RATE
from billing.domain.vat_exemption import VatExemption, exemption_code_problem
from billing.domain.volume import PassThroughCharge
from billing.files.csv_source import decimal, month, organisation_number
from billing.files.reading import Reading
from billing.files.table_rows import TableRows
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


EXEMPTION_COLUMNS = ("vat_exemption_code", "vat_exemption_reason")
_EXEMPTION_LENGTHS = {"vat_exemption_code": 30, "vat_exemption_reason": 300}


def _code(text: str) -> str:
    problem = exemption_code_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


def _exemption(rows: TableRows, line: int, row: dict, vat: Decimal | None) -> tuple[bool, VatExemption | None]:
    """(readable, exemption): an amount at 0 % names why it carries no VAT, a
    VATEX code of category E and the Swedish text the invoice prints; a taxed
    amount names none."""
    code = rows.field(line, row, "vat_exemption_code", _code, required=vat == 0)
    reason = rows.field(line, row, "vat_exemption_reason", str, required=vat == 0)
    if vat is None or vat != 0:
        given = [c for c in EXEMPTION_COLUMNS if row.get(c)]
        if vat is not None and given:
            rows.problems.add(f"an exemption reason is for an amount at 0 % VAT, not {vat} %",
                              line=line, field=given[0])
            return False, None
        return vat is not None, None
    if code is None or reason is None:
        return False, None
    return True, VatExemption(code, reason)


def read_pass_through(path: Path, sheet: str | None = None,
                      reading: Reading | None = None) -> tuple[tuple[int, PassThroughCharge], ...]:
    rows = open_rows(path, ("period", "organisation_number", "area", "description", "amount"),
                     ("vat_rate", "supplier", "reference", *EXEMPTION_COLUMNS),
                     {"description": 300, "supplier": 200, **_EXEMPTION_LENGTHS},
                     reading=reading, sheet=sheet)
    result = []
    for line, row in rows:
        values = (rows.field(line, row, "period", month),
                  rows.field(line, row, "organisation_number", organisation_number),
                  rows.field(line, row, "area", ServiceArea),
                  rows.field(line, row, "description", str),
                  rows.field(line, row, "amount", _amount))
        vat = rows.field(line, row, "vat_rate", _vat, required=False)
        if vat is None and row.get("vat_rate", "") == "":
            vat = DEFAULT_VAT_RATE
        readable, exemption = _exemption(rows, line, row, vat)
        supplier, reference = row.get("supplier", ""), row.get("reference", "")
        if None in (*values, supplier, reference) or vat is None or not readable:
            continue  # refused, recorded
        period, org, area, description, amount = values
        rows.reading.count(period, org, amount=amount)
        result.append((line, PassThroughCharge(None, period, org, area, description, amount, vat,
                                               supplier, reference, exemption)))
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
    vat_exemption: VatExemption | None = None

    @property
    def key_service(self) -> str | None:
        return self.key.split(":", 1)[1] if self.key.startswith("service:") else None


def read_supplier_invoices(path: Path, catalogue: Catalogue, sheet: str | None = None,
                           reading: Reading | None = None) -> tuple[SupplierInvoice, ...]:
    rows = open_rows(path, ("period", "supplier", "reference", "area", "description", "amount", "key"),
                     ("vat_rate", *EXEMPTION_COLUMNS),
                     {"description": 300, "supplier": 200, "key": 60, **_EXEMPTION_LENGTHS},
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
        if vat is None and row.get("vat_rate", "") == "":
            vat = DEFAULT_VAT_RATE
        readable, exemption = _exemption(rows, line, row, vat)
        if None in values or vat is None or not readable:
            continue
        rows.reading.count(values[0], amount=values[5])  # type: ignore[arg-type]
        result.append(SupplierInvoice(line, *values, vat, exemption))  # type: ignore[arg-type]
    rows.problems.raise_if_any()
    return tuple(result)
