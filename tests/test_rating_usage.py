"""Transaction fees, per-unit additional services, special-service hours, pass-through."""

from __future__ import annotations

from datetime import date

import pytest
from factories import (D, EPROCUREMENT, FINANCE, ORG, OTHER_ORG, PAYROLL, agency, agreement,
                       lines_of, one_line, pass_through, price_list, rate, volume)

from billing.domain.agency import FeePart
from billing.errors import DataError


def problems_of(excinfo) -> list[str]:
    return [problem.message for problem in excinfo.value.problems]


# --- transaction fees ---------------------------------------------------------------

def test_one_line_per_service_summing_the_months_records():
    records = [volume("PAY-SLIP-DEV", 100, id=11), volume("PAY-SLIP-DEV", 23, id=12),
               volume("PAY-SLIP-ATT", 5, id=13)]
    lines = rate("2012-11", agency(agreement(PAYROLL)), records)
    dev = one_line(lines, FeePart.TRANSACTION, service_code="PAY-SLIP-DEV")
    att = one_line(lines, FeePart.TRANSACTION, service_code="PAY-SLIP-ATT")
    # 100 + 23 = 123 payslips x 62.00 = 7 626.00
    assert dev.quantity == D(123)
    assert dev.unit_price == D("62.00")
    assert dev.amount == D("7626.00")
    assert dev.volume_record_ids == (11, 12)
    assert dev.price_list_id == "standard-2012-06"
    # 5 x 68.00 = 340.00
    assert att.amount == D("340.00")
    assert att.volume_record_ids == (13,)
    assert (dev.unit, dev.unit_code) == ("st", "H87")


def test_transaction_line_vat_rate_per_service():
    pl = price_list(vat_rates={"PAY-SLIP-ATT": "6"})
    lines = rate("2012-11", agency(agreement(PAYROLL)),
                 [volume("PAY-SLIP-DEV", 1), volume("PAY-SLIP-ATT", 1)], price_lists=[pl])
    assert one_line(lines, service_code="PAY-SLIP-DEV").vat_rate == D("25")
    assert one_line(lines, service_code="PAY-SLIP-ATT").vat_rate == D("6")


def test_additional_per_unit_service_at_list_price():
    lines = rate("2012-11", agency(agreement(PAYROLL)), [volume("PAY-ADD-DEDUCT", 10, id=5)])
    line = one_line(lines, FeePart.ADDITIONAL, service_code="PAY-ADD-DEDUCT")
    # 10 x 25.00 = 250.00
    assert line.amount == D("250.00")


def test_agreed_price_replaces_the_list_price():
    a = agency(agreement(PAYROLL, agreed_prices={"PAY-ADD-DEDUCT": "8.00"}))
    lines = rate("2012-11", a, [volume("PAY-ADD-DEDUCT", 10, id=5)])
    line = one_line(lines, FeePart.ADDITIONAL, service_code="PAY-ADD-DEDUCT")
    # agreed 8.00, not the list's 25.00: 10 x 8.00 = 80.00
    assert line.unit_price == D("8.00")
    assert line.amount == D("80.00")
    assert line.volume_record_ids == (5,)


def test_special_service_priced_by_the_hourly_rate_of_its_rate_class():
    records = [volume("PAY-SPEC-STATS", "2.5", id=1), volume("PAY-SPEC-CONSULT", "1.25", id=2)]
    lines = rate("2012-11", agency(agreement(PAYROLL)), records)
    stats = one_line(lines, FeePart.SPECIAL, service_code="PAY-SPEC-STATS")
    consult = one_line(lines, FeePart.SPECIAL, service_code="PAY-SPEC-CONSULT")
    # specialist 1 100.00/h: 2.5 h = 2 750.00
    assert stats.unit_price == D("1100.00")
    assert stats.amount == D("2750.00")
    # handlaggare 750.00/h: 1.25 h = 937.50
    assert consult.unit_price == D("750.00")
    assert consult.amount == D("937.50")
    assert (stats.unit, stats.unit_code) == ("tim", "HUR")


def test_hours_times_rate_rounded_to_ore_half_up():
    pl = price_list(hourly_rates={"specialist": "1099.99", "handlaggare": "750.00"})
    lines = rate("2012-11", agency(agreement(PAYROLL)), [volume("PAY-SPEC-STATS", "0.25")],
                 price_lists=[pl])
    # 0.25 x 1 099.99 = 274.9975 -> 275.00
    assert one_line(lines, FeePart.SPECIAL).amount == D("275.00")


def test_service_the_agreement_does_not_cover_is_an_error():
    a = agency(agreement(EPROCUREMENT, services=["EPR-INV-CODED"]))
    with pytest.raises(DataError) as excinfo:
        rate("2012-11", a, [volume("EPR-ORDER", 3)])
    [message] = problems_of(excinfo)
    assert "EPR-ORDER" in message and "does not cover" in message
    assert ORG in message


