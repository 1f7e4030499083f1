"""The one numbering check (audit/numbering.py) and the seal chain
(audit/chain.py) without a database: what `billing verify` and the audit's
numbering and integrity checks are made of. A gap is one finding: the
numbering check's; the seals add only what the numbers cannot show.

The chain of the seal tests: documents 1, 2, 3 (invoices of 2012-11 from the
factories), each sealed onto the one before, the series at next number 4 with
the seal of 3 as its head.
"""

from __future__ import annotations

from dataclasses import replace

from billing.audit.chain import seal_findings, verify_chain
from billing.audit.numbering import BreakKind, SeriesBreak, check_numbering, series_breaks
from billing.invoicing.document import DocumentKind
from billing.invoicing.seal import seal
from billing.invoicing.series import SealedDocument, SeriesState
from factories import OTHER_ORG, ORG, document, document_line, head

NOTE = DocumentKind.CREDIT_NOTE


# --- the numbers against the series --------------------------------------------------------

def test_an_unbroken_series_has_no_breaks():
    assert series_breaks([3, 1, 2], 4) == ()
    assert series_breaks([], 1) == ()  # a series never used


def test_missing_numbers_are_runs_and_the_last_run_may_reach_the_end():
    # Issued up to 9; stored 1, 2, 4, 5, 8: missing 3, then 6-7, then 9 at the end.
    assert series_breaks([1, 2, 4, 5, 8], 10) == (
        SeriesBreak(BreakKind.MISSING, 3, 3), SeriesBreak(BreakKind.MISSING, 6, 7),
        SeriesBreak(BreakKind.MISSING, 9, 9, at_end=True))
    # Issued up to 5, stored 1-3: 4-5 are missing at the end.
    assert series_breaks([1, 2, 3], 6) == (SeriesBreak(BreakKind.MISSING, 4, 5, at_end=True),)


def test_a_number_twice_and_a_number_never_issued():
    assert series_breaks([1, 2, 2, 3, 9], 4) == (SeriesBreak(BreakKind.DUPLICATE, 2, 2, count=2),
                                                 SeriesBreak(BreakKind.NEVER_ISSUED, 9, 9))


def test_the_numbering_check_reports_each_break_once_in_order():
    result = check_numbering([1, 2, 2, 5, 9], 7, [])
    assert [(f.document, f.code, f.message) for f in result.findings] == [
        (3, "missing", "numren 3-4 saknas i serien"),
        (6, "missing", "nummer 6 saknas i serien"),
        (2, "duplicate", "nummer 2 används 2 gånger"),
        (9, "never_issued", "nummer 9 har aldrig utfärdats av serien (nästa nummer 7)")]


def test_two_invoices_in_force_for_one_agency_and_month():
    # Agency 1: 1 credited by 3 and replaced by 4, but 2 was issued beside 1
    # without a credit note: 2 and 4 are both in force. Agency 2: 5 alone.
    heads = [head(1), head(2), head(3, kind=NOTE, credits=1), head(4, replaces=1),
             head(5, agency_id=2, org=OTHER_ORG)]
    result = check_numbering([1, 2, 3, 4, 5], 6, heads)
    assert [(f.document, f.code, f.message) for f in result.findings] == [
        (2, "doubled", f"{ORG} har 2 fakturor som gäller för 2012-11: 2, 4")]
    assert check_numbering([1, 2, 3, 4, 5], 6, [h for h in heads if h.number != 2]).findings == ()


# --- the seal chain ----------------------------------------------------------------------------

def sealed_chain(count: int = 3) -> list[SealedDocument]:
    chain, previous = [], ""
    for number in range(1, count + 1):
        doc = document(document_line(number), number=number)
        chain.append(SealedDocument(doc, previous, seal(previous, doc)))
        previous = chain[-1].seal
    return chain


def series_of(chain: list[SealedDocument]) -> SeriesState:
    return SeriesState(chain[-1].number + 1, chain[-1].seal)


def found(verification) -> list[tuple[str, int | None]]:
    return [(f.kind, f.number) for f in verification.findings]


def test_an_intact_chain_verifies_with_its_head():
    chain = sealed_chain()
    verification = verify_chain(chain, series_of(chain))
    assert verification.intact and verification.documents == 3 and verification.head == chain[-1].seal
    assert verify_chain([], SeriesState()).intact


def test_a_document_changed_after_issue():
    chain = sealed_chain()
    altered = replace(chain[1].document, agency_name="Någon annan")
    chain[1] = replace(chain[1], document=altered)
    verification = verify_chain(chain, series_of(sealed_chain()))
    assert found(verification) == [("changed", 2)]
    assert "dokument 2 stämmer inte med sitt sigill: ändrat efter utfärdandet" == verification.findings[0].message


def test_a_document_changed_and_sealed_anew_breaks_the_link_to_the_next():
    chain = sealed_chain()
    altered = replace(chain[1].document, agency_name="Någon annan")
    chain[1] = SealedDocument(altered, chain[0].seal, seal(chain[0].seal, altered))
    verification = verify_chain(chain, series_of(sealed_chain()))
    assert found(verification) == [("changed", 2)]
    assert "inte det dokument som 3 kedjades till" in verification.findings[0].message


def test_a_document_deleted_is_one_finding_from_the_numbers():
    chain = sealed_chain()
    series = series_of(chain)
    del chain[1]
    verification = verify_chain(chain, series)
    assert [(f.kind, f.number, f.message) for f in verification.findings] == [
        ("deleted", 2, "dokument 2 saknas: serien har inga luckor")]
    # The seals add nothing: 3 not chaining to 1 is the same gap.
    assert seal_findings(chain, series) == ([], chain[-1].seal)


def test_the_newest_document_deleted_with_the_series_unchanged():
    chain = sealed_chain()
    series = series_of(chain)
    verification = verify_chain(chain[:2], series)
    assert [(f.kind, f.number, f.message) for f in verification.findings] == [
        ("deleted", 3, "dokument 3 saknas i slutet")]


def test_the_chain_head_replaced_on_the_series():
    chain = sealed_chain()
    verification = verify_chain(chain, SeriesState(4, "0" * 64))
    assert found(verification) == [("changed", 3)]
    assert "inte det kedjehuvud som serien registrerade" in verification.findings[0].message


def test_a_document_the_series_never_issued():
    chain = sealed_chain()
    series = series_of(chain)
    forged = document(number=4)
    chained = SealedDocument(forged, chain[-1].seal, seal(chain[-1].seal, forged))
    assert found(verify_chain([*chain, chained], series)) == [("inserted", 4)]
    made_up = SealedDocument(forged, "0" * 64, "f" * 64)
    # Inserted first, then that its seal does not hold either.
    assert found(verify_chain([*chain, made_up], series)) == [("inserted", 4), ("changed", 4)]
    assert seal_findings([*chain, chained], series)[0] == []
