"""The audit's summary and `billing verify`'s findings keep every number whole
at any width (cli/width.py, reports/wrapped_text.py): the text wraps between
words, never inside "660 000 000,00" or "30 %", at COLUMNS=40 and 60 and in a
pipe (132 columns).

The scene: the world's November billed with one huge volume (Gammaverket
PAY-SLIP-DEV 10 000 000 x 66,00 = 660 000 000,00 on invoice 3), then that
line's amount altered to 660 000 001,00 in the database, so the findings
quote amounts of 14 characters.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from billing.cli.app import app
from billing.cli.width import OutputConsole
from billing.reports.wrapped_text import WrappedText, number_width, words, wrap
from db_helpers import ORG_C, billed
from helpers_tamper import delete_document, line_no, tamper, update_line

BIG = f"2012-11,{ORG_C},PAY-SLIP-DEV,10000000,Palasso,stor"
WIDTHS = [40, 60, None]  # None: COLUMNS not set, as in a pipe


@pytest.fixture
def altered(engine, database_url, tmp_path, monkeypatch):
    import db_helpers
    monkeypatch.setitem(db_helpers.WORLD_VOLUMES, "2012-11", [*db_helpers.WORLD_VOLUMES["2012-11"], BIG])
    billed(engine, tmp_path)
    tamper(engine, update_line(3, line_no(engine, 3, "PAY-SLIP-DEV"), amount=Decimal("660000001.00")))
    return database_url


def _run(url: str, columns: int | None, *args):
    result = CliRunner().invoke(app, ["--database-url", url, *map(str, args)],
                                env={"COLUMNS": None if columns is None else str(columns)})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _whole(word: str, text: str) -> bool:
    """``word`` on one line of ``text``, not part of a longer number."""
    return re.search(r"(?<![\d,])(?<!\d )" + re.escape(word) + r"(?![\d])", text) is not None


def _numbers(message: str) -> list[str]:
    return [w.rstrip(".,;:)") for w in words(message) if re.search(r"\d", w)]


@pytest.mark.parametrize("columns", WIDTHS)
def test_no_number_in_the_audit_summary_is_cut(altered, columns):
    table = _run(altered, columns, "audit", "2012-11", "--seed", "1")
    assert table.exit_code == 1  # arithmetic, re-rating and integrity fail
    report = json.loads(_run(altered, columns, "audit", "2012-11", "--seed", "1", "--format", "json").stdout)
    shown = [f["message"] for c in report["checks"] if c["name"] != "revenue" for f in c["findings"]]
    # Hand-worked: the line 10 000 000 x 66,00 = 660 000 000,00, stored as 660 000 001,00;
    # the net 660 007 192,00 (issued) against 660 007 193,00 from the lines, VAT 25 % of it 165 001 798,25.
    assert "radbelopp 660 000 001,00, men 10 000 000 × 66,00 = 660 000 000,00" in shown
    assert "netto 660 007 192,00, men raderna ger 660 007 193,00" in shown
    assert "moms 165 001 798,00, men raderna ger 165 001 798,25" in shown
    cut = [n for message in shown for n in _numbers(message) if not _whole(n, table.stdout)]
    assert cut == []
    # The check titles too: "Variation mot 2012-10 över 30 %" keeps its per cent whole.
    assert _whole("30 %", table.stdout)
    width = columns or 132
    # Wrapped, not widened: the widest number (14 characters) fits in 40 columns.
    assert max(len(line) for line in table.stdout.splitlines()) <= width


@pytest.mark.parametrize("columns", WIDTHS)
def test_no_number_in_the_verify_findings_is_cut(altered, engine, columns):
    tamper(engine, *delete_document(2))
    found = _run(altered, columns, "verify")
    assert found.exit_code == 1
    err = found.stderr
    # Document 2 deleted (a gap in the series), document 3 changed after issue.
    for row in (("borttagen", "dokument 2"), ("ändrad", "dokument 3")):
        assert re.search(rf"│ {row[0]} +│ {row[1]} +│", err), row
    messages = ["dokument 2 saknas: serien har inga luckor",
                "dokument 3 stämmer inte med sitt sigill: ändrat efter utfärdandet"]
    for message in messages:
        # Every word whole, in order, however the column wrapped it.
        cells = " ".join(line.split("│")[3].strip() for line in err.splitlines() if line.count("│") == 4)
        assert message in cells
    assert max(len(line) for line in err.splitlines() if "│" in line) <= (columns or 132)


def test_a_number_is_one_word_with_its_groups_and_sign():
    assert words("netto 660 007 192,00, men 12,5 % (av 1 234)") == [
        "netto", "660 007 192,00,", "men", "12,5 %", "(av", "1 234)"]
    # Two numbers side by side are not one: "3 4" (3 followed by a one-digit group) stays apart,
    # "12,5 345" (a decimal followed by a group) too.
    assert words("3 4 och 12,5 345") == ["3", "4", "och", "12,5", "345"]
    assert number_width(["à 156,00 och 4 063,00", "nummer 7"]) == len("4 063,00")
    # Wrapped at 10: the number moves to the next line whole rather than split.
    assert wrap("belopp 4 063,00 kr", 10) == ["belopp", "4 063,00", "kr"]
    # A word longer than the width is folded only when nothing else can be done.
    assert wrap("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]


def test_a_finding_quoting_data_is_shown_as_written_never_obeyed():
    screen = io.StringIO()
    console = OutputConsole(file=screen, force_terminal=False)
    with console.exactly(40):
        console.print(WrappedText("Ny \x1b[31m [bold]x[/bold]: belopp 4 063,00"))
    # The escape written out, the brackets as they are, the amount whole.
    assert screen.getvalue() == "Ny \\x1b[31m [bold]x[/bold]: belopp\n4 063,00\n"
