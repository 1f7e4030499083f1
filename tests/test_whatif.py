"""What a draft price list does to every agency (issue 4): recorded volumes
re-rated under the lists in force and under the draft, per agency and area.
It issues nothing and changes nothing."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.period import Month
from billing.quoting.whatif import Difference, compare_price_lists
from billing.services.passthrough import import_pass_through
from billing.services.quotes import what_if
from db_helpers import (ORG_A, ORG_B, ORG_C, TARIFFS, check_assumed_prices, dump, load_world, set_price,
                        write)
import factories as f
from factories import D, M

PAYROLL, FINANCE, EPROCUREMENT = ServiceArea.PAYROLL, ServiceArea.FINANCE, ServiceArea.EPROCUREMENT
NOV, DEC = M("2012-11"), M("2012-12")


def _rows(differences):
    return [(d.organisation_number, d.name, str(d.area), str(d.current), str(d.draft), str(d.change),
             None if d.percent is None else str(d.percent)) for d in differences]


# --- pure: the comparison -----------------------------------------------------------

# Small lists of tests/factories.py: payroll 3000.00 + 30.00 per employee, finance
# 8000.00 + 120.00 per employee up to 100; PAY-SLIP-DEV 62.00, PAY-SLIP-ATT 68.00,
# FIN-CUSTINV 45.00. The draft raises PAY-SLIP-DEV 10 %: 62.00 -> 68.20.
CURRENT = (f.price_list(),
           f.price_list("kammar-2012-01", series="kammar", valid_from=date(2012, 1, 1),
                        prices={**f.PRICES, "PAY-SLIP-DEV": "50.00"}))
DRAFT = f.price_list("utkast-2013-01", valid_from=date(2013, 1, 1), prices={**f.PRICES, "PAY-SLIP-DEV": "68.20"})

AGENCIES = {
    1: f.agency(f.agreement(PAYROLL), employees=10, org="100000-0001", name="Ankarverket"),
    2: f.agency(f.agreement(PAYROLL), f.agreement(FINANCE), employees=20, org="100000-0002",
                name="Bryggverket"),
    # follows an old agreement's series: a standard draft does not touch it
    3: f.agency(f.agreement(PAYROLL, price_series="kammar"), employees=10, org="100000-0003",
                name="Grindverket"),
    # no volumes, agreement in force: its base fee is compared too
    4: f.agency(f.agreement(PAYROLL), employees=10, org="100000-0004", name="Dammverket"),
    # agreement ended before November, no volumes: not compared
    5: f.agency(f.agreement(PAYROLL, ends_on=date(2012, 10, 31)), employees=10, org="100000-0005",
                name="Eldverket"),
}
VOLUMES = {NOV: {
    1: [f.volume("PAY-SLIP-DEV", 10, org="100000-0001")],
    2: [f.volume("PAY-SLIP-ATT", 5, org="100000-0002"), f.volume("FIN-CUSTINV", 2, org="100000-0002")],
    3: [f.volume("PAY-SLIP-DEV", 10, org="100000-0003")],
}}


def test_a_ten_percent_raise_of_one_price_changes_only_its_charges():
    differences = compare_price_lists(f.catalogue(), CURRENT, DRAFT, AGENCIES, VOLUMES)
    # Ankarverket: 3000.00 + 10 x 30.00 + 10 x 62.00 = 3920.00; draft 10 x 68.20 = 682.00 -> 3982.00,
    #              +62.00 = 10 % of its 620.00 PAY-SLIP-DEV; 62.00 / 3920.00 = 1.58 % -> 1.6
    # Bryggverket: payroll 3000.00 + 600.00 + 5 x 68.00 = 3940.00; finance 8000.00 + 20 x 120.00
    #              + 2 x 45.00 = 10490.00: no PAY-SLIP-DEV, unchanged
    # Dammverket: 3000.00 + 300.00 = 3300.00, unchanged
    # Grindverket: its own series, 3000.00 + 300.00 + 10 x 50.00 = 3800.00, unchanged
    # The draft's valid_from (2013-01) does not matter: it replaces its series for every month.
    assert _rows(differences) == [
        ("100000-0001", "Ankarverket", "payroll", "3920.00", "3982.00", "62.00", "1.6"),
        ("100000-0002", "Bryggverket", "payroll", "3940.00", "3940.00", "0.00", "0.0"),
        ("100000-0002", "Bryggverket", "finance", "10490.00", "10490.00", "0.00", "0.0"),
        ("100000-0004", "Dammverket", "payroll", "3300.00", "3300.00", "0.00", "0.0"),
        ("100000-0003", "Grindverket", "payroll", "3800.00", "3800.00", "0.00", "0.0"),
    ]


def test_a_draft_that_does_not_price_a_service_in_use_names_the_agency_and_service():
    without = f.price_list("utkast-utan-att", prices={k: v for k, v in f.PRICES.items() if k != "PAY-SLIP-ATT"})
    with pytest.raises(DataError) as error:
        compare_price_lists(f.catalogue(), CURRENT, without, AGENCIES, VOLUMES)
    message = str(error.value)
    assert ("100000-0002 Bryggverket: payroll: price list utkast-utan-att does not price "
            "PAY-SLIP-ATT") in message


def test_the_change_in_per_cent_to_one_decimal():
    def diff(current, draft):
        return Difference(f.ORG, f.NAME, PAYROLL, D(current), D(draft))
    assert (diff("3920.00", "3982.00").change, diff("3920.00", "3982.00").percent) == (D("62.00"), D("1.6"))
    # 150.00 from 200.00: -50.00, -25.0 %
    assert (diff("200.00", "150.00").change, diff("200.00", "150.00").percent) == (D("-50.00"), D("-25.0"))
    # 300.00 from 3000.00: 10.0 %; 1.00 from 3000.00: 0.0333 % -> 0.0
    assert (diff("3000.00", "3300.00").percent, diff("3000.00", "3001.00").percent) == (D("10.0"), D("0.0"))
    # nothing to compare with: no percentage
    assert diff("0.00", "5.00").percent is None and diff("0.00", "5.00").change == D("5.00")


def test_the_percentage_rounds_half_up():
    # 10.00 / 4000.00 = 0.25 % -> 0.3 (half up); -0.25 % -> -0.3
    assert Difference(f.ORG, f.NAME, PAYROLL, D("4000.00"), D("4010.00")).percent == D("0.3")
    assert Difference(f.ORG, f.NAME, PAYROLL, D("4000.00"), D("3990.00")).percent == D("-0.3")


# --- the recorded world in the database ------------------------------------------------

def draft_file(directory, *, raise_dev: bool = True, drop: str | None = None):
    """standard-2012-06 under a new id, PAY-SLIP-DEV raised 10 % (66.00 -> 72.60)."""
    path = directory / "draft" / "draft-2012-06-dev.toml"
    path.parent.mkdir(exist_ok=True)
    shutil.copy(TARIFFS / "standard-2012-06.toml", path)
    text = path.read_text(encoding="utf-8")
    assert text.count('id = "standard-2012-06"') == 1
    text = text.replace('id = "standard-2012-06"', 'id = "draft-2012-06-dev"')
    if drop:
        text = "\n".join(l for l in text.splitlines() if not l.startswith(f"{drop} = "))
    path.write_text(text, encoding="utf-8")
    if raise_dev:
        set_price(path, "PAY-SLIP-DEV", "72.60")
    return path


def world(engine, tmp_path):
    with Session(engine) as session, session.begin():
        load_world(session, tmp_path, months=("2012-11", "2012-12"))
        # A pass-through amount is not priced by a list: left out of both sides.
        import_pass_through(session, write(tmp_path, "amounts.csv", "\n".join([
            "period,organisation_number,area,description,amount,vat_rate",
            f"2012-11,{ORG_A},payroll,Systemtjänst,1234.56,25"]) + "\n"))


# World, standard-2012-06, November and December (no connection, no proration):
#   Alfaverket payroll  Nov 3000.00 + 1 x 40.00 + 3 x 66.00 (198.00) = 3238.00
#                       Dec 3040.00 + 4 x 66.00 (264.00) = 3304.00               -> 6542.00
#     draft: PAY-SLIP-DEV (198.00 + 264.00) x 1.1 = 508.20, +46.20 -> 6588.20; 46.20 / 6542.00 = 0.71 % -> 0.7
#   Betaverket payroll  Nov 3080.00 + 5 x 66.00 (330.00) = 3410.00
#                       Dec 3080.00 + 6 x 66.00 (396.00) = 3476.00               -> 6886.00
#     draft: +10 % of 726.00 = +72.60 -> 6958.60; 72.60 / 6886.00 = 1.05 % -> 1.1
#   Betaverket finance  Nov 10000.00 + 2 x 156.00 + 30 x 45.00 + 200 x 3.50 = 12362.00
#                       Dec 10312.00 + 201 x 3.50 (703.50) = 11015.50             -> 23377.50, unchanged
#   Gammaverket payroll Nov 3000.00 + 4 x 40.00 + 8 x 68.00 = 3704.00; Dec 3160.00 -> 6864.00, unchanged
#   Gammaverket e-procurement Nov 2500.00 + 750.00 + 7 x 34.00 = 3488.00
#                       Dec 3250.00 + 9 x 34.00 = 3556.00                          -> 7044.00, unchanged
#   payroll total 6542.00 + 6886.00 + 6864.00 = 20292.00 -> 20410.80, +118.80
#     (= 10 % of all PAY-SLIP-DEV charges 198 + 264 + 330 + 396 = 1188.00); 0.585 % -> 0.6
WORLD_DIFFERENCES = [
    (ORG_A, "Alfaverket", "payroll", "6542.00", "6588.20", "46.20", "0.7"),
    (ORG_B, "Betaverket", "payroll", "6886.00", "6958.60", "72.60", "1.1"),
    (ORG_B, "Betaverket", "finance", "23377.50", "23377.50", "0.00", "0.0"),
    (ORG_C, "Gammaverket", "payroll", "6864.00", "6864.00", "0.00", "0.0"),
    (ORG_C, "Gammaverket", "eprocurement", "7044.00", "7044.00", "0.00", "0.0"),
]


def test_what_if_on_the_recorded_world_changes_nothing(engine, tmp_path):
    check_assumed_prices()
    world(engine, tmp_path)
    draft = draft_file(tmp_path)
    before = dump(engine)

    # Even in a transaction that commits, nothing is written.
    with Session(engine) as session, session.begin():
        differences, months, draft_id = what_if(session, draft, None, None)

    assert dump(engine) == before
    assert (months, draft_id) == ([NOV, DEC], "draft-2012-06-dev")
    assert _rows(differences) == WORLD_DIFFERENCES
    totals = {}
    for d in differences:
        current, drafted = totals.get(str(d.area), (Decimal(0), Decimal(0)))
        totals[str(d.area)] = (current + d.current, drafted + d.draft)
    assert {a: (str(c), str(d)) for a, (c, d) in totals.items()} == {
        "payroll": ("20292.00", "20410.80"), "finance": ("23377.50", "23377.50"),
        "eprocurement": ("7044.00", "7044.00")}


def test_what_if_over_a_window_of_months(engine, tmp_path):
    world(engine, tmp_path)
    with Session(engine) as session:
        differences, months, _ = what_if(session, draft_file(tmp_path), DEC, DEC)
    # December only: Alfaverket 3304.00 -> 3304.00 + 4 x 6.60 = 3330.40 (+26.40, 0.799 % -> 0.8);
    # Betaverket payroll 3476.00 -> 3476.00 + 6 x 6.60 = 3515.60 (+39.60, 1.139 % -> 1.1)
    assert months == [DEC]
    assert _rows(differences)[:2] == [
        (ORG_A, "Alfaverket", "payroll", "3304.00", "3330.40", "26.40", "0.8"),
        (ORG_B, "Betaverket", "payroll", "3476.00", "3515.60", "39.60", "1.1")]
    assert _rows(differences)[2][3:5] == ("11015.50", "11015.50")


def test_a_draft_that_does_not_price_a_service_in_use_is_refused_naming_agency_and_service(engine, tmp_path):
    world(engine, tmp_path)
    draft = draft_file(tmp_path, drop="PAY-SLIP-ATT")
    before = dump(engine)
    with Session(engine) as session:
        with pytest.raises(DataError) as error:
            what_if(session, draft, None, None)
        # Gammaverket used PAY-SLIP-ATT in November only: December alone compares.
        differences, _, _ = what_if(session, draft, DEC, DEC)
    problem, = error.value.problems
    assert problem.message == (f"{ORG_C} Gammaverket: payroll: price list draft-2012-06-dev "
                               "does not price PAY-SLIP-ATT")
    assert len(differences) == 5
    assert dump(engine) == before


def test_no_recorded_volumes_in_the_window_is_an_error(engine, tmp_path):
    world(engine, tmp_path)
    with Session(engine) as session, pytest.raises(DataError) as error:
        what_if(session, draft_file(tmp_path), Month(2013, 1), None)
    problem, = error.value.problems
    assert problem.field == "first_period" and "no recorded volumes" in problem.message
