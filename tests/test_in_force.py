"""Which documents are in force (invoicing/in_force.py), without a database.

The story the headers tell, all for 2012-11:

    agency 1  invoice 1; corrected: credit note 4 credits 1, invoice 5 replaces 1;
              corrected again: credit note 7 credits 5, invoice 8 replaces 5
    agency 2  invoice 2; credit note 6 credits 2 on its own (nothing replaces it)
    agency 3  invoice 3, untouched

So the invoices in force are 3 and 8; 2 is credited on its own; following
invoice 1 through its corrections leads to 8, following 2 leads nowhere.
"""

from __future__ import annotations

import random
from datetime import date

from billing.invoicing.document import DocumentKind
from billing.invoicing.in_force import (DocumentHead, chain_of, credited_alone, in_force_by_agency_month,
                                        invoices_in_force)
from factories import D, M, OTHER_ORG, document, document_line, head, issued

NOTE = DocumentKind.CREDIT_NOTE
NOVEMBER = M("2012-11")


def story() -> list[DocumentHead]:
    return [head(1, agency_id=1), head(2, agency_id=2), head(3, agency_id=3),
            head(4, agency_id=1, kind=NOTE, credits=1), head(5, agency_id=1, replaces=1),
            head(6, agency_id=2, kind=NOTE, credits=2),
            head(7, agency_id=1, kind=NOTE, credits=5), head(8, agency_id=1, replaces=5)]


def numbers(heads) -> list[int]:
    return [h.number for h in heads]


def test_the_invoices_no_credit_note_reverses_are_in_force():
    assert numbers(invoices_in_force(story())) == [3, 8]
    # Per agency and month: one each; agency 2 has none, its invoice was credited.
    assert {key: numbers(group) for key, group in in_force_by_agency_month(story()).items()} == {
        (1, NOVEMBER): [8], (3, NOVEMBER): [3]}


def test_a_credit_note_is_never_in_force():
    notes = [h for h in story() if h.kind is NOTE]
    assert invoices_in_force(notes) == []


def test_an_invoice_credited_with_nothing_replacing_it_is_credited_alone():
    assert numbers(credited_alone(story())) == [2]
    # Billed again later (a correction naming the agency): no longer alone.
    assert credited_alone([*story(), head(9, agency_id=2, replaces=2)]) == []


def test_the_chain_follows_a_credited_invoice_to_the_one_in_force_now():
    chain = chain_of(story())
    assert dict(chain.credited_by) == {1: 4, 2: 6, 5: 7}
    assert dict(chain.replaced_by) == {1: 5, 5: 8}
    assert chain.in_force_now(1) == 8  # 1 -> 5 -> 8
    assert chain.in_force_now(5) == 8
    assert chain.in_force_now(3) == 3  # never credited
    assert chain.in_force_now(2) is None  # credited on its own


def test_a_deleted_credit_note_puts_its_invoice_back_in_force():
    # Without credit note 4, invoice 1 is in force again beside 8: two for one
    # agency and month, which the numbering check reports.
    heads = [h for h in story() if h.number != 4]
    assert numbers(invoices_in_force(heads)) == [1, 3, 8]
    assert numbers(in_force_by_agency_month(heads)[(1, NOVEMBER)]) == [1, 8]


def test_the_rule_does_not_depend_on_the_order_of_the_headers():
    shuffled = story()
    random.Random(4).shuffle(shuffled)
    assert numbers(invoices_in_force(shuffled)) == [3, 8]
    assert numbers(credited_alone(shuffled)) == [2]
    assert chain_of(shuffled) == chain_of(story())


def test_a_loop_in_altered_data_ends_the_chain():
    # 1 is credited by 2 and replaced by 3; 3 is credited by 4 and "replaced" by 1.
    looped = [head(1, replaces=3), head(2, kind=NOTE, credits=1), head(3, replaces=1),
              head(4, kind=NOTE, credits=3)]
    chain = chain_of(looped)
    assert dict(chain.replaced_by) == {3: 1, 1: 3}
    assert chain.in_force_now(1) is None and chain.in_force_now(3) is None


def test_the_months_are_kept_apart():
    heads = [head(1), head(2, period="2012-12"), head(3, kind=NOTE, credits=2, period="2012-12")]
    assert numbers(invoices_in_force(heads)) == [1]
    assert list(in_force_by_agency_month(heads)) == [(1, NOVEMBER)]


def test_the_header_of_an_issued_document():
    # 3 x 66.00 = 198.00 at 25 %: VAT 49.50, gross 247.50, payable 248 (rounded half up).
    invoice = document(document_line(3, "66.00"), number=12, org=OTHER_ORG, name="Betaverket",
                       period="2012-12", issue_date=date(2013, 1, 8), due_date=date(2013, 2, 7), replaces=4)
    assert DocumentHead.of(issued(invoice, agency_id=7)) == DocumentHead(
        12, DocumentKind.INVOICE, 7, OTHER_ORG, "Betaverket", M("2012-12"), date(2013, 1, 8),
        date(2013, 2, 7), D("248"), None, 4)
