"""Volume record files (CSV or a workbook's sheet): period, organisation number, service, quantity."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from billing.domain.catalogue import Catalogue, Charge
from billing.domain.volume import VolumeRecord, record_key
from billing.errors import ProblemCollector
from billing.files.csv_source import decimal, month, organisation_number
from billing.files.reading import Reading
from billing.files.table_rows import TableRows
from billing.files.tables import open_rows

COLUMNS = ("period", "organisation_number", "service", "quantity")
OPTIONAL = ("source", "reference")
_HOURS = Decimal("0.01")

Batch = list[tuple[int, VolumeRecord]]


def read_volumes(path: Path, catalogue: Catalogue,
                 sheet: str | None = None) -> tuple[tuple[int, VolumeRecord], ...]:
    """(line, record) pairs of a whole valid file; raises DataError with every problem otherwise.

    The whole file at once, for files of a size to hold in memory; an import
    reads ``volume_batches`` instead.
    """
    problems = ProblemCollector(str(path))
    records = [pair for batch in volume_batches(path, catalogue, problems, size=None, sheet=sheet)
               for pair in batch]
    problems.raise_if_any()
    return tuple(records)


def volume_batches(path: Path, catalogue: Catalogue, problems: ProblemCollector,
                   size: int | None, sheet: str | None = None,
                   reading: Reading | None = None) -> Iterator[Batch]:
    """The valid records of the file as a stream of batches of ``size`` records
    (``size=None``: one batch), each (line, record); what is wrong goes to
    ``problems``, and what was read to ``reading``.

    Checks that need only the file and the catalogue are made here, and a
    record given twice within one batch is refused; checks against agencies,
    what is already stored and other batches are the import's.
    """
    rows = open_rows(path, COLUMNS, OPTIONAL, problems=problems, reading=reading, sheet=sheet)
    count = rows.reading.count
    batch: Batch = []
    first_line: dict[tuple, int] = {}
    for line, row in rows:
        record = _record(rows, line, row, catalogue)
        if record is None:
            continue
        key = record_key(record)
        if key in first_line:
            rows.problems.add(f"duplicate record: same period, agency, service and reference as "
                              f"line {first_line[key]}", line=line, field="service")
            continue
        first_line[key] = line
        batch.append((line, record))
        count(record.period, record.organisation_number, record.service, record.quantity)
        if size is not None and len(batch) >= size:
            yield batch
            batch, first_line = [], {}
    if batch:
        yield batch


def _record(rows: TableRows, line: int, row: dict[str, str | None],
            catalogue: Catalogue) -> VolumeRecord | None:
    """The row's record, or None when anything in it is wrong (recorded)."""
    before = rows.problems.count
    period = rows.field(line, row, "period", month)
    org = rows.field(line, row, "organisation_number", organisation_number)
    code = rows.field(line, row, "service", str)
    quantity = rows.field(line, row, "quantity", decimal)
    source, reference = row.get("source", ""), row.get("reference", "")
    service = catalogue.get(code) if code else None
    if code and service is None:
        rows.problems.add(f"unknown service {code}", line=line, field="service")
    elif service is not None and not service.takes_volumes:
        rows.problems.add(f"{code} is a subscription: it is billed from the agreement, "
                          "not from volumes", line=line, field="service")
    if quantity is not None:
        if quantity < 0:
            rows.problems.add(f"negative quantity {quantity}", line=line, field="quantity")
            quantity = None
        elif service is not None and service.charge is Charge.HOURLY:
            if quantity != quantity.quantize(_HOURS):
                rows.problems.add(f"hours have at most two decimals: {quantity}",
                                  line=line, field="quantity")
        elif service is not None and quantity != quantity.to_integral_value():
            rows.problems.add(f"{code} is counted in whole units: {quantity}",
                              line=line, field="quantity")
    if rows.problems.count > before or None in (period, org, code, quantity, source, reference):
        return None
    return VolumeRecord(None, period, org, code, quantity, source, reference)  # type: ignore[arg-type]

