"""The documents' seal chain and `verify_documents` / `billing verify`, on SQLite
and PostgreSQL. Each test tampers with the stored rows through plain SQL (SQLAlchemy
core statements on the tables, never the services) and checks that verify finds
exactly that: the right kind of finding for the right document, and nothing else.

The chain of every test: the world of db_helpers billed for 2012-11 (invoices
1 Alfaverket, 2 Betaverket, 3 Gammaverket), then Alfaverket's payslips corrected
3 -> 4 and the month corrected: 4 is the credit note of 1, 5 the new invoice.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.invoicing.seal import canonical_content, seal
from billing.persistence.documents import read_documents
from billing.persistence.models import InvoiceRow, NumberSeries
from billing.services.corrections import credit_invoice
from billing.services.verify import verify_documents
from db_helpers import (EPSILON, ORG_C, ORG_E, POSTAGE, WORLD_AGENCIES, billed, billed_and_corrected,
                        write_amounts, write_volumes)
from helpers_cli import cli, flat
from helpers_tamper import INVOICES, LINES, LINKS, SERIES, VAT, delete_document, line_no, tamper, update_line


def chain(engine, tmp_path) -> None:
    result = billed_and_corrected(engine, tmp_path)
    assert [(d.number, d.credits) for d in result.credit_notes] == [(4, 1)]
    assert [(d.number, d.replaces) for d in result.invoices] == [(5, 1)]


def verify(engine):
    with Session(engine) as session:
        return verify_documents(session)


def kinds_and_numbers(verification):
    return [(f.kind, f.number) for f in verification.findings]


def test_a_clean_database_verifies_intact(engine, tmp_path):
    chain(engine, tmp_path)

    verification = verify(engine)

    assert verification.intact and verification.findings == ()
    assert verification.documents == 5
    with engine.connect() as connection:
        seals = dict(connection.execute(sa.select(INVOICES.c.number, INVOICES.c.seal)).all())
        previous = dict(connection.execute(sa.select(INVOICES.c.number, INVOICES.c.previous_seal)).all())
        head = connection.execute(sa.select(SERIES.c.last_seal)).scalar_one()
    # Each document chains to the one before; the first to the empty string;
    # the head is the newest seal, also kept on the series row.
    assert previous == {1: "", 2: seals[1], 3: seals[2], 4: seals[3], 5: seals[4]}
    assert verification.head == head == seals[5]
    assert len(set(seals.values())) == 5 and all(len(s) == 64 for s in seals.values())


def test_a_clean_chain_with_every_kind_of_line_verifies(engine, tmp_path):
    issued = billed(engine, tmp_path, agencies_text=WORLD_AGENCIES + EPSILON,
                    volumes=write_volumes(tmp_path, "epsilon.csv", [
                        f"2012-11,{ORG_E},PAY-SLIP-DEV,7,Palasso,",
                        f"2012-11,{ORG_E},PAY-SPEC-CONSULT,2.75,Palasso,T-1",
                        f"2012-11,{ORG_E},FIN-CUSTINV,11,Agresso,"]),
                    amounts=write_amounts(tmp_path, "amounts.csv", [
                        f"2012-11,{ORG_E},payroll,Kurslitteratur,100.01,6,,KURS-1",
                        f"2012-11,{ORG_E},finance,Livsmedel,200.02,12,,MAT-1",
                        f"2012-11,{ORG_C},payroll,Porto,10.00,0,,,{POSTAGE}"])).issued["2012-11"]
    epsilon = issued[-1]
    assert epsilon.organisation_number == ORG_E
    assert {line.part for line in epsilon.lines} >= {"connection", "discount", "pass_through", "special"}
    assert any(line.proration for line in epsilon.lines) and any(line.tier_steps for line in epsilon.lines)
    with Session(engine) as session, session.begin():  # every invoice credited
        for invoice in issued:
            credit_invoice(session, invoice.number, "test", date(2012, 12, 6))

    verification = verify(engine)

    assert verification.documents == 2 * len(issued) == 8
    assert verification.intact, verification.findings


def test_the_seal_is_the_hash_of_the_canonical_document(engine, tmp_path):
    chain(engine, tmp_path)
    with Session(engine) as session:
        documents = read_documents(session)
        stored = dict(session.execute(sa.select(InvoiceRow.number, InvoiceRow.seal)).all())
    previous = ""
    for document in documents:
        assert seal(previous, document) == stored[document.number]
        previous = stored[document.number]
    # Everything the document states is in its canonical content, e.g. an amount
    # and the credit note's link: changing either changes the seal.
    note = documents[3]
    assert '"credits":1' in canonical_content(note) and '"amount":"-198.00"' in canonical_content(note)
    assert seal(stored[3], replace(note, credits=2)) != stored[4]
    assert seal(stored[3], replace(note, lines=note.lines[:-1])) != stored[4]


def test_a_changed_line_amount_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, update_line(2, 3, amount=Decimal("33.00")))

    verification = verify(engine)

    assert kinds_and_numbers(verification) == [("changed", 2)]
    assert "dokument 2 stämmer inte med sitt sigill" in verification.findings[0].message
    assert verification.documents == 5


def test_a_removed_line_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    payslips = line_no(engine, 2, "PAY-SLIP-DEV")  # Betaverket's payslip line, which has a volume link
    tamper(engine,
           sa.delete(LINKS).where(LINKS.c.invoice_number == 2, LINKS.c.line_no == payslips),
           sa.delete(LINES).where(LINES.c.invoice_number == 2, LINES.c.line_no == payslips))

    assert kinds_and_numbers(verify(engine)) == [("changed", 2)]


def test_a_removed_basis_link_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, sa.delete(LINKS).where(LINKS.c.invoice_number == 5))
    assert kinds_and_numbers(verify(engine)) == [("changed", 5)]


def test_a_changed_vat_row_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, sa.update(VAT).where(VAT.c.invoice_number == 3).values(vat=Decimal("1.00")))
    assert kinds_and_numbers(verify(engine)) == [("changed", 3)]


@pytest.mark.parametrize("number, values", [
    (2, {"payable": Decimal("1")}),
    (2, {"agency_name": "Någon annan myndighet"}),
    (4, {"payable": Decimal("0")}),                  # the credit note
    (5, {"replaces_number": None}),
    (1, {"issue_date": date(2012, 12, 6)}),
])
def test_a_changed_header_field_is_found(engine, tmp_path, number, values):
    chain(engine, tmp_path)
    tamper(engine, sa.update(INVOICES).where(INVOICES.c.number == number).values(**values))

    assert kinds_and_numbers(verify(engine)) == [("changed", number)]


def reseal(engine, number):
    """What a forger who knows the (keyless) sealing rule does after a change:
    recompute the changed document's own seal, leaving the later documents alone."""
    with Session(engine) as session:
        [document] = read_documents(session, InvoiceRow.number == number)
        previous = session.scalars(sa.select(InvoiceRow.previous_seal)
                                   .where(InvoiceRow.number == number)).one()
    tamper(engine, sa.update(INVOICES).where(INVOICES.c.number == number)
           .values(seal=seal(previous, document)))


