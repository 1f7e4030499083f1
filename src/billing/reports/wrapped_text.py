"""Text for a terminal table that wraps between words, never inside a number.

Rich wraps a cell at any space, and a Swedish number has spaces in it: at a
narrow width "4 063,00" would become "4" and "063,00", and "12,5 %" would lose
its sign. A ``WrappedText`` treats a number with its thousands groups and its
per-cent sign as one word; ``number_width`` is the width a column of such
cells needs so that no number is folded either (give it as the column's
``min_width``: cli/width.py then widens the table rather than cut one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style, StyleType

# A group of three digits (with decimals, closing punctuation) after a word
# ending in one to three digits continues that number: "4", "063,00" -> "4 063,00".
_GROUP = re.compile(r"\d{3}(?:,\d+)?[)\].,;:]*")
_ENDS_IN_DIGITS = re.compile(r"(?:^|[^\d,.])-?\d{1,3}$")
# The per-cent sign after a number, with what may close it: "12,5" "%)" -> "12,5 %)".
_PERCENT = re.compile(r"%[)\].,;:]*")
_NUMBER = re.compile(r"\d")


def words(text: str) -> list[str]:
    """``text``'s words at its spaces, a number and its sign kept as one."""
    found: list[str] = []
    for piece in text.split(" "):
        if found and piece and (
                (_GROUP.fullmatch(piece) and _ENDS_IN_DIGITS.search(found[-1]))
                or (_PERCENT.fullmatch(piece) and found[-1][-1:].isdigit())):
            found[-1] += " " + piece
        else:
            found.append(piece)
    return found


def number_width(texts: Iterable[str]) -> int:
    """The widest word with a digit in ``texts``: the narrowest a column of them may be."""
    return max((cell_len(w) for text in texts for line in text.split("\n") for w in words(line)
                if _NUMBER.search(w)), default=0)


def wrap(text: str, width: int) -> list[str]:
    """The lines of ``text`` at ``width``, broken between words; a word wider
    than the width alone is folded (never a number in a column as wide as
    number_width says)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in words(paragraph):
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while cell_len(line) > width > 0:
                head, *_ = chop_cells(line, width)
                lines.append(head)
                line = line[len(head):]
        lines.append(line)
    return lines


class WrappedText:
    """A rich renderable of ``text`` (one style) wrapped by ``wrap``. The text
    is data (a finding quotes names and descriptions): it goes through the
    console's own strings, so a PlainConsole (cli/text.py) shows brackets as
    written and control characters escaped."""

    def __init__(self, text: str, style: StyleType = "") -> None:
        self.text = text
        self.style = style

    def __str__(self) -> str:
        return self.text

    def _plain(self, console: Console) -> str:
        return console.render_str(self.text, markup=False, emoji=False, highlight=False).plain

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self._plain(console).split("\n")
        return Measurement(max((cell_len(w) for line in lines for w in words(line)), default=0),
                           max(cell_len(line) for line in lines)).with_maximum(options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        style = console.get_style(self.style) if self.style else Style()
        for line in wrap(self._plain(console), options.max_width):
            yield Segment(line, style)
            yield Segment.line()
