"""Issue 10, size: a volume file is taken in batch by batch (here batches of a
few records, so that every check crosses a batch boundary), with the same
result as at once, still all or nothing; a file of many bad rows is told as
its first hundred problems and a count."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.errors import SHOWN_PROBLEMS, DataError, Problem
from billing.persistence.models import ImportBatch, VolumeRow
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import ORG_A, ORG_B, ORG_C, dump, setup_world, write_volumes


def take_in(engine, path, batch_size, reason=""):
    with Session(engine) as session, session.begin():
        if reason:
            return correct_volumes(session, path, reason, batch_size=batch_size)
        return import_volumes(session, path, batch_size=batch_size)


def refused(engine, path, batch_size, reason="") -> DataError:
    before = dump(engine)
    with pytest.raises(DataError) as caught:
        take_in(engine, path, batch_size, reason)
    assert dump(engine) == before
    return caught.value


def rows(engine):
    with Session(engine) as session:
        return [(str(r.period), r.agency_id, r.service_code, r.quantity, r.reference, r.source_line,
                 r.revision, r.superseded_by_id is None)
                for r in session.scalars(sa.select(VolumeRow).order_by(VolumeRow.id))]


FILE = [f"2012-12,{ORG_A},PAY-SLIP-DEV,4,Palasso,",         # line 2
        f"2012-12,{ORG_B},PAY-SLIP-DEV,6,Palasso,",         # line 3
        f"2012-12,{ORG_B},FIN-ASSET,201,Agresso,",          # line 4
        f"2012-12,{ORG_C},EPR-INV-CODED,9,Proceedo,",       # line 5
        f"2012-12,{ORG_A},PAY-EXPENSE,2,Palasso,run-1",     # line 6
        f"2012-12,{ORG_A},PAY-EXPENSE,5,Palasso,run-2"]     # line 7


@pytest.mark.parametrize("batch_size", [1, 2, 4, 10_000])
def test_any_batch_size_stores_the_same_rows(engine, tmp_path, batch_size):
    setup_world(engine, tmp_path)
    path = write_volumes(tmp_path, "december.csv", FILE)
    result = take_in(engine, path, batch_size)
    assert (result.added, result.skipped) == (6, 0)
    december = [r for r in rows(engine) if r[0] == "2012-12"]
    # In file order, each with its line, first revisions, in force.
    assert [(r[2], r[3], r[5], r[6], r[7]) for r in december] == [
        ("PAY-SLIP-DEV", Decimal(4), 2, 1, True), ("PAY-SLIP-DEV", Decimal(6), 3, 1, True),
        ("FIN-ASSET", Decimal(201), 4, 1, True), ("EPR-INV-CODED", Decimal(9), 5, 1, True),
        ("PAY-EXPENSE", Decimal(2), 6, 1, True), ("PAY-EXPENSE", Decimal(5), 7, 1, True)]
    with Session(engine) as session:
        batch = session.scalars(sa.select(ImportBatch).where(ImportBatch.file_name == str(path))).one()
        assert (batch.records_added, batch.records_skipped) == (6, 0)
    again = take_in(engine, path, batch_size)
    assert (again.added, again.skipped) == (0, 6)


def test_a_duplicate_in_a_later_batch_is_refused_with_the_first_line(engine, tmp_path):
    setup_world(engine, tmp_path)
    path = write_volumes(tmp_path, "dup.csv", [*FILE, FILE[1].replace(",6,", ",7,")])  # line 8 = line 3
    error = refused(engine, path, batch_size=2)
    assert [(p.line, p.field) for p in error.problems] == [(8, "service")]
    assert "duplicate record: same period, agency, service and reference as line 3" in str(error)


def test_a_record_already_stored_given_twice_in_different_batches_is_refused(engine, tmp_path):
    # 2012-11 is stored: line 2 alone would be skipped as already there, and
    # line 5 repeats it, in another batch. A file that gives a record twice is
    # refused, whether or not its first copy changes anything.
    world = setup_world(engine, tmp_path)
    november = world.volumes["2012-11"].read_text(encoding="utf-8").splitlines()[1:]
    path = write_volumes(tmp_path, "twice.csv", [november[0], november[1], november[2], november[0]])
    error = refused(engine, path, batch_size=2)
    assert [(p.line, p.field, p.message) for p in error.problems] == [
        (5, "service", "duplicate record: same period, agency, service and reference as line 2")]


def test_a_second_stock_record_in_a_later_batch_is_refused(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    path = write_volumes(tmp_path, "stock.csv", [FILE[2], FILE[0], FILE[1],
                                                 f"2012-12,{ORG_B},FIN-ASSET,5,Agresso,late"])
    error = refused(engine, path, batch_size=1)
    assert [(p.line, p.field) for p in error.problems] == [(5, "service")]
    assert "month-end stock" in str(error)


def test_a_correction_across_batches_supersedes_each_record_once(engine, tmp_path):
    world = setup_world(engine, tmp_path)
    november = world.volumes["2012-11"].read_text(encoding="utf-8").splitlines()[1:]
    # lines 2-4: A's payslips 3 -> 4, B's payslips unchanged, B's stock 200 -> 210
    path = write_volumes(tmp_path, "fix.csv", [november[0].replace(",3,", ",4,"), november[1],
                                               november[3].replace(",200,", ",210,")])
    result = take_in(engine, path, batch_size=1, reason="underlaget rättat")
    assert (result.added, result.skipped, result.superseded) == (2, 1, 2)
    stored = [r for r in rows(engine) if r[2] in ("PAY-SLIP-DEV", "FIN-ASSET")]
    # (service, quantity, line, revision, in force): the old revisions stay, superseded.
    assert sorted((r[2], r[1], r[3], r[6], r[7]) for r in stored) == sorted([
        ("PAY-SLIP-DEV", stored[0][1], Decimal(3), 1, False),
        ("PAY-SLIP-DEV", stored[1][1], Decimal(5), 1, True),
        ("FIN-ASSET", stored[2][1], Decimal(200), 1, False),
        ("PAY-SLIP-DEV", stored[0][1], Decimal(4), 2, True),
        ("FIN-ASSET", stored[2][1], Decimal(210), 2, True)])
    with Session(engine) as session:
        old = session.scalars(sa.select(VolumeRow).where(VolumeRow.quantity == Decimal(3))).one()
        new = session.get(VolumeRow, old.superseded_by_id)
        assert (new.quantity, new.revision, new.source_line) == (Decimal(4), 2, 2)


def test_many_bad_rows_are_told_as_the_first_hundred_and_a_count(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    bad = [f"2012-12,{ORG_A},PAY-SLIP-DEV,-{n},,r{n}" for n in range(1, 251)]  # lines 2-251
    path = write_volumes(tmp_path, "bad.csv", bad)
    error = refused(engine, path, batch_size=7)
    assert len(error.problems) == SHOWN_PROBLEMS == 100
    assert [p.line for p in error.problems] == list(range(2, 102))
    assert error.omitted == 150
    message = str(error).splitlines()
    assert message[0] == "250 problems found, nothing was changed:"
    assert message[-1] == "  … and 150 more problems"
    assert len(message) == 102


def test_many_unknown_agencies_are_told_as_the_first_hundred_and_a_count(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    from db_helpers import orgnr
    unknown = [f"2012-12,{orgnr(f'3021{n:05d}')},PAY-SLIP-DEV,1,," for n in range(130)]
    path = write_volumes(tmp_path, "unknown.csv", unknown)
    error = refused(engine, path, batch_size=50)
    assert (len(error.problems), error.omitted) == (100, 30)
    assert all(p.field == "organisation_number" for p in error.problems)
    assert "… and 30 more problems" in str(error)


def test_data_error_counts_with_thousands_separators():
    error = DataError([Problem("x")] * 1_000_000)
    assert str(error).splitlines()[0] == "1,000,000 problems found, nothing was changed:"
    assert str(error).splitlines()[-1] == "  … and 999,900 more problems"
    assert DataError([Problem("x")] * 101).omitted == 1
    assert str(DataError([Problem("x")] * 101)).endswith("… and 1 more problem")