def test_a_changed_and_resealed_document_breaks_the_chain(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, update_line(2, 1, amount=Decimal("300.00")))
    reseal(engine, 2)

    verification = verify(engine)

    # Document 2 matches its new seal, so only the link from 2 to 3 shows the
    # change: 3 is intact and chains to 2's original seal, so 2 is named.
    assert not verification.intact
    assert [f.number for f in verification.findings] == [2]
    assert "inte det dokument som 3 kedjades till" in verification.findings[0].message


def test_a_changed_and_resealed_document_is_named(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, update_line(2, 1, amount=Decimal("300.00")))
    reseal(engine, 2)

    assert kinds_and_numbers(verify(engine)) == [("changed", 2)]


def test_a_document_deleted_in_the_middle_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, *delete_document(3))

    verification = verify(engine)

    # The gap names 3; document 4 is reported only as not following its
    # predecessor in the chain (a consequence of the same deletion), never as
    # changed; nothing is reported as inserted.
    assert verification.documents == 4
    kinds = kinds_and_numbers(verification)
    assert ("deleted", 3) in kinds
    assert "dokument 3 saknas" in verification.findings[kinds.index(("deleted", 3))].message
    assert {kind for kind, _ in kinds} == {"deleted"}
    assert {number for _, number in kinds} <= {3, 4}


