"""The audit, quote and what-if pages opened in a real browser: headless
Chromium (Debian's package, `apt-get install chromium`) renders each page,
and its DOM and a screenshot are checked.

Agencies named as an attacker would name them must show as text: in the DOM
Chromium built, the name is text content and no element it could inject
(script, img) exists. Without Chromium the tests are skipped, except in CI
(CI=true), where .ci/run installs it and they must run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from billing.reports.svg_chart import BLUE
from db_helpers import TARIFFS, WORLD_AGENCIES, billed, set_price, write
from helpers_cli import cli
from chromium import chromium

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
# Single-quoted TOML strings: taken literally, the double quote too.
HOSTILE_AGENCIES = (WORLD_AGENCIES.replace('name = "Alfaverket"', f"name = '{SCRIPT}'")
                    .replace('name = "Betaverket"', f"name = '{ATTRIBUTE}'"))


def browse(page: Path, *options: str) -> subprocess.CompletedProcess:
    """Chromium, headless, with a profile of its own, on the file."""
    profile = page.parent / f"profile-{page.stem}"
    try:
        return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                               f"--user-data-dir={profile}", "--no-first-run", *options, page.as_uri()],
                              capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        # A page normally loads in seconds; one that never finishes is held by
        # a dialog, such as the alert() an injected script opens.
        pytest.fail(f"{page.name} did not finish loading in 90 s: did a script open a dialog?", pytrace=False)


def rendered(page: Path) -> lxml.html.HtmlElement:
    """The DOM as Chromium built it, after parsing (and running anything that ran)."""
    result = browse(page, "--dump-dom")
    assert result.returncode == 0, result.stderr
    return lxml.html.fromstring(result.stdout)


def screenshot(page: Path, height: int = 1600) -> Image.Image:
    png = page.with_suffix(".png")
    result = browse(page, f"--screenshot={png}", f"--window-size=1200,{height}")
    assert result.returncode == 0 and png.exists(), result.stderr
    return Image.open(png).convert("RGB")


def assert_renders_with_the_names_as_text(dom, *names: str) -> None:
    assert dom.xpath("//script") == [] and dom.xpath("//img") == [] and dom.xpath("//iframe") == []
    for element in dom.iter():
        assert not any(attribute.startswith("on") for attribute in element.attrib), element.tag
    text = dom.text_content()
    for name in names:
        assert name in text, name
    # The charts are there, drawn as SVG with bars.
    assert dom.xpath("//svg") and dom.xpath("//svg//rect")


def assert_a_chart_is_drawn(image: Image.Image) -> None:
    """The screenshot is not blank: the bars' blue is on it."""
    blue = tuple(int(BLUE[i:i + 2], 16) for i in (1, 3, 5))
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 10
    assert sum(count for count, colour in colours if colour == blue) > 200


@SQLITE_ONLY
def test_the_audit_page_in_a_browser(engine, database_url, tmp_path):
    chromium()
    billed(engine, tmp_path, months=("2012-11", "2012-12"), agencies_text=HOSTILE_AGENCIES)
    costs = write(tmp_path, "costs.csv", "period,area,cost\n2012-12,payroll,12000.00\n2012-12,finance,10000\n")
    page = tmp_path / "audit.html"

    result = cli(database_url, "audit", "2012-12", "--costs", costs, "--sample", "3", "--seed", "1",
                 "--threshold", "5", "--format", "html", "--out", page)

    assert result.exit_code == 0, result.output
    dom = rendered(page)
    assert dom.findtext(".//title") == "Fakturagranskning 2012-12"
    # Both names are agencies of the variance (volumes and net amounts moved over 5 %).
    assert_renders_with_the_names_as_text(dom, SCRIPT, ATTRIBUTE)
    charts = {figure.get("id") for figure in dom.xpath("//figure")}
    assert {"variance-chart-1", "revenue-chart", "recovery-chart"} <= charts
    labels = " ".join(dom.xpath("//figure[@id='recovery-chart']//text()"))
    assert "Lön" in labels and "Ekonomi" in labels and "payroll" not in labels
    assert_a_chart_is_drawn(screenshot(page, 2400))


@SQLITE_ONLY
def test_the_quote_page_in_a_browser(engine, database_url, tmp_path):
    chromium()
    billed(engine, tmp_path, months=())
    page = tmp_path / "offert.html"
    result = cli(database_url, "quote", "--employees", "40", "--area", "payroll", "--volume", "PAY-SLIP-DEV=40",
                 "--start", "2013-01", "--years", "2", "--name", SCRIPT + ATTRIBUTE, "--html", page)
    assert result.exit_code == 0, result.output
    dom = rendered(page)
    assert_renders_with_the_names_as_text(dom, SCRIPT + ATTRIBUTE)
    assert dom.xpath("//figure[@id='cost-chart']//svg")
    legend = dom.xpath("//figure[@id='cost-chart']//text()")
    assert {"Årlig kostnad", "Extraordinär årlig kostnad", "Engångskostnad"} <= set(legend)
    assert_a_chart_is_drawn(screenshot(page))


@SQLITE_ONLY
def test_the_whatif_page_in_a_browser(engine, database_url, tmp_path):
    chromium()
    billed(engine, tmp_path, months=("2012-11", "2012-12"), agencies_text=HOSTILE_AGENCIES)
    draft = write(tmp_path, "draft.toml", (TARIFFS / "standard-2012-06.toml").read_text(encoding="utf-8")
                  .replace('id = "standard-2012-06"', 'id = "utkast"'))
    set_price(draft, "PAY-SLIP-DEV", "72.60")
    page = tmp_path / "whatif.html"
    result = cli(database_url, "whatif", "--tariff", draft, "--html", page)
    assert result.exit_code == 0, result.output
    dom = rendered(page)
    # Both agencies pay more for their payslips under the draft: both are shown and charted.
    assert_renders_with_the_names_as_text(dom, SCRIPT, ATTRIBUTE)
    bars = dom.xpath("//figure[@id='whatif-chart']//rect/title/text()")
    assert any(title.startswith(SCRIPT) for title in bars) and any(title.startswith(ATTRIBUTE) for title in bars)
    assert_a_chart_is_drawn(screenshot(page))
