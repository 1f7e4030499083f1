"""Quotes for a prospective agency (issue 4): priced month by month with the
invoicing engine, split in the report's three cost classes, VAT apart.

Most tests are pure: the real catalogue and price lists are read from
tariffs/ without a database. The amounts are worked out by hand in the
comments from the prices that ASSUMED_PRICES lists (checked against the files
first, so a recalibration fails loudly instead of silently changing what the
hand-work means).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from billing.domain.agency import ConnectionItem, FeePart
from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.files.catalogue_file import load_catalogue
from billing.files.tariff_file import load_price_list
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.mapping import agency_ids, load_agencies, load_volumes
from billing.quoting.cost_classes import CostClass
from billing.quoting.quote import price_quote
from billing.quoting.quote_number import quote_number, valid_until
from billing.quoting.request import QuoteRequest, VolumeBasis
from billing.reports.quote_document import assumptions, quote_html, quote_rows, volume_rows
from billing.reports.tabular import to_csv, to_json
from billing.services.billing_run import run_month
from billing.services.quotes import quote as service_quote
from billing.services.volumes import import_volumes
from db_helpers import (WORLD_CHANGES, ORG_A, ORG_B, ORG_C, ORG_THETA, TARIFFS, WORLD_AGENCIES, check_assumed_prices,
                        load_world, write_volumes)
import factories as f
from factories import D

PAYROLL, FINANCE, EPROCUREMENT = ServiceArea.PAYROLL, ServiceArea.FINANCE, ServiceArea.EPROCUREMENT
ANNUAL, EXTRA, ONE_OFF = CostClass.ANNUAL, CostClass.EXTRAORDINARY, CostClass.ONE_OFF

# --- the real tariffs, read without a database -------------------------------

# Every price the hand-worked amounts below use, per file.
_COMMON = {
    "base_fees.payroll.variable.rate": "40.00",
    "base_fees.eprocurement.fixed": "2500.00",
    "base_fees.eprocurement.variable.bands.0": "49:750.00",
    "prices.PAY-EXPENSE": "18.00",
    "prices.PAY-ADD-DEDUCT": "25.00",
    "prices.EPR-ORDER": "9.50",
    "prices.EPR-ADD-SCAN": "35.00",
    "prices.EPR-ADD-CHART": "1800.00",
    "hourly_rates.specialist": "1100.00",
    "connection_fees.payroll": "75000.00",
    "connection_fees.eprocurement": "40000.00",
    "default_vat_rate": "25",
    "vat_rates": "{}",
}
ASSUMED_PRICES = {
    "standard-2012-06": {**_COMMON, "valid_from": "2012-06-01", "base_fees.payroll.fixed": "3000.00",
                         "prices.PAY-SLIP-DEV": "66.00", "prices.EPR-INV-CODED": "34.00"},
    "standard-2013-01": {**_COMMON, "valid_from": "2013-01-01", "base_fees.payroll.fixed": "3100.00",
                         "prices.PAY-SLIP-DEV": "68.00", "prices.EPR-INV-CODED": "33.00"},
}


def check_quote_prices() -> None:
    for name, assumed in ASSUMED_PRICES.items():
        data = tomllib.loads((TARIFFS / f"{name}.toml").read_text(encoding="utf-8"))
        band = data["base_fees"]["eprocurement"]["variable"]["bands"][0]
        actual = {
            "valid_from": str(data["valid_from"]),
            "base_fees.payroll.fixed": data["base_fees"]["payroll"]["fixed"],
            "base_fees.payroll.variable.rate": data["base_fees"]["payroll"]["variable"]["rate"],
            "base_fees.eprocurement.fixed": data["base_fees"]["eprocurement"]["fixed"],
            "base_fees.eprocurement.variable.bands.0": f"{band['up_to']}:{band['amount']}",
            **{f"prices.{k}": v for k, v in data["prices"].items()},
            **{f"hourly_rates.{k}": v for k, v in data["hourly_rates"].items()},
            **{f"connection_fees.{k}": v for k, v in data["connection_fees"].items()},
            "default_vat_rate": data["default_vat_rate"],
            "vat_rates": str(data.get("vat_rates", {})),
        }
        changed = {k: (v, actual.get(k)) for k, v in assumed.items() if actual.get(k) != v}
        assert not changed, f"{name}.toml was recalibrated (assumed, now): {changed}"


@functools.cache
def tariffs():
    """The real catalogue and every price list of tariffs/, as the database would hold them."""
    catalogue = load_catalogue(TARIFFS / "catalogue.toml")
    lists = tuple(load_price_list(p, catalogue) for p in sorted(TARIFFS.glob("*.toml"))
                  if p.name != "catalogue.toml")
    return catalogue, lists


def priced(request: QuoteRequest):
    catalogue, lists = tariffs()
    return price_quote(request, catalogue, lists)


def given(quantity: str) -> VolumeBasis:
    return VolumeBasis(D(quantity), "angivet")


# A small agency of 40 employees, payroll and e-procurement, from 2013-01 for a year.
SMALL = QuoteRequest(
    name="Myndigheten för provning", employees=40, areas=(PAYROLL, EPROCUREMENT),
    start=Month(2013, 1), months=12,
    volumes={"PAY-SLIP-DEV": given("40"), "PAY-EXPENSE": given("10"), "PAY-ADD-DEDUCT": given("2"),
             "PAY-SPEC-STATS": given("3"), "EPR-INV-CODED": given("100"), "EPR-ORDER": given("21"),
             "EPR-ADD-SCAN": given("5")},
    subscriptions=("EPR-ADD-CHART",),
    connection_items=(ConnectionItem("Konvertering av lönedata", D("12500.00")),))

# The same agency under standard-2013-01, per month:
#   base fees      payroll 3100.00 + 40 x 40.00 = 4700.00
#                  e-procurement 2500.00 + band up to 49 employees 750.00 = 3250.00   -> 7950.00
#   transactions   PAY-SLIP-DEV 40 x 68.00 = 2720.00, PAY-EXPENSE 10 x 18.00 = 180.00,
#                  EPR-INV-CODED 100 x 33.00 = 3300.00, EPR-ORDER 21 x 9.50 = 199.50   -> 6399.50
#   annual cost (base + transactions)                                                  14349.50
#   additional     PAY-ADD-DEDUCT 2 x 25.00 = 50.00, EPR-ADD-SCAN 5 x 35.00 = 175.00,
#                  subscription EPR-ADD-CHART 1800.00                                  -> 2025.00
#   special        PAY-SPEC-STATS 3 h x 1100.00 (specialist) = 3300.00
#   extraordinary (additional + special)                                                5325.00
#   recurring net 14349.50 + 5325.00 = 19674.50; VAT 25 % = 4918.625 -> 4918.63
# The first month also carries the one-off cost: connection payroll 75000.00 +
# e-procurement 40000.00 + the item 12500.00 = 127500.00;
#   net 19674.50 + 127500.00 = 147174.50, VAT 36793.625 -> 36793.63.
# Under standard-2012-06 (payroll fixed 3000.00, PAY-SLIP-DEV 66.00, EPR-INV-CODED 34.00):
#   base 4600.00 + 3250.00 = 7850.00; transactions 2640.00 + 180.00 + 3400.00 + 199.50 = 6419.50
#   annual 14269.50; extraordinary 5325.00 (same prices); recurring net 19594.50,
#   VAT 4898.625 -> 4898.63; first month net 147094.50, VAT 36773.625 -> 36773.63.


def _year(y):
    return (y.year, y.months, y.by_class[ANNUAL], y.by_class[EXTRA], y.by_class[ONE_OFF], y.net, y.vat,
            y.recurring_per_month, y.price_lists)


def test_hand_worked_quote_of_a_small_agency_with_two_areas():
    check_quote_prices()
    quote = priced(SMALL)

    first, second = quote.months[0], quote.months[1]
    assert (first.by_class, first.net, first.vat) == (
        {ANNUAL: D("14349.50"), EXTRA: D("5325.00"), ONE_OFF: D("127500.00")},
        D("147174.50"), D("36793.63"))
    assert (second.by_class, second.net, second.vat) == (
        {ANNUAL: D("14349.50"), EXTRA: D("5325.00"), ONE_OFF: D("0.00")}, D("19674.50"), D("4918.63"))
    assert all(m.by_class == second.by_class and m.vat == D("4918.63") for m in quote.months[1:])
    assert [str(m.month) for m in quote.months] == [f"2013-{n:02d}" for n in range(1, 13)]

    # Year 2013, 12 months:
    #   annual 12 x 14349.50 = 172194.00; extraordinary 12 x 5325.00 = 63900.00; one-off 127500.00
    #   net 172194.00 + 63900.00 + 127500.00 = 363594.00
    #   VAT per month as on an invoice: 36793.63 + 11 x 4918.63 = 90898.56
    #   (not 25 % of the year's net, 90898.50: each month rounds its own VAT)
    #   recurring per month (172194.00 + 63900.00) / 12 = 19674.50
    year, = quote.years()
    assert _year(year) == (2013, 12, D("172194.00"), D("63900.00"), D("127500.00"), D("363594.00"),
                           D("90898.56"), D("19674.50"), ("standard-2013-01",))


def test_quote_lines_are_invoice_lines_of_the_right_area_and_part():
    quote = priced(SMALL)
    lines = {(l.area, l.part, l.service_code or l.description): l.amount for l in quote.months[0].lines}
    assert lines == {
        (PAYROLL, FeePart.BASE_FIXED, "Grundavgift lönerelaterade tjänster, fast del"): D("3100.00"),
        (PAYROLL, FeePart.BASE_VARIABLE, "Grundavgift lönerelaterade tjänster, rörlig del"): D("1600.00"),
        (PAYROLL, FeePart.TRANSACTION, "PAY-SLIP-DEV"): D("2720.00"),
        (PAYROLL, FeePart.TRANSACTION, "PAY-EXPENSE"): D("180.00"),
        (PAYROLL, FeePart.ADDITIONAL, "PAY-ADD-DEDUCT"): D("50.00"),
        (PAYROLL, FeePart.SPECIAL, "PAY-SPEC-STATS"): D("3300.00"),
        (PAYROLL, FeePart.CONNECTION, "Anslutningsavgift lönerelaterade tjänster"): D("75000.00"),
        # connection items go on the first requested area's agreement
        (PAYROLL, FeePart.CONNECTION, "Konvertering av lönedata"): D("12500.00"),
        (EPROCUREMENT, FeePart.BASE_FIXED, "Grundavgift e-handelstjänster, fast del"): D("2500.00"),
        (EPROCUREMENT, FeePart.BASE_VARIABLE, "Grundavgift e-handelstjänster, rörlig del"): D("750.00"),
        (EPROCUREMENT, FeePart.TRANSACTION, "EPR-INV-CODED"): D("3300.00"),
        (EPROCUREMENT, FeePart.TRANSACTION, "EPR-ORDER"): D("199.50"),
        (EPROCUREMENT, FeePart.ADDITIONAL, "EPR-ADD-SCAN"): D("175.00"),
        # the subscription on its own area's agreement, a whole month
        (EPROCUREMENT, FeePart.ADDITIONAL, "EPR-ADD-CHART"): D("1800.00"),
        (EPROCUREMENT, FeePart.CONNECTION, "Anslutningsavgift e-handelstjänster"): D("40000.00"),
    }
    # No connection in the second month, nothing prorated in any month.
    assert not [l for l in quote.months[1].lines if l.part is FeePart.CONNECTION]
    assert all(l.proration is None for m in quote.months for l in m.lines)


def test_a_span_across_a_price_change_uses_the_version_in_force_each_month():
    check_quote_prices()
    quote = priced(replace(SMALL, start=Month(2012, 10), months=24))

    assert [(str(m.month), m.price_lists) for m in quote.months[1:5]] == [
        ("2012-11", ("standard-2012-06",)), ("2012-12", ("standard-2012-06",)),
        ("2013-01", ("standard-2013-01",)), ("2013-02", ("standard-2013-01",))]
    assert quote.months[-1].month == Month(2014, 9)
    # 2012, October-December under standard-2012-06:
    #   annual 3 x 14269.50 = 42808.50; extraordinary 3 x 5325.00 = 15975.00; one-off 127500.00 (October)
    #   net 186283.50; VAT 36773.63 + 2 x 4898.63 = 46570.89; recurring 58783.50 / 3 = 19594.50
    # 2013, 12 months under standard-2013-01, no one-off:
    #   annual 172194.00; extraordinary 63900.00; net 236094.00; VAT 12 x 4918.63 = 59023.56
    # 2014, January-September under standard-2013-01 (still in force):
    #   annual 9 x 14349.50 = 129145.50; extraordinary 9 x 5325.00 = 47925.00; net 177070.50;
    #   VAT 9 x 4918.63 = 44267.67
    assert [_year(y) for y in quote.years()] == [
        (2012, 3, D("42808.50"), D("15975.00"), D("127500.00"), D("186283.50"), D("46570.89"),
         D("19594.50"), ("standard-2012-06",)),
        (2013, 12, D("172194.00"), D("63900.00"), D("0.00"), D("236094.00"), D("59023.56"),
         D("19674.50"), ("standard-2013-01",)),
        (2014, 9, D("129145.50"), D("47925.00"), D("0.00"), D("177070.50"), D("44267.67"),
         D("19674.50"), ("standard-2013-01",)),
    ]
    # The quote as a whole names both versions.
    assert sorted({p for y in quote.years() for p in y.price_lists}) == [
        "standard-2012-06", "standard-2013-01"]


def test_a_named_price_list_prices_every_month_with_that_version():
    check_quote_prices()
    quote = priced(replace(SMALL, price_list_id="standard-2012-06"))
    # Every month of 2013 under standard-2012-06: annual 12 x 14269.50 = 171234.00,
    # extraordinary 63900.00, one-off 127500.00, net 362634.00,
    # VAT 36773.63 + 11 x 4898.63 = 90658.56, recurring 19594.50.
    assert all(m.price_lists == ("standard-2012-06",) for m in quote.months)
    year, = quote.years()
    assert _year(year) == (2013, 12, D("171234.00"), D("63900.00"), D("127500.00"), D("362634.00"),
                           D("90658.56"), D("19594.50"), ("standard-2012-06",))


def test_a_named_price_list_also_prices_months_before_its_valid_from():
    # standard-2013-01 named for a span from 2012-10: October 2012 at 2013 prices,
    # annual 14349.50 (not 14269.50).
    quote = priced(replace(SMALL, start=Month(2012, 10), months=3, price_list_id="standard-2013-01"))
    assert [m.by_class[ANNUAL] for m in quote.months] == [D("14349.50")] * 3
    assert {m.price_lists for m in quote.months} == {("standard-2013-01",)}


def test_an_unknown_named_price_list_is_refused():
    with pytest.raises(DataError) as error:
        priced(replace(SMALL, price_list_id="standard-2099-01"))
    problem, = error.value.problems
    assert problem.field == "price_list_id" and "standard-2099-01" in problem.message


def test_no_connection_fee_keeps_agreed_connection_items():
    quote = priced(replace(SMALL, connection_fee=False))
    connection = [(l.description, l.amount) for l in quote.months[0].lines if l.part is FeePart.CONNECTION]
    assert connection == [("Konvertering av lönedata", D("12500.00"))]
    assert quote.years()[0].by_class[ONE_OFF] == D("12500.00")


def test_a_zero_volume_gives_no_line():
    quote = priced(replace(SMALL, volumes={**SMALL.volumes, "EPR-ORDER": given("0")}))
    # 21 x 9.50 = 199.50 less a month
    assert quote.months[1].by_class[ANNUAL] == D("14150.00")
    assert not [l for l in quote.months[1].lines if l.service_code == "EPR-ORDER"]


def test_vat_is_computed_per_rate_each_month_as_on_an_invoice():
    # A small list (tests/factories.py) with connection fees at 0 % VAT; payroll 3000.00 +
    # 10 x 30.00 + PAY-SLIP-DEV 10 x 62.00 = 3920.00 at 25 % -> VAT 980.00; the connection
    # 75000.00 at 0 % -> 0.00. November: net 78920.00, VAT 980.00; December: 3920.00, 980.00.
    lists = (f.price_list(vat_rates={"connection": "0"}),)
    request = QuoteRequest(name="X", employees=10, areas=(PAYROLL,), start=Month(2012, 11), months=2,
                           volumes={"PAY-SLIP-DEV": given("10")})
    quote = price_quote(request, f.catalogue(), lists)
    assert [(m.net, m.vat) for m in quote.months] == [(D("78920.00"), D("980.00")), (D("3920.00"), D("980.00"))]
    year, = quote.years()
    assert (year.net, year.vat, year.by_class[ONE_OFF]) == (D("82840.00"), D("1960.00"), D("75000.00"))


# --- bad input ---------------------------------------------------------------

def _problems(request: QuoteRequest, catalogue=None, lists=None) -> list[tuple[str | None, str]]:
    real_catalogue, real_lists = tariffs()
    with pytest.raises(DataError) as error:
        price_quote(request, catalogue or real_catalogue, lists or real_lists)
    return [(p.field, p.message) for p in error.value.problems]


PAYROLL_ONLY = QuoteRequest(name="X", employees=40, areas=(PAYROLL,), start=Month(2013, 1), months=12,
                            volumes={"PAY-SLIP-DEV": given("40")})


@pytest.mark.parametrize("change, expected", [
    (dict(volumes={"PAY-SLIP-XYZ": given("5")}), ("volumes", "unknown service PAY-SLIP-XYZ")),
    (dict(volumes={"PAY-SLIP-DEV": given("-1")}), ("volumes", "negative volume for PAY-SLIP-DEV: -1")),
    (dict(employees=0), ("employees", "the size must be at least 1 employee, not 0")),
    (dict(employees=-5), ("employees", "the size must be at least 1 employee, not -5")),
    (dict(months=0), ("months", "the span must be at least one month")),
    (dict(areas=(), volumes={}), ("areas", "name at least one service area")),
    (dict(subscriptions=("EPR-ADD-CHART",)),
     ("subscriptions", "EPR-ADD-CHART belongs to eprocurement, which is not requested")),
    (dict(subscriptions=("PAY-SLIP-DEV",)), ("subscriptions", "PAY-SLIP-DEV is not a subscription service")),
    (dict(subscriptions=("NO-SUCH",)), ("subscriptions", "NO-SUCH is not a subscription service")),
    (dict(volumes={"EPR-INV-CODED": given("5")}),
     ("volumes", "EPR-INV-CODED belongs to eprocurement, which is not requested")),
    (dict(areas=(FINANCE,), volumes={"FIN-ADD-ACCESS": given("1")}),
     ("volumes", "FIN-ADD-ACCESS is a subscription: use --subscription")),
])
def test_bad_requests_are_refused_naming_the_field(change, expected):
    assert _problems(replace(PAYROLL_ONLY, **change)) == [expected]


def test_every_problem_of_a_request_is_reported_at_once():
    request = replace(PAYROLL_ONLY, employees=0,
                      volumes={"PAY-SLIP-XYZ": given("1"), "PAY-SLIP-DEV": given("-3")})
    assert _problems(request) == [
        ("employees", "the size must be at least 1 employee, not 0"),
        ("volumes", "unknown service PAY-SLIP-XYZ"),
        ("volumes", "negative volume for PAY-SLIP-DEV: -3")]


def test_a_price_list_that_does_not_price_a_requested_service_is_refused():
    # A small list (tests/factories.py) without PAY-SLIP-ATT.
    without = f.price_list("utan-att", prices={k: v for k, v in f.PRICES.items() if k != "PAY-SLIP-ATT"})
    request = replace(PAYROLL_ONLY, start=Month(2012, 11), volumes={"PAY-SLIP-ATT": given("5")})
    problems = _problems(request, f.catalogue(), (without,))
    assert len(problems) == 1
    field, message = problems[0]
    assert "price list utan-att does not price PAY-SLIP-ATT" in message
    assert message.startswith("000000-0000 X: payroll:")


def test_a_named_price_list_that_does_not_price_a_requested_subscription_is_refused():
    without = f.price_list("utan-access", prices={k: v for k, v in f.PRICES.items() if k != "FIN-ADD-ACCESS"})
    request = QuoteRequest(name="X", employees=10, areas=(FINANCE,), start=Month(2012, 11), months=1,
                           volumes={"FIN-CUSTINV": given("3")}, subscriptions=("FIN-ADD-ACCESS",),
                           price_list_id="utan-access")
    (field, message), = _problems(request, f.catalogue(), (f.price_list(), without))
    assert "price list utan-access does not price FIN-ADD-ACCESS" in message


def test_a_span_with_no_price_list_in_force_is_refused():
    # The standard series starts 2012-06-01: a span from 2012-04 has no version in force.
    problems = _problems(replace(PAYROLL_ONLY, start=Month(2012, 4)))
    assert problems == [(None, "000000-0000 X: payroll: no price list of series 'standard' in force in 2012-04")]


def test_a_span_from_the_first_month_of_the_first_version_is_priced():
    quote = priced(replace(PAYROLL_ONLY, start=Month(2012, 6), months=1))
    # 3000.00 + 40 x 40.00 + 40 x 66.00 = 7240.00, plus connection 75000.00
    assert quote.months[0].net == D("82240.00")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1E+30"])
def test_a_volume_that_is_not_a_finite_number_is_a_clear_error(text):
    request = replace(PAYROLL_ONLY, volumes={"PAY-SLIP-DEV": VolumeBasis(Decimal(text), "angivet")})
    problems = _problems(request)
    assert [field for field, _ in problems] == ["volumes"]
    assert "PAY-SLIP-DEV" in problems[0][1]


@pytest.mark.parametrize("description, amount", [("Konvertering", "NaN"), ("Konvertering", "Infinity"),
                                                 ("Konvertering", "-5000.00"), ("", "500.00")])
def test_a_bad_connection_item_is_a_clear_error(description, amount):
    request = replace(PAYROLL_ONLY, connection_items=(ConnectionItem(description, Decimal(amount)),))
    problems = _problems(request)
    assert [field for field, _ in problems] == ["connection_items"]


def test_recurring_per_month_rounds_half_up():
    # Payroll only, 1 employee, no volumes, no connection fee. Two versions of
    # a small price list: November at fixed 100.00 + 1.00 = 101.00, December at
    # fixed 100.01 + 1.00 = 101.01. 2012 has two months: (101.00 + 101.01) / 2
    # = 101.005, half up 101.01 (half to even would give 101.00).
    base = {PAYROLL: f.base_fee("100.00", f.per_employee("1.00"))}
    lists = (f.price_list("a", base_fees=base),
             f.price_list("b", valid_from=date(2012, 12, 1),
                          base_fees={PAYROLL: f.base_fee("100.01", f.per_employee("1.00"))}))
    request = QuoteRequest(name="X", employees=1, areas=(PAYROLL,), start=Month(2012, 11), months=2,
                           connection_fee=False)
    year, = price_quote(request, f.catalogue(), lists).years()
    assert year.by_class[ANNUAL] == D("202.01")
    assert year.recurring_per_month == D("101.01")


# --- the quote as rows and as a document ----------------------------------------

def test_quote_rows_csv_and_json_carry_exact_decimal_strings():
    quote = priced(SMALL)
    # total = net + VAT = 363594.00 + 90898.56 = 454492.56
    assert to_csv(quote_rows(quote)) == (
        "year,months,annual,extraordinary,one_off,net,vat,total,recurring_per_month,price_lists\r\n"
        "2013,12,172194.00,63900.00,127500.00,363594.00,90898.56,454492.56,19674.50,standard-2013-01\r\n")
    assert '"vat": "90898.56"' in to_json(quote_rows(quote))
    assert volume_rows(quote)[:2] == [
        {"service": "EPR-ADD-SCAN", "monthly_quantity": D("5"), "source": "angivet"},
        {"service": "EPR-INV-CODED", "monthly_quantity": D("100"), "source": "angivet"}]
    assert [r["service"] for r in volume_rows(quote)] == sorted(SMALL.volumes)


def test_assumptions_list_what_the_quote_rests_on():
    assert assumptions(priced(SMALL)) == [
        "Storlek: 40 anställda under hela perioden.",
        "Tjänsteområden: Lönerelaterade tjänster, E-handelstjänster; anslutning 2013-01-01.",
        "Period: 2013-01 till 2013-12 (12 månader).",
        "Prislista: den version som gäller varje månad.",
        "Belopp exklusive moms; moms redovisas separat (25 % om inget annat anges i prislistan).",
        "Vidarefakturerade systemtjänster (underleverantörers avgifter) ingår inte.",
        # Services by the catalogue's names, amounts as Babel writes Swedish (no-break spaces).
        "Abonnemang: Tilläggstjänst kontering med myndighetsspecifik kontoplan, per månad.",
        "Anslutningsposter: Konvertering av lönedata 12\u00a0500,00\u00a0kr.",
    ]
    named = assumptions(priced(replace(SMALL, price_list_id="standard-2012-06", connection_fee=False)))
    assert "Prislista: standard-2012-06 för alla månader." in named
    assert named[-1] == "Ingen anslutningsavgift."


def test_the_html_quote_is_one_self_contained_file_with_the_name_escaped():
    quote = priced(replace(SMALL, name='<b>Fet & "farlig"</b> myndighet'))
    page = quote_html(quote, date(2012, 12, 20))

    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    lowered = page.lower()
    for external in ("http://", "https://", "<script", "<link", "src=", "href=", "url(", "@import",
                     "<iframe", "<img"):
        assert external not in lowered, external
    assert "<b>Fet" not in page
    # Jinja2 writes a double quote as &#34;.
    assert "&lt;b&gt;Fet &amp; &#34;farlig&#34;&lt;/b&gt; myndighet" in page
    assert "Upprättad 2012-12-20" in page
    for item in assumptions(quote):
        assert f"<li>{item}</li>" in page.replace("&#34;", '"')
    # The year's amounts, Swedish style (Babel: no-break space between thousands):
    # annual, extraordinary, one-off, net, VAT, total, recurring per month.
    for amount in ("172 194,00", "63 900,00", "127 500,00", "363 594,00", "90 898,56", "454 492,56",
                   "19 674,50", "standard-2013-01"):
        assert amount.replace(" ", "\u00a0") in page, amount
    # Services by their names, not their codes.
    assert ('<tr><td>Specialtjänst statistik och rapporter</td><td class="n">3</td><td>angivet</td></tr>'
            in page)
    assert "PAY-SPEC-STATS" not in page and "EPR-ADD-CHART" not in page


def test_the_html_quote_has_a_number_a_validity_and_a_chart_of_the_cost_classes():
    quote = priced(SMALL)
    page = quote_html(quote, date(2012, 12, 20))
    number = quote_number(SMALL, date(2012, 12, 20))
    assert re.fullmatch(r"O20121220-[0-9A-F]{6}", number)
    assert f"<li><b>Offertnummer:</b> {number}</li>" in page
    # 2012-12-20 + 90 days: 11 days to 2012-12-31, 31 in January (42), 28 in
    # February (70), then 20 in March: 2013-03-20.
    assert valid_until(date(2012, 12, 20)) == date(2013, 3, 20)
    assert "<li><b>Giltig till:</b> 2013-03-20 (90 dagar)</li>" in page
    # One stacked column for 2013: annual 172194.00, extraordinary 63900.00,
    # one-off 127500.00, total 363594.00 on top; the legend names the classes.
    chart = page[page.index('<figure class="chart" id="cost-chart">'):page.index("</figure>")]
    heights = {}
    for label, amount in (("Årlig kostnad", "172\u00a0194,00"), ("Extraordinär årlig kostnad", "63\u00a0900,00"),
                          ("Engångskostnad", "127\u00a0500,00")):
        found = re.search(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#[0-9a-f]+">'
                          rf"<title>{label}, 2013 \(12 mån\): {amount}\u00a0kr</title>", chart)
        assert found, label
        heights[label] = Decimal(found.group(1))
        assert f'class="legend">{label}</text>' in chart
    assert ">363\u00a0594,00\u00a0kr</text>" in chart
    # Heights in proportion to the amounts, to a tenth of a pixel each:
    # 172194 / 127500 = 1.3505..; 63900 / 127500 = 0.5011..
    one_off = heights["Engångskostnad"]
    assert abs(heights["Årlig kostnad"] - one_off * Decimal("1.3505")) < Decimal("0.3")
    assert abs(heights["Extraordinär årlig kostnad"] - one_off * Decimal("0.5012")) < Decimal("0.3")


def test_the_quote_number_is_the_date_and_a_digest_of_the_request():
    day = date(2012, 12, 20)
    number = quote_number(SMALL, day)
    # The same request the same day: the same number; another day: another date part.
    assert quote_number(replace(SMALL), day) == number
    assert quote_number(SMALL, date(2012, 12, 21)) == "O20121221-" + number.split("-")[1]
    # Any change to what the request prices changes the digest.
    for changed in (replace(SMALL, name="Annan myndighet"), replace(SMALL, employees=41),
                    replace(SMALL, months=24), replace(SMALL, start=Month(2013, 2)),
                    replace(SMALL, volumes={**SMALL.volumes, "PAY-SLIP-DEV": given("41")}),
                    replace(SMALL, subscriptions=()), replace(SMALL, connection_fee=False),
                    replace(SMALL, price_list_id="standard-2012-06"),
                    replace(SMALL, connection_items=(ConnectionItem("Konvertering av lönedata", D("12500.01")),))):
        assert quote_number(changed, day).split("-")[1] != number.split("-")[1], changed


# --- quote equals invoice (database, both backends) ---------------------------------

# An agency with a subscription, a graduated finance fee, additional and special
# services, connected long before December 2012 (no connection, no proration) and
# without discount or pass-through.
THETA = f"""
[[agencies]]
organisation_number = "{ORG_THETA}"
name = "Thetaverket"
address = {{ street = "Box 1019", postal_code = "103 29", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 150 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01

  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-06-01
  subscriptions = [ {{ service = "FIN-ADD-ACCESS", from = 2012-06-01 }} ]
"""
THETA_VOLUMES = [f"2012-11,{ORG_THETA},PAY-SLIP-DEV,118,Palasso,",
                 f"2012-12,{ORG_THETA},PAY-SLIP-DEV,120,Palasso,",
                 f"2012-12,{ORG_THETA},PAY-ADD-DEDUCT,4,Palasso,",
                 f"2012-12,{ORG_THETA},PAY-SPEC-STATS,2.5,Palasso,",
                 f"2012-12,{ORG_THETA},FIN-CUSTINV,13,Agresso,"]


def _request_from(agency, month: Month, records) -> QuoteRequest:
    """The quote an agency would have had for a month: its size, areas, subscriptions, volumes."""
    in_force = [a for a in agency.agreements if a.in_force(month)]
    volumes: dict[str, Decimal] = {}
    for record in records:
        volumes[record.service] = volumes.get(record.service, Decimal(0)) + record.quantity
    return QuoteRequest(
        name=agency.name, employees=agency.size_for(month), start=month, months=1,
        areas=tuple(dict.fromkeys(a.area for a in in_force)),
        subscriptions=tuple(s.service for a in in_force for s in a.subscriptions),
        volumes={code: VolumeBasis(q, "faktiskt utfall") for code, q in volumes.items()},
        connection_fee=False)


def _charges(lines):
    return sorted((str(l.area), str(l.part), l.service_code or "", l.description, l.quantity,
                   l.unit_price, l.amount, l.vat_rate, l.price_list_id) for l in lines)


def test_a_quote_from_an_agencys_actual_volumes_equals_its_invoice(engine, tmp_path):
    check_assumed_prices()
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path, months=("2012-11", "2012-12"), agencies_text=WORLD_AGENCIES + THETA)
        import_volumes(session, write_volumes(tmp_path, "theta.csv", THETA_VOLUMES))
        run_month(session, Month(2012, 11), date(2012, 12, 5))
        run_month(session, Month(2012, 12), date(2013, 1, 5), WORLD_CHANGES)

    # By hand, standard-2012-06:
    # November  A: 3000.00 + 1 x 40.00 + 3 x 66.00 = 3238.00, VAT 809.50
    #           B: payroll 3000.00 + 2 x 40.00 + 5 x 66.00 = 3410.00; finance 10000.00
    #              + 2 x 156.00 + 30 x 45.00 + 200 x 3.50 = 12362.00; net 15772.00, VAT 3943.00
    #           C: payroll 3000.00 + 4 x 40.00 + 8 x 68.00 = 3704.00; e-procurement 2500.00
    #              + 750.00 + 7 x 34.00 = 3488.00; net 7192.00, VAT 1798.00
    # December  Theta: payroll 3000.00 + 150 x 40.00 + 120 x 66.00 + 4 x 25.00 + 2.5 h x 1100.00
    #                  = 3000.00 + 6000.00 + 7920.00 + 100.00 + 2750.00 = 19770.00;
    #                  finance 10000.00 + (100 x 156.00 + 50 x 91.00 = 20150.00) + 13 x 45.00
    #                  + FIN-ADD-ACCESS 2500.00 = 33235.00; net 53005.00, VAT 13251.25
    by_hand = {("2012-11", ORG_A): ("3238.00", "809.50"), ("2012-11", ORG_B): ("15772.00", "3943.00"),
               ("2012-11", ORG_C): ("7192.00", "1798.00"),
               ("2012-12", ORG_THETA): ("53005.00", "13251.25")}

    compared = set()
    with Session(engine) as session:
        ids = agency_ids(session)
        agencies = load_agencies(session)
        for month in (Month(2012, 11), Month(2012, 12)):
            volumes = load_volumes(session, month)
            for invoice in read_documents(session):
                if invoice.period != month:
                    continue
                agency_id = ids[invoice.organisation_number]
                request = _request_from(agencies[agency_id], month, volumes.get(agency_id, ()))
                quote, ratios = service_quote(session, request)
                quoted, = quote.months
                assert ratios == {}
                assert (quoted.net, quoted.vat) == (invoice.totals.net, invoice.totals.vat), invoice
                assert _charges(quoted.lines) == _charges(invoice.lines), invoice.organisation_number
                expected = by_hand.get((str(month), invoice.organisation_number))
                if expected:
                    assert (quoted.net, quoted.vat) == tuple(map(D, expected))
                compared.add((str(month), invoice.organisation_number))
    assert compared == {(m, o) for m in ("2012-11", "2012-12") for o in (ORG_A, ORG_B, ORG_C, ORG_THETA)}


def test_the_service_needs_volumes_or_an_estimate(engine, tmp_path):
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path)
    with Session(engine) as session:
        with pytest.raises(DataError) as error:
            service_quote(session, replace(PAYROLL_ONLY, volumes={}))
        problem, = error.value.problems
        assert problem.field == "volumes"
        assert "give the expected monthly volumes" in problem.message
        # The stored price lists price a quote as the files do.
        stored, _ = service_quote(session, SMALL)
        assert stored.years() == priced(SMALL).years()
