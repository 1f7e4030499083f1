"""W3 of issue 14: import and bill one month of N agencies x 30 services, against the floor.

    .venv/bin/python scripts/bench/scale.py [--agencies 1000 10000] [--databases sqlite postgresql]

For each size it writes the agencies and the month's volume file (scale_data.py,
deterministic), loads the tariffs and the agencies into a fresh database, then
runs each command in a child process and prints its wall time and the child's
peak resident memory (VmHWM): ``volumes import``, ``run``, ``audit``,
``export peppol``, ``export sie``. The floor (scale_floor.py) is measured in the
same run, with as many invoice, line and link rows as the engine wrote; the
ratio is (import + run) / floor. A second floor (schema_floor.py) inserts the
same rows bare into the engine's own tables, with their keys and indexes, in a
copy of the database taken before the import: the gap between the floors is
what the schema costs, the gap above the second what the engine adds. PostgreSQL is a throwaway cluster started like
the tests' (tests/postgres_server.py); a size gets a database of its own.
Targets: ratio at most 3, every peak under 500 MB, and ten times the agencies
at most ten times the time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from scale_data import SEED_MONTH, volume_services, write_agencies, write_volumes
from scale_floor import postgres_floor, sqlite_floor
from schema_floor import postgres_schema_floor, sqlite_schema_floor

ROOT = Path(__file__).resolve().parents[2]
# The child says its own peak (VmHWM) as it exits: ru_maxrss from wait4 would
# also count this parent's memory, inherited across fork and exec.
BILLING = [sys.executable, "-c", "import atexit, sys\n"
           "def peak():\n"
           "    for line in open('/proc/self/status'):\n"
           "        if line.startswith('VmHWM'):\n"
           "            sys.stderr.write('\\nPEAK_KB ' + line.split()[1] + '\\n')\n"
           "atexit.register(peak)\n"
           "from billing.cli.app import main; main()"]
ISSUE_DATE = "2013-01-08"
MEMORY_LIMIT_MB = 500


def billing(url: str, *arguments: str, allowed: tuple[int, ...] = (0,)) -> tuple[float, float, float] | None:
    """(wall seconds, CPU seconds, peak resident MB) of one command in a child
    process; None (said on stderr) when it fails. The CPU time (user + system)
    is the figure to trust on a machine shared with other work."""
    started = time.perf_counter()
    child = subprocess.Popen([*BILLING, "--database-url", url, *arguments], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    stderr = child.stderr.read() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in allowed:
        print(f"billing {' '.join(arguments)} failed (exit status {code}):\n{stderr[-1500:]}",
              file=sys.stderr)
        return None
    peaks = [line.split()[1] for line in stderr.splitlines() if line.startswith("PEAK_KB ")]
    return seconds, usage.ru_utime + usage.ru_stime, int(peaks[-1]) / 1024


def engine_counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {name: connection.scalar(text(f"SELECT count(*) FROM {table}")) for name, table in
                  (("invoices", "invoices"), ("lines", "invoice_lines"),
                   ("links", "invoice_line_volumes"))}
    engine.dispose()
    return counts


def measure(url: str, floor, schema_floor, agencies: int, work: Path) -> dict:
    """Every figure of one size on one database. ``schema_floor()``, called
    before the volumes are imported, copies the database as it is then and
    returns the function that measures the second floor in that copy."""
    agencies_file, volume_file = work / f"agencies-{agencies}.toml", work / f"volumes-{agencies}.csv"
    if not volume_file.exists():
        write_agencies(agencies_file, agencies)
        write_volumes(volume_file, agencies, volume_services(ROOT))
    for setup in (("db", "upgrade"), ("tariffs", "load", str(ROOT / "tariffs"))):
        if billing(url, *setup) is None:
            sys.exit(1)
    figures = {"agencies import": billing(url, "agencies", "import", str(agencies_file))}
    in_copy = schema_floor()
    figures["volumes import"] = billing(url, "volumes", "import", str(volume_file))
    figures["run"] = billing(url, "run", SEED_MONTH, "--date", ISSUE_DATE)
    # Exit status 1 is a failed check, or the audit failing: either is a failure here
    # (the month's data pass every check).
    figures["audit"] = billing(url, "audit", SEED_MONTH)
    figures["export peppol"] = billing(url, "export", "peppol", SEED_MONTH, "--out", str(work / f"peppol-{agencies}"))
    figures["export sie"] = billing(url, "export", "sie", SEED_MONTH, "--out", str(work / f"sie-{agencies}.si"))
    counts = engine_counts(url)
    figures["floor"] = floor(volume_file, counts)
    figures["schema floor"] = in_copy(volume_file, counts)
    return figures


def report(database: str, agencies: int, figures: dict, smaller: tuple[int, float] | None) -> float:
    floor_wall, floor_cpu = figures["floor"]
    print(f"\n{database}, {agencies:,} agencies ({agencies * 30:,} volume records); "
          "times wall / CPU, ratios to the floor's")
    print(f"  {'floor (parse + bare insert)':<28} {floor_wall:8.2f} s {floor_cpu:8.2f} s")
    schema_wall, schema_cpu = figures["schema floor"]
    print(f"  {'floor, engine schema':<28} {schema_wall:8.2f} s {schema_cpu:8.2f} s "
          f"{schema_wall / floor_wall:6.1f}x {schema_cpu / floor_cpu:6.1f}x  (keys and indexes alone)")
    for name in ("agencies import", "volumes import", "run", "audit", "export peppol", "export sie"):
        if figures[name] is None:
            print(f"  {name:<28} failed")
            continue
        wall, cpu, peak = figures[name]
        flag = "" if peak < MEMORY_LIMIT_MB else "  OVER 500 MB"
        print(f"  {name:<28} {wall:8.2f} s {cpu:8.2f} s {wall / floor_wall:6.1f}x {cpu / floor_cpu:6.1f}x"
              f"  peak {peak:6.0f} MB{flag}")
    steps = [figures[name] for name in ("volumes import", "run")]
    wall = sum(step[0] if step else float("nan") for step in steps)
    cpu = sum(step[1] if step else float("nan") for step in steps)
    print(f"  {'import + run':<28} {wall:8.2f} s {cpu:8.2f} s {wall / floor_wall:6.1f}x {cpu / floor_cpu:6.1f}x"
          "  (target at most 3x)")
    print(f"  {'  against the schema floor':<28} {'':22} {wall / schema_wall:6.1f}x {cpu / schema_cpu:6.1f}x")
    if smaller is not None:
        count, before = smaller
        print(f"  {agencies // count}x the agencies of {count:,}: {cpu / before:.1f}x the CPU time "
              f"(target at most {agencies // count}x)")
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    measure_all(args.agencies, args.databases)


def measure_all(sizes: list[int], databases: list[str]) -> None:
    """Every size on every database, each printed as it is measured."""
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="billing-scale-")))
        for database in databases:
            base = stack.enter_context(_postgres()) if database == "postgresql" else ""
            smaller = None
            for agencies in sorted(sizes):
                if database == "sqlite":
                    url = f"sqlite:///{work}/scale-{agencies}.sqlite"
                    figures = measure(url, lambda v, c: sqlite_floor(work, v, c),
                                      lambda: _sqlite_copy(work, agencies), agencies, work)
                else:
                    url, conninfo = _create_database(base, f"scale_{agencies}")
                    figures = measure(url, lambda v, c: postgres_floor(conninfo, v, c),
                                      lambda: _postgres_copy(base, f"scale_{agencies}"), agencies, work)
                engine = report(database, agencies, figures, smaller)
                smaller = (agencies, engine)


def _sqlite_copy(work: Path, agencies: int):
    """A copy of the SQLite database as it is now (no command has it open), and
    the function measuring the schema floor in it."""
    source, copy = work / f"scale-{agencies}.sqlite", work / f"schema-floor-{agencies}.sqlite"
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
    return lambda volume_file, counts: sqlite_schema_floor(copy, volume_file, counts)


def _postgres_copy(base: str, name: str):
    """A copy of the PostgreSQL database as it is now (CREATE DATABASE ...
    TEMPLATE: no command is connected to it), and the function measuring the
    schema floor in it."""
    _, conninfo = _create_database(base, f"{name}_schema_floor", template=name)
    return lambda volume_file, counts: postgres_schema_floor(conninfo, volume_file, counts)


def _postgres():
    sys.path.insert(0, str(ROOT / "tests"))
    from postgres_server import postgres_server

    return postgres_server()


def _create_database(base: str, name: str, template: str = "template1") -> tuple[str, str]:
    """(SQLAlchemy URL, psycopg conninfo) of a fresh database on the benchmark's
    cluster (a copy of ``template``)."""
    import psycopg
    from sqlalchemy import make_url

    url = make_url(base)
    conninfo = f"host={url.host} port={url.port} user={url.username}"
    with psycopg.connect(conninfo + " dbname=postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return f"{base}/{name}", f"{conninfo} dbname={name}"


if __name__ == "__main__":
    main()
