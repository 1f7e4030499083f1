"""Data on a terminal: shown as written, never obeyed.

A name, reference, reason, path or message from a file or the database is
printed as text: brackets in it are not rich markup (a name such as
"Rekryteringsmyndigheten [/avd 2]" would otherwise stop a command with a markup
error, or lose its bracket), and control characters are shown escaped as
Python writes them ("\\x1b", "\\u202e") instead of reaching the terminal, where
they could recolour, hide or reorder what is shown.

The consoles of the command line are ``PlainConsole``s: every string they print
(a message, a table cell or title) goes through ``visible``; the program styles
its own words with ``style=`` or ``Text``, never with markup. A ``Text`` the
program builds itself bypasses the console's strings, so one holding data is
made with ``shown``.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rich.console import Console
from rich.text import Text

# Line and paragraph separators, and the characters that embed, override or
# isolate text direction (and the marks): they reorder or break what follows.
_INVISIBLE = ("\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
              "\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_NAMED = {"\t": "\\t", "\r": "\\r"}


def _escaped(char: str) -> str:
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


# Every C0 and C1 control and DEL except the newline: a message may have lines.
_TABLE = {ord(char): _escaped(char)
          for char in (*(chr(code) for code in range(0x100)
                         if unicodedata.category(chr(code)) == "Cc" and chr(code) != "\n"),
                       *_INVISIBLE)}


def visible(text: str) -> str:
    """``text`` with every control character written out as an escape."""
    return text.translate(_TABLE)


def shown(value: object, style: str = "") -> Text:
    """A value from data as a rich ``Text``: never markup, controls escaped."""
    return Text(visible(str(value)), style=style)


class PlainConsole(Console):
    """A console that reads no markup or emoji codes in what it prints and shows
    control characters escaped, whatever a caller asks for."""

    def __init__(self, **options: Any) -> None:
        super().__init__(markup=False, emoji=False, **options)

    def render_str(self, text: str, **options: Any) -> Text:
        options.update(markup=False, emoji=False)
        return super().render_str(visible(text), **options)
