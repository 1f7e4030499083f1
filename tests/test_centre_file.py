"""The centre file's ledger accounts: an output VAT account per rate, revenue at
0 % on its own account, the financial year's first month; the form before
rates had accounts of their own still reads."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from billing.errors import DataError
from billing.files.centre_file import DEFAULT_CENTRE_FILE, load_centre

D = Decimal
SHIPPED = DEFAULT_CENTRE_FILE.read_text(encoding="utf-8")


def centre(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "centre.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_maps_every_swedish_rate():
    loaded = load_centre()
    accounts = loaded.accounts
    assert accounts.output_vat == {D("25.00"): "2611", D("12.00"): "2621", D("6.00"): "2631"}
    assert (accounts.exempt_revenue, accounts.pass_through) == ("3019", "3090")
    assert (loaded.financial_year_first_month, loaded.source) == (1, str(DEFAULT_CENTRE_FILE))


def test_one_output_vat_account_as_before_is_the_25_percent_one(tmp_path):
    old = SHIPPED.split("# Revenue at a VAT rate")[0] + """
[accounts]
receivables = "1510"
output_vat = "2611"
pass_through = "3090"
rounding = "3740"

[accounts.revenue]
payroll = "3011"
"""
    loaded = load_centre(centre(tmp_path, old))
    assert loaded.accounts.output_vat == {D("25.00"): "2611"}
    assert loaded.accounts.exempt_revenue is None and loaded.financial_year_first_month == 1


@pytest.mark.parametrize("change, field, message", [
    (('"6" = "2631"', '"0" = "2631"'), "accounts.output_vat",
     "VAT rate 0: output VAT accounts are for rates above 0"),
    (('"6" = "2631"', '"sex" = "2631"'), "accounts.output_vat", "'sex' is not a VAT rate in percent"),
    (('"6" = "2631"', '"6" = "26x1"'), "accounts.output_vat.6", "String should match pattern"),
    (('exempt_revenue = "3019"', 'exempt_revenue = "319"'), "accounts.exempt_revenue", "String should match"),
    (("financial_year_first_month = 1", "financial_year_first_month = 13"), "ledger.financial_year_first_month",
     "less than or equal to 12"),
])
def test_wrong_accounts_are_refused_where_they_are(tmp_path, change, field, message):
    old, new = change
    assert old in SHIPPED
    with pytest.raises(DataError) as refused:
        load_centre(centre(tmp_path, SHIPPED.replace(old, new)))
    [problem] = refused.value.problems
    assert problem.field == field and message in problem.message
