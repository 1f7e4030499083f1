"""Charts for the HTML reports: the geometry of a bar chart, as values that a
template (templates/_chart.html) draws as SVG.

Two kinds: horizontal bars of signed values (growing left or right of a zero
line), with an optional dashed reference line, such as 100 % cost recovery;
and columns of stacked segments, such as the three cost classes of a year.
Every number a chart shows is formatted by the caller's formatter, one of
reports.swedish (Babel). Values are Decimals; coordinates are Decimals too,
to a tenth of a pixel, so a chart is the same text wherever it is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from billing.reports import swedish

PIXEL = Decimal("0.1")
# Okabe-Ito colours: told apart also by readers with a colour-vision deficiency.
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE = ("#0072b2", "#e69f00", "#009e73", "#d55e00",
                                                "#56b4e9", "#cc79a7")
SERIES_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION)
GRID, AXIS = "#d0d0d0", "#555555"
CHAR_WIDTH = 7  # about, at 12 px: a longer label is cut with an ellipsis (the tables show it whole)

Format = Callable[[Decimal], str]


@dataclass(frozen=True, slots=True)
class Rect:
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal
    fill: str
    title: str  # shown when the pointer rests on it


@dataclass(frozen=True, slots=True)
class Label:
    x: Decimal
    y: Decimal
    text: str
    anchor: str = "start"  # SVG text-anchor: start, middle, end
    css: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    x1: Decimal
    y1: Decimal
    x2: Decimal
    y2: Decimal
    stroke: str = AXIS
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    width: int
    height: int
    rects: tuple[Rect, ...]
    labels: tuple[Label, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class BarItem:
    label: str
    value: Decimal
    note: str = ""  # said in brackets after the value
    flagged: bool = False  # drawn in the warning colour


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[Decimal, ...]  # one per category


def px(value: Decimal) -> Decimal:
    return value.quantize(PIXEL, rounding=ROUND_HALF_UP)


def short(label: str, room: int) -> str:
    """The label, cut with an ellipsis if it would not fit in ``room`` pixels."""
    chars = max(room // CHAR_WIDTH, 4)
    return label if len(label) <= chars else label[:chars - 1] + "…"


def horizontal_bars(items: Sequence[BarItem], title: str, fmt: Format = swedish.kronor,
                    reference: Decimal | None = None, reference_text: str = "",
                    width: int = 860, label_width: int = 240, value_room: int = 260,
                    row: int = 28) -> Chart:
    """One bar per item, its length proportional to |value|, from a zero line
    (negative values grow to the left); the value, formatted, after the bar."""
    top, left, right = 28, Decimal(label_width), Decimal(width - value_room)
    values = [i.value for i in items] + ([reference] if reference is not None else [])
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    scale = (right - left) / ((high - low) or Decimal(1))
    zero = left - low * scale
    bottom = top + row * len(items)
    reference_x = zero if reference is None else zero + reference * scale
    rects, labels = [], []
    rules = [Rule(px(zero), Decimal(top - 6), px(zero), Decimal(bottom))]
    for index, item in enumerate(items):
        y = Decimal(top + row * index)
        end = zero + item.value * scale
        fill = VERMILLION if item.flagged else (ORANGE if item.value < 0 else BLUE)
        value_text = fmt(item.value) + (f" ({item.note})" if item.note else "")
        rects.append(Rect(px(min(zero, end)), y + 4, px(abs(item.value) * scale), Decimal(row - 8), fill,
                          f"{item.label}: {value_text}"))
        labels.append(Label(left - 8, y + row - 10, short(item.label, label_width - 12), "end"))
        # After the bar, and after the reference line where the bar stops short of it.
        labels.append(Label(px(max(zero, end, reference_x) + 6), y + row - 10, value_text,
                            css="flag" if item.flagged else ""))
    if reference is not None:
        x = px(reference_x)
        rules.append(Rule(x, Decimal(top - 10), x, Decimal(bottom + 4), VERMILLION, dashed=True))
        labels.append(Label(x, Decimal(top - 14), reference_text or fmt(reference), "middle", "reference"))
    return Chart(title, width, bottom + 12, tuple(rects), tuple(labels), tuple(rules))


def stacked_columns(categories: Sequence[str], series: Sequence[Series], title: str,
                    fmt: Format = swedish.kronor, tick_fmt: Format = swedish.number,
                    width: int = 860, plot_height: int = 260) -> Chart:
    """One column per category, the series' values stacked in it (positive
    values upwards from zero, negative downwards), the column's total on top,
    a scale of round steps at the left and a legend below."""
    left, right, top = Decimal(110), Decimal(width - 20), Decimal(30)
    bottom = top + plot_height
    ups = [sum((max(s.values[i], Decimal(0)) for s in series), Decimal(0)) for i in range(len(categories))]
    downs = [sum((min(s.values[i], Decimal(0)) for s in series), Decimal(0)) for i in range(len(categories))]
    step = nice_step(max([*ups, Decimal(0)]) - min([*downs, Decimal(0)]))
    low = (min([*downs, Decimal(0)]) / step).to_integral_value(ROUND_FLOOR) * step
    high = max((max([*ups, Decimal(0)]) / step).to_integral_value(ROUND_CEILING) * step, low + step)
    scale = (bottom - top) / (high - low)

    def y(value: Decimal) -> Decimal:
        return px(bottom - (value - low) * scale)

    rules, labels, rects = [], [], []
    tick = low
    while tick <= high:
        rules.append(Rule(left, y(tick), right, y(tick), AXIS if tick == 0 else GRID))
        labels.append(Label(left - 8, y(tick) + 4, tick_fmt(tick), "end", "tick"))
        tick += step
    slot = (right - left) / max(len(categories), 1)
    bar = min(slot * Decimal("0.6"), Decimal(90))
    for index, category in enumerate(categories):
        x = px(left + slot * index + (slot - bar) / 2)
        up, down = Decimal(0), Decimal(0)
        for number, s in enumerate(series):
            value = s.values[index]
            if value == 0:
                continue
            base = up if value > 0 else down
            rects.append(Rect(x, min(y(base), y(base + value)), px(bar), abs(y(base + value) - y(base)),
                              SERIES_COLOURS[number % len(SERIES_COLOURS)],
                              f"{s.name}, {category}: {fmt(value)}"))
            if value > 0:
                up += value
            else:
                down += value
        total = sum((s.values[index] for s in series), Decimal(0))
        labels.append(Label(x + px(bar / 2), y(up) - 6, fmt(total), "middle", "total"))
        labels.append(Label(x + px(bar / 2), bottom + 18, short(category, int(slot)), "middle"))
    legend_y = bottom + 44
    for number, s in enumerate(series):
        x = left + 250 * (number % 3)
        row_y = legend_y + 22 * (number // 3)
        rects.append(Rect(x, Decimal(row_y - 11), Decimal(14), Decimal(14),
                          SERIES_COLOURS[number % len(SERIES_COLOURS)], s.name))
        labels.append(Label(x + 20, Decimal(row_y), short(s.name, 230), css="legend"))
    height = int(legend_y + 22 * ((len(series) + 2) // 3))
    return Chart(title, width, height, tuple(rects), tuple(labels), tuple(rules))


def nice_step(span: Decimal) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that divides the span
    in about four: 10352 -> 5000 (a quarter is 2588), 10000 -> 2500."""
    if span <= 0:
        return Decimal(1)
    raw = span / 4
    power = Decimal(1).scaleb(raw.adjusted())
    # power <= raw < 10 x power, so one of these is enough.
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def line_chart(categories: Sequence[str], series: Sequence[Series], title: str,
               fmt: Format = swedish.kronor, tick_fmt: Format = swedish.number,
               width: int = 860, plot_height: int = 260) -> Chart:
    """One line per series over the categories (years), a point at each value
    with its value on hover, a scale of round steps with the zero line drawn
    darker (where an accumulated result crosses it), and a legend below."""
    left, right, top = Decimal(110), Decimal(width - 20), Decimal(30)
    bottom = top + plot_height
    values = [v for s in series for v in s.values] + [Decimal(0)]
    step = nice_step(max(values) - min(values))
    low = (min(values) / step).to_integral_value(ROUND_FLOOR) * step
    high = max((max(values) / step).to_integral_value(ROUND_CEILING) * step, low + step)
    scale = (bottom - top) / (high - low)

    def y(value: Decimal) -> Decimal:
        return px(bottom - (value - low) * scale)

    slot = (right - left) / max(len(categories), 1)

    def x(index: int) -> Decimal:
        return px(left + slot * index + slot / 2)

    rules, labels, rects = [], [], []
    tick = low
    while tick <= high:
        if tick != 0:
            rules.append(Rule(left, y(tick), right, y(tick), GRID))
        labels.append(Label(left - 8, y(tick) + 4, tick_fmt(tick), "end", "tick"))
        tick += step
    rules.append(Rule(left, y(Decimal(0)), right, y(Decimal(0)), AXIS))
    for index, category in enumerate(categories):
        labels.append(Label(x(index), bottom + 18, short(category, int(slot)), "middle"))
    for number, s in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        points = [(x(i), y(v)) for i, v in enumerate(s.values)]
        rules += [Rule(x1, y1, x2, y2, colour) for (x1, y1), (x2, y2) in zip(points, points[1:])]
        rects += [Rect(px_ - 3, py - 3, Decimal(6), Decimal(6), colour,
                       f"{s.name}, {categories[i]}: {fmt(s.values[i])}")
                  for i, (px_, py) in enumerate(points)]
    legend_y = bottom + 44
    for number, s in enumerate(series):
        lx = left + 250 * (number % 3)
        row_y = legend_y + 22 * (number // 3)
        rects.append(Rect(lx, Decimal(row_y - 11), Decimal(14), Decimal(14),
                          SERIES_COLOURS[number % len(SERIES_COLOURS)], s.name))
        labels.append(Label(lx + 20, Decimal(row_y), short(s.name, 230), css="legend"))
    height = int(legend_y + 22 * ((len(series) + 2) // 3))
    return Chart(title, width, height, tuple(rects), tuple(labels), tuple(rules))
