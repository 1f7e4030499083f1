"""Volume record files: period, organisation number, service, quantity."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from billing.domain.catalogue import Catalogue, Charge
from billing.domain.organisation import normalise_organisation_number
from billing.domain.volume import RecordKey, VolumeRecord, record_key
from billing.files.csv_source import CsvRows, decimal, month

COLUMNS = ("period", "organisation_number", "service", "quantity")
OPTIONAL = ("source", "reference")
_HOURS = Decimal("0.01")


def read_volumes(path: Path, catalogue: Catalogue) -> tuple[tuple[int, VolumeRecord], ...]:
    """(line, record) pairs of a whole valid file; raises DataError with every problem otherwise.

    Checks that need only the file and the catalogue are made here; checks
    against agencies and what is already stored are the import's.
    """
    rows = CsvRows(path, COLUMNS, OPTIONAL)
    records: list[tuple[int, VolumeRecord]] = []
    first_line: dict[RecordKey, int] = {}
    for line, row in rows:
        period = rows.field(line, row, "period", month)
        org = rows.field(line, row, "organisation_number", normalise_organisation_number)
        code = rows.field(line, row, "service", str)
        quantity = rows.field(line, row, "quantity", decimal)
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
        if None in (period, org, code, quantity) or service is None:
            continue
        record = VolumeRecord(None, period, org, code, quantity,
                              row.get("source", ""), row.get("reference", ""))
        key = record_key(record)
        if key in first_line:
            rows.problems.add(f"duplicate record: same period, agency, service and reference as "
                              f"line {first_line[key]}", line=line, field="service")
            continue
        first_line[key] = line
        records.append((line, record))
    rows.problems.raise_if_any()
    return tuple(records)
