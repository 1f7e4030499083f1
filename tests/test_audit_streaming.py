"""The audit and `billing verify` over a history (issue 14): the documents of
all time come as a stream, each seal is recomputed once per command, and only
the audited months' documents (and the month before's, for the variance) are
held while the checks run. The findings are those of the whole lists.

The world is db_helpers': 2012-11 and 2012-12 billed, and 2013-01 with
December's volumes again, each on the 5th of the month after, three invoices a
month: 1-3 bill November, 4-6 December, 7-9 January (the agencies in the order
Alfaverket, Betaverket, Gammaverket).
"""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import billing.audit.chain as chain_module
import billing.persistence.documents as documents_module
import billing.services.audit as audit_module
from billing.audit.chain import checked_seals, seal_findings, verify_chain
from billing.audit.findings import Status
from billing.audit.variance import check_variance, month_charges
from billing.invoicing.document import Invoice
from billing.invoicing.seal import seal
from billing.invoicing.series import SealedDocument, SeriesState
from billing.period import Month
from billing.persistence.documents import (documents_for_period, sealed_documents, series_state,
                                           stream_sealed_documents)
from billing.persistence.mapping import load_volumes
from billing.services.audit import run_audit
from billing.services.billing_run import run_month
from billing.services.verify import verify_everything
from billing.services.volumes import import_volumes
from db_helpers import WORLD_CHANGES, WORLD_VOLUMES, billed, write_volumes
from factories import document, document_line
from helpers_tamper import delete_document, line_no, tamper, update_line

NOVEMBER, DECEMBER, JANUARY = Month(2012, 11), Month(2012, 12), Month(2013, 1)


def three_months(engine, tmp_path) -> None:
    billed(engine, tmp_path, months=("2012-11", "2012-12"))
    january = [row.replace("2012-12,", "2013-01,", 1) for row in WORLD_VOLUMES["2012-12"]]
    with Session(engine) as session, session.begin():
        import_volumes(session, write_volumes(tmp_path, "volumes-2013-01.csv", january))
    with Session(engine) as session, session.begin():
        assert len(run_month(session, JANUARY, date(2013, 2, 5), WORLD_CHANGES).invoices) == 3


def sealed_chain(count: int = 4) -> list[SealedDocument]:
    chain, previous = [], ""
    for number in range(1, count + 1):
        doc = document(document_line(number), number=number)
        chain.append(SealedDocument(doc, previous, seal(previous, doc)))
        previous = chain[-1].seal
    return chain


def tampered_chains() -> list[tuple[list[SealedDocument], SeriesState]]:
    """An intact chain of four, and one of each kind of tampering."""
    intact = sealed_chain()
    series = SeriesState(5, intact[-1].seal)
    changed = list(intact)
    changed[1] = replace(changed[1], document=replace(changed[1].document, agency_name="Någon annan"))
    resealed = list(intact)
    altered = replace(intact[1].document, agency_name="Någon annan")
    resealed[1] = SealedDocument(altered, intact[0].seal, seal(intact[0].seal, altered))
    forged = document(number=5)
    return [(intact, series), (changed, series), (resealed, series), (intact[:1] + intact[2:], series),
            (intact[:3], series), (intact, SeriesState(5, "0" * 64)),
            ([*intact, SealedDocument(forged, "0" * 64, "f" * 64)], series)]


# --- the chain over a stream ------------------------------------------------------------------

def test_the_chain_read_once_as_a_stream_finds_what_the_list_finds():
    for sealed, series in tampered_chains():
        expected = verify_chain(sealed, series)
        # A generator can be read only once: the result must not need a second pass.
        assert verify_chain((s for s in sealed), series) == expected
        assert seal_findings((s for s in sealed), series) == seal_findings(sealed, series)
        # Seals checked beforehand give the same findings without being recomputed.
        checked = list(checked_seals(sealed))
        assert verify_chain(checked, series) == expected
        assert seal_findings(checked, series) == seal_findings(sealed, series)
    # The cases differ: the list of cases is not seven times the intact chain.
    assert len({verify_chain(s, series).findings for s, series in tampered_chains()}) == 7


def test_a_seal_already_checked_is_not_recomputed(monkeypatch):
    chain = sealed_chain()
    calls = counting(monkeypatch, chain_module, "seal")
    checked = list(checked_seals(chain))
    assert len(calls) == 4 and [c.intact for c in checked] == [True] * 4
    verify_chain(checked, SeriesState(5, chain[-1].seal))
    seal_findings(checked, SeriesState(5, chain[-1].seal))
    assert len(calls) == 4


def counting(monkeypatch, module, name) -> list[None]:
    """Replace module.name by itself counting its calls (one None per call)."""
    calls: list[None] = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(None)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


# --- the reader ---------------------------------------------------------------------------------

