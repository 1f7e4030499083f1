"""The run rates its agencies a chunk at a time, each chunk with its own
volume records and pass-through charges (services/billing_run.py,
AGENCY_CHUNK): what it issues cannot depend on where the chunks fall."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

import billing.services.billing_run as billing_run
from billing.errors import BillingError
from billing.period import Month
from billing.persistence.mapping import load_volumes
from billing.services.billing_run import draft_month
from db_helpers import ORG_A, ORG_B, ORG_C, setup_world

NOVEMBER = Month(2012, 11)


def _drafts(engine, agency_id=None):
    with Session(engine) as session:
        return draft_month(session, NOVEMBER, date(2012, 12, 5), agency_id)


def test_drafts_are_the_same_whatever_the_chunk_size(engine, tmp_path, monkeypatch):
    setup_world(engine, tmp_path)
    whole = _drafts(engine)
    # The world bills three agencies (A, B, C): chunks of one put every agency
    # in a chunk of its own, chunks of two split them 2 + 1.
    assert [d.document.organisation_number for d in whole] == [ORG_A, ORG_B, ORG_C]
    for size in (1, 2):
        monkeypatch.setattr(billing_run, "AGENCY_CHUNK", size)
        assert _drafts(engine) == whole


def test_one_agency_is_drafted_from_its_own_records(engine, tmp_path):
    setup_world(engine, tmp_path)
    whole = {d.agency_id: d.document for d in _drafts(engine)}
    for agency_id, document in whole.items():
        assert [(d.agency_id, d.document) for d in _drafts(engine, agency_id)] == [(agency_id, document)]
        # Its lines name only its own records.
        with Session(engine) as session:
            own = {r.id for r in load_volumes(session, NOVEMBER, [agency_id])[agency_id]}
        named = {i for line in document.lines for i in line.volume_record_ids}
        assert named and named <= own


def test_a_chunk_larger_than_an_in_list_may_be_is_refused(engine, tmp_path):
    with Session(engine) as session, pytest.raises(BillingError, match="at most 5000"):
        load_volumes(session, NOVEMBER, list(range(1, 5002)))
