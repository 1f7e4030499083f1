"""The customer web in a real browser: Debian's headless Chromium driven by
Playwright (its own browser builds are never downloaded: the system's
/usr/bin/chromium is launched). An agency user signs in, opens an invoice,
follows a line to its basis, downloads the PDF, and uploads a volume file
with one bad row and sees the error beside it. Skipped without Chromium,
except in CI (CI=true), where .ci/run installs it."""

from __future__ import annotations


import pytest

from db_helpers import ORG_A
from web_helpers import PASSWORD, web_world
from web_server import serving
from chromium import chromium

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_an_agency_user_in_the_browser(engine, database_url, tmp_path):
    browser_path = chromium()
    from playwright.sync_api import sync_playwright
    web_world(engine, tmp_path)
    bad_file = tmp_path / "januari.csv"
    bad_file.write_text("period,organisation_number,service,quantity\n"
                        f"2013-01,{ORG_A},PAY-SLIP-DEV,5\n"
                        f"2013-01,{ORG_A},PAY-SLIP-DEV,fem\n", encoding="utf-8")
    with serving(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(f"{base}/documents")
            assert page.url == f"{base}/login"  # not signed in: sent to sign in
            page.get_by_label("Användarnamn").fill("alfa")
            page.get_by_label("Lösenord").fill(PASSWORD)
            page.get_by_role("button", name="Logga in").click()
            page.wait_for_url(f"{base}/documents")
            # Alfaverket's two invoices, and no one else's.
            links = page.locator("main table a").all_inner_texts()
            assert links == ["4", "1"]
            page.get_by_role("link", name="1", exact=True).click()
            page.wait_for_url(f"{base}/documents/1")
            assert page.locator("h1").inner_text() == "Faktura 1"
            # Alfa's November: 3000.00 + 40.00 + 3 x 66.00 = 3238.00 net, 4048 to pay.
            assert "4\u00a0048,00" in page.locator("main").inner_text()
            page.get_by_label("Underlag för rad 3").click()
            page.wait_for_url(f"{base}/documents/1/basis#rad-3")
            section = page.locator("#rad-3")
            assert "volumes-2012-11.csv:2" in section.inner_text()  # Alfa's payslips: line 2 of the file
            page.goto(f"{base}/documents/1")
            with page.expect_download() as download_info:
                page.get_by_role("link", name="Ladda ned PDF").click()
            download = download_info.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert saved.read_bytes().startswith(b"%PDF")
            page.get_by_role("link", name="Lämna volymer").click()
            page.wait_for_url(f"{base}/volumes")
            page.get_by_label("Fil").set_input_files(str(bad_file))
            page.get_by_role("button", name="Läs in").click()
            page.wait_for_selector("tr.bad-row")
            bad = page.locator("tr.bad-row")
            assert bad.count() == 1
            assert "fem" in bad.inner_text() and "quantity" in bad.inner_text()
            assert "Inget har ändrats" in page.locator("[role=alert]").inner_text()
            assert page.evaluate("document.querySelectorAll('script').length") == 0
        finally:
            browser.close()
