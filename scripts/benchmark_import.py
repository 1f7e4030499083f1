"""Memory and time of importing a very large volume file, printed as figures.

    .venv/bin/python scripts/benchmark_import.py [--rows N] [--database-url URL]

Loads the tariffs and the example agencies into a fresh database (a temporary
SQLite file unless a URL is given; the URL's database must be empty), writes a
volume file of N rows (default 5,000,000) made deterministically from the
valid (agency, service) pairs of the example month 2012-12, each with a
reference of its own, and runs ``billing volumes import`` on it in a child
process. Prints the file's size, the import's wall time and the child's peak
resident memory (ru_maxrss). The target (issue 10): a peak under 500 MB,
whatever the size of the file. Then it imports a file of the same rows with
every quantity bad, and prints the size of the error message (a hundred
problems and a count, not one line per row).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from billing.domain.catalogue import Charge, Measure
from billing.files.catalogue_file import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BILLING = [sys.executable, "-c", "from billing.cli.app import main; main()"]


def run(url: str, *arguments: str) -> tuple[float, int, int, str]:
    """(wall seconds, peak resident kB, exit status, stderr) of one command in a child process."""
    started = time.perf_counter()
    child = subprocess.Popen([*BILLING, "--database-url", url, *arguments], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    stderr = child.stderr.read() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss, child.returncode, stderr


def pairs() -> list[tuple[str, str]]:
    """The (agency, service) pairs of the example month that any number of
    records may repeat: flow services (one month-end stock per month only)."""
    catalogue = load_catalogue(ROOT / "tariffs" / "catalogue.toml")
    with (EXAMPLES / "volumes" / "2012-12.csv").open(encoding="utf-8") as file:
        return [(row["organisation_number"], row["service"]) for row in csv.DictReader(file)
                if catalogue[row["service"]].measure is Measure.FLOW
                and catalogue[row["service"]].charge is not Charge.HOURLY]


def write_volumes(path: Path, rows: int, quantity=lambda n: str(n % 997 + 1)) -> None:
    combinations = pairs()
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("period,organisation_number,service,quantity,source,reference\n")
        for n in range(rows):
            org, service = combinations[n % len(combinations)]
            file.write(f"2012-12,{org},{service},{quantity(n)},Benchmark,B{n // len(combinations)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/benchmark.sqlite"
        for step in (("tariffs", "load", str(ROOT / "tariffs")),
                     ("agencies", "import", str(EXAMPLES / "agencies.toml"))):
            _, _, status, stderr = run(url, *step)
            if status:
                sys.exit(f"{' '.join(step)} failed:\n{stderr}")
        good, bad = Path(tmp) / "volumes.csv", Path(tmp) / "bad.csv"
        started = time.perf_counter()
        write_volumes(good, args.rows)
        print(f"volume file: {args.rows:,} rows, {good.stat().st_size / 1e6:,.0f} MB, "
              f"written in {time.perf_counter() - started:.0f} s")
        seconds, peak_kb, status, stderr = run(url, "volumes", "import", str(good))
        print(f"billing volumes import: {seconds:,.1f} s, peak memory {peak_kb / 1024:,.0f} MB, "
              f"exit status {status}")
        if status:
            print(stderr[:2000])
        write_volumes(bad, args.rows, quantity=lambda n: "x")
        good.unlink()
        seconds, peak_kb, status, stderr = run(url, "volumes", "import", str(bad))
        print(f"the same rows, every quantity bad: {seconds:,.1f} s, peak memory "
              f"{peak_kb / 1024:,.0f} MB, exit status {status}, error message "
              f"{len(stderr.splitlines()):,} lines ({len(stderr.encode()):,} bytes)")
        print(f"this process: peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
