"""W2 of issue 14: what-if over ten years of the whole state, time and memory.

    .venv/bin/python scripts/bench_whatif.py [--agencies 377] [--years 10] [--database-url URL]

Makes the data set deterministically (no randomness: every number follows
from the agency's and the month's index): ``--agencies`` agencies cloned in
turn from the 100 of examples/agencies.toml, each with a synthetic
organisation number of its own, and for every month of ``--years`` years from
2013-01 about 30 volume records per agency: each service the agency's
template used in the example month 2012-12, repeated under eleven references,
with quantities that vary with agency, month and reference. 377 agencies and
ten years are 45,240 agency-months and about 1.36 million records.

The first month goes in through the volume import (which checks it); the
other months are copies of its rows with their own period and quantities,
inserted in bulk (the import's speed is W3's business, not this one's).
Then ``billing whatif`` with a draft that raises one price runs in a child
process, and its wall time and peak resident memory are printed with the
target: under 10 s and under 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BILLING = [sys.executable, "-c", "from billing.cli.app import main; main()"]
FIRST_YEAR = 2013
REFERENCES = 11  # records per (agency, service, month): ~30 per agency-month
TARGET_SECONDS, TARGET_MB = 10.0, 300


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu: float  # user + system: the fairer figure on a machine other work keeps busy
    peak_mb: float
    status: int
    stdout: str
    stderr: str


def run(url: str, *arguments: str) -> Measured:
    """One command in a child process: wall time and peak resident memory (ru_maxrss)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen([*BILLING, "--database-url", url, *arguments], stdout=out, stderr=err,
                                 text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0), err.seek(0)
        return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status),
                        out.read(), err.read())


def organisation_number(index: int) -> str:
    """A synthetic organisation number (2021xx-xxxx, Luhn check digit) per index."""
    digits = f"2021{index:05d}"
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return f"{digits[:6]}-{digits[6:]}{(10 - total % 10) % 10}"


def write_agencies(path: Path, count: int) -> list[tuple[str, str]]:
    """``count`` agencies cloned from the examples; (organisation number, template's) of each."""
    text = (EXAMPLES / "agencies.toml").read_text(encoding="utf-8")
    agencies = tomllib.loads(text)["agencies"]
    blocks = text.split("[[agencies]]")
    header = blocks[0]
    # Only agencies served throughout: one whose agreement ends would have volumes refused.
    kept = [(a["organisation_number"], body) for a, body in zip(agencies, blocks[1:])
            if not any("ends_on" in g for g in a.get("agreements", ()))]
    templates, bodies = [org for org, _ in kept], [body for _, body in kept]
    out, pairs = [header], []
    for index in range(count):
        body = bodies[index % len(bodies)]
        template = templates[index % len(templates)]
        org = organisation_number(index)
        body = body.replace(f'"{template}"', f'"{org}"', 1)
        name_line = next(line for line in body.splitlines() if line.startswith("name = "))
        body = body.replace(name_line, name_line[:-1] + f' {index}"', 1)
        out.append("[[agencies]]" + body)
        pairs.append((org, template))
    path.write_text("".join(out), encoding="utf-8")
    return pairs


