"""billing.cli.text: data is shown as written (markup literally, control
characters escaped), while the program's own styling still reaches a terminal.
No database."""

from __future__ import annotations

import io
import re
from contextlib import nullcontext
from pathlib import Path

import pytest
import typer
from rich.table import Table

from billing.cli import context
from billing.cli.text import PlainConsole, shown, visible

SOURCE = Path(__file__).resolve().parents[1] / "src" / "billing"


def _printed(*objects, **options) -> str:
    console = PlainConsole(file=io.StringIO(), width=60)
    console.print(*objects, **options)
    return console.file.getvalue()


@pytest.mark.parametrize("char, escaped", [
    ("\x1b", "\\x1b"), ("\x00", "\\x00"), ("\x07", "\\x07"), ("\x08", "\\x08"), ("\t", "\\t"),
    ("\r", "\\r"), ("\x0b", "\\x0b"), ("\x0c", "\\x0c"), ("\x7f", "\\x7f"),
    ("\x85", "\\x85"), ("\x9b", "\\x9b"),                            # C1: NEL, CSI
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),                    # line, paragraph separator
    ("\u202a", "\\u202a"), ("\u202e", "\\u202e"), ("\u2066", "\\u2066"), ("\u2069", "\\u2069"),
    ("\u200f", "\\u200f"), ("\u061c", "\\u061c"),
])
def test_visible_writes_every_control_character_out(char, escaped):
    assert visible(f"a{char}b") == f"a{escaped}b"


def test_visible_keeps_ordinary_text_and_newlines():
    text = "Åsa Öberg [avd 2] \\x1b ü €\n  rad två\u00a0slut"
    assert visible(text) == text


def test_markup_and_emoji_codes_in_data_are_printed_literally():
    assert _printed("Rekryteringsmyndigheten [/avd 2]") == "Rekryteringsmyndigheten [/avd 2]\n"
    assert _printed("Arbetsdomstolen [avd 2] [bold]x[/bold]") == "Arbetsdomstolen [avd 2] [bold]x[/bold]\n"
    # Even when a caller asks for markup: the consoles print data.
    assert _printed("[red]röd[/red] :smile:", markup=True, emoji=True) == "[red]röd[/red] :smile:\n"


def test_control_characters_are_printed_escaped_in_messages_tables_and_titles():
    assert _printed("a\x1b[31mb\u202ec") == "a\\x1b[31mb\\u202ec\n"
    table = Table("Namn", title="T\x1b[2J")
    table.add_row("G\x1b[31m")
    out = _printed(table)
    assert "\x1b" not in out
    # Measured after escaping: "G\x1b[31m" is 9 wide, and the border fits it.
    assert "│ G\\x1b[31m │" in out and "T\\x1b[2J" in out


def test_shown_escapes_a_text_that_bypasses_the_console_strings():
    text = shown("P [/x] \x1b[31m", style="dim")
    assert text.plain == "P [/x] \\x1b[31m" and str(text.style) == "dim"
    assert _printed(text) == "P [/x] \\x1b[31m\n"


def test_the_programs_style_reaches_a_terminal_and_the_datas_does_not(monkeypatch):
    terminal = PlainConsole(file=io.StringIO(), force_terminal=True, color_system="standard", width=80)
    monkeypatch.setattr(context, "errors", terminal)
    with pytest.raises(typer.Exit) as exit_:
        context.fail("[/x] \x1b[32m")
    assert exit_.value.exit_code == 1
    # Red (SGR 31) from the program, around the data with its ESC written out.
    assert terminal.file.getvalue() == "\x1b[31m[/x] \\x1b[32m\x1b[0m\n"


def test_an_already_done_action_is_printed_in_yellow_with_its_data_as_written(monkeypatch):
    terminal = PlainConsole(file=io.StringIO(), force_terminal=True, color_system="standard", width=80,
                            highlight=False)
    monkeypatch.setattr(context, "console", terminal)

    def done(session):
        raise context.AlreadyDone("2012-11 [/x] \x1b[2J")

    monkeypatch.setattr(context, "_session", lambda commit: nullcontext())
    with pytest.raises(typer.Exit) as exit_:
        context.run_in_transaction(done)
    assert exit_.value.exit_code == 0
    assert terminal.file.getvalue() == "\x1b[33m2012-11 [/x] \\x1b[2J\x1b[0m\n"


def test_no_module_that_prints_writes_markup_or_makes_a_console_of_its_own():
    """The guarantee holds for code added later: no markup tags, no rich.markup,
    no other console than the PlainConsoles of billing.cli.context."""
    tag = re.compile(r"\[/?(bold|dim|italic|underline|reverse|red|green|yellow|blue|magenta|cyan|white|link)\b")
    for path in sorted([*SOURCE.joinpath("cli").glob("*.py"), *SOURCE.joinpath("reports").glob("*.py")]):
        code = path.read_text(encoding="utf-8")
        assert "rich.markup" not in code, path
        assert not tag.search(code), (path, tag.search(code))
        if path.name != "text.py":
            assert not re.search(r"\bConsole\(", code), path
