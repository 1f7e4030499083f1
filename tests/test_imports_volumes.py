"""Volume import against a real database (SQLite and PostgreSQL): all or nothing,
idempotent, and every refusal located by file, line and field."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.period import Month
from billing.persistence.models import ImportBatch, VolumeRow
from billing.services.billing_run import run_month
from billing.services.volumes import import_volumes
from db_helpers import (ORG_A, ORG_B, ORG_C, ORG_UNKNOWN, WORLD_VOLUMES, dump, setup_world,
                        write, write_volumes)


def _import(engine, path):
    with Session(engine) as session, session.begin():
        return import_volumes(session, path)


def _volume_rows(engine):
    with Session(engine) as session:
        return [(str(r.period), r.agency_id, r.service_code, r.quantity, r.source, r.reference,
                 r.source_line)
                for r in session.scalars(sa.select(VolumeRow).order_by(VolumeRow.id))]


def test_valid_file_imports_every_record(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    path = write_volumes(tmp_path, "2012-11.csv", WORLD_VOLUMES["2012-11"])

    result = _import(engine, path)

    assert (result.added, result.skipped) == (6, 0)
    with Session(engine) as session:
        ids = dict(session.execute(sa.text("SELECT organisation_number, id FROM agencies")).all())
        batch = session.scalars(sa.select(ImportBatch).where(ImportBatch.kind == "volumes")).one()
    a, b, c = ids[ORG_A], ids[ORG_B], ids[ORG_C]
    # Every record as written in the file, with its line (the header is line 1).
    assert _volume_rows(engine) == [
        ("2012-11", a, "PAY-SLIP-DEV", Decimal("3"), "Palasso", "", 2),
        ("2012-11", b, "PAY-SLIP-DEV", Decimal("5"), "Palasso", "", 3),
        ("2012-11", b, "FIN-CUSTINV", Decimal("30"), "Agresso", "", 4),
        ("2012-11", b, "FIN-ASSET", Decimal("200"), "Agresso", "", 5),
        ("2012-11", c, "PAY-SLIP-ATT", Decimal("8"), "Palasso", "", 6),
        ("2012-11", c, "EPR-INV-CODED", Decimal("7"), "Proceedo", "", 7),
    ]
    assert (batch.file_name, batch.records_added, batch.records_skipped) == (str(path), 6, 0)
    assert batch.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_importing_the_same_file_twice_adds_nothing(engine, tmp_path):
    world = setup_world(engine, tmp_path)  # imports 2012-11 once
    before = _volume_rows(engine)

    again = _import(engine, world.volumes["2012-11"])

    assert (again.added, again.skipped) == (0, 6)
    assert _volume_rows(engine) == before
    assert len(before) == 6
    # A file with the same records in another order, one already-known line
    # and one new one: only the new one is added.
    mixed = write_volumes(tmp_path, "mixed.csv", [
        WORLD_VOLUMES["2012-11"][3], WORLD_VOLUMES["2012-11"][0],
        f"2012-11,{ORG_A},PAY-EXPENSE,2,Palasso,",
    ])
    result = _import(engine, mixed)
    assert (result.added, result.skipped) == (1, 2)
    assert len(_volume_rows(engine)) == 7


def test_reference_distinguishes_records_and_optional_columns_may_be_left_out(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    # Two records of the same service differing only by reference are two records.
    path = write_volumes(tmp_path, "refs.csv", [
        f"2012-11,{ORG_A},PAY-EXPENSE,2,Palasso,run-1",
        f"2012-11,{ORG_A},PAY-EXPENSE,5,Palasso,run-2",
    ])
    assert _import(engine, path).added == 2
    # No source/reference columns at all; the dash of the organisation number is optional.
    bare = write(tmp_path, "bare.csv", "period,organisation_number,service,quantity\n"
                                       f"2012-11,{ORG_B.replace('-', '')},PAY-EXPENSE,4\n")
    assert _import(engine, bare).added == 1
    rows = _volume_rows(engine)
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("PAY-EXPENSE", Decimal("2"), "Palasso", "run-1"),
        ("PAY-EXPENSE", Decimal("5"), "Palasso", "run-2"),
        ("PAY-EXPENSE", Decimal("4"), "", ""),
    ]


GOOD_DECEMBER = f"2012-12,{ORG_A},PAY-SLIP-DEV,4,Palasso,"  # always line 2: valid on its own

# (case, line 3 of a 2012-12 file whose line 2 is valid, field named, words in the message)
BAD_LINES = [
    ("unknown agency", f"2012-12,{ORG_UNKNOWN},PAY-SLIP-DEV,3,,",
     "organisation_number", f"unknown agency {ORG_UNKNOWN}"),
    ("organisation number with a wrong check digit", "2012-12,202100-0002,PAY-SLIP-DEV,3,,",
     "organisation_number", "not a valid Swedish organisation number"),
    ("unknown service", f"2012-12,{ORG_A},PAY-SLIP-XYZ,3,,", "service", "unknown service PAY-SLIP-XYZ"),
    ("negative quantity", f"2012-12,{ORG_B},PAY-SLIP-DEV,-3,,", "quantity", "negative quantity -3"),
    ("non-numeric quantity", f"2012-12,{ORG_B},PAY-SLIP-DEV,tre,,", "quantity", "not a number"),
    ("fractional pieces", f"2012-12,{ORG_B},PAY-SLIP-DEV,2.5,,", "quantity", "whole units"),
    ("hours with three decimals", f"2012-12,{ORG_B},PAY-SPEC-STATS,1.125,,", "quantity",
     "at most two decimals"),
    ("period is a date, not a month", f"2012-12-01,{ORG_B},PAY-SLIP-DEV,3,,", "period", "not a month"),
    ("period month 13", f"2012-13,{ORG_B},PAY-SLIP-DEV,3,,", "period", "month out of range"),
    ("missing quantity", f"2012-12,{ORG_B},PAY-SLIP-DEV,,,", "quantity", "missing value"),
    ("duplicate of line 2 in the same file", GOOD_DECEMBER, "service",
     "duplicate record: same period, agency, service and reference as line 2"),
    ("agency without an agreement in the area", f"2012-12,{ORG_A},FIN-CUSTINV,3,,", "service",
     "Alfaverket has no finance agreement in force in 2012-12"),
    ("agreement not yet in force that month", f"2012-07,{ORG_C},EPR-INV-CODED,3,,", "service",
     "Gammaverket has no eprocurement agreement in force in 2012-07"),
    ("service outside the agreement's list", f"2012-12,{ORG_C},EPR-ADD-SCAN,3,,", "service",
     "agreement does not cover EPR-ADD-SCAN"),
    ("subscription given as a volume", f"2012-12,{ORG_B},FIN-ADD-ACCESS,1,,", "service",
     "FIN-ADD-ACCESS is a subscription"),
    ("second month-end stock record (already one stored for 2012-11)",
     f"2012-11,{ORG_B},FIN-ASSET,210,Agresso,second", "service", "FIN-ASSET is a month-end stock"),
    ("changed quantity of an imported record", f"2012-11,{ORG_A},PAY-SLIP-DEV,4,Palasso,",
     "quantity", "already imported with quantity 3"),
]


@pytest.mark.parametrize("case, bad_line, field, message", BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_bad_input_is_refused_with_file_line_and_field_and_changes_nothing(
        engine, tmp_path, case, bad_line, field, message):
    setup_world(engine, tmp_path)  # 2012-11 already imported
    path = write_volumes(tmp_path, "bad.csv", [GOOD_DECEMBER, bad_line])
    before = dump(engine)

    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, path)

    text = str(refused.value)
    assert f"{path}:3 [{field}]" in text
    assert message in text
    assert "nothing was changed" in text
    # Not even the valid line 2 was stored, and no batch was recorded.
    assert dump(engine) == before


def test_second_stock_record_within_one_file_is_refused(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    before = dump(engine)
    path = write_volumes(tmp_path, "stock.csv", [
        f"2012-12,{ORG_B},FIN-ASSET,201,Agresso,register",
        f"2012-12,{ORG_B},FIN-ASSET,5,Agresso,late-additions",
    ])
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, path)
    assert f"{path}:3 [service]" in str(refused.value)
    assert "month-end stock" in str(refused.value)
    assert dump(engine) == before


def test_problems_are_collected_not_stopped_at_the_first(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    before = dump(engine)
    path = write_volumes(tmp_path, "many.csv", [
        f"2012-12,{ORG_UNKNOWN},PAY-SLIP-DEV,3,,",   # line 2
        GOOD_DECEMBER,                                # line 3
        f"2012-12,{ORG_B},PAY-SLIP-DEV,-1,,",         # line 4
        f"2012-12,{ORG_A},FIN-CUSTINV,3,,",           # line 5
    ])
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, path)
    located = sorted((p.line, p.field) for p in refused.value.problems)
    # The reader's problems (line 4) come first and stop the import before the
    # database checks (lines 2 and 5) are made: both passes name file, line, field.
    assert located == [(4, "quantity")]
    assert all(p.file == str(path) for p in refused.value.problems)
    assert dump(engine) == before

    fixed = write_volumes(tmp_path, "many-2.csv", [
        f"2012-12,{ORG_UNKNOWN},PAY-SLIP-DEV,3,,",   # line 2
        GOOD_DECEMBER,                                # line 3
        f"2012-12,{ORG_A},FIN-CUSTINV,3,,",           # line 4
    ])
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, fixed)
    assert sorted((p.line, p.field) for p in refused.value.problems) == [
        (2, "organisation_number"), (4, "service")]
    assert dump(engine) == before


def test_missing_column_is_refused_on_line_1(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    before = dump(engine)
    path = write(tmp_path, "cols.csv", f"period,organisation_number,service\n2012-12,{ORG_A},PAY-SLIP-DEV\n")
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, path)
    assert f"{path}:1" in str(refused.value)
    assert "missing column(s): quantity" in str(refused.value)
    assert dump(engine) == before


def test_volumes_of_an_invoiced_month_are_refused(engine, tmp_path):
    setup_world(engine, tmp_path)
    with Session(engine) as session, session.begin():
        run_month(session, Month(2012, 11), date(2012, 12, 5))
    before = dump(engine)
    late = write_volumes(tmp_path, "late.csv", [f"2012-11,{ORG_A},PAY-EXPENSE,2,Palasso,late"])
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, late)
    assert f"{late}:2 [period]" in str(refused.value)
    assert "2012-11 is already billed" in str(refused.value) and "Alfaverket" in str(refused.value)
    assert dump(engine) == before
    # Re-importing the already invoiced file itself is still a harmless no-op.
    again = _import(engine, write_volumes(tmp_path, "again.csv", WORLD_VOLUMES["2012-11"]))
    assert (again.added, again.skipped) == (0, 6)


def test_import_without_a_catalogue_is_refused(engine, tmp_path):
    before = dump(engine)  # empty but for the seeded invoice number series
    path = write_volumes(tmp_path, "v.csv", [GOOD_DECEMBER])
    with pytest.raises(DataError, match="no service catalogue"):
        with Session(engine) as session, session.begin():
            import_volumes(session, path)
    assert dump(engine) == before


# The reference column holds 100 characters (String(100)); a longer reference
# is bad input. It must be refused like any other, located, on both databases.
def test_overlong_reference_is_refused_as_bad_input(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    before = dump(engine)
    path = write_volumes(tmp_path, "long.csv", [GOOD_DECEMBER,
                                                f"2012-12,{ORG_B},PAY-EXPENSE,2,Palasso,{'R' * 101}"])
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_volumes(session, path)
    assert f"{path}:3 [reference]" in str(refused.value)
    assert dump(engine) == before
