"""W1 of issue 14: how long a command takes beyond the interpreter's own start.

    .venv/bin/python scripts/bench_startup.py [--repeat 5]

Each figure is the median of ``--repeat`` whole processes, less the median of
``python -c pass`` (the interpreter's start, which no change to billing can
shorten): ``billing --help``, and ``billing run`` of the example month
2012-12 on a fresh copy of an SQLite database that holds the tariffs, the
agencies, the month's volumes and pass-through amounts (made once, through
the command line, before the timing). Targets: --help at most 0.3 s, the run
at most 0.5 s. Each figure is printed as wall time and as CPU time (user +
system): on a machine that other work keeps busy, CPU is the fairer one.

The processes run as an installed program does, with billing's modules
compiled once to bytecode (the preparation writes __pycache__, whatever
PYTHONDONTWRITEBYTECODE says): compiling them from source at every start
would add about 0.1 s that no installation pays.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BILLING = [sys.executable, "-c", "import sys; sys.argv[0] = 'billing'; from billing.cli.app import main; main()"]
TARGETS = {"billing --help": 0.3, "billing run 2012-12": 0.5}
# As an installed program runs: bytecode cached (see the docstring).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _seconds(command: list[str], cwd: Path, before=None) -> tuple[float, float]:
    """(wall, CPU) seconds of one process; CPU (user + system) is the fairer
    figure on a machine that other work keeps busy."""
    if before is not None:
        before()
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(command)} failed")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def _median(repeat: int, command: list[str], cwd: Path, before=None) -> tuple[float, float]:
    runs = [_seconds(command, cwd, before) for _ in range(repeat)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def example_database(directory: Path) -> Path:
    """billing.sqlite in ``directory`` with the example month loaded, not yet billed."""
    for step in (("db", "upgrade"), ("tariffs", "load", ROOT / "tariffs"),
                 ("agencies", "import", EXAMPLES / "agencies.toml"),
                 ("volumes", "import", EXAMPLES / "volumes" / "2012-12.csv"),
                 ("passthrough", "import", EXAMPLES / "passthrough" / "amounts-2012-12.csv"),
                 ("passthrough", "allocate", EXAMPLES / "passthrough" / "supplier-invoices-2012-12.csv")):
        subprocess.run([*BILLING, *map(str, step)], cwd=directory, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return directory / "billing.sqlite"


def measure(repeat: int = 5) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds beyond the interpreter's start, by command; printed with the targets."""
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        seed = example_database(work).rename(work / "seed.sqlite")

        def fresh() -> None:
            for suffix in ("-wal", "-shm"):
                (work / f"billing.sqlite{suffix}").unlink(missing_ok=True)
            shutil.copyfile(seed, work / "billing.sqlite")

        interpreter = _median(repeat, [sys.executable, "-c", "pass"], work)
        # Once untimed, so that the run's modules are compiled like the others.
        fresh()
        _seconds([*BILLING, "run", "2012-12", "--date", "2013-01-08", "--dry-run"], work)
        measured = {
            "billing --help": _median(repeat, [*BILLING, "--help"], work),
            "billing run 2012-12": _median(repeat, [*BILLING, "run", "2012-12", "--date", "2013-01-08"],
                                           work, fresh),
        }
    print(f"W1 interpreter start (python -c pass): {interpreter[0]:.3f} s wall, {interpreter[1]:.3f} s CPU; "
          f"medians of {repeat}")
    figures = {}
    for label, (wall, cpu) in measured.items():
        target = TARGETS[label]
        wall, cpu = wall - interpreter[0], cpu - interpreter[1]
        figures[label] = (wall, cpu)
        verdict = "met" if max(wall, cpu) <= target else "met on CPU" if cpu <= target else "not met"
        print(f"W1 {label:<20} {wall:6.3f} s wall, {cpu:6.3f} s CPU beyond it; target <= {target} s: "
              f"ratio {wall / target:.2f} wall, {cpu / target:.2f} CPU ({verdict})")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    measure(parser.parse_args().repeat)


if __name__ == "__main__":
    main()
