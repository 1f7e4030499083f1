"""The customer ledger's rules without a database: open items over chains,
the application rule, ageing, reminders' choice, and a property over any
history of invoices, credit notes, corrections and payments.

OCR references (payments/ocr.py) by hand, as in test_payments_match:
1 -> "133", 2 -> "232", 3 -> "331", 4 -> "430", 5 -> "539".
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.audit.receivables import check_receivables
from billing.invoicing.document import DocumentKind
from billing.payments.ageing import ageing
from billing.payments.application import apply_payments
from billing.payments.bank_file import BankPayment
from billing.payments.ledger import Application, ApplicationKind, StoredPayment, as_of, remainders
from billing.payments.ocr import ocr_reference
from billing.payments.open_items import open_items
from billing.payments.reminders import due_for_reminder, letters
from factories import head as document_head

D = Decimal
ISSUED, DUE = date(2012, 12, 5), date(2013, 1, 4)
ORGS = {1: "202100-0001", 2: "202100-0019", 3: "202100-0027"}
AGENCIES = {org: agency for agency, org in ORGS.items()}


def head(number, payable, agency=1, kind=DocumentKind.INVOICE, credits=None, replaces=None, issued=ISSUED, due=DUE):
    return document_head(number, kind=kind, agency_id=agency, org=ORGS[agency], payable=payable, credits=credits,
                         replaces=replaces, issue_date=issued, due_date=due)


# The corrected world: 1 Alfaverket 4048, 2 Betaverket 19715, credited by 4
# and replaced by 5 (19798), 3 Gammaverket 8990.
WORLD = [head(1, "4048"), head(2, "19715", 2), head(3, "8990", 3),
         head(4, "-19715", 2, DocumentKind.CREDIT_NOTE, credits=2, issued=date(2012, 12, 20)),
         head(5, "19798", 2, replaces=2, issued=date(2012, 12, 20), due=date(2013, 1, 19))]


def pay(amount, reference="", org="", day=date(2013, 1, 3), extra=()):
    return BankPayment(1, D(amount), day, reference, org, "", "", tuple(extra))


def test_a_chain_is_one_item_shown_as_its_document_in_force():
    items = {i.document.number: i for i in open_items(WORLD, [])}
    assert sorted(items) == [1, 3, 5]
    assert items[5].chain == (2, 4, 5)
    assert items[5].original == D("19798")  # 19715 - 19715 + 19798


def test_a_payment_to_a_credited_and_replaced_invoice_pays_the_replacement():
    [outcome] = apply_payments([pay("19715.00", "232")], open_items(WORLD, []), AGENCIES)
    assert (outcome.agency_id, outcome.applied, outcome.left) == (2, ((5, D("19715.00")),), D("0.00"))
    application = Application(1, 1, 5, D("19715.00"), date(2013, 1, 3), ApplicationKind.AUTOMATIC)
    item = next(i for i in open_items(WORLD, [application]) if i.document.number == 5)
    assert item.open == D("83.00")  # 19798 - 19715: the agency still owes the difference


def test_part_payment_over_payment_and_two_payments_of_one_file():
    outcomes = apply_payments([pay("5000.00", "331"), pay("3000.00", "331"), pay("4050.00", "133")],
                              open_items(WORLD, []), AGENCIES)
    assert [(o.applied, o.left) for o in outcomes] == [
        (((3, D("5000.00")),), D("0.00")),
        (((3, D("3000.00")),), D("0.00")),   # 8990 - 5000 - 3000 = 990 still open
        (((1, D("4048.00")),), D("2.00"))]   # 2.00 too much: Alfaverket's credit balance
    assert outcomes[2].agency_id == 1


def test_extra_references_share_one_payment_in_the_order_given():
    # 4048 + 8990 = 13038; 13040.00 pays both and leaves 2.00.
    [outcome] = apply_payments([pay("13040.00", "133", extra=("331",))], open_items(WORLD, []), AGENCIES)
    assert outcome.applied == ((1, D("4048.00")),)  # 3 is Gammaverket's: not Alfaverket's payment
    # The same agency's two invoices:
    world = WORLD + [head(6, "1000", 1, issued=date(2013, 1, 2), due=date(2013, 2, 1))]
    assert ocr_reference(6) == "638"  # 6, length 3 -> "63"; Luhn: 3 x 2 = 6, + 6 = 12, check 8
    [outcome] = apply_payments([pay("5050.00", "133", extra=("638",))], open_items(world, []), AGENCIES)
    assert outcome.applied == ((1, D("4048.00")), (6, D("1000.00"))) and outcome.left == D("2.00")


def test_by_organisation_number_and_exact_amount_else_unapplied():
    items = open_items(WORLD, [])
    found, near, unknown = apply_payments(
        [pay("8990.00", "", "202100-0027"), pay("8989.00", "", "202100-0027"), pay("8990.00", "", "202100-0092")],
        items, AGENCIES)
    assert (found.agency_id, found.applied) == (3, ((3, D("8990.00")),))
    assert (near.agency_id, near.applied, near.how) == (
        None, (), "no reference; no open item of 202100-0027 of exactly this amount")
    assert (unknown.agency_id, unknown.applied) == (None, ())


def test_a_payment_to_an_invoice_credited_alone_is_the_agencys_credit():
    credited = WORLD + [head(6, "-4048", 1, DocumentKind.CREDIT_NOTE, credits=1, issued=date(2013, 1, 10))]
    paid = [Application(1, 1, 1, D("4048.00"), date(2013, 1, 3), ApplicationKind.AUTOMATIC)]
    item = next(i for i in open_items(credited, paid) if 1 in i.chain)
    assert (item.document.number, item.original, item.open) == (6, D("0"), D("-4048.00"))
    # On 2013-01-05 the credit note was not issued yet: the invoice was paid, nothing open.
    before = next(i for i in open_items(credited, paid, date(2013, 1, 5)) if 1 in i.chain)
    assert (before.document.number, before.open) == (1, D("0.00"))


def test_ageing_buckets_by_days_overdue():
    world = [head(1, "100", due=date(2013, 3, 31)),        # not due on 2013-03-31
             head(2, "200", due=date(2013, 3, 30)),        # 1 day
             head(3, "300", due=date(2013, 1, 30)),        # 60 days: 31-60
             head(4, "400", due=date(2012, 12, 31)),       # 90 days: 61-90
             head(5, "500", due=date(2012, 12, 30)),       # 91 days: over 90
             head(6, "-50", kind=DocumentKind.CREDIT_NOTE)]  # a credit balance note: a credit
    aged = ageing(open_items(world, []), date(2013, 3, 31), credit_balance=D("25.00"))
    assert aged.buckets == (D("100"), D("200"), D("300"), D("400"), D("500"))
    assert aged.credits == D("-75.00")  # -50 - 25
    assert aged.total == D("1425.00")  # 1500 - 75


def test_reminders_choose_overdue_items_not_reminded_within_the_interval():
    items = open_items(WORLD, [Application(1, 1, 1, D("4048"), date(2013, 1, 3), ApplicationKind.AUTOMATIC)])
    day = date(2013, 1, 20)  # 3 is 16 days overdue, 5 is 1 day overdue, 1 is paid
    assert [i.document.number for i in due_for_reminder(items, day, 10, 30, {})] == [3]
    assert due_for_reminder(items, day, 10, 30, {3: date(2012, 12, 22)}) == []  # 29 days ago
    # 30 days after the last reminder 3 is due one again; 5 is overdue by 1; by agency (2, then 3).
    assert [i.document.number for i in due_for_reminder(items, day, 1, 30, {3: date(2012, 12, 21)})] == [5, 3]
    [letter] = letters(due_for_reminder(items, day, 10, 30, {}), day, D("0.00"),
                       {3: ("202100-0027", "Gammaverket", ("Box 1", "100 00 Stockholm"))})
    assert (letter.name, [(l.document, l.open, l.ocr, l.days_overdue) for l in letter.lines], letter.total) == (
        "Gammaverket", [(3, D("8990"), "331", 16)], D("8990.00"))


def test_the_reconciliation_check_finds_a_chain_across_agencies():
    # Altered data: agency 2's credit note credits agency 1's invoice.
    heads = [head(1, "1000", 1), head(2, "-1000", 2, DocumentKind.CREDIT_NOTE, credits=1)]
    result = check_receivables(heads, [], [], open_items(heads, []), {1: "Alfaverket", 2: "Betaverket"})
    assert [f.message for f in result.findings] == [
        "Alfaverket: documents 1 000,00 less applied 0,00 is 1 000,00, but its open items sum to 0,00",
        "Betaverket: documents -1 000,00 less applied 0,00 is -1 000,00, but its open items sum to 0,00"]
    payment = StoredPayment(1, date(2013, 1, 3), D("10.00"))
    over = [Application(1, 1, 1, D("11.00"), date(2013, 1, 3), ApplicationKind.MANUAL)]
    assert "payment 1 of 10,00 has 11,00 applied and refunded" in [
        f.message for f in check_receivables(heads[:1], [payment], over, open_items(heads[:1], over),
                                             {1: "Alfaverket"}).findings]


# --- any history ------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=600000).map(lambda ore: (D(ore) / 100).quantize(D("0.01")))
operations = st.lists(st.one_of(
    st.tuples(st.just("invoice"), st.integers(1, 3), st.integers(1, 5000)),
    st.tuples(st.just("credit"), st.integers(0, 50)),
    st.tuples(st.just("correct"), st.integers(0, 50), st.integers(1, 5000)),
    st.tuples(st.just("pay"), st.integers(-1, 50), amounts, st.booleans()),
), max_size=30)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_every_krona_paid_is_applied_held_or_unapplied(ops):
    heads, payments, applications = [], [], []
    day = date(2013, 1, 1)
    for op in ops:
        day += timedelta(days=1)
        in_force = [h for h in open_items(heads, applications) if h.document.kind is DocumentKind.INVOICE
                    and h.document.credits is None]
        if op[0] == "invoice":
            heads.append(head(len(heads) + 1, str(op[2]), op[1], issued=day, due=day + timedelta(days=30)))
        elif op[0] in ("credit", "correct") and in_force:
            target = in_force[op[1] % len(in_force)].document
            heads.append(head(len(heads) + 1, str(-target.payable), target.agency_id, DocumentKind.CREDIT_NOTE,
                              credits=target.number, issued=day))
            if op[0] == "correct":
                heads.append(head(len(heads) + 1, str(op[2]), target.agency_id, replaces=target.number,
                                  issued=day, due=day + timedelta(days=30)))
        elif op[0] == "pay":
            _, index, amount, by_org = op
            named = heads[index % len(heads)] if heads and index >= 0 else None
            reference = ocr_reference(named.number) if named and not by_org else ""
            org = ORGS[named.agency_id] if named and by_org else ""
            [outcome] = apply_payments([pay(str(amount), reference, org, day)], open_items(heads, applications),
                                       AGENCIES)
            assert outcome.left >= 0
            payment = StoredPayment(len(payments) + 1, day, amount, reference, org, outcome.agency_id)
            payments.append(payment)
            applications += [Application(len(applications) + 1, payment.id, document, applied, day,
                                         ApplicationKind.AUTOMATIC) for document, applied in outcome.applied]
    items = open_items(heads, applications)
    agency_of = {h.number: h.agency_id for h in heads}
    held = remainders(payments, applications, agency_of)
    applied = sum((a.amount for a in applications), D(0))
    assert sum((p.amount for p in payments), D(0)) == (
        applied + sum(held.credit_balances.values(), D(0)) + sum((left for _, left in held.unapplied), D(0)))
    assert sum((i.open for i in items), D(0)) == sum((h.payable for h in heads), D(0)) - applied
    for item in items:  # a payment never pays more than an item owes; a credit or a correction
        if len(item.chain) == 1:  # after it may leave the item below zero: the agency's credit
            assert item.open >= 0
    assert check_receivables(heads, payments, applications, items, {1: "A", 2: "B", 3: "C"}).findings == ()
    # The state on any earlier day holds the same sums over what was there then.
    middle = date(2013, 1, 1) + timedelta(days=len(ops) // 2)
    early_payments, early_applications = as_of(payments, applications, middle)
    early_items = open_items(heads, early_applications, middle)
    assert sum((i.open for i in early_items), D(0)) == (
        sum((h.payable for h in heads if h.issue_date <= middle), D(0))
        - sum((a.amount for a in early_applications), D(0)))


def test_a_reminder_pdf_lists_the_items_with_ocr_and_bankgiro_and_a_fee_only_when_set():
    from io import BytesIO

    from pypdf import PdfReader

    from billing.files.centre_file import load_centre
    from billing.pdf.reminder_pdf import render_reminder

    def text(data: bytes) -> str:
        return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(data)).pages)

    seller = load_centre().seller
    items = due_for_reminder(open_items(WORLD, []), date(2013, 1, 20), 10, 30, {})  # 1 and 3: 16 days
    agencies = {1: ("202100-0001", "Alfaverket", ("Box 1", "100 00 Stockholm")),
                3: ("202100-0027", "Gammaverket", ("Box 3", "300 00 Stockholm"))}
    alfa, gamma = letters(items, date(2013, 1, 20), D("0.00"), agencies)
    shown = text(render_reminder(gamma, seller))
    assert "Betalningspåminnelse" in shown and "Gammaverket" in shown and "Org.nr 202100-0027" in shown
    assert "3 2013-01-04 16 8 990,00 0,00 8 990,00 331" in shown  # document, due, days, amounts, OCR
    assert "Betala till bankgiro 5050-1055" in shown and "Ingen påminnelseavgift" in shown
    assert render_reminder(gamma, seller) == render_reminder(gamma, seller)  # same letter, same bytes
    [with_fee] = letters(items[1:], date(2013, 1, 20), D("60.00"), agencies)
    shown = text(render_reminder(with_fee, seller))
    assert "Påminnelseavgift 60,00" in shown and "Summa att betala 9 050,00" in shown  # 8990 + 60
    assert "Ingen påminnelseavgift" not in shown


def test_the_centre_file_sets_the_ledger_accounts_and_a_reminder_fee(tmp_path):
    import pytest

    from billing.errors import BillingError
    from billing.files.centre_file import DEFAULT_CENTRE_FILE, load_centre

    default = load_centre().receivables
    assert (default.bank, default.unapplied, default.reminder_fee) == ("1930", "2420", D("0.00"))
    text = DEFAULT_CENTRE_FILE.read_text(encoding="utf-8")
    charged = tmp_path / "centre.toml"
    charged.write_text(text.replace('reminder_fee = "0"', 'reminder_fee = "60"'), encoding="utf-8")
    assert load_centre(charged).receivables.reminder_fee == D("60.00")
    charged.write_text(text.replace('reminder_fee = "0"', 'reminder_fee = "60.005"'), encoding="utf-8")
    with pytest.raises(BillingError) as caught:
        load_centre(charged)
    assert "reminder_fee" in str(caught.value)
