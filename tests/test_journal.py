"""The journal: one chain over documents, billing runs and events, checked by
`billing verify` (and the audit), with a head kept outside the database. On
SQLite and PostgreSQL. Each tamper is plain SQL on the tables (SQLAlchemy core,
committed), never the services.

The journal of every test: the world of db_helpers loaded (events 1 tariffs,
2 agencies, 3 volumes), 2012-11 billed (run 1, invoices 1-3, event 4),
Alfaverket's payslips corrected (event 5) and the month corrected (credit note
4, invoice 5, event 6). Links, in the order written:

    1 event 1   2 event 2   3 event 3   4 run 1   5 document 1   6 document 2
    7 document 3   8 event 4   9 event 5   10 document 4   11 document 5   12 event 6
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.audit.pinned_head import PinnedHead
from billing.invoicing.seal import seal
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.journal import event_as_record, journal_records
from billing.persistence.models import BillingRunRow, ChainHeadRow, ChainLinkRow, EventRow, InvoiceRow
from billing.services.audit import run_audit
from billing.services.corrections import credit_invoice
from billing.services.verify import verify_everything
from db_helpers import billed_and_corrected, counts
from helpers_cli import cli, flat
from helpers_tamper import INVOICES, SERIES, tamper, update_line

LINKS = ChainLinkRow.__table__
HEAD = ChainHeadRow.__table__
EVENTS = EventRow.__table__
RUNS = BillingRunRow.__table__
NOVEMBER = Month(2012, 11)
ORDER = [("event", "1"), ("event", "2"), ("event", "3"), ("run", "1"), ("document", "1"), ("document", "2"),
         ("document", "3"), ("event", "4"), ("event", "5"), ("document", "4"), ("document", "5"),
         ("event", "6")]


def chain(engine, tmp_path) -> None:
    billed_and_corrected(engine, tmp_path)


def verify(engine, pinned: PinnedHead | None = None):
    with Session(engine) as session:
        return verify_everything(session, pinned)


def found(verification) -> list[tuple[str, str]]:
    return [(f.kind, f.record) for f in verification.journal_findings]


def rows(engine, table, order) -> list[dict]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(sa.select(table).order_by(order)).mappings()]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- what is linked, and how ------------------------------------------------------------


def test_every_document_run_and_event_is_linked_in_the_order_written(engine, tmp_path):
    chain(engine, tmp_path)

    links = rows(engine, LINKS, LINKS.c.position)

    assert [(link["kind"], link["record_key"]) for link in links] == ORDER
    assert [link["position"] for link in links] == list(range(1, 13))
    # Each link chains to the one before; the first to the empty string; the
    # head row is the last link.
    assert [link["previous_seal"] for link in links] == [""] + [link["seal"] for link in links[:-1]]
    [head] = rows(engine, HEAD, HEAD.c.name)
    assert (head["name"], head["position"], head["seal"]) == ("journal", 12, links[-1]["seal"])
    verification = verify(engine)
    assert verification.intact and verification.journal_findings == ()
    assert verification.journal.counts == {"event": 6, "run": 1, "document": 5}


def test_a_link_seals_its_record_by_the_rule_written_out(engine, tmp_path):
    chain(engine, tmp_path)
    links = {link["position"]: link for link in rows(engine, LINKS, LINKS.c.position)}
    [run] = rows(engine, RUNS, RUNS.c.id)
    event = rows(engine, EVENTS, EVENTS.c.id)[3]  # event 4: the run's
    documents = {d["number"]: d for d in rows(engine, INVOICES, INVOICES.c.number)}

    # seal = sha256(previous link's seal + kind + sorted-key JSON of the record),
    # dates and times as ISO text; a document by its own seal and its run.
    run_content = json.dumps({"id": 1, "period": "2012-11", "run_date": "2012-12-05",
                              "started_at": run["started_at"].isoformat(), "run_by": run["run_by"],
                              "invoice_count": 3}, sort_keys=True, separators=(",", ":"))
    assert links[4]["seal"] == sha256(links[3]["seal"] + "run" + run_content)
    document_content = f'{{"number":1,"run":1,"seal":"{documents[1]["seal"]}"}}'
    assert links[5]["seal"] == sha256(links[4]["seal"] + "document" + document_content)
    credit_note_content = f'{{"number":4,"run":null,"seal":"{documents[4]["seal"]}"}}'
    assert links[10]["seal"] == sha256(links[9]["seal"] + "document" + credit_note_content)
    event_content = json.dumps({"id": 4, "occurred_at": event["occurred_at"].isoformat(),
                                "os_user": event["os_user"], "action": "run",
                                "arguments": {"date": "2012-12-05", "period": "2012-11"},
                                "summary": "3 invoices issued, numbers 1-3"},
                               sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert links[8]["seal"] == sha256(links[7]["seal"] + "event" + event_content)


def test_a_failed_action_links_nothing(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    before = rows(engine, LINKS, LINKS.c.position)

    refused = cli(database_url, "credit", "4", "--reason", "en kreditfaktura krediteras inte")

    assert refused.exit_code == 1
    assert rows(engine, LINKS, LINKS.c.position) == before


# --- tampering ------------------------------------------------------------------------------


def test_a_deleted_event_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, sa.delete(EVENTS).where(EVENTS.c.id == 5))

    verification = verify(engine)

    assert found(verification) == [("deleted", "event 5")]
    assert "händelse 5 (journallänk 9) saknas: posten raderades" in verification.journal_findings[0].message
    assert verification.documents.intact  # the documents' own chain cannot see it


def test_a_changed_event_summary_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, sa.update(EVENTS).where(EVENTS.c.id == 4).values(summary="0 invoices issued"))

    verification = verify(engine)

    assert found(verification) == [("changed", "event 4")]
    assert "händelse 4 stämmer inte med journallänk 8" in verification.journal_findings[0].message


def test_a_changed_event_argument_time_or_user_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine,
           sa.update(EVENTS).where(EVENTS.c.id == 1).values(arguments={"directory": "någon annan"}),
           sa.update(EVENTS).where(EVENTS.c.id == 2).values(occurred_at=datetime(2012, 1, 1)),
           sa.update(EVENTS).where(EVENTS.c.id == 3).values(os_user="någon"))

    assert found(verify(engine)) == [("changed", "event 1"), ("changed", "event 2"), ("changed", "event 3")]


def test_an_inserted_event_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, sa.insert(EVENTS).values(id=7, occurred_at=datetime(2012, 12, 21), os_user="root",
                                            action="credit", arguments={}, summary="nothing to see"))

    verification = verify(engine)

    assert found(verification) == [("inserted", "event 7")]
    assert "händelse 7 finns inte i journalen" in verification.journal_findings[0].message


def delete_the_run():
    """What it takes to remove the billing-run row: its documents point to it."""
    return (sa.update(INVOICES).where(INVOICES.c.run_id == 1).values(run_id=None),
            sa.delete(RUNS).where(RUNS.c.id == 1))


def test_a_deleted_run_row_is_found_with_the_documents_it_issued(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, *delete_the_run())

    verification = verify(engine)

    # The run is gone, and its documents no longer name the run they were issued by.
    assert found(verification) == [("deleted", "run 1"), ("changed", "document 1"), ("changed", "document 2"),
                                   ("changed", "document 3")]
    assert "körning 1 (journallänk 4) saknas" in verification.journal_findings[0].message
    assert verification.documents.intact  # every document still matches its own seal


def test_a_changed_run_row_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, sa.update(RUNS).where(RUNS.c.id == 1).values(invoice_count=2))

    assert found(verify(engine)) == [("changed", "run 1")]


def test_a_month_whose_run_row_was_deleted_is_not_billed_again(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    tamper(engine, *delete_the_run())
    before = counts(engine)

    again = cli(database_url, "run", "2012-11", "--date", "2012-12-28")

    assert again.exit_code == 1
    message = flat(again.stderr)
    assert "2012-11 already has documents (1, 2, 3, ...) although no billing run of it is recorded" in message
    assert "nothing was issued" in message
    assert counts(engine) == before  # no run row, no document, no event, no link


def test_the_audit_reports_the_deleted_run(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, *delete_the_run())

    with Session(engine) as session:
        report = run_audit(session, NOVEMBER, NOVEMBER, seed=1)

    integrity = next(c for c in report.checks if c.name == "integrity")
    assert not report.passed
    messages = [f.message for f in integrity.findings]
    assert [f.code for f in integrity.findings] == ["deleted", "changed", "changed", "changed"]
    assert messages[0].startswith("körning 1 (journallänk 4) saknas")
    assert [f.document for f in integrity.findings] == [None, 1, 2, 3]


def test_a_removed_journal_link_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, sa.delete(LINKS).where(LINKS.c.position == 9))

    verification = verify(engine)

    # The gap, and the record it held, now in no link.
    assert found(verification) == [("deleted", "link 9"), ("inserted", "event 5")]
    assert "journallänk 9 saknas" in verification.journal_findings[0].message


def test_the_newest_links_removed_with_their_records_are_found(engine, tmp_path):
    # The last action (the correction: documents 4-5, event 6) undone by hand,
    # journal included; the series and the journal head row are left as they were.
    chain(engine, tmp_path)
    tamper(engine, sa.delete(LINKS).where(LINKS.c.position >= 10), sa.delete(EVENTS).where(EVENTS.c.id == 6))

    verification = verify(engine)

    assert ("deleted", "link 10-12") in found(verification)
    assert "saknas i slutet: det registrerade huvudet är länk 12" in flat(
        " ".join(f.message for f in verification.journal_findings))


def test_a_changed_and_resealed_link_is_named(engine, tmp_path):
    # A forger who knows the rule changes event 5 and reseals its link, leaving
    # the later links alone: link 10 still chains to the old seal.
    chain(engine, tmp_path)
    tamper(engine, sa.update(EVENTS).where(EVENTS.c.id == 5).values(summary="ingenting"))
    with Session(engine) as session:
        verification = verify_everything(session)
        link = session.get(ChainLinkRow, 9)
        forged = sha256(link.previous_seal + "event" + event_as_record(session.get(EventRow, 5)).content)
    assert found(verification) == [("changed", "event 5")]
    tamper(engine, sa.update(LINKS).where(LINKS.c.position == 9).values(seal=forged))

    resealed = verify(engine)

    assert found(resealed) == [("changed", "event 5")]
    assert "händelse 5 är inte posten som länk 10 kedjades till" in resealed.journal_findings[0].message


# --- a rewrite that recomputes every seal, and the head kept outside ----------------------


def rewrite_everything(engine) -> None:
    """The strongest forger without the outside head: changes document 2 and
    event 4, then recomputes every document seal, the series head, every
    journal link and the journal head, exactly by the (keyless) rules."""
    tamper(engine, update_line(2, 1, amount=Decimal("1.00")),
           sa.update(EVENTS).where(EVENTS.c.id == 4).values(summary="3 fakturor"))
    with Session(engine) as session:
        documents = read_documents(session)
    previous, document_seals = "", {}
    for document in documents:
        document_seals[document.number] = (previous, seal(previous, document))
        previous = document_seals[document.number][1]
    tamper(engine, *[sa.update(INVOICES).where(INVOICES.c.number == n).values(previous_seal=p, seal=s)
                     for n, (p, s) in document_seals.items()],
           sa.update(SERIES).where(SERIES.c.name == "invoice").values(last_seal=previous))
    with Session(engine) as session:
        records = {(str(r.kind), r.key): r for r in journal_records(session)}
    links = rows(engine, LINKS, LINKS.c.position)
    previous, statements = "", []
    for link in links:
        new = sha256(previous + link["kind"] + records[(link["kind"], link["record_key"])].content)
        statements.append(sa.update(LINKS).where(LINKS.c.position == link["position"])
                          .values(previous_seal=previous, seal=new))
        previous = new
    tamper(engine, *statements, sa.update(HEAD).values(seal=previous))


def test_a_rewrite_that_recomputes_every_seal_is_caught_only_by_the_head_kept_outside(engine, tmp_path):
    chain(engine, tmp_path)
    pinned = verify(engine).journal.head
    rewrite_everything(engine)

    # From the database alone the rewrite is indistinguishable from the real thing.
    assert verify(engine).intact
    # Against the head noted before, it is caught: link 12 has another seal now.
    caught = verify(engine, PinnedHead(pinned.seal, pinned.position))
    assert not caught.intact and not caught.pinned.found
    assert caught.pinned.message.startswith(f"journallänk 12 är {verify(engine).journal.head.seal[:12]}, "
                                            f"inte det fastlagda huvudet {pinned.seal[:12]}")
    assert "skrivits om" in caught.pinned.message
    # A bare seal is looked for anywhere in the chain: it is nowhere.
    bare = verify(engine, PinnedHead(pinned.seal))
    assert not bare.pinned.found and "är varken en länk i journalen" in bare.pinned.message


def test_the_rewrite_fails_verify_with_the_head_file(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    head_file = tmp_path / "head.json"
    assert cli(database_url, "verify", "--write-head", head_file).exit_code == 0
    rewrite_everything(engine)

    assert cli(database_url, "verify").exit_code == 0
    caught = cli(database_url, "verify", "--expect-head", f"@{head_file}")

    assert caught.exit_code == 1
    assert "│ omskriven │ huvud │ journallänk 12 är" in caught.stderr
    assert "kedjan fram till den har skrivits om" in flat(caught.stderr)


def test_write_head_round_trip(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    head_file = tmp_path / "head.json"

    written = cli(database_url, "verify", "--write-head", head_file)

    assert written.exit_code == 0, written.output
    head = verify(engine).journal.head
    content = json.loads(head_file.read_text(encoding="utf-8"))
    assert set(content) == {"head", "links", "documents", "written_at"}
    assert (content["head"], content["links"], content["documents"]) == (head.seal, 12, 5)
    assert datetime.fromisoformat(content["written_at"].removesuffix("Z"))  # a time, UTC
    assert f"Journal head written to {head_file}." in flat(written.stdout)
    for option in (["--expect-head", f"@{head_file}"], ["--head-file", head_file]):
        again = cli(database_url, "verify", *option)
        assert again.exit_code == 0, again.output
        assert ("Pinned head found: det fastlagda huvudet (noterat " f"{content['written_at']}) är journallänk "
                "12; sedan dess har 0 länkar skrivits.") in flat(again.stdout)


def test_a_head_noted_before_legitimate_actions_still_matches(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    head_file = tmp_path / "head.json"
    assert cli(database_url, "verify", "--write-head", head_file).exit_code == 0
    noted = verify(engine).journal.head
    with Session(engine) as session, session.begin():  # document 6 and event 7: two links more
        credit_invoice(session, 2, "avtalet upphört", date(2012, 12, 21))

    by_file = cli(database_url, "verify", "--head-file", head_file)
    by_seal = cli(database_url, "verify", "--expect-head", noted.seal.upper())

    assert by_file.exit_code == 0, by_file.output
    assert "är journallänk 12; sedan dess har 2 länkar skrivits." in flat(by_file.stdout)
    assert by_seal.exit_code == 0, by_seal.output
    assert "det fastlagda huvudet är journallänk 12; sedan dess har 2 länkar skrivits." in flat(by_seal.stdout)
    assert verify(engine).journal.head.position == 14


def test_an_unknown_head_fails_verify(engine, tmp_path, database_url):
    chain(engine, tmp_path)

    wrong = cli(database_url, "verify", "--expect-head", "ab" * 32)

    assert wrong.exit_code == 1
    assert "│ omskriven │ huvud │ det fastlagda huvudet abababababab är varken en länk i" in wrong.stderr


def test_the_document_chain_head_printed_before_the_journal_still_matches(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    old_head = verify(engine).documents.head  # what `billing verify` printed to keep, before the journal
    with Session(engine) as session, session.begin():
        credit_invoice(session, 2, "avtalet upphört", date(2012, 12, 21))

    result = cli(database_url, "verify", "--expect-head", old_head)

    assert result.exit_code == 0, result.output
    assert ("det fastlagda huvudet är sigillet för dokument 5; sedan dess har 1 dokument utfärdats."
            in flat(result.stdout))


def test_no_head_is_written_for_a_chain_with_findings(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    tamper(engine, sa.delete(EVENTS).where(EVENTS.c.id == 5))
    head_file = tmp_path / "head.json"

    refused = cli(database_url, "verify", "--write-head", head_file)

    assert refused.exit_code == 1
    assert "│ borttagen │ händelse 5 │ händelse 5 (journallänk 9) saknas" in refused.stderr
    assert f"No head written to {head_file}" in flat(refused.stderr)
    assert not head_file.exists()


def test_a_bad_head_is_refused_naming_it(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    not_hex = cli(database_url, "verify", "--expect-head", "1234")
    (tmp_path / "bad.json").write_text('{"head": "x"}', encoding="utf-8")
    bad_file = cli(database_url, "verify", "--head-file", tmp_path / "bad.json")
    missing = cli(database_url, "verify", "--expect-head", f"@{tmp_path / 'none.json'}")

    assert (not_hex.exit_code, bad_file.exit_code, missing.exit_code) == (1, 1, 1)
    assert "[--expect-head]: not a seal (64 hexadecimal digits) or @FILE: '1234'" in flat(not_hex.stderr)
    assert f"{tmp_path / 'bad.json'}: a head file has exactly the keys" in flat(bad_file.stderr)
    assert "cannot read the head file" in flat(missing.stderr)


def test_verify_prints_both_heads_and_the_counts(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    verification = verify(engine)

    result = cli(database_url, "verify")

    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert "5 documents verified: every seal and the chain are intact." in out
    assert ("12 journal links verified (5 documents, 1 run, 6 events): every record is the one linked."
            in out)
    assert f"Document chain head: {verification.documents.head}" in out
    assert f"Journal head, link 12 (keep it outside the database, e.g. with --write-head FILE): " \
           f"{verification.journal.head.seal}" in out


def test_invoice_show_prints_the_seal(engine, tmp_path, database_url):
    chain(engine, tmp_path)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(InvoiceRow.seal).where(InvoiceRow.number == 4)).scalar_one()

    shown = cli(database_url, "invoice", "show", "4")

    assert shown.exit_code == 0, shown.output
    assert f"\nSigill: {stored}\n" in shown.stdout