def test_service_the_agreement_lists_is_billed():
    a = agency(agreement(EPROCUREMENT, services=["EPR-INV-CODED", "EPR-ORDER"]))
    lines = rate("2012-11", a, [volume("EPR-ORDER", 3)])
    # 3 x 9.50 = 28.50
    assert one_line(lines, service_code="EPR-ORDER").amount == D("28.50")


def test_service_the_price_list_does_not_price_is_an_error_naming_the_agency():
    pl = price_list(prices={"PAY-SLIP-DEV": "62.00"})
    with pytest.raises(DataError) as excinfo:
        rate("2012-11", agency(agreement(PAYROLL), org=OTHER_ORG, name="Arbetsdomstolen"),
             [volume("PAY-SLIP-ATT", 4, org=OTHER_ORG)], price_lists=[pl])
    [message] = problems_of(excinfo)
    assert OTHER_ORG in message and "Arbetsdomstolen" in message
    assert "PAY-SLIP-ATT" in message and "standard-2012-06" in message


def test_missing_hourly_rate_is_an_error():
    pl = price_list(hourly_rates={"specialist": "1100.00"})
    with pytest.raises(DataError, match="handlaggare"):
        rate("2012-11", agency(agreement(PAYROLL)), [volume("PAY-SPEC-CONSULT", 1)],
             price_lists=[pl])


def test_volumes_in_an_area_without_agreement_are_an_error():
    with pytest.raises(DataError) as excinfo:
        rate("2012-11", agency(agreement(PAYROLL)), [volume("FIN-CUSTINV", 7)])
    [message] = problems_of(excinfo)
    assert "finance" in message and ORG in message and "no agreement" in message


def test_volumes_after_the_agreement_ended_are_an_error():
    a = agency(agreement(FINANCE, ends_on=date(2012, 10, 31)), agreement(PAYROLL))
    with pytest.raises(DataError, match="no agreement"):
        rate("2012-11", a, [volume("FIN-CUSTINV", 7)])


def test_unknown_service_is_an_error():
    with pytest.raises(DataError, match="unknown service PAY-NOPE"):
        rate("2012-11", agency(agreement(PAYROLL)), [volume("PAY-NOPE", 1)])


def test_volumes_of_a_subscription_are_an_error():
    with pytest.raises(DataError, match="subscription"):
        rate("2012-11", agency(agreement(FINANCE)), [volume("FIN-ADD-ACCESS", 1)])


def test_every_problem_of_the_agency_is_reported_together():
    pl = price_list(prices={})
    with pytest.raises(DataError) as excinfo:
        rate("2012-11", agency(agreement(PAYROLL)),
             [volume("PAY-SLIP-DEV", 1), volume("FIN-CUSTINV", 1)], price_lists=[pl])
    messages = problems_of(excinfo)
    assert len(messages) == 2
    assert any("PAY-SLIP-DEV" in m for m in messages)
    assert any("finance" in m for m in messages)


def test_lines_come_in_invoice_order():
    a = agency(agreement(FINANCE), agreement(PAYROLL))
    lines = rate("2012-11", a, [volume("PAY-SLIP-DEV", 1), volume("PAY-ADD-DEDUCT", 1),
                                volume("FIN-CUSTINV", 1)])
    # areas in catalogue order (payroll, finance), parts in model order
    assert [(line.area, line.part) for line in lines] == [
        (PAYROLL, FeePart.BASE_FIXED), (PAYROLL, FeePart.BASE_VARIABLE),
        (PAYROLL, FeePart.TRANSACTION), (PAYROLL, FeePart.ADDITIONAL),
        (FINANCE, FeePart.BASE_FIXED), (FINANCE, FeePart.BASE_VARIABLE),
        (FINANCE, FeePart.TRANSACTION),
    ]


# --- pass-through -------------------------------------------------------------------

def test_pass_through_charge_becomes_a_line_with_its_own_vat_rate_and_no_price_list():
    charges = [pass_through("1234.56", vat_rate="6", id=7, description="Systemtjänst Palasso")]
    lines = rate("2012-11", agency(agreement(PAYROLL)), charges=charges)
    line = one_line(lines, FeePart.PASS_THROUGH)
    assert line.amount == D("1234.56")
    assert line.vat_rate == D("6")
    assert line.price_list_id is None
    assert line.pass_through_ids == (7,)
    assert line.description == "Systemtjänst Palasso"
    assert line.detail == "Skatteverket SKV-1"
    assert line.area == PAYROLL


def test_pass_through_lines_one_per_charge():
    charges = [pass_through("100.00", id=1, description="A"),
               pass_through("-20.00", id=2, description="B", vat_rate="0")]
    lines = rate("2012-11", agency(agreement(PAYROLL)), charges=charges)
    found = lines_of(lines, FeePart.PASS_THROUGH)
    assert [(line.amount, line.vat_rate) for line in found] == [(D("100.00"), D("25")),
                                                                 (D("-20.00"), D("0"))]


def test_pass_through_in_an_area_without_agreement_is_an_error():
    with pytest.raises(DataError, match="no agreement"):
        rate("2012-11", agency(agreement(PAYROLL)), charges=[pass_through("10.00", area=FINANCE)])
