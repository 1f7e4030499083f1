"""The agencies file: organisation numbers, agreements, discounts; every problem located."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from factories import BAD_CHECK_DIGIT_ORG, D, M, NAME, ORG, OTHER_ORG

from billing.domain.address import PostalAddress
from billing.domain.agency import FeePart, Subscription
from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.files.agencies_file import load_agencies
from billing.files.catalogue_file import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(ROOT / "tariffs" / "catalogue.toml")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agencies.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(path: Path, starts_with: str, nth: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, 1) if line.lstrip().startswith(starts_with)]
    return hits[nth]


def problems(path: Path):
    with pytest.raises(DataError) as excinfo:
        load_agencies(path, CATALOGUE)
    return excinfo.value.problems


def only_problem(found, field: str):
    """The one problem located at ``field`` (other, unrelated problems are tested elsewhere)."""
    matching = [p for p in found if p.field == field]
    assert len(matching) == 1, found
    return matching[0]


TWO_SIZES = "{ from = 2012-06-01, employees = 210 }, { from = 2012-10-01, employees = 214 }"


THIRD_ORG = "202167-8186"
# One name per organisation number, however the number is written.
NAMES = {ORG: NAME, OTHER_ORG: "Arbetsdomstolen", BAD_CHECK_DIGIT_ORG: "Felsiffermyndigheten",
         THIRD_ORG: "Kommerskollegium"}


def agency_toml(org: str = ORG, agreement: str = "", sizes: str = TWO_SIZES) -> str:
    name = {key.replace("-", ""): value for key, value in NAMES.items()}[org.replace("-", "")]
    return f"""
        [[agencies]]
        organisation_number = "{org}"
        name = "{name}"
        address = {{ street = "Box 2280", postal_code = "10317", city = "Stockholm" }}
        sizes = [ {sizes} ]
        {agreement}
        """


PAYROLL_AGREEMENT = """
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          buyer_reference = "4711"
"""


# --- a valid file ---------------------------------------------------------------

def test_full_agency_is_read(tmp_path):
    path = write(tmp_path, f"""
        [[agencies]]
        organisation_number = "{ORG.replace('-', '')}"
        name = "{NAME}"
        address = {{ street = "Fleminggatan 7", additional_street = "Ekonomi", postal_code = "112 26", city = "Sthlm" }}
        sizes = [ {{ from = 2012-06-01, employees = 210 }}, {{ from = 2012-10-01, employees = 214 }} ]

          [[agencies.agreements]]
          area = "finance"
          connected_on = 2012-06-01
          ends_on = 2012-12-31
          buyer_reference = "4711"
          price_series = "kammarkollegiet"
          transformed_on = 2013-07-01
          agreed_prices = {{ FIN-ADD-SUPPORT = "600.00" }}
          subscriptions = [ {{ service = "FIN-ADD-ACCESS", from = 2012-06-01, to = 2012-12-31 }} ]
          connection_items = [ {{ description = "Integration", amount = "45000.00", on = 2012-10-01 }} ]
          connection_fee = false

          [[agencies.discounts]]
          percent = "20"
          parts = ["base_fixed", "base_variable"]
          area = "finance"
          from = "2012-06"
          to = "2012-12"
          reason = "Eget ekonomisystem"
        """)
    [agency] = load_agencies(path, CATALOGUE)
    assert agency.organisation_number == ORG  # normalised with the dash
    assert agency.address == PostalAddress("Fleminggatan 7", "112 26", "Sthlm", "SE", "Ekonomi")
    assert [(s.effective, s.employees) for s in agency.sizes] == [
        (date(2012, 6, 1), 210), (date(2012, 10, 1), 214)]
    [agreement] = agency.agreements
    assert agreement.area is ServiceArea.FINANCE
    assert agreement.ends_on == date(2012, 12, 31)
    assert agreement.price_series == "kammarkollegiet"
    assert agreement.transformed_on == date(2013, 7, 1)
    assert agreement.agreed_price("FIN-ADD-SUPPORT") == D("600.00")
    assert agreement.subscriptions == (Subscription("FIN-ADD-ACCESS", date(2012, 6, 1),
                                                    date(2012, 12, 31)),)
    assert agreement.connection_items[0].amount == D("45000.00")
    assert agreement.connection_fee is False
    assert agreement.services is None
    [discount] = agency.discounts
    assert discount.percent == D("20")
    assert discount.parts == {FeePart.BASE_FIXED, FeePart.BASE_VARIABLE}
    assert (discount.start, discount.end, discount.area) == (M("2012-06"), M("2012-12"),
                                                             ServiceArea.FINANCE)


def test_e_ordering_with_invoice_handling_is_accepted(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "eprocurement"
          connected_on = 2012-06-01
          services = ["EPR-INV-UNCODED", "EPR-ORDER"]
        """))
    [agency] = load_agencies(path, CATALOGUE)
    assert agency.agreements[0].services == ("EPR-INV-UNCODED", "EPR-ORDER")