def test_the_newest_document_deleted_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    tamper(engine, *delete_document(5))

    verification = verify(engine)

    kinds = kinds_and_numbers(verification)
    assert ("deleted", 5) in kinds
    assert re.search(r"dokument 5(-5)? saknas i slutet",
                     verification.findings[kinds.index(("deleted", 5))].message)
    assert {kind for kind, _ in kinds} == {"deleted"}
    assert {number for _, number in kinds} <= {5, None}


def forged_copy(engine, number: int, forged_number: int, chained: bool) -> dict:
    """A copy of document ``number`` (header, lines, VAT, links) under a new number; sealed onto the real chain head when ``chained``."""
    with Session(engine) as session:
        [document] = read_documents(session, InvoiceRow.number == number)
        head = session.scalars(sa.select(NumberSeries.last_seal)).one()
    forged = replace(document, number=forged_number, issue_date=date(2012, 12, 28))
    with engine.connect() as connection:
        row = dict(connection.execute(sa.select(INVOICES).where(INVOICES.c.number == number))
                   .mappings().one())
        lines = [dict(r) for r in connection.execute(
            sa.select(LINES).where(LINES.c.invoice_number == number)).mappings()]
        vat = [dict(r) for r in connection.execute(
            sa.select(VAT).where(VAT.c.invoice_number == number)).mappings()]
        links = [dict(r) for r in connection.execute(
            sa.select(LINKS).where(LINKS.c.invoice_number == number)).mappings()]
    row |= {"number": forged_number, "issue_date": forged.issue_date,
            "previous_seal": head if chained else "0" * 64,
            "seal": seal(head, forged) if chained else "f" * 64}
    with engine.begin() as connection:
        connection.execute(sa.insert(INVOICES), [row])
        connection.execute(sa.insert(LINES), [line | {"invoice_number": forged_number} for line in lines])
        connection.execute(sa.insert(VAT), [v | {"invoice_number": forged_number} for v in vat])
        connection.execute(sa.insert(LINKS), [k | {"invoice_number": forged_number} for k in links])
    return row


def test_a_forged_document_beyond_the_series_is_found(engine, tmp_path):
    # The forger knows the sealing rule and chains the forgery onto the real
    # head; only the series row (next number 6, head = seal of 5) betrays it.
    chain(engine, tmp_path)
    forged_copy(engine, 3, 6, chained=True)

    verification = verify(engine)

    assert verification.documents == 6
    assert kinds_and_numbers(verification) == [("inserted", 6)]
    assert "dokument 6 har aldrig utfärdats" in verification.findings[0].message


def test_a_forged_document_with_a_made_up_seal_is_found(engine, tmp_path):
    chain(engine, tmp_path)
    forged_copy(engine, 3, 6, chained=False)

    assert kinds_and_numbers(verify(engine)) == [("inserted", 6), ("changed", 6)]


def test_a_forged_document_far_beyond_the_series_is_named_by_its_number(engine, tmp_path):
    # Series next number 6: 6-8 were never issued, so nothing is missing;
    # the forgery is named by its own number.
    # (Regression: it was once reported as 'deleted 6' for 'document(s) 6-8
    # missing' and 'inserted 6'.)
    chain(engine, tmp_path)
    forged_copy(engine, 3, 9, chained=True)

    assert kinds_and_numbers(verify(engine)) == [("inserted", 9)]


# --- billing verify ------------------------------------------------------------------------


def test_verify_command_exits_0_when_intact_and_1_with_the_findings(engine, database_url, tmp_path):
    chain(engine, tmp_path)
    head = verify(engine).head

    clean = cli(database_url, "verify")
    assert clean.exit_code == 0, clean.stderr
    out = flat(clean.stdout)
    assert "5 documents verified: every seal and the chain are intact." in out
    assert head in clean.stdout.replace("\n", "")

    tamper(engine, update_line(2, 1, amount=Decimal("0.00")), *delete_document(3))
    found = cli(database_url, "verify")

    assert found.exit_code == 1
    err = flat(found.stderr)
    assert "│ ändrad │ dokument 2 │ dokument 2 stämmer inte med sitt sigill" in err
    assert "│ borttagen │ dokument 3 │ dokument 3 saknas" in err
    assert "findings in 4 documents." in err