def test_the_history_reader_reads_a_chunk_at_a_time_as_it_is_consumed(engine, tmp_path, monkeypatch):
    three_months(engine, tmp_path)
    made = counting(monkeypatch, documents_module, "document_from_row")
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    monkeypatch.setattr(documents_module, "_STREAM_CHUNK", 2)
    with Session(engine) as session:
        stream = stream_sealed_documents(session)
        assert made == [] and statements == []  # nothing read before it is asked for
        first = next(stream)
        assert first.number == 1 and len(made) == 1  # one document made, not the nine
        assert len(chunks_read(statements)) == 1
        rest = list(stream)
        assert [s.number for s in rest] == list(range(2, 10)) and len(made) == 9
        # The rows of 1-2, 3-4, 5-6, 7-8 and 9, each chunk when it was reached.
        assert chunks_read(statements) == [2, 2, 2, 2, 1]
        # The list reader kept for other callers gives the same documents.
        assert [s.number for s in sealed_documents(session)] == list(range(1, 10))


def chunks_read(statements: list[str]) -> list[int]:
    """How many numbers each statement reading whole invoice rows asked for."""
    return [statement.count("?") + statement.count("%(") for statement in statements
            if statement.startswith("SELECT invoices.number, invoices.kind")]


# --- the audit and verify over a history ------------------------------------------------------

def test_an_audit_of_one_month_holds_no_documents_of_earlier_months(engine, tmp_path, monkeypatch):
    three_months(engine, tmp_path)
    held: list[set[Month]] = []
    arithmetic = audit_module.check_arithmetic

    def looking(documents):
        # While the checks run: the documents alive that the audit made.
        held.append({o.period for o in gc.get_objects() if isinstance(o, Invoice) and id(o) not in before})
        return arithmetic(documents)

    monkeypatch.setattr(audit_module, "check_arithmetic", looking)
    before = {id(o) for o in gc.get_objects() if isinstance(o, Invoice)}
    with Session(engine) as session:
        report = run_audit(session, JANUARY, JANUARY, seed=1)
    assert report.passed
    # January's alone: of December only the headers and what the variance
    # compares are kept, and November's documents (1-3) were read for their
    # seals and let go.
    assert held == [{JANUARY}]


def test_the_variance_against_the_month_before_s_charges_is_the_one_against_its_documents(engine, tmp_path):
    three_months(engine, tmp_path)
    with Session(engine) as session:
        by_month = {m: documents_for_period(session, m) for m in (DECEMBER, JANUARY)}
        volumes = {m: load_volumes(session, m) for m in (DECEMBER, JANUARY)}
    names = {1: "Alfaverket", 2: "Betaverket", 3: "Gammaverket"}
    whole = check_variance(JANUARY, Decimal(0), volumes, by_month, names)
    tallied = check_variance(JANUARY, Decimal(0), volumes,
                             {DECEMBER: month_charges(iter(by_month[DECEMBER])), JANUARY: by_month[JANUARY]}, names)
    assert tallied == whole
    # January's prices differ from December's (tariffs of 2013-01): every
    # agency's net moved, so at a threshold of 0 % the rows are not empty.
    assert {r["kind"] for r in whole.rows} == {"amount"} and len(whole.rows) == 3
    # A month before without documents has nothing to compare either way.
    assert (check_variance(DECEMBER, Decimal(0), {}, {NOVEMBER: month_charges([])}, names)
            == check_variance(DECEMBER, Decimal(0), {}, {}, names))


def test_each_seal_is_recomputed_once_per_command(engine, tmp_path, monkeypatch):
    three_months(engine, tmp_path)
    calls = counting(monkeypatch, chain_module, "seal")
    with Session(engine) as session:
        assert run_audit(session, JANUARY, JANUARY, seed=1).passed
    assert len(calls) == 9  # nine documents, each once (the integrity and the journal's checks share them)
    calls.clear()
    with Session(engine) as session:
        verification = verify_everything(session)
    assert verification.intact and verification.documents.documents == 9 and len(calls) == 9


@pytest.mark.parametrize("audited", [NOVEMBER, JANUARY])
def test_tampering_anywhere_in_the_history_is_found_by_the_audit_of_any_month(engine, tmp_path, audited):
    # Document 2 (Betaverket, November) altered, document 5 (Betaverket,
    # December) deleted: whichever month is audited, the integrity check
    # (over all time) names 2 and the numbering check names the gap at 5.
    three_months(engine, tmp_path)
    tamper(engine, update_line(2, line_no(engine, 2, "PAY-SLIP-DEV"), amount=Decimal("333.00")),
           *delete_document(5))
    with Session(engine) as session:
        report = run_audit(session, audited, audited, seed=1)
        listed = verify_chain(sealed_documents(session), series_state(session))
        verification = verify_everything(session)

    integrity = next(c for c in report.checks if c.name == "integrity")
    numbering = next(c for c in report.checks if c.name == "numbering")
    assert integrity.status is Status.FAILED
    assert [(f.document, f.code) for f in integrity.findings] == [(2, "changed")]
    assert integrity.findings[0].message.startswith("dokument 2 stämmer inte med sitt sigill")
    assert [(f.document, f.code, f.message) for f in numbering.findings] == [
        (5, "missing", "nummer 5 saknas i serien")]
    # `billing verify` over the stream finds what the whole list finds.
    assert verification.documents == listed
    assert [(f.kind, f.number) for f in listed.findings] == [("changed", 2), ("deleted", 5)]
