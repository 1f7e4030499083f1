"""Speed of the monthly run on the example data, printed as figures.

    .venv/bin/python scripts/benchmark.py [--database-url URL]

Loads the tariffs, the agencies and all example volumes (June-December 2012)
into a fresh database (a temporary SQLite file unless a URL is given; the URL's
database must be empty), then bills each month and prints, per step, the wall
time, the SQL statements issued and the invoices and lines written. The target
(issue 2): a billing run of one example month takes a few seconds at most, with
a statement count that does not grow with the number of agencies.

Then issue 14's W1 (start-up: --help and the run, scripts/bench_startup.py),
W2 (what-if over ten years of 377 agencies, scripts/bench_whatif.py;
``--no-whatif`` skips it, its data set takes minutes to make) and W3 (import
and run of 1,000 and 10,000 agencies against the floors, on SQLite and on a
throwaway PostgreSQL, scripts/bench/scale.py; ``--no-scale`` skips it, it
takes about ten minutes), each figure with its target.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from billing.period import Month
from billing.persistence.database import create_engine_for, upgrade
from billing.persistence.models import InvoiceLineRow
from billing.services.agencies import import_agencies
from billing.services.billing_run import Override, run_month
from billing.services.passthrough import allocate_supplier_invoices, import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import import_volumes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--no-whatif", action="store_true", help="skip W2 (minutes to build its data)")
    parser.add_argument("--no-scale", action="store_true", help="skip W3 (about ten minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/benchmark.sqlite"
        engine = create_engine_for(url)
        upgrade(engine)
        statements = [0]
        event.listen(engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))

        def step(label: str, action) -> object:
            statements[0] = 0
            started = time.perf_counter()
            with Session(engine) as session, session.begin():
                result = action(session)
            elapsed = time.perf_counter() - started
            print(f"{label:<34} {elapsed:8.3f} s {statements[0]:6d} statements  {result}")
            return result

        print(f"database: {engine.dialect.name}")
        step("load tariffs", lambda s: len(load_tariffs(s, ROOT / "tariffs").added))
        step("import agencies", lambda s: import_agencies(s, EXAMPLES / "agencies.toml").added)
        for path in sorted((EXAMPLES / "volumes").glob("*.csv")):
            step(f"import volumes {path.stem}", lambda s, p=path: import_volumes(s, p).added)
        step("import pass-through amounts",
             lambda s: import_pass_through(s, EXAMPLES / "passthrough/amounts-2012-12.csv").added)
        step("allocate supplier invoices",
             lambda s: allocate_supplier_invoices(s, EXAMPLES / "passthrough/supplier-invoices-2012-12.csv").added)
        for month_number in range(6, 13):
            month = Month(2012, month_number)

            def bill(session: Session, month: Month = month) -> str:
                # The examples' months are billed as they are, as the README's run does
                # (some services fall by more than the guards' threshold between months).
                result = run_month(session, month, month.last_day + timedelta(days=8),
                                   Override(("all",), "benchmark of the example months"))
                lines = sum(len(i.lines) for i in result.invoices)
                return f"{len(result.invoices)} invoices, {lines} lines"
            step(f"billing run {month}", bill)
        with Session(engine) as session:
            print(f"invoice lines stored: {session.scalar(select(func.count()).select_from(InvoiceLineRow))}")
        engine.dispose()
    issue_14(whatif=not args.no_whatif, scale=not args.no_scale)


def issue_14(whatif: bool = True, scale: bool = True) -> None:
    """Start-up (W1), what-if (W2) and scale (W3) figures with their targets."""
    import bench_startup
    import bench_whatif
    bench_startup.measure()
    if whatif:
        # In a temporary SQLite file of its own: the database above holds the examples.
        bench_whatif.measure(None, agencies=377, years=10)
    if scale:
        sys.path.insert(0, str(ROOT / "scripts" / "bench"))
        import scale as scale_benchmark
        scale_benchmark.measure_all([1_000, 10_000], ["sqlite", "postgresql"])


if __name__ == "__main__":
    main()
