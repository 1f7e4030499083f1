"""Issue 14, "over a year of months": the audit and `billing verify` with a history behind them.

    .venv/bin/python scripts/bench/history.py [--agencies 300] [--months 12] [--work DIR]

Bills N agencies (scale_data.py's, 30 services each) for M months from the
seed month on, each month's run through the CLI, then measures, each in a
child process (scale.py's ``billing``): ``audit`` of the last month, ``audit``
of the first, ``audit`` of every month, and ``verify``, with their CPU time
and peak resident memory. With ``--work DIR`` the database is kept there and
reused when it exists, so the same history can be measured with two versions
of the program (choose one with PYTHONPATH). SQLite only: the figures are
about what the commands hold in memory, the same on either database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from scale import ROOT, billing
from scale_data import SEED_MONTH, organisation_number, volume_services, write_agencies


def months_from(seed: str, count: int) -> list[str]:
    year, month = map(int, seed.split("-"))
    result = []
    for _ in range(count):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def write_history_volumes(path: Path, count: int, services: list[str], months: list[str]) -> None:
    """Every agency records every service each month; quantities move a little
    from month to month (never by half, so no run is refused as missing volumes)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("period,organisation_number,service,quantity,source,reference\n")
        for offset, month in enumerate(months):
            for index in range(count):
                org = organisation_number(index)
                for position, code in enumerate(services):
                    quantity = (index * 31 + position * 17) % 400 + 100 + offset * 3
                    file.write(f"{month},{org},{code},{quantity},Benchmark,\n")


def build(url: str, work: Path, agencies: int, months: list[str]) -> None:
    agencies_file, volume_file = work / "agencies.toml", work / "volumes.csv"
    write_agencies(agencies_file, agencies)
    write_history_volumes(volume_file, agencies, volume_services(ROOT), months)
    steps = [("db", "upgrade"), ("tariffs", "load", str(ROOT / "tariffs")),
             ("agencies", "import", str(agencies_file)), ("volumes", "import", str(volume_file))]
    steps += [("run", month, "--date", f"{_next(month)}-08") for month in months]
    for step in steps:
        if billing(url, *step) is None:
            sys.exit(1)
        print(f"  built: billing {' '.join(step[:2])}", flush=True)


def _next(month: str) -> str:
    return months_from(month, 2)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--work", type=Path, help="keep the database here (reused when it exists)")
    args = parser.parse_args()
    months = months_from(SEED_MONTH, args.months)
    with ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="billing-history-")))
        work.mkdir(parents=True, exist_ok=True)
        database = work / f"history-{args.agencies}x{args.months}.sqlite"
        url = f"sqlite:///{database}"
        if not database.exists():
            build(url, work, args.agencies, months)
        print(f"\nsqlite, {args.agencies:,} agencies x {args.months} months; times wall / CPU")
        for name, arguments in ((f"audit {months[-1]}", ("audit", months[-1])),
                                (f"audit {months[0]}", ("audit", months[0])),
                                (f"audit {months[0]}..{months[-1]}", ("audit", months[0], "--to", months[-1])),
                                ("verify", ("verify",))):
            # Exit status 1 is a check's finding: the figures still stand, so it is shown.
            figures = billing(url, *arguments, allowed=(0, 1))
            if figures is None:
                print(f"  {name:<28} failed")
                continue
            wall, cpu, peak = figures
            print(f"  {name:<28} {wall:8.2f} s {cpu:8.2f} s  peak {peak:6.0f} MB", flush=True)


if __name__ == "__main__":
    main()
