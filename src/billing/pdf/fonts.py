"""The typeface of every document: DejaVu Sans, regular and bold, shipped in
the package (``fonts/``, with its licence) and embedded in each PDF as a
subset, so that a PDF looks the same on every machine and a name is drawn as
written: Swedish, and Polish, Czech, Greek or Cyrillic letters, dashes,
non-breaking spaces. A character the typeface has no glyph for is drawn as
U+FFFD, visibly, instead of vanishing."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Container
from pathlib import Path

from fpdf import FPDF

FAMILY = "DejaVuSans"
FONT_DIR = Path(__file__).with_name("fonts")
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}  # fpdf2 style -> file
MISSING = "\ufffd"  # REPLACEMENT CHARACTER, which both fonts have

# fpdf2 subsets the fonts with fontTools, which logs each table it prunes at
# INFO: nothing a person running `billing -v` needs, once per PDF.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def register(pdf: FPDF) -> None:
    """Makes FAMILY, regular and bold, available to ``pdf``."""
    for style, name in FILES.items():
        pdf.add_font(FAMILY, style, str(FONT_DIR / name))


def drawable(text: str, glyphs: Container[int]) -> str:
    """``text`` as a font with a glyph for each code point in ``glyphs`` can
    draw it: a line break stays (a wrapped text breaks there), any other
    control character is a space, an invisible format character the font
    lacks is left out, and any other character it lacks is U+FFFD."""
    out = []
    for char in text:
        if char == "\n":
            out.append(char)
        elif unicodedata.category(char) == "Cc":
            out.append(" ")
        elif ord(char) in glyphs:
            out.append(char)
        elif unicodedata.category(char) != "Cf":
            out.append(MISSING)
    return "".join(out)
