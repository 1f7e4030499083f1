"""The journal's check and the pinned head, without a database: links made from
a few records by the rule, then changed as a forger would."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime

import pytest

from billing.audit.journal import (ChainLink, JournalHead, document_record, event_record, extend, link_seal,
                                   run_record)
from billing.audit.journal_check import check_journal
from billing.audit.pinned_head import PinnedHead, match_pinned, parse_seal
from billing.errors import DataError
from billing.files.head_file import head_file_text, parse_head_file
from billing.period import Month

AT = datetime(2012, 12, 5, 10, 30, 0, 123456)
RECORDS = [
    event_record(1, AT, "anna", "tariffs.load", {"directory": "tariffs"}, "4 price lists"),
    run_record(1, Month(2012, 11), date(2012, 12, 5), AT, "anna", 2),
    document_record(1, "a" * 64, 1),
    document_record(2, "b" * 64, 1),
    event_record(2, AT, "anna", "run", {"period": "2012-11"}, "2 invoices issued, numbers 1-2"),
]


def journal(records=RECORDS) -> tuple[list[ChainLink], JournalHead]:
    links = extend(JournalHead(), records)
    return links, JournalHead(links[-1].position, links[-1].seal)


def found(links, head, records=RECORDS):
    return [(f.kind, f.record) for f in check_journal(links, head, records).findings]


def test_the_seal_is_the_hash_of_the_previous_seal_the_kind_and_the_content():
    links, head = journal()
    # Worked out independently: the run's content is its columns as sorted-key
    # JSON, with the month, the date and the time as ISO text.
    content = ('{"id":1,"invoice_count":2,"period":"2012-11","run_by":"anna",'
               '"run_date":"2012-12-05","started_at":"2012-12-05T10:30:00.123456"}')
    assert RECORDS[1].content == content
    assert links[1].seal == hashlib.sha256((links[0].seal + "run" + content).encode()).hexdigest()
    assert [(link.position, link.kind, link.key) for link in links] == [
        (1, "event", "1"), (2, "run", "1"), (3, "document", "1"), (4, "document", "2"), (5, "event", "2")]
    assert links[0].previous_seal == "" and head == JournalHead(5, links[4].seal)
    assert json.loads(RECORDS[2].content) == {"number": 1, "seal": "a" * 64, "run": 1}
    verification = check_journal(links, head, RECORDS)
    assert verification.intact and verification.head == head
    assert verification.counts == {"event": 2, "run": 1, "document": 2}


def test_extending_continues_from_the_head():
    links, head = journal(RECORDS[:2])
    more = extend(head, RECORDS[2:])
    assert more[0].position == 3 and more[0].previous_seal == head.seal
    assert links + more == journal()[0]


def test_each_kind_of_tamper_is_named():
    links, head = journal()
    changed = [RECORDS[0], RECORDS[1], RECORDS[2], RECORDS[3],
               event_record(2, AT, "anna", "run", {"period": "2012-11"}, "0 invoices")]
    assert found(links, head, changed) == [("changed", "event 2")]
    assert found(links, head, RECORDS[:4]) == [("deleted", "event 2")]
    inserted = RECORDS + [event_record(3, AT, "x", "credit", {}, "")]
    assert found(links, head, inserted) == [("inserted", "event 3")]


def test_a_link_of_an_unknown_kind_or_twice_the_same_record_is_found():
    links, head = journal()
    odd = links[:4] + [replace(links[4], kind="invoice")]
    assert found(odd, head) == [("deleted", "invoice 2"), ("inserted", "event 2")]
    twice = links + [ChainLink(6, "event", "1", links[4].seal,
                               link_seal(links[4].seal, "event", RECORDS[0].content))]
    assert found(twice, JournalHead(6, twice[-1].seal)) == [("inserted", "event 1")]


def test_a_resealed_link_is_named_by_the_break_after_it():
    links, head = journal()
    forged_run = run_record(1, Month(2012, 11), date(2012, 12, 5), AT, "anna", 1)
    records = [RECORDS[0], forged_run, *RECORDS[2:]]
    resealed = [links[0], replace(links[1], seal=link_seal(links[0].seal, "run", forged_run.content)),
                *links[2:]]
    findings = check_journal(resealed, head, records).findings
    assert [(f.kind, f.record, f.position) for f in findings] == [("changed", "run 1", 2)]
    assert "körning 1 är inte posten som länk 3 kedjades till" in findings[0].message


def test_a_head_that_is_not_where_the_chain_ends_is_found():
    links, head = journal()
    assert found(links[:3], head, RECORDS[:3]) == [("deleted", "link 4-5")]
    assert found(links, JournalHead(5, "f" * 64)) == [("changed", "link 5")]
    assert found(links, JournalHead(4, links[3].seal)) == [("changed", "link 5")]


def test_a_pinned_head_matches_at_its_position_and_counts_what_came_after():
    links, _ = journal()
    at_three = PinnedHead(links[2].seal, 3, "2013-01-01T00:00:00Z", 1)
    match = match_pinned(at_three, links, [])
    assert match.found and match.since == 2
    assert not match_pinned(replace(at_three, position=2), links, []).found  # its seal, but not there
    beyond = match_pinned(replace(at_three, position=9), links, [])
    assert not beyond.found and "har ingen länk 9 (den slutar vid 5)" in beyond.message
    assert match_pinned(PinnedHead("", 0), links, []).since == 5  # pinned before the first link
    assert match_pinned(PinnedHead(links[4].seal), links, []).since == 0
    by_document = match_pinned(PinnedHead("c" * 64), links, [(1, "d" * 64), (2, "c" * 64), (3, "e" * 64)])
    assert by_document.found and by_document.since == 1
    assert not match_pinned(PinnedHead("c" * 64), links, []).found


def test_a_head_file_round_trips_and_bad_ones_are_refused():
    text = head_file_text(JournalHead(5, "ab" * 32), 2, "2013-01-08T10:00:00Z")
    assert json.loads(text) == {"head": "ab" * 32, "links": 5, "documents": 2,
                                "written_at": "2013-01-08T10:00:00Z"}
    assert parse_head_file(text, "h.json") == PinnedHead("ab" * 32, 5, "2013-01-08T10:00:00Z", 2)
    assert parse_head_file(head_file_text(JournalHead(), 0, "t"), "h.json") == PinnedHead("", 0, "t", 0)
    for bad in ("not json", "[]", '{"head": "ab"}',
                json.dumps({"head": "xyz", "links": 1, "documents": 0, "written_at": "t"}),
                json.dumps({"head": "ab" * 32, "links": -1, "documents": 0, "written_at": "t"}),
                json.dumps({"head": "ab" * 32, "links": True, "documents": 0, "written_at": "t"})):
        with pytest.raises(DataError) as refused:
            parse_head_file(bad, "h.json")
        assert refused.value.problems[0].file == "h.json"
    assert parse_seal(" " + "AB" * 32 + "\n") == "ab" * 32
    with pytest.raises(DataError):
        parse_seal("ab" * 31)
