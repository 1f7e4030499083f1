"""The charts of the HTML reports (reports/svg_chart.py) and the Swedish
number formats they and the pages use (reports/swedish.py, Babel sv_SE).

Geometry is worked out by hand from the layout constants named in each test:
coordinates are Decimals to a tenth of a pixel, so they compare exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.reports import swedish
from billing.reports.pages import _ENVIRONMENT
from billing.reports.svg_chart import (BLUE, ORANGE, VERMILLION, BarItem, Series, horizontal_bars, nice_step,
                                       stacked_columns)
from factories import D

NBSP = "\u00a0"


# --- Swedish numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    ("0", "0,00"), ("5", "5,00"), ("1234.5", f"1{NBSP}234,50"), ("10352.00", f"10{NBSP}352,00"),
    ("-46.20", "-46,20"), ("-1280.50", f"-1{NBSP}280,50"), ("1234567.89", f"1{NBSP}234{NBSP}567,89"),
    # Beyond what a float holds exactly: Babel formats the Decimal as it is.
    ("12345678901234567.89", f"12{NBSP}345{NBSP}678{NBSP}901{NBSP}234{NBSP}567,89"),
])
def test_amounts_have_a_decimal_comma_and_no_break_spaces_between_thousands(value, text):
    assert swedish.amount(D(value)) == text


def test_kronor_and_the_short_form_of_millions():
    assert swedish.kronor(D("10352")) == f"10{NBSP}352,00{NBSP}kr"
    # Under a million as kronor() writes it; from a million in Babel's short form.
    assert swedish.kronor_short(D("999999.99")) == f"999{NBSP}999,99{NBSP}kr"
    assert swedish.kronor_short(D("6858016.60")) == f"6,9{NBSP}mn{NBSP}kr"
    assert swedish.kronor_short(D("-12350434.77")) == f"-12,4{NBSP}mn{NBSP}kr"


@pytest.mark.parametrize("value, text", [
    ("12.5", f"12,5{NBSP}%"), ("86.3", f"86,3{NBSP}%"), ("100", f"100,0{NBSP}%"), ("0", f"0,0{NBSP}%"),
    ("-0.7", f"-0,7{NBSP}%"), ("1234.5", f"1{NBSP}234,5{NBSP}%"),
])
def test_percentages_have_one_decimal_and_a_no_break_space_before_the_sign(value, text):
    assert swedish.percent(D(value)) == text


def test_a_chosen_percentage_keeps_the_decimals_it_was_given():
    assert swedish.percent_as_given(D("100")) == f"100{NBSP}%"
    assert swedish.percent_as_given(D("99.5")) == f"99,5{NBSP}%"


def test_quantities_show_the_decimals_they_have():
    assert swedish.number(D("201")) == "201"
    assert swedish.number(D("2.5")) == "2,5"
    assert swedish.number(D("1234")) == f"1{NBSP}234"
    assert swedish.number(D("100.2500")) == "100,25"
    assert swedish.number(40) == "40"


# --- horizontal bars -----------------------------------------------------------------------------

def bars(chart):
    return {r.title.split(":")[0]: r for r in chart.rects}


def test_bar_lengths_are_proportional_to_the_values():
    # Plot from x = 240 (label_width) to 860 - 260 = 600 (value_room): 360 px for
    # 0..900, 0.4 px per krona: 900 -> 360.0, 450 -> 180.0, 300 -> 120.0.
    chart = horizontal_bars([BarItem("A", D("900")), BarItem("B", D("450")), BarItem("C", D("300"))], "t")
    found = bars(chart)
    assert [(found[k].x, found[k].width) for k in "ABC"] == [
        (D("240.0"), D("360.0")), (D("240.0"), D("180.0")), (D("240.0"), D("120.0"))]
    # One row each, 28 px apart from y = 28, bars 20 px high inside their row.
    assert [(found[k].y, found[k].height) for k in "ABC"] == [(D(32), D(20)), (D(60), D(20)), (D(88), D(20))]
    assert {r.fill for r in chart.rects} == {BLUE}


def test_negative_values_grow_left_of_the_zero_line():
    # -100..300 over 360 px: 0.9 px per krona, zero at 240 + 100 x 0.9 = 330.
    # -100 -> from 240 to 330; 300 -> from 330 to 600.
    chart = horizontal_bars([BarItem("Upp", D("300")), BarItem("Ned", D("-100"))], "t")
    found = bars(chart)
    assert (found["Upp"].x, found["Upp"].width, found["Upp"].fill) == (D("330.0"), D("270.0"), BLUE)
    assert (found["Ned"].x, found["Ned"].width, found["Ned"].fill) == (D("240.0"), D("90.0"), ORANGE)
    zero = chart.rules[0]
    assert (zero.x1, zero.x2) == (D("330.0"), D("330.0"))
    # The value of a falling bar is written right of the zero line, in Swedish.
    value = next(l for l in chart.labels if l.text.startswith("-100"))
    assert (value.text, value.x) == (f"-100,00{NBSP}kr", D("336.0"))


def test_a_reference_line_and_flagged_bars():
    # Cost recovery: 0..125 % over 360 px (2.88 px per %), the line at 100 % is
    # at 240 + 288 = 528; 62.7 % is 180.576 -> 180.6 px, flagged.
    chart = horizontal_bars([BarItem("Lön", D("62.7"), "intäkt 5 kr", flagged=True),
                             BarItem("Ekonomi", D("125.0"))],
                            "Kostnadstäckning", fmt=swedish.percent, reference=D(100), reference_text="100 %")
    found = bars(chart)
    assert (found["Lön"].width, found["Lön"].fill) == (D("180.6"), VERMILLION)
    assert (found["Ekonomi"].width, found["Ekonomi"].fill) == (D("360.0"), BLUE)
    line = next(r for r in chart.rules if r.dashed)
    assert (line.x1, line.x2, line.stroke) == (D("528.0"), D("528.0"), VERMILLION)
    texts = {l.text: l for l in chart.labels}
    # A bar short of the line has its value after the line, not across it.
    assert texts[f"62,7{NBSP}% (intäkt 5 kr)"].x == D("534.0")
    assert texts[f"62,7{NBSP}% (intäkt 5 kr)"].css == "flag"
    assert texts[f"125,0{NBSP}%"].x == D("606.0")
    assert texts["100 %"].anchor == "middle"


def test_long_labels_are_cut_in_the_chart_and_kept_whole_in_the_tooltip():
    name = "Myndigheten för uppföljning och utvärdering av statlig service"
    chart = horizontal_bars([BarItem(name, D("1"))], "t", label_width=120)
    label = next(l for l in chart.labels if l.anchor == "end")
    # (120 - 12) px at about 7 px a character: 15 characters, the last an ellipsis.
    assert label.text == "Myndigheten fö…"
    assert chart.rects[0].title.startswith(name + ":")


# --- stacked columns -----------------------------------------------------------------------------

def test_stacked_segments_are_proportional_and_the_total_is_on_top():
    # Two columns of three series. Highest column 100 + 50 + 50 = 200: step 50
    # (200 / 4), scale 0..200 over 260 px = 1.3 px per krona; the plot's
    # bottom is at 30 + 260 = 290.
    chart = stacked_columns(["2013", "2014"], [Series("Årlig", (D("100"), D("100"))),
                                               Series("Extra", (D("50"), D("20"))),
                                               Series("Engång", (D("50"), D("0")))], "t")
    segments = [r for r in chart.rects if "," in r.title]
    assert [(r.title, r.y, r.height) for r in segments] == [
        (f"Årlig, 2013: 100,00{NBSP}kr", D("160.0"), D("130.0")),
        (f"Extra, 2013: 50,00{NBSP}kr", D("95.0"), D("65.0")),
        (f"Engång, 2013: 50,00{NBSP}kr", D("30.0"), D("65.0")),
        (f"Årlig, 2014: 100,00{NBSP}kr", D("160.0"), D("130.0")),
        (f"Extra, 2014: 20,00{NBSP}kr", D("134.0"), D("26.0"))]  # a zero segment is not drawn
    totals = [l for l in chart.labels if l.css == "total"]
    assert [(l.text, l.y) for l in totals] == [(f"200,00{NBSP}kr", D("24.0")), (f"120,00{NBSP}kr", D("128.0"))]
    # The scale: 0, 50, ..., 200 in Swedish, and a legend naming every series.
    assert [l.text for l in chart.labels if l.css == "tick"] == ["0", "50", "100", "150", "200"]
    assert [l.text for l in chart.labels if l.css == "legend"] == ["Årlig", "Extra", "Engång"]


def test_a_negative_segment_hangs_below_zero():
    # 0 and -50 .. 100: step 50 (150 / 4 = 37.5 -> 50), scale -50..100 over 260 px;
    # zero at 290 - 50 x 260 / 150 = 203.3; the discount goes down to 290.
    chart = stacked_columns(["2012-12"], [Series("Avgift", (D("100"),)), Series("Rabatt", (D("-50"),))], "t")
    discount = next(r for r in chart.rects if r.title.startswith("Rabatt,"))
    assert (discount.y, discount.y + discount.height) == (D("203.3"), D("290.0"))
    assert [l.text for l in chart.labels if l.css == "tick"] == ["-50", "0", "50", "100"]
    assert next(l.text for l in chart.labels if l.css == "total") == f"50,00{NBSP}kr"


# A quarter of the span, rounded up to 1, 2, 2.5 or 5 times a power of ten:
# 10352 / 4 = 2588 -> 5000; 10000 / 4 = 2500 -> 2500; 150 / 4 = 37.5 -> 50.
@pytest.mark.parametrize("span, step", [("10352", "5000"), ("10000", "2500"), ("200", "50"), ("150", "50"), ("4", "1"),
                                        ("1000000", "250000"), ("0", "1"), ("0.4", "0.1")])
def test_the_scale_steps_are_round(span, step):
    assert nice_step(D(span)) == D(step)


# --- drawn, escaped ------------------------------------------------------------------------------

def test_the_template_draws_the_chart_and_escapes_every_text():
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    chart = horizontal_bars([BarItem(hostile, D("5"))], 'Rubrik "med" <b>')
    svg = _ENVIRONMENT.get_template("_chart.html").module.svg(chart, "x")
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in svg
    assert 'aria-label="Rubrik &#34;med&#34; &lt;b&gt;"' in svg
    assert f'<rect x="240.0" y="32" width="360.0" height="20" fill="{BLUE}">' in svg
