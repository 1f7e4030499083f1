"""The monthly billing run on a real database: every invoice or none, gapless
numbers, and amounts that can be recomputed from what the invoice shows.

The expected amounts are worked out by hand from tariffs/standard-2012-06.toml
(check_assumed_prices() lists the prices used and fails if they change).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.errors import AlreadyDone, DataError
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.models import (AgencyRow, BillingRunRow, InvoiceLineRow, InvoiceLineVolume,
                                        InvoiceRow, InvoiceVatRow, NumberSeries, VolumeRow)
from billing.rating.lines import Proration, TierStep
from billing.services.billing_run import Override, run_month
from billing.services.passthrough import import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import import_volumes
from db_helpers import (ORG_A, ORG_B, ORG_C, ORG_JOTA, ORG_KAPPA, ORG_LAMBDA, ORG_ZETA, WORLD_AGENCIES,
                        check_assumed_prices, copy_tariffs, dump, scalar, set_price, setup_world,
                        write_amounts, write_volumes)

NOVEMBER, DECEMBER = Month(2012, 11), Month(2012, 12)
ORE, KRONA = Decimal("0.01"), Decimal("1")


def _run(engine, month, issue, override=None):
    with Session(engine) as session, session.begin():
        return run_month(session, month, issue, override or Override())


# The small test world's December has less usage than its November: billed on purpose.
SMALLER_DECEMBER = Override(("all",), "the test world's December is smaller")


def _read(engine, *criteria):
    with Session(engine) as session:
        return read_documents(session, *criteria)


def _next_number(engine):
    return scalar(engine, sa.select(NumberSeries.next_number).where(NumberSeries.name == "invoice"))


def test_run_issues_one_invoice_per_agency_numbered_from_1(engine, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path)

    result = _run(engine, NOVEMBER, date(2012, 12, 5))

    invoices = result.invoices
    # Numbered in organisation-number order; due 30 days after 2012-12-05.
    assert [(i.number, i.organisation_number, i.agency_name, i.buyer_reference) for i in invoices] == [
        (1, ORG_A, "Alfaverket", "A-100"), (2, ORG_B, "Betaverket", "B-200"),
        (3, ORG_C, "Gammaverket", "")]
    assert {(i.period, i.issue_date, i.due_date, i.currency) for i in invoices} == {
        (NOVEMBER, date(2012, 12, 5), date(2013, 1, 4), "SEK")}
    totals = [(i.totals.net, i.totals.vat, i.totals.gross, i.totals.rounding, i.totals.payable)
              for i in invoices]
    assert totals == [
        # Alfa: 3000.00 fixed + 1 x 40.00 + 3 payslips x 66.00 = 3238.00;
        # VAT 809.50; 4047.50 rounds half up to 4048.
        (Decimal("3238.00"), Decimal("809.50"), Decimal("4047.50"), Decimal("0.50"), Decimal("4048")),
        # Beta: payroll 3000.00 + 2 x 40.00 + 5 x 66.00 = 3410.00; finance
        # 10000.00 + 2 x 156.00 + 30 x 45.00 + 200 x 3.50 = 12362.00; 15772.00, VAT 3943.00.
        (Decimal("15772.00"), Decimal("3943.00"), Decimal("19715.00"), Decimal("0.00"), Decimal("19715")),
        # Gamma: payroll 3000.00 + 4 x 40.00 + 8 x 68.00 = 3704.00; e-procurement
        # 2500.00 + 750.00 (band up to 49) + 7 x 34.00 = 3488.00; 7192.00, VAT 1798.00.
        (Decimal("7192.00"), Decimal("1798.00"), Decimal("8990.00"), Decimal("0.00"), Decimal("8990")),
    ]
    with Session(engine) as session:
        run = session.scalars(sa.select(BillingRunRow)).one()
    assert (run.period, run.run_date, run.invoice_count) == (NOVEMBER, date(2012, 12, 5), 3)
    assert _next_number(engine) == 4


def test_issued_invoices_read_back_exactly(engine, tmp_path):
    setup_world(engine, tmp_path)
    issued = _run(engine, NOVEMBER, date(2012, 12, 5)).invoices
    # Lines, volume links, tier steps, totals and VAT: the whole document.
    assert _read(engine) == list(issued)
    assert _read(engine, InvoiceRow.number == 2) == [issued[1]]


# Gamma gets pass-through amounts at 6 % and 12 % besides its 25 % lines.
# The issued invoice lists VAT by rate, highest first (25, 12, 6); the stored
# invoice must read back the same. (Regression: the rates are stored as text
# and were once read back in string order, 12 < 25 < 6.)
def test_read_back_keeps_the_vat_breakdown_order(engine, tmp_path):
    setup_world(engine, tmp_path)
    amounts = write_amounts(tmp_path, "amounts.csv", [
        f"2012-11,{ORG_C},payroll,Kurslitteratur,100.00,6,,KURS-1",
        f"2012-11,{ORG_C},payroll,Livsmedel,200.00,12,,MAT-1"])
    with Session(engine) as session, session.begin():
        import_pass_through(session, amounts)
    issued = _run(engine, NOVEMBER, date(2012, 12, 5)).invoices[2]
    assert [s.rate for s in issued.totals.vat_subtotals] == [Decimal("25"), Decimal("12"), Decimal("6")]

    stored, = _read(engine, InvoiceRow.number == 3)

    assert [s.rate for s in stored.totals.vat_subtotals] == [Decimal("25"), Decimal("12"), Decimal("6")]
    assert stored == issued


def test_numbers_are_consecutive_across_two_months(engine, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))

    november = _run(engine, NOVEMBER, date(2012, 12, 3)).invoices
    december = _run(engine, DECEMBER, date(2013, 1, 7), SMALLER_DECEMBER).invoices

    assert [i.number for i in november] == [1, 2, 3]
    assert [i.number for i in december] == [4, 5, 6]
    assert [i.organisation_number for i in december] == [ORG_A, ORG_B, ORG_C]
    assert {i.due_date for i in december} == {date(2013, 2, 6)}  # 2013-01-07 + 30 days
    # Alfa in December: 3000.00 + 40.00 + 4 payslips x 66.00 = 3304.00 (standard-2012-06
    # is still in force: standard-2013-01 starts in January).
    assert december[0].totals.net == Decimal("3304.00")
    assert {l.price_list_id for i in december for l in i.lines} == {"standard-2012-06"}
    assert sorted(n for n, in _numbers(engine)) == [1, 2, 3, 4, 5, 6]
    assert _next_number(engine) == 7


def _numbers(engine):
    with engine.connect() as connection:
        return connection.execute(sa.select(InvoiceRow.number)).all()


@pytest.mark.parametrize("issue", [date(2012, 11, 15), date(2012, 11, 30)])
def test_invoice_date_within_the_month_is_refused(engine, tmp_path, issue):
    setup_world(engine, tmp_path)
    before = dump(engine)
    with pytest.raises(DataError) as refused:
        _run(engine, NOVEMBER, issue)
    assert "[issue_date]" in str(refused.value)
    assert f"the invoice date {issue} must be after 2012-11-30" in str(refused.value)
    assert dump(engine) == before
    # The first day after the month is accepted.
    assert len(_run(engine, NOVEMBER, date(2012, 12, 1)).invoices) == 3


def test_second_run_of_a_month_is_already_done(engine, tmp_path):
    setup_world(engine, tmp_path)
    _run(engine, NOVEMBER, date(2012, 12, 5))
    before = dump(engine)

    with pytest.raises(AlreadyDone) as done:
        _run(engine, NOVEMBER, date(2012, 12, 6))

    assert "2012-11 is already billed: 3 invoices issued 2012-12-05" in str(done.value)
    assert dump(engine) == before


def test_month_with_nothing_to_bill_records_no_run(engine, tmp_path):
    setup_world(engine, tmp_path)
    before = dump(engine)
    assert _run(engine, Month(2012, 5), date(2012, 6, 5)).invoices == ()  # before every agreement
    assert dump(engine) == before
    assert [i.number for i in _run(engine, NOVEMBER, date(2012, 12, 5)).invoices] == [1, 2, 3]


def test_one_agency_with_a_problem_stops_the_whole_run_and_takes_no_number(engine, tmp_path):
    # standard-2012-06 without a price for PAY-SLIP-ATT, which only Gammaverket uses.
    tariffs = copy_tariffs(tmp_path)
    price_list = tariffs / "standard-2012-06.toml"
    text = price_list.read_text(encoding="utf-8")
    price_list.write_text("\n".join(l for l in text.splitlines() if not l.startswith("PAY-SLIP-ATT")),
                          encoding="utf-8")
    setup_world(engine, tmp_path, tariffs=tariffs)
    before = dump(engine)

    with pytest.raises(DataError) as refused:
        _run(engine, NOVEMBER, date(2012, 12, 5))

    assert [str(p) for p in refused.value.problems] == [
        f"{ORG_C} Gammaverket: payroll: price list standard-2012-06 does not price PAY-SLIP-ATT"]
    assert dump(engine) == before  # no invoice, no run, no number taken

    # Price it (the list has priced nothing yet, so it may change) and run again:
    # numbering starts at 1.
    set_price_list = price_list.read_text(encoding="utf-8").replace(
        "[prices]\n", '[prices]\nPAY-SLIP-ATT = "68.00"\n')
    price_list.write_text(set_price_list, encoding="utf-8")
    with Session(engine) as session, session.begin():
        assert load_tariffs(session, tariffs).replaced == ["standard-2012-06"]
    assert [i.number for i in _run(engine, NOVEMBER, date(2012, 12, 5)).invoices] == [1, 2, 3]


OLD_SERIES_AGENCY = f"""
[[agencies]]
organisation_number = "{ORG_JOTA}"
name = "Jotaverket"
address = {{ street = "Box 1006", postal_code = "103 16", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 5 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  price_series = "gamla-avtalet"
  transformed_on = 2013-01-01
"""


def test_every_agency_problem_is_reported_and_nothing_issued(engine, tmp_path):
    tariffs = copy_tariffs(tmp_path)
    price_list = tariffs / "standard-2012-06.toml"
    price_list.write_text("\n".join(l for l in price_list.read_text(encoding="utf-8").splitlines()
                                    if not l.startswith("PAY-SLIP-ATT")), encoding="utf-8")
    # Jotaverket's agreement names a series that has no version at all.
    setup_world(engine, tmp_path, tariffs=tariffs, agencies_text=WORLD_AGENCIES + OLD_SERIES_AGENCY)
    before = dump(engine)

    with pytest.raises(DataError) as refused:
        _run(engine, NOVEMBER, date(2012, 12, 5))

    assert [str(p) for p in refused.value.problems] == [
        f"{ORG_C} Gammaverket: payroll: price list standard-2012-06 does not price PAY-SLIP-ATT",
        f"{ORG_JOTA} Jotaverket: payroll: no price list of series 'gamla-avtalet' in force in 2012-11",
    ]
    assert dump(engine) == before


KAMMARKOLLEGIET_AGENCY = f"""
[[agencies]]
organisation_number = "{ORG_KAPPA}"
name = "Kappaverket"
address = {{ street = "Box 1007", postal_code = "103 17", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 5 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-10-01
  connection_fee = false
  price_series = "kammarkollegiet"
  transformed_on = 2012-12-01
"""


def test_lines_name_the_price_list_of_the_agreements_series(engine, tmp_path):
    # Kappaverket keeps Kammarkollegiet's prices until 2012-12-01.
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"),
                agencies_text=WORLD_AGENCIES + KAMMARKOLLEGIET_AGENCY)
    november = _run(engine, NOVEMBER, date(2012, 12, 5)).invoices[3]
    december = _run(engine, DECEMBER, date(2013, 1, 5), SMALLER_DECEMBER).invoices[3]
    assert november.organisation_number == december.organisation_number == ORG_KAPPA
    assert {l.price_list_id for l in november.lines} == {"kammarkollegiet-2012-01"}
    assert {l.price_list_id for l in december.lines} == {"standard-2012-06"}
    # kammarkollegiet-2012-01: no fixed part (so no fixed line), 95.00 per employee:
    # 5 x 95.00 = 475.00.
    assert [(l.part, l.amount) for l in november.lines] == [
        (FeePart.BASE_VARIABLE, Decimal("475.00"))]


def test_lines_carry_price_list_and_volume_record_ids(engine, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    invoices = _run(engine, NOVEMBER, date(2012, 12, 5)).invoices
    with Session(engine) as session:
        records = {(org, r.service_code): r.id for r, org in session.execute(
            sa.select(VolumeRow, AgencyRow.organisation_number).join(AgencyRow)
            .where(VolumeRow.period == NOVEMBER))}
        links = session.execute(sa.select(InvoiceLineVolume.invoice_number, InvoiceLineVolume.line_no,
                                          InvoiceLineVolume.volume_record_id)).all()
    assert len(records) == 6

    for invoice in invoices:
        for line in invoice.lines:
            assert line.price_list_id == "standard-2012-06"
            if line.part is FeePart.TRANSACTION:
                assert line.volume_record_ids == (records[(invoice.organisation_number,
                                                           line.service_code)],)
            else:
                assert line.volume_record_ids == ()
    # Each November record is the basis of exactly one line; December's of none.
    assert sorted(record for _, _, record in links) == sorted(records.values())
    # The link rows point at the line that priced the record.
    for number, line_no, record in links:
        line = _read(engine, InvoiceRow.number == number)[0].lines[line_no - 1]
        assert record in line.volume_record_ids


# The brief's example: one agency, payroll, 10 employees, 12 payslips,
# connected in the month.
ZETA = f"""\
[[agencies]]
organisation_number = "{ORG_ZETA}"
name = "Zetaverket"
address = {{ street = "Box 1008", postal_code = "103 18", city = "Stockholm" }}
sizes = [ {{ from = 2012-10-10, employees = 10 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-10-10
  buyer_reference = "Z-1"
"""


def test_hand_worked_invoice_of_an_agency_connecting_mid_month(engine, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path, months=(), agencies_text=ZETA)
    with Session(engine) as session, session.begin():
        import_volumes(session, write_volumes(tmp_path, "2012-10.csv",
                                              [f"2012-10,{ORG_ZETA},PAY-SLIP-DEV,12,Palasso,"]))

    invoice, = _run(engine, Month(2012, 10), date(2012, 11, 5)).invoices

    # Connected 2012-10-10: in force 22 of October's 31 days. Its size from
    # 2012-10-10 counts (its first size in the month).
    prorated = Proration(22, 31)
    assert [(l.part, l.quantity, l.unit_price, l.proration, l.amount) for l in invoice.lines] == [
        # 3000.00 x 22/31 = 2129.032... -> 2129.03
        (FeePart.BASE_FIXED, Decimal("1"), Decimal("3000.00"), prorated, Decimal("2129.03")),
        # 10 employees x 40.00 = 400.00; x 22/31 = 283.870... -> 283.87
        (FeePart.BASE_VARIABLE, Decimal("10"), Decimal("40.00"), prorated, Decimal("283.87")),
        # 12 payslips x 66.00 = 792.00 (volumes are never prorated)
        (FeePart.TRANSACTION, Decimal("12"), Decimal("66.00"), None, Decimal("792.00")),
        # the connection fee of the month it connects
        (FeePart.CONNECTION, Decimal("1"), Decimal("75000.00"), None, Decimal("75000.00")),
    ]
    assert [l.description for l in invoice.lines] == [
        "Grundavgift lönerelaterade tjänster, fast del",
        "Grundavgift lönerelaterade tjänster, rörlig del",
        "Löneadministration avvikelserapportering 8-17, per lönespecifikation",
        "Anslutningsavgift lönerelaterade tjänster"]
    assert invoice.lines[3].detail == "ansluten 2012-10-10"
    # net 2129.03 + 283.87 + 792.00 + 75000.00 = 78204.90
    # VAT 25 %: 19551.225 -> 19551.23 (half up, not to even)
    # gross 97756.13 -> payable 97756, rounding -0.13
    t = invoice.totals
    assert (t.net, t.vat, t.gross, t.rounding, t.payable) == (
        Decimal("78204.90"), Decimal("19551.23"), Decimal("97756.13"), Decimal("-0.13"),
        Decimal("97756"))
    assert [(s.rate, s.taxable, s.vat) for s in t.vat_subtotals] == [
        (Decimal("25"), Decimal("78204.90"), Decimal("19551.23"))]
    assert (invoice.number, invoice.buyer_reference, invoice.due_date) == (1, "Z-1", date(2012, 12, 5))
    assert _read(engine) == [invoice]


LAMBDA = f"""
[[agencies]]
organisation_number = "{ORG_LAMBDA}"
name = "Lambdaverket"
address = {{ street = "Box 1009", postal_code = "103 19", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 150 }} ]

  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-11-24
  buyer_reference = "L-77"
  subscriptions = [ {{ service = "FIN-ADD-ACCESS", from = 2012-11-24 }} ]
  connection_items = [ {{ description = "Integration mot ekonomisystem", amount = "4500.50" }} ]

  [[agencies.discounts]]
  percent = "20"
  parts = ["base_fixed", "base_variable"]
  area = "finance"
  from = "2012-11"
  to = "2012-12"
  reason = "Eget ekonomisystem"
"""


def _lambda_world(engine, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"), agencies_text=WORLD_AGENCIES + LAMBDA)
    with Session(engine) as session, session.begin():
        import_volumes(session, write_volumes(tmp_path, "lambda.csv", [
            f"2012-11,{ORG_LAMBDA},FIN-CUSTINV,11,Agresso,",
            f"2012-12,{ORG_LAMBDA},FIN-CUSTINV,13,Agresso,"]))
        import_pass_through(session, write_amounts(tmp_path, "amounts.csv", [
            f"2012-11,{ORG_A},payroll,Systemtjänst,1234.56,25",
            f"2012-11,{ORG_LAMBDA},finance,Utbildning,333.33,0,,,VATEX-EU-132-1I,"
            "Undantaget från skatteplikt: utbildning",
            f"2012-12,{ORG_C},eprocurement,Porto,10.01,6"]))


def test_hand_worked_invoice_with_proration_tiers_subscription_and_discount(engine, tmp_path):
    check_assumed_prices()
    _lambda_world(engine, tmp_path)

    invoice = _run(engine, NOVEMBER, date(2012, 12, 5)).invoices[3]

    assert (invoice.number, invoice.organisation_number, invoice.buyer_reference) == (4, ORG_LAMBDA, "L-77")
    # Connected 2012-11-24: 7 of November's 30 days.
    week = Proration(7, 30)
    lines = [(l.part, l.service_code, l.quantity, l.unit_price, l.proration, l.amount, l.vat_rate)
             for l in invoice.lines]
    assert lines == [
        # 10000.00 x 7/30 = 2333.333... -> 2333.33
        (FeePart.BASE_FIXED, None, Decimal("1"), Decimal("10000.00"), week, Decimal("2333.33"), Decimal("25")),
        # 150 employees: 100 x 156.00 + 50 x 91.00 = 20150.00 a month; x 7/30 = 4701.666... -> 4701.67
        (FeePart.BASE_VARIABLE, None, Decimal("1"), Decimal("20150.00"), week, Decimal("4701.67"), Decimal("25")),
        # 11 customer invoices x 45.00
        (FeePart.TRANSACTION, "FIN-CUSTINV", Decimal("11"), Decimal("45.00"), None, Decimal("495.00"), Decimal("25")),
        # subscription 2500.00 a month from the 24th: x 7/30 = 583.333... -> 583.33
        (FeePart.ADDITIONAL, "FIN-ADD-ACCESS", Decimal("1"), Decimal("2500.00"), week, Decimal("583.33"), Decimal("25")),
        # standard connection fee, then the agreed connection item
        (FeePart.CONNECTION, None, Decimal("1"), Decimal("60000.00"), None, Decimal("60000.00"), Decimal("25")),
        (FeePart.CONNECTION, None, Decimal("1"), Decimal("4500.50"), None, Decimal("4500.50"), Decimal("25")),
        # passed through at 0 % VAT
        (FeePart.PASS_THROUGH, None, Decimal("1"), Decimal("333.33"), None, Decimal("333.33"), Decimal("0")),
        # 20 % off the base fee parts, on the rounded lines:
        # -0.20 x 2333.33 = -466.666 -> -466.67; -0.20 x 4701.67 = -940.334 -> -940.33
        (FeePart.DISCOUNT, None, Decimal("2333.33"), Decimal("-0.2"), None, Decimal("-466.67"), Decimal("25")),
        (FeePart.DISCOUNT, None, Decimal("4701.67"), Decimal("-0.2"), None, Decimal("-940.33"), Decimal("25")),
    ]
    assert invoice.lines[1].tier_steps == (TierStep(1, 100, Decimal("156.00")),
                                           TierStep(101, 150, Decimal("91.00")))
    assert invoice.lines[1].detail == "150 anställda: 1-100 à 156.00, 101-150 à 91.00"
    assert {l.detail for l in invoice.lines if l.part is FeePart.DISCOUNT} == {"Eget ekonomisystem"}
    # At 25 %: 2333.33 + 4701.67 + 495.00 + 583.33 + 60000.00 + 4500.50 - 466.67 - 940.33
    #   = 71206.83, VAT 17801.7075 -> 17801.71
    # At 0 %: 333.33, VAT 0.00
    # net 71540.16, VAT 17801.71, gross 89341.87 -> payable 89342, rounding +0.13
    t = invoice.totals
    assert sorted((s.rate, s.taxable, s.vat) for s in t.vat_subtotals) == [
        (Decimal("0"), Decimal("333.33"), Decimal("0")),
        (Decimal("25"), Decimal("71206.83"), Decimal("17801.71"))]
    assert (t.net, t.vat, t.gross, t.rounding, t.payable) == (
        Decimal("71540.16"), Decimal("17801.71"), Decimal("89341.87"), Decimal("0.13"),
        Decimal("89342"))


def _round(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def test_every_stored_line_and_total_can_be_recomputed(engine, tmp_path):
    _lambda_world(engine, tmp_path)
    _run(engine, NOVEMBER, date(2012, 12, 5))
    _run(engine, DECEMBER, date(2013, 1, 4), SMALLER_DECEMBER)

    with Session(engine) as session:
        invoices = session.scalars(sa.select(InvoiceRow).order_by(InvoiceRow.number)).all()
        lines = session.scalars(sa.select(InvoiceLineRow)).all()
        vat_rows = session.scalars(sa.select(InvoiceVatRow)).all()
    assert [i.number for i in invoices] == list(range(1, 9))
    prorated = 0
    for line in lines:
        exact = line.quantity * line.unit_price
        if line.proration_days is not None:
            prorated += 1
            exact = exact * line.proration_days / line.proration_of_days
        assert line.amount == _round(exact, ORE), (line.invoice_number, line.line_no)
        assert line.amount == line.amount.quantize(ORE)
    assert prorated == 3  # Lambdaverket's November base fee parts and subscription

    for invoice in invoices:
        own = [l for l in lines if l.invoice_number == invoice.number]
        own_vat = [v for v in vat_rows if v.invoice_number == invoice.number]
        by_rate: dict[Decimal, Decimal] = {}
        for line in own:
            by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal(0)) + line.amount
        # One VAT row per rate, on the sum of that rate's lines, rounded once.
        assert sorted((v.rate, v.taxable, v.vat) for v in own_vat) == sorted(
            (rate, base, _round(base * rate / 100, ORE)) for rate, base in by_rate.items())
        assert invoice.net == sum(l.amount for l in own)
        assert invoice.vat == sum(v.vat for v in own_vat)
        assert invoice.payable == _round(invoice.net + invoice.vat, KRONA)
        assert invoice.rounding == invoice.payable - (invoice.net + invoice.vat)
        assert abs(invoice.rounding) <= Decimal("0.50")
    # Some invoice has more than one VAT rate, and some rounding is not zero.
    assert len(vat_rows) > len(invoices)
    assert any(i.rounding != 0 for i in invoices)