def test_the_example_file_reads():
    agencies = load_agencies(ROOT / "examples" / "agencies.toml", CATALOGUE)
    assert len(agencies) > 50
    assert len({a.organisation_number for a in agencies}) == len(agencies)


# --- organisation numbers ----------------------------------------------------------

def test_bad_check_digit_names_file_line_and_field(tmp_path):
    path = write(tmp_path, agency_toml(OTHER_ORG) + agency_toml(BAD_CHECK_DIGIT_ORG))
    [problem] = problems(path)
    assert problem.file == str(path)
    assert problem.line == line_of(path, f'organisation_number = "{BAD_CHECK_DIGIT_ORG}"')
    assert problem.field == "agencies[1].organisation_number"
    assert BAD_CHECK_DIGIT_ORG in problem.message
    assert problem.message.startswith("Felsiffermyndigheten: ")


def test_same_organisation_number_twice_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(ORG) + agency_toml(ORG.replace("-", "")))
    [problem] = problems(path)
    assert problem.field == "agencies[1].organisation_number"
    assert "agencies[0]" in problem.message


# --- agreements ---------------------------------------------------------------------

def test_e_ordering_without_invoice_handling_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "eprocurement"
          connected_on = 2012-06-01
          services = ["EPR-ORDER"]
        """))
    [problem] = problems(path)
    assert "EPR-ORDER" in problem.message
    assert "EPR-INV-CODED" in problem.message and "EPR-INV-UNCODED" in problem.message
    assert problem.field == "agencies[0].agreements[0].services"
    assert problem.line == line_of(path, "services =")
    assert problem.file == str(path)


def test_agreed_price_for_a_basic_service_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          agreed_prices = { PAY-SLIP-DEV = "50.00" }
        """))
    [problem] = problems(path)
    assert "PAY-SLIP-DEV" in problem.message and "additional" in problem.message
    assert problem.field == "agencies[0].agreements[0].agreed_prices.PAY-SLIP-DEV"
    assert problem.line == line_of(path, "agreed_prices")


def test_agreed_price_for_an_additional_service_of_another_area_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          agreed_prices = { FIN-ADD-SUPPORT = "50.00" }
        """))
    [problem] = problems(path)
    assert "FIN-ADD-SUPPORT" in problem.message


def test_service_of_another_area_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          services = ["PAY-SLIP-DEV", "FIN-CUSTINV"]
        """))
    [problem] = problems(path)
    assert "FIN-CUSTINV" in problem.message and "payroll" in problem.message


def test_overlapping_agreements_in_one_area_are_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement=PAYROLL_AGREEMENT + """
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-10-01
        """))
    [problem] = problems(path)
    assert "overlap" in problem.message
    assert problem.field == "agencies[0].agreements[1].connected_on"


def test_non_overlapping_agreements_in_one_area_are_accepted(tmp_path):
    # leaving on 10 November and joining again on 20 November
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          ends_on = 2012-11-10

          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-11-20
        """))
    [agency] = load_agencies(path, CATALOGUE)
    assert [(a.connected_on, a.ends_on) for a in agency.agreements] == [
        (date(2012, 6, 1), date(2012, 11, 10)), (date(2012, 11, 20), None)]


def test_ends_before_connected_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          ends_on = 2012-05-31
        """))
    problem = only_problem(problems(path), "agencies[0].agreements[0]")
    assert "ends_on is before connected_on" in problem.message


