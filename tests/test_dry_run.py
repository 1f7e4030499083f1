"""`billing run YYYY-MM --dry-run`: the preview of a run, on SQLite and PostgreSQL.
It shows the invoices the run would issue and writes nothing.

The world of db_helpers for 2012-11, by hand from tariffs/standard-2012-06.toml:
Alfaverket net 3238.00, VAT 809.50, payable 4048; Betaverket 15772.00, 3943.00,
19715; Gammaverket 7192.00, 1798.00, 8990. Together: net 26202.00, VAT 6550.50,
payable 4048 + 19715 + 8990 = 32753.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy.orm import Session

from billing.period import Month
from billing.services.billing_run import draft_month, run_month
from db_helpers import (ORG_A, ORG_B, ORG_C, check_assumed_prices, dump, setup_world)
from helpers_cli import cli, flat

NOVEMBER = Month(2012, 11)


def rows(text: str) -> list[list[str]]:
    """The invoice rows of an invoice list: every cell but the number."""
    found = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 9 and cells[1] == "Faktura":
            found.append(cells[1:])
    return found


EXPECTED_ROWS = [
    ["Faktura", "2012-11", "2012-12-05", ORG_A, "Alfaverket", "3 238,00", "809,50", "4 048,00"],
    ["Faktura", "2012-11", "2012-12-05", ORG_B, "Betaverket", "15 772,00", "3 943,00", "19 715,00"],
    ["Faktura", "2012-11", "2012-12-05", ORG_C, "Gammaverket", "7 192,00", "1 798,00", "8 990,00"],
]


def test_dry_run_shows_what_the_run_issues_and_writes_nothing(engine, database_url, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path)
    before = dump(engine)

    preview = cli(database_url, "run", "2012-11", "--dry-run", "--date", "2012-12-05")

    assert preview.exit_code == 0, preview.stderr
    assert dump(engine) == before
    out = flat(preview.stdout)
    assert "Förhandsgranskning 2012-11: inget är utfärdat" in out
    assert "Dry run: 3 invoices would be issued for 2012-11; nothing was written." in out
    assert rows(preview.stdout) == EXPECTED_ROWS
    assert "3 fakturor │ 26 202,00 │ 6 550,50 │ 32 753,00" in out
    assert [line.split("│")[1].strip() for line in preview.stdout.splitlines()
            if line.count("│") == 10 and "│ Faktura │" in line] == ["-", "-", "-"]  # no numbers taken

    run = cli(database_url, "run", "2012-11", "--date", "2012-12-05")

    assert run.exit_code == 0
    assert rows(run.stdout) == EXPECTED_ROWS  # the same invoices, now numbered
    assert "3 invoices issued for 2012-11, numbers 1-3, total payable 32 753,00 SEK." in flat(run.stdout)


def test_the_preview_is_the_run_without_numbers(engine, tmp_path):
    setup_world(engine, tmp_path)
    with Session(engine) as session:
        drafts = [draft.document for draft in draft_month(session, NOVEMBER, date(2012, 12, 5))]
    with Session(engine) as session, session.begin():
        issued = run_month(session, NOVEMBER, date(2012, 12, 5)).invoices
    # Lines, volume links, totals, dates: everything but the number.
    assert [replace(invoice, number=None) for invoice in issued] == drafts


def test_dry_run_with_show_prints_every_invoice_in_full(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    before = dump(engine)

    preview = cli(database_url, "run", "2012-11", "--dry-run", "--show", "--date", "2012-12-05")

    assert preview.exit_code == 0
    out = flat(preview.stdout)
    assert out.count("Fakturanummer -") == 3
    for expected in ("Kund Alfaverket", "Kund Betaverket", "Kund Gammaverket", "Förfallodatum 2013-01-04",
                     "Summa exkl. moms 3 238,00", "Öresavrundning 0,50", "Att betala (SEK) 4 048,00"):
        assert expected in out, expected
    assert dump(engine) == before


def test_dry_run_before_the_month_has_ended_is_refused(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    before = dump(engine)
    result = cli(database_url, "run", "2012-11", "--dry-run", "--date", "2012-11-30")
    assert result.exit_code == 1
    assert "must be after 2012-11-30" in flat(result.stderr)
    assert dump(engine) == before


def test_dry_run_of_a_billed_month_shows_that_nothing_would_be_issued(engine, database_url, tmp_path):
    setup_world(engine, tmp_path)
    assert cli(database_url, "run", "2012-11", "--date", "2012-12-05").exit_code == 0
    before = dump(engine)

    preview = cli(database_url, "run", "2012-11", "--dry-run", "--date", "2012-12-06")

    assert dump(engine) == before
    assert rows(preview.stdout) == []
    assert "already billed" in flat(preview.stdout)
