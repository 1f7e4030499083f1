"""Estimating a prospective agency's monthly volumes from the centre's own
history (issue 4): per-employee ratios of each basic service, pooled over the
agencies with an agreement in the area, with the range seen and the window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy.orm import Session

from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.period import Month
from billing.quoting.cost_classes import CostClass
from billing.quoting.estimation import Ratio, per_employee_ratios
from billing.quoting.request import QuoteRequest, VolumeBasis
from billing.reports.quote_document import volume_rows
from billing.services.quotes import history_ratios, quote
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import ORG_A, check_assumed_prices, load_world, setup_world, write_volumes
import factories as f
from factories import D, M

PAYROLL, FINANCE, EPROCUREMENT = ServiceArea.PAYROLL, ServiceArea.FINANCE, ServiceArea.EPROCUREMENT
NOV, DEC = M("2012-11"), M("2012-12")

# --- pure: the rules -----------------------------------------------------------

# Five agencies (ids 1-5), all sizes from 2012-01-01:
#   1 Ett   10 employees, payroll      Nov: PAY-SLIP-DEV 10 (+ PAY-ADD-DEDUCT 7, PAY-SPEC-STATS 3 h)
#                                      Dec: PAY-SLIP-DEV 12
#   2 Två   30 employees, payroll      Nov: PAY-SLIP-DEV 15, PAY-SLIP-ATT 20; Dec: PAY-SLIP-ATT 25
#   3 Tre   20 employees, payroll      uses nothing
#   4 Fyra  50 employees, finance      Nov: FIN-CUSTINV 40
#   5 Fem  100 employees, payroll agreement ended 2012-10-31: not exposed in Nov or Dec
AGENCIES = {
    1: f.agency(f.agreement(PAYROLL), employees=10, org="1", name="Ett"),
    2: f.agency(f.agreement(PAYROLL), employees=30, org="2", name="Två"),
    3: f.agency(f.agreement(PAYROLL), employees=20, org="3", name="Tre"),
    4: f.agency(f.agreement(FINANCE), employees=50, org="4", name="Fyra"),
    5: f.agency(f.agreement(PAYROLL, ends_on=date(2012, 10, 31)), employees=100, org="5", name="Fem"),
}
VOLUMES = {
    NOV: {1: [f.volume("PAY-SLIP-DEV", 10, org="1"), f.volume("PAY-ADD-DEDUCT", 7, org="1"),
              f.volume("PAY-SPEC-STATS", 3, org="1")],
          2: [f.volume("PAY-SLIP-DEV", 15, org="2"), f.volume("PAY-SLIP-ATT", 20, org="2")],
          4: [f.volume("FIN-CUSTINV", 40, org="4")]},
    DEC: {1: [f.volume("PAY-SLIP-DEV", 12, org="1", period="2012-12")],
          2: [f.volume("PAY-SLIP-ATT", 25, org="2", period="2012-12")]},
}


def _ratios(areas=(PAYROLL,), agencies=AGENCIES, volumes=VOLUMES):
    return per_employee_ratios(f.catalogue(), areas, agencies, volumes)


def test_ratio_is_pooled_over_every_agency_with_an_agreement_in_the_area():
    ratios = _ratios()
    # Employee-months exposed in payroll: Ett 10 x 2 + Två 30 x 2 + Tre 20 x 2 = 120
    # (Tre counts although it used nothing; Fem's agreement had ended; Fyra has no payroll).
    # PAY-SLIP-DEV: (10 + 12 + 15) / 120 = 0.308333... -> 0.3083
    #   own ratios: Ett 22 / 20 = 1.1, Två 15 / 60 = 0.25, Tre 0 / 40 = 0 -> range 0.0000-1.1000
    # PAY-SLIP-ATT: (20 + 25) / 120 = 0.375 -> 0.3750
    #   own ratios: Ett 0, Två 45 / 60 = 0.75, Tre 0 -> range 0.0000-0.7500
    assert ratios == {
        "PAY-SLIP-DEV": Ratio("PAY-SLIP-DEV", D("0.3083"), D("0.0000"), D("1.1000"), 3, NOV, DEC),
        "PAY-SLIP-ATT": Ratio("PAY-SLIP-ATT", D("0.3750"), D("0.0000"), D("0.7500"), 3, NOV, DEC),
    }
    # Only basic per-unit services: not the additional PAY-ADD-DEDUCT nor the hourly
    # PAY-SPEC-STATS; nor FIN-CUSTINV, whose area was not asked for.


def test_each_requested_area_has_its_own_exposure():
    ratios = _ratios(areas=(PAYROLL, FINANCE))
    # Finance: only Fyra, 50 x 2 = 100 employee-months; FIN-CUSTINV 40 / 100 = 0.4
    assert ratios["FIN-CUSTINV"] == Ratio("FIN-CUSTINV", D("0.4000"), D("0.4000"), D("0.4000"), 1, NOV, DEC)
    assert ratios["PAY-SLIP-DEV"].per_employee == D("0.3083")
    assert set(_ratios(areas=(FINANCE,))) == {"FIN-CUSTINV"}
    assert _ratios(areas=(EPROCUREMENT,)) == {}


def test_each_month_counts_with_the_size_in_force_that_month():
    agencies = {**AGENCIES, 1: f.agency(f.agreement(PAYROLL), org="1", name="Ett",
                                        sizes=[(date(2012, 1, 1), 10), (date(2012, 12, 1), 30)])}
    ratios = _ratios(agencies=agencies)
    # Ett: 10 in November, 30 in December -> 40 employee-months; all: 40 + 60 + 40 = 140
    # PAY-SLIP-DEV 37 / 140 = 0.264285... -> 0.2643; Ett's own 22 / 40 = 0.55
    assert ratios["PAY-SLIP-DEV"] == Ratio("PAY-SLIP-DEV", D("0.2643"), D("0.0000"), D("0.5500"), 3, NOV, DEC)


def test_only_the_months_given_count():
    ratios = _ratios(volumes={DEC: VOLUMES[DEC]})
    # December alone: 60 employee-months; PAY-SLIP-DEV 12 / 60 = 0.2 (Ett 12 / 10 = 1.2 highest),
    # PAY-SLIP-ATT 25 / 60 = 0.416666... -> 0.4167 (Två 25 / 30 = 0.833... -> 0.8333)
    assert ratios == {
        "PAY-SLIP-DEV": Ratio("PAY-SLIP-DEV", D("0.2000"), D("0.0000"), D("1.2000"), 3, DEC, DEC),
        "PAY-SLIP-ATT": Ratio("PAY-SLIP-ATT", D("0.4167"), D("0.0000"), D("0.8333"), 3, DEC, DEC),
    }
    assert _ratios(volumes={}) == {}


def test_estimated_volume_is_ratio_times_employees_rounded_half_up_to_whole_units():
    att = _ratios()["PAY-SLIP-ATT"]
    # 0.3750 x 12 = 4.5 -> 5 (half up; half to even would give 4)
    assert att.estimate(12) == D("5")
    # 0.3750 x 4 = 1.5 -> 2; 0.3750 x 40 = 15.0 -> 15; 0.3750 x 1 = 0.375 -> 0
    assert (att.estimate(4), att.estimate(40), att.estimate(1)) == (D("2"), D("15"), D("0"))
    # From the ratio as shown: 0.3083 x 40 = 12.332 -> 12; 0.3083 x 1000 = 308.3 -> 308
    # (the unrounded 0.308333... x 1000 would be 308.33 -> 308 too, x 5000: 1541.5 vs 1541.67)
    dev = _ratios()["PAY-SLIP-DEV"]
    assert (dev.estimate(40), dev.estimate(1000), dev.estimate(5000)) == (D("12"), D("308"), D("1542"))
    assert str(dev.estimate(40)) == "12"
    # 0.2500 x 6 = 1.5 -> 2, x 10 = 2.5 -> 3
    quarter = Ratio("X", D("0.2500"), D("0"), D("1"), 2, NOV, NOV)
    assert (quarter.estimate(6), quarter.estimate(10)) == (D("2"), D("3"))


def test_the_shown_ratio_rounds_half_up():
    # One agency of 16 employees, two months, one payslip in all: 1 / 32 = 0.03125 -> 0.0313;
    # for 5000 employees 0.0313 x 5000 = 156.5 -> 157 (from 0.0312: 156)
    agencies = {1: f.agency(f.agreement(PAYROLL), employees=16)}
    volumes = {NOV: {1: [f.volume("PAY-SLIP-DEV", 1)]}, DEC: {}}
    ratio = _ratios(agencies=agencies, volumes=volumes)["PAY-SLIP-DEV"]
    assert (ratio.per_employee, ratio.low, ratio.high) == (D("0.0313"), D("0.0313"), D("0.0313"))
    assert ratio.estimate(5000) == D("157")


def test_the_estimate_says_where_it_came_from():
    assert _ratios()["PAY-SLIP-DEV"].describe(40) == (
        "uppskattat: 0.3083 per anställd och månad x 40 "
        "(spridning 0.0000-1.1000 bland 3 myndigheter, 2012-11-2012-12)")


# --- the centre's history in the database ---------------------------------------------

# World (db_helpers): Alfaverket 1, Betaverket 2, Gammaverket 4 employees, all with
# payroll; Betaverket finance, Gammaverket e-procurement. 7 payroll employees a month.
#   November: A PAY-SLIP-DEV 3, B PAY-SLIP-DEV 5, C PAY-SLIP-ATT 8, C EPR-INV-CODED 7
#             (B FIN-CUSTINV 30, FIN-ASSET 200)
#   December: A PAY-SLIP-DEV 4, B PAY-SLIP-DEV 6, C EPR-INV-CODED 9 (B FIN-ASSET 201)

def _request(**change) -> QuoteRequest:
    return replace(QuoteRequest(name="Ny", employees=40, areas=(PAYROLL, EPROCUREMENT),
                                start=Month(2013, 1), months=12), **change)


def _summary(ratios):
    return {code: (str(r.per_employee), str(r.low), str(r.high), r.agencies, str(r.first), str(r.last))
            for code, r in ratios.items()}


def test_history_ratios_respect_the_window(engine, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    with Session(engine) as session:
        everything = history_ratios(session, _request(), None, None)
        november = history_ratios(session, _request(), NOV, NOV)
        december = history_ratios(session, _request(), DEC, None)
        up_to_november = history_ratios(session, _request(), None, NOV)
        before = history_ratios(session, _request(), M("2012-06"), M("2012-10"))

    # Both months: 14 payroll employee-months.
    #   PAY-SLIP-DEV (3 + 5 + 4 + 6) / 14 = 1.285714... -> 1.2857; A 7 / 2 = 3.5, B 11 / 4 = 2.75, C 0
    #   PAY-SLIP-ATT 8 / 14 = 0.571428... -> 0.5714; C 8 / 8 = 1.0, A and B 0
    #   EPR-INV-CODED (7 + 9) / (4 x 2) = 2.0, only C
    assert _summary(everything) == {
        "PAY-SLIP-DEV": ("1.2857", "0.0000", "3.5000", 3, "2012-11", "2012-12"),
        "PAY-SLIP-ATT": ("0.5714", "0.0000", "1.0000", 3, "2012-11", "2012-12"),
        "EPR-INV-CODED": ("2.0000", "2.0000", "2.0000", 1, "2012-11", "2012-12")}
    # November: PAY-SLIP-DEV 8 / 7 = 1.142857... -> 1.1429 (A 3, B 2.5, C 0);
    #   PAY-SLIP-ATT 8 / 7 -> 1.1429 (C 8 / 4 = 2); EPR-INV-CODED 7 / 4 = 1.75
    assert _summary(november) == {
        "PAY-SLIP-DEV": ("1.1429", "0.0000", "3.0000", 3, "2012-11", "2012-11"),
        "PAY-SLIP-ATT": ("1.1429", "0.0000", "2.0000", 3, "2012-11", "2012-11"),
        "EPR-INV-CODED": ("1.7500", "1.7500", "1.7500", 1, "2012-11", "2012-11")}
    assert up_to_november == november
    # December: PAY-SLIP-DEV 10 / 7 = 1.428571... -> 1.4286 (A 4, B 3, C 0); no PAY-SLIP-ATT;
    #   EPR-INV-CODED 9 / 4 = 2.25
    assert _summary(december) == {
        "PAY-SLIP-DEV": ("1.4286", "0.0000", "4.0000", 3, "2012-12", "2012-12"),
        "EPR-INV-CODED": ("2.2500", "2.2500", "2.2500", 1, "2012-12", "2012-12")}
    assert before == {}


def test_corrected_volumes_count_as_corrected(engine, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",))
    with Session(engine) as session, session.begin():
        correct_volumes(session, write_volumes(tmp_path, "late.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,17,Palasso,"]),
                        "fel antal")
    with Session(engine) as session:
        ratios = history_ratios(session, _request(), None, None)
    # Alfaverket's 3 superseded by 17: (17 + 5) / 7 = 3.142857... -> 3.1429; Alfaverket's own 17 / 1 = 17
    assert _summary(ratios)["PAY-SLIP-DEV"] == ("3.1429", "0.0000", "17.0000", 3, "2012-11", "2012-11")


def test_a_quote_estimates_missing_basic_volumes_and_says_where_each_came_from(engine, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    with Session(engine) as session:
        estimated, ratios = quote(session, _request(), estimate=True, first=DEC, last=DEC)

    # December ratios x 40: PAY-SLIP-DEV 1.4286 x 40 = 57.144 -> 57; EPR-INV-CODED 2.25 x 40 = 90.
    # PAY-SLIP-ATT has no December history: not estimated.
    assert volume_rows(estimated) == [
        {"service": "EPR-INV-CODED", "monthly_quantity": D("90"),
         "source": "uppskattat: 2.2500 per anställd och månad x 40 "
                   "(spridning 2.2500-2.2500 bland 1 myndigheter, 2012-12-2012-12)"},
        {"service": "PAY-SLIP-DEV", "monthly_quantity": D("57"),
         "source": "uppskattat: 1.4286 per anställd och månad x 40 "
                   "(spridning 0.0000-4.0000 bland 3 myndigheter, 2012-12-2012-12)"}]
    assert set(ratios) == {"PAY-SLIP-DEV", "EPR-INV-CODED"}
    # Priced like given volumes, standard-2013-01, a month without connection:
    #   payroll 3100.00 + 40 x 40.00 + 57 x 68.00 (3876.00) = 8576.00
    #   e-procurement 2500.00 + 750.00 + 90 x 33.00 (2970.00) = 6220.00 -> annual 14796.00
    assert estimated.months[1].by_class[CostClass.ANNUAL] == D("14796.00")


def test_given_volumes_are_kept_and_only_missing_basic_services_estimated(engine, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    request = _request(volumes={"PAY-SLIP-DEV": VolumeBasis(D("50"), "angivet"),
                                "PAY-ADD-DEDUCT": VolumeBasis(D("2"), "angivet")})
    with Session(engine) as session:
        estimated, _ = quote(session, request, estimate=True, first=NOV, last=NOV)

    rows = {r["service"]: (r["monthly_quantity"], r["source"].split(" per ")[0]) for r in volume_rows(estimated)}
    # November: PAY-SLIP-DEV given (its ratio 1.1429 is not used); PAY-SLIP-ATT 1.1429 x 40 =
    # 45.716 -> 46; EPR-INV-CODED 1.75 x 40 = 70; the additional service as given.
    assert rows == {
        "PAY-SLIP-DEV": (D("50"), "angivet"),
        "PAY-ADD-DEDUCT": (D("2"), "angivet"),
        "PAY-SLIP-ATT": (D("46"), "uppskattat: 1.1429"),
        "EPR-INV-CODED": (D("70"), "uppskattat: 1.7500"),
    }
    lines = {l.service_code: l.quantity for l in estimated.months[0].lines if l.service_code}
    assert lines == {"PAY-SLIP-DEV": D("50"), "PAY-ADD-DEDUCT": D("2"), "PAY-SLIP-ATT": D("46"),
                     "EPR-INV-CODED": D("70")}


@pytest.mark.parametrize("first, last, window", [
    ("2013-01", None, "2013-01 to the last"),
    ("2012-06", "2012-10", "2012-06 to 2012-10"),
])
def test_with_no_history_in_the_window_the_user_is_told_to_give_volumes(engine, tmp_path, first, last,
                                                                         window):
    setup_world(engine, tmp_path, months=("2012-11", "2012-12"))
    with Session(engine) as session, pytest.raises(DataError) as error:
        quote(session, _request(), estimate=True, first=M(first), last=last and M(last))
    problem, = error.value.problems
    assert problem.field == "estimate"
    assert f"no volume history from {window} to estimate from" in problem.message
    assert "give the expected volumes with --volume CODE=QUANTITY" in problem.message


def test_with_no_history_at_all_the_user_is_told_to_give_volumes(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    with Session(engine) as session, pytest.raises(DataError) as error:
        quote(session, _request(), estimate=True)
    assert "give the expected volumes" in str(error.value)


def test_an_area_without_history_in_the_window_is_not_silently_priced_without_volumes(engine, tmp_path):
    # October has payroll history only (e-procurement agreements exist, but nothing was recorded).
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path, months=())
        import_volumes(session, write_volumes(tmp_path, "2012-10.csv", [f"2012-10,{ORG_A},PAY-SLIP-DEV,3,Palasso,"]))
    october = M("2012-10")
    with Session(engine) as session, pytest.raises(DataError) as error:
        quote(session, _request(), estimate=True, first=october, last=october)
    problem, = error.value.problems
    assert problem.field in ("estimate", "volumes")
    assert "E-handelstjänster" in problem.message or "eprocurement" in problem.message
    assert "--volume" in problem.message


def test_an_unknown_given_service_is_named_also_when_estimating(engine, tmp_path):
    setup_world(engine, tmp_path, months=("2012-11",))
    request = _request(volumes={"PAY-SLIP-XYZ": VolumeBasis(D("5"), "angivet")})
    with Session(engine) as session, pytest.raises(DataError) as error:
        quote(session, request, estimate=True)
    assert [(p.field, p.message) for p in error.value.problems] == [("volumes", "unknown service PAY-SLIP-XYZ")]