def template_services() -> dict[str, list[str]]:
    """The services each example agency used in 2012-12 (one month-end stock each)."""
    services: dict[str, list[str]] = {}
    with (EXAMPLES / "volumes" / "2012-12.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            services.setdefault(row["organisation_number"], []).append(row["service"])
    return services


def quantity(agency: int, month: int, service: int, reference: int) -> int:
    return (agency * 7 + month * 13 + service * 3 + reference * 5) % 97 + 1


def build(url: str, tmp: Path, agencies: int, years: int) -> int:
    """The data set in a fresh database; the number of volume records."""
    from sqlalchemy import insert, select
    from sqlalchemy.orm import Session

    from billing.domain.catalogue import Measure
    from billing.files.catalogue_file import load_catalogue
    from billing.period import Month
    from billing.persistence.database import create_engine_for
    from billing.persistence.models import AgencyRow, VolumeRow

    agencies_file = tmp / "agencies.toml"
    pairs = write_agencies(agencies_file, agencies)
    used = template_services()
    catalogue = load_catalogue(ROOT / "tariffs" / "catalogue.toml")
    stock = {s.code for s in catalogue.services if s.measure is not Measure.FLOW}
    first = tmp / "volumes-first.csv"
    with first.open("w", encoding="utf-8", newline="") as file:
        file.write("period,organisation_number,service,quantity,source,reference\n")
        for a, (org, template) in enumerate(pairs):
            for s, service in enumerate(used.get(template, ())):
                # A stock (one month-end count) is one record a month; a flow repeats.
                for r in range(1 if service in stock else REFERENCES):
                    file.write(f"{FIRST_YEAR}-01,{org},{service},{quantity(a, 0, s, r)},Benchmark,R{r}\n")
    for step in (("db", "upgrade"), ("tariffs", "load", str(ROOT / "tariffs")),
                 ("agencies", "import", str(agencies_file)), ("volumes", "import", str(first))):
        done = run(url, *step)
        if done.status:
            sys.exit(f"{' '.join(step)} failed:\n{done.stderr}")
    engine = create_engine_for(url)
    with Session(engine) as session, session.begin():
        index = {org: a for a, (org, _) in enumerate(pairs)}
        orgs = dict(session.execute(select(AgencyRow.id, AgencyRow.organisation_number)).all())
        rows = session.execute(select(VolumeRow.agency_id, VolumeRow.service_code, VolumeRow.reference,
                                      VolumeRow.source, VolumeRow.import_id, VolumeRow.source_line)).all()
        services = {org: {s: n for n, s in enumerate(used.get(t, ()))} for org, t in pairs}
        count = len(rows)
        for m in range(1, 12 * years):
            month = Month(FIRST_YEAR + m // 12, m % 12 + 1)
            batch = []
            for agency_id, service, reference, source, import_id, line in rows:
                org = orgs[agency_id]
                batch.append({"period": month, "agency_id": agency_id, "service_code": service,
                              "quantity": Decimal(quantity(index[org], m, services[org][service],
                                                           int(reference[1:]))),
                              "source": source, "reference": reference, "import_id": import_id,
                              "source_line": line, "revision": 1})
            session.execute(insert(VolumeRow), batch)
            count += len(batch)
    engine.dispose()
    return count


def draft(tmp: Path) -> Path:
    """standard-2013-01 as a draft: PAY-SLIP-DEV raised."""
    text = (ROOT / "tariffs" / "standard-2013-01.toml").read_text(encoding="utf-8")
    text = text.replace('id = "standard-2013-01"', 'id = "utkast-benchmark"', 1)
    lines = [f'PAY-SLIP-DEV = "{Decimal(line.split("=")[1].strip().strip(chr(34))) * Decimal("1.10"):.2f}"'
             if line.startswith("PAY-SLIP-DEV = ") else line for line in text.splitlines()]
    path = tmp / "draft.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure(url: str | None, agencies: int, years: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url = url or f"sqlite:///{tmp}/whatif.sqlite"
        started = time.perf_counter()
        records = build(url, tmp, agencies, years)
        print(f"W2 data set: {agencies} agencies x {years} years, {records:,} volume records, "
              f"made in {time.perf_counter() - started:.0f} s")
        done = run(url, "whatif", "--tariff", str(draft(tmp)), "--format", "csv")
        if done.status:
            sys.exit(f"whatif failed:\n{done.stderr}")
        print(f"W2 what-if:  {done.seconds:6.2f} s wall (target < {TARGET_SECONDS:.0f} s, "
              f"ratio {done.seconds / TARGET_SECONDS:.2f}), {done.cpu:6.2f} s CPU (ratio "
              f"{done.cpu / TARGET_SECONDS:.2f}), peak {done.peak_mb:5.0f} MB "
              f"(target < {TARGET_MB} MB, ratio {done.peak_mb / TARGET_MB:.2f}); "
              f"{len(done.stdout.splitlines()) - 1} agency and area rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=377)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    measure(args.database_url, args.agencies, args.years)


if __name__ == "__main__":
    main()