def test_transformed_on_must_be_the_first_of_a_month(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          price_series = "kammarkollegiet"
          transformed_on = 2013-07-15
        """))
    problem = only_problem(problems(path), "agencies[0].agreements[0]")
    assert "first day of a month" in problem.message


def test_discount_of_pass_through_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement=PAYROLL_AGREEMENT + """
          [[agencies.discounts]]
          percent = "10"
          parts = ["pass_through"]
          from = "2012-06"
          to = "2012-12"
        """))
    problem = only_problem(problems(path), "agencies[0].discounts[0].parts")
    assert "pass_through" in problem.message


def test_discount_month_2012_13_is_an_error(tmp_path):
    path = write(tmp_path, agency_toml(agreement=PAYROLL_AGREEMENT + """
          [[agencies.discounts]]
          percent = "10"
          parts = ["transaction"]
          from = "2012-06"
          to = "2012-13"
        """))
    problem = only_problem(problems(path), "agencies[0].discounts[0].to")
    assert "13" in problem.message
    assert problem.line == line_of(path, 'to = "2012-13"')


# --- several problems at once -------------------------------------------------------

def test_two_problems_in_one_file_are_both_reported(tmp_path):
    path = write(tmp_path, agency_toml(agreement="""
          [[agencies.agreements]]
          area = "eprocurement"
          connected_on = 2012-06-01
          services = ["EPR-ORDER"]

          [[agencies.agreements]]
          area = "payroll"
          connected_on = 2012-06-01
          agreed_prices = { PAY-SLIP-DEV = "50.00" }
        """))
    found = problems(path)
    assert len(found) == 2
    assert {p.field for p in found} == {"agencies[0].agreements[0].services",
                                        "agencies[0].agreements[1].agreed_prices.PAY-SLIP-DEV"}
    assert all(p.file == str(path) for p in found)
    lines = {p.field: p.line for p in found}
    assert lines["agencies[0].agreements[0].services"] == line_of(path, "services =")
    assert lines["agencies[0].agreements[1].agreed_prices.PAY-SLIP-DEV"] == line_of(path, "agreed_prices")


def test_two_invalid_values_in_one_file_are_both_reported(tmp_path):
    path = write(tmp_path, agency_toml(BAD_CHECK_DIGIT_ORG, agreement=PAYROLL_AGREEMENT)
                 + agency_toml(OTHER_ORG, agreement="""
          [[agencies.agreements]]
          area = "salary"
          connected_on = 2012-06-01
        """) + agency_toml(THIRD_ORG, agreement=PAYROLL_AGREEMENT))
    found = problems(path)
    assert {p.field for p in found} == {"agencies[0].organisation_number",
                                        "agencies[1].agreements[0].area"}
    assert len(found) == 2
    assert sorted(p.line for p in found) == [line_of(path, "organisation_number"),
                                             line_of(path, 'area = "salary"')]


def test_one_mistake_in_a_one_agency_file_is_one_problem(tmp_path):
    path = write(tmp_path, agency_toml(BAD_CHECK_DIGIT_ORG, agreement=PAYROLL_AGREEMENT))
    found = problems(path)
    assert [p.field for p in found] == ["agencies[0].organisation_number"]


def test_invalid_only_size_is_one_problem(tmp_path):
    path = write(tmp_path, agency_toml(agreement=PAYROLL_AGREEMENT,
                                       sizes="{ from = 2012-06-01, employees = 0 }")
                 + agency_toml(OTHER_ORG, agreement=PAYROLL_AGREEMENT))
    found = problems(path)
    assert [p.field for p in found] == ["agencies[0].sizes[0].employees"]


def test_invalid_size_among_others_is_located(tmp_path):
    path = write(tmp_path, agency_toml(
        agreement=PAYROLL_AGREEMENT,
        sizes="{ from = 2012-06-01, employees = 210 }, { from = 2012-10-01, employees = 0 }")
        + agency_toml(OTHER_ORG, agreement=PAYROLL_AGREEMENT))
    [problem] = problems(path)
    assert problem.field == "agencies[0].sizes[1].employees"
    assert problem.line == line_of(path, "sizes =")


def test_value_problem_and_rule_problem_in_one_file_are_both_reported(tmp_path):
    path = write(tmp_path, agency_toml(BAD_CHECK_DIGIT_ORG, agreement=PAYROLL_AGREEMENT)
                 + agency_toml(OTHER_ORG, agreement="""
          [[agencies.agreements]]
          area = "eprocurement"
          connected_on = 2012-06-01
          services = ["EPR-ORDER"]
        """))
    found = problems(path)
    assert {p.field for p in found} == {"agencies[0].organisation_number",
                                        "agencies[1].agreements[0].services"}
