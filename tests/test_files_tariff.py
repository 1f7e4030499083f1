"""The catalogue file and price list files (TOML), read exactly and checked with located problems."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from factories import D

from billing.domain.catalogue import Charge, Measure, ServiceArea, Tier
from billing.domain.tariff import GraduatedTiers, PerEmployee, SizeBands
from billing.errors import DataError
from billing.files.catalogue_file import load_catalogue
from billing.files.tariff_file import load_price_list
from billing.persistence.price_list_form import price_list_from_form, stored_form

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(ROOT / "tariffs" / "catalogue.toml")

HEADER = """\
id = "standard-2012-06"
series = "standard"
currency = "SEK"
valid_from = {valid_from}
default_vat_rate = "25"
"""
PAYROLL_BASE_FEE = """
[base_fees.payroll]
fixed = "3000.00"
variable = {variable}
"""


def write_price_list(tmp_path: Path, *, valid_from: str = "2012-06-01",
                     variable: str = '{ model = "per_employee", rate = "30.00" }',
                     rest: str = "") -> Path:
    text = (HEADER.format(valid_from=valid_from) + PAYROLL_BASE_FEE.format(variable=variable)
            + textwrap.dedent(rest))
    path = tmp_path / "standard-2012-06.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, starts_with: str) -> int:
    """1-based number of the first line of the file starting with the text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith(starts_with))


# --- catalogue ------------------------------------------------------------------

def test_catalogue_file_has_the_three_areas_and_tiers():
    assert {s.area for s in CATALOGUE.services} == set(ServiceArea)
    assert {s.tier for s in CATALOGUE.services} == set(Tier)
    assert CATALOGUE["PAY-SLIP-DEV"].charge is Charge.PER_UNIT
    assert CATALOGUE["FIN-ASSET"].measure is Measure.STOCK
    assert CATALOGUE["FIN-ADD-ACCESS"].charge is Charge.SUBSCRIPTION
    assert CATALOGUE["PAY-SPEC-STATS"].rate_class == "specialist"
    assert CATALOGUE["EPR-ORDER"].requires_any == ("EPR-INV-CODED", "EPR-INV-UNCODED")


