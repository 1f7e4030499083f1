"""Deterministic data sets for the scale benchmark: N agencies x one month of 30 services.

The seed month is 2012-12, the month of the examples, so that the shipped
tariffs price it. Every agency has the three areas' agreements from before
the month (no connection fee), a size and an address; every agency records
one volume of each of the first 30 services that take volumes (the month-end
stock FIN-ASSET included). Quantities, sizes and organisation numbers come
from the agency's index alone: the same N gives the same files, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

SEED_MONTH = "2012-12"
SERVICES_PER_AGENCY = 30
AREAS = ("payroll", "finance", "eprocurement")


def volume_services(root: Path) -> list[str]:
    """The first 30 services of the shipped catalogue that take volumes."""
    import tomllib

    with (root / "tariffs" / "catalogue.toml").open("rb") as file:
        services = tomllib.load(file)["services"]
    codes = [s["code"] for s in services if s["charge"] != "subscription"]
    return codes[:SERVICES_PER_AGENCY]


def organisation_number(index: int) -> str:
    """A valid, distinct organisation number for agency ``index`` (Luhn check digit)."""
    body = f"2{index % 10}2{index // 10:06d}"  # nine digits, distinct below ten million
    return f"{body[:6]}-{body[6:]}{_luhn_digit(body)}"


def _luhn_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def write_agencies(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as file:
        for index in range(count):
            file.write(
                f'[[agencies]]\norganisation_number = "{organisation_number(index)}"\n'
                f'name = "Myndighet {index:05d}"\n'
                f'address = {{ street = "Gatan {index % 200 + 1}", postal_code = "111 {index % 90 + 10}", '
                f'city = "Stockholm" }}\n'
                f"sizes = [ {{ from = 2012-01-01, employees = {20 + index * 37 % 900} }} ]\n")
            for area in AREAS:
                file.write(f'\n  [[agencies.agreements]]\n  area = "{area}"\n'
                           f"  connected_on = 2012-01-01\n"
                           f'  buyer_reference = "KST {index % 9000 + 1000}"\n'
                           f"  connection_fee = false\n")
            file.write("\n")


def volume_rows(count: int, services: list[str]):
    """(period, organisation number, service, quantity, source, reference) per record."""
    for index in range(count):
        org = organisation_number(index)
        for position, code in enumerate(services):
            yield SEED_MONTH, org, code, str((index * 31 + position * 17) % 400 + 1), "Benchmark", ""


def write_volumes(path: Path, count: int, services: list[str]) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("period,organisation_number,service,quantity,source,reference\n")
        for row in volume_rows(count, services):
            file.write(",".join(row) + "\n")
            rows += 1
    return rows