def test_catalogue_hourly_service_without_rate_class_is_an_error(tmp_path):
    path = tmp_path / "catalogue.toml"
    path.write_text(textwrap.dedent("""\
        [[services]]
        code = "PAY-SPEC-X"
        area = "payroll"
        tier = "special"
        charge = "hourly"
        name = "Specialtjänst"
        unit = "tim"
        unit_code = "HUR"
        """), encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        load_catalogue(path)
    [problem] = excinfo.value.problems
    assert problem.file == str(path)
    assert problem.field == "services[0].rate_class"
    assert "PAY-SPEC-X" in problem.message


# --- the real price lists -------------------------------------------------------

def test_real_price_list_reads():
    pl = load_price_list(ROOT / "tariffs" / "standard-2012-06.toml", CATALOGUE)
    assert pl.id == "standard-2012-06"
    assert pl.valid_from == date(2012, 6, 1)
    # the example prices are recalibrated from time to time: check their form, not their value
    assert set(pl.prices) <= set(CATALOGUE.by_code)
    assert all(isinstance(p, Decimal) and p > 0 for p in pl.prices.values())
    assert set(pl.hourly_rates) == {"specialist", "handlaggare", "konsult"}
    assert isinstance(pl.base_fees[ServiceArea.PAYROLL].variable, PerEmployee)
    assert isinstance(pl.base_fees[ServiceArea.FINANCE].variable, GraduatedTiers)
    assert isinstance(pl.base_fees[ServiceArea.EPROCUREMENT].variable, SizeBands)
    assert pl.vat_rate("base_fee") == D("25")


# --- valid_from -----------------------------------------------------------------

def test_valid_from_not_the_first_of_a_month_names_file_line_and_field(tmp_path):
    path = write_price_list(tmp_path, valid_from="2012-06-15")
    with pytest.raises(DataError) as excinfo:
        load_price_list(path, CATALOGUE)
    [problem] = excinfo.value.problems
    assert problem.file == str(path)
    assert problem.line == line_of(path, "valid_from") == 4
    assert problem.field == "valid_from"
    assert "first day of a month" in problem.message
    assert f"{path}:4 [valid_from]" in str(excinfo.value)


# --- exact numbers ---------------------------------------------------------------

def test_toml_float_price_is_read_as_an_exact_decimal(tmp_path):
    path = write_price_list(tmp_path, variable='{ model = "per_employee", rate = 0.1 }', rest="""
        [prices]
        PAY-SLIP-DEV = 62.15
        PAY-TIME = 12
        """)
    pl = load_price_list(path, CATALOGUE)
    rate = pl.base_fees[ServiceArea.PAYROLL].variable.rate
    assert isinstance(rate, Decimal)
    assert rate == Decimal("0.1")  # not 0.1000000000000000055511151231257827...
    assert pl.prices["PAY-SLIP-DEV"] == Decimal("62.15")
    assert pl.prices["PAY-TIME"] == Decimal("12")
    # and it stays exact through the stored document
    assert price_list_from_form(stored_form(pl)).prices["PAY-SLIP-DEV"] == Decimal("62.15")


def test_price_with_more_than_four_decimals_is_an_error(tmp_path):
    path = write_price_list(tmp_path, rest="""
        [prices]
        PAY-SLIP-DEV = "62.00001"
        """)
    with pytest.raises(DataError) as excinfo:
        load_price_list(path, CATALOGUE)
    [problem] = excinfo.value.problems
    assert problem.field == "prices.PAY-SLIP-DEV"
    assert problem.line == line_of(path, "PAY-SLIP-DEV")


def test_negative_price_is_an_error(tmp_path):
    path = write_price_list(tmp_path, rest="""
        [prices]
        PAY-SLIP-DEV = "-1.00"
        """)
    with pytest.raises(DataError, match="PAY-SLIP-DEV"):
        load_price_list(path, CATALOGUE)


# --- variable models ---------------------------------------------------------------

def test_bands_are_read(tmp_path):
    path = write_price_list(tmp_path, variable=(
        '{ model = "bands", bands = [ { up_to = 49, amount = "1000" }, { amount = "9000" } ] }'))
    variable = load_price_list(path, CATALOGUE).base_fees[ServiceArea.PAYROLL].variable
    assert isinstance(variable, SizeBands)
    assert [(b.up_to, b.amount) for b in variable.bands] == [(49, D("1000")), (None, D("9000"))]


def test_last_band_with_up_to_is_an_error(tmp_path):
    path = write_price_list(tmp_path, variable=(
        '{ model = "bands", bands = [ { up_to = 49, amount = "1000" }, '
        '{ up_to = 199, amount = "9000" } ] }'))
    with pytest.raises(DataError) as excinfo:
        load_price_list(path, CATALOGUE)
    [problem] = excinfo.value.problems
    assert "last band must be open" in problem.message
    assert problem.file == str(path)
    assert problem.field == "base_fees.payroll.variable.bands"
    assert problem.line == line_of(path, "variable")


def test_last_tier_with_up_to_is_an_error(tmp_path):
    path = write_price_list(tmp_path, variable=(
        '{ model = "tiers", tiers = [ { up_to = 100, rate = "120" } ] }'))
    with pytest.raises(DataError, match="last tier must be open"):
        load_price_list(path, CATALOGUE)


def test_band_limits_must_increase(tmp_path):
    path = write_price_list(tmp_path, variable=(
        '{ model = "bands", bands = [ { up_to = 199, amount = "1" }, { up_to = 49, amount = "2" }, '
        '{ amount = "3" } ] }'))
    with pytest.raises(DataError, match="must increase"):
        load_price_list(path, CATALOGUE)


def test_unknown_variable_model_is_an_error(tmp_path):
    path = write_price_list(tmp_path, variable='{ model = "per_head", rate = "1" }')
    with pytest.raises(DataError):
        load_price_list(path, CATALOGUE)


# --- codes -------------------------------------------------------------------------

def test_unknown_service_code_in_prices_is_an_error_naming_it(tmp_path):
    path = write_price_list(tmp_path, rest="""
        [prices]
        PAY-SLIP-DEV = "62.00"
        PAY-SLIP-NOPE = "1.00"
        """)
    with pytest.raises(DataError) as excinfo:
        load_price_list(path, CATALOGUE)
    [problem] = excinfo.value.problems
    assert "PAY-SLIP-NOPE" in problem.message
    assert problem.file == str(path)
    assert problem.line == line_of(path, "PAY-SLIP-NOPE")
    assert problem.field == "prices.PAY-SLIP-NOPE"


def test_hourly_service_in_prices_is_an_error(tmp_path):
    path = write_price_list(tmp_path, rest="""
        [prices]
        PAY-SPEC-STATS = "1100.00"
        """)
    with pytest.raises(DataError, match="hourly_rates"):
        load_price_list(path, CATALOGUE)


def test_unknown_rate_class_and_vat_item_both_reported(tmp_path):
    path = write_price_list(tmp_path, rest="""
        [hourly_rates]
        expert = "2000.00"

        [vat_rates]
        NOPE = "6"
        """)
    with pytest.raises(DataError) as excinfo:
        load_price_list(path, CATALOGUE)
    fields = sorted(p.field for p in excinfo.value.problems)
    assert fields == ["hourly_rates.expert", "vat_rates.NOPE"]


def test_invalid_toml_names_the_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('id = "x"\nseries = \n', encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        load_price_list(path, CATALOGUE)
    [problem] = excinfo.value.problems
    assert problem.file == str(path)
    assert problem.line == 2
