"""The price source of a line in the sealed content, the charges and credit notes.

A line issued before the source was recorded (None) must give exactly the
canonical content it was sealed with, so every document sealed before keeps
its seal; a line with a source seals it too.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from factories import D

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.invoicing.document import Invoice, charges, credit_note_for
from billing.invoicing.seal import canonical_content, seal
from billing.invoicing.totals import InvoiceTotals, VatSubtotal
from billing.period import Month
from billing.rating.lines import PriceSource, Proration, RatedLine, TierStep

PAYSLIPS = RatedLine(
    area=ServiceArea.PAYROLL, part=FeePart.TRANSACTION, description="Löneadministration",
    quantity=D("3"), unit="st", unit_code="H87", unit_price=D("66.00"), amount=D("198.00"),
    vat_rate=D("25"), price_list_id="standard-2012-06", service_code="PAY-SLIP-DEV",
    volume_record_ids=(7,))
BASE = RatedLine(
    area=ServiceArea.FINANCE, part=FeePart.BASE_VARIABLE,
    description="Grundavgift ekonomiadministrativa tjänster, rörlig del",
    quantity=D("1"), unit="mån", unit_code="MON", unit_price=D("312.00"), amount=D("156.00"),
    vat_rate=D("25"), price_list_id="standard-2012-06", detail="2 anställda: 1-2 à 156.00",
    proration=Proration(15, 30), tier_steps=(TierStep(1, 2, D("156.00")),))


def invoice(*lines: RatedLine) -> Invoice:
    # 198.00 + 156.00 (312.00 x 15/30) = 354.00; VAT 25 % = 88.50; 442.50 payable 443, rounding 0.50
    return Invoice(
        number=2, organisation_number="202100-0019", agency_name="Betaverket",
        buyer_reference="B-200", period=Month(2012, 11), issue_date=date(2012, 12, 5),
        due_date=date(2013, 1, 4), currency="SEK", lines=lines,
        totals=InvoiceTotals(net=D("354.00"), vat_subtotals=(VatSubtotal(D("25"), D("354.00"), D("88.50")),),
                             vat=D("88.50"), gross=D("442.50"), rounding=D("0.50"), payable=D("443")))


# The canonical content of the invoice as the code before price sources sealed
# it, written out by hand: sorted keys, no spaces, decimals as their text.
SEALED_BEFORE = (
    '{"agency_name":"Betaverket","buyer_reference":"B-200","credits":null,"currency":"SEK",'
    '"due_date":"2013-01-04","issue_date":"2012-12-05","kind":"invoice","lines":['
    '{"amount":"198.00","area":"payroll","description":"Löneadministration","detail":"",'
    '"part":"transaction","pass_through":[],"price_list":"standard-2012-06","proration":null,'
    '"quantity":"3","service":"PAY-SLIP-DEV","tiers":[],"unit":"st","unit_code":"H87",'
    '"unit_price":"66.00","vat_rate":"25","volume_records":[7]},'
    '{"amount":"156.00","area":"finance","description":"Grundavgift ekonomiadministrativa tjänster, '
    'rörlig del","detail":"2 anställda: 1-2 à 156.00","part":"base_variable","pass_through":[],'
    '"price_list":"standard-2012-06","proration":[15,30],"quantity":"1","service":null,'
    '"tiers":[[1,2,"156.00"]],"unit":"mån","unit_code":"MON","unit_price":"312.00","vat_rate":"25",'
    '"volume_records":[]}],'
    '"net":"354.00","number":2,"organisation_number":"202100-0019","payable":"443","period":"2012-11",'
    '"reason":"","replaces":null,"rounding":"0.50","vat":[["25","354.00","88.50"]],"vat_total":"88.50"}')


def test_a_line_without_a_source_gives_the_content_sealed_before():
    document = invoice(PAYSLIPS, BASE)
    assert PAYSLIPS.price_source is None and BASE.price_source is None

    assert canonical_content(document) == SEALED_BEFORE
    assert seal("", document) == hashlib.sha256(SEALED_BEFORE.encode()).hexdigest()


def test_a_line_with_a_source_seals_it():
    document = invoice(replace(PAYSLIPS, price_source=PriceSource.AGREED_PRICE),
                       replace(BASE, price_source=PriceSource.PRICE_LIST))

    # The same text with one key more per line, in its sorted place
    # ("price_list" < "price_source" < "proration").
    expected = SEALED_BEFORE.replace(
        '"price_list":"standard-2012-06","proration":null,',
        '"price_list":"standard-2012-06","price_source":"agreed_price","proration":null,').replace(
        '"price_list":"standard-2012-06","proration":[15,30],',
        '"price_list":"standard-2012-06","price_source":"price_list","proration":[15,30],')
    assert expected.count('"price_source"') == 2
    assert canonical_content(document) == expected
    # A changed source is a changed document.
    other = invoice(replace(PAYSLIPS, price_source=PriceSource.PRICE_LIST),
                    replace(BASE, price_source=PriceSource.PRICE_LIST))
    assert seal("", other) != seal("", document) != seal("", invoice(PAYSLIPS, BASE))


def test_a_recorded_source_is_not_a_change_of_charges():
    # A month re-rated after the upgrade gives lines with sources; the invoice
    # issued before has none. The charges are the same: no correction is due.
    before = invoice(PAYSLIPS, BASE)
    after = invoice(replace(PAYSLIPS, price_source=PriceSource.PRICE_LIST),
                    replace(BASE, price_source=PriceSource.PRICE_LIST))
    assert charges(before) == charges(after)
    assert charges(before) != charges(invoice(replace(PAYSLIPS, quantity=D("4"), amount=D("264.00")),
                                              BASE))


def test_a_credit_note_keeps_the_source_of_each_line_it_reverses():
    issued = invoice(replace(PAYSLIPS, price_source=PriceSource.AGREED_PRICE), BASE)

    credit = credit_note_for(issued, date(2012, 12, 20), "fel pris")

    assert [line.price_source for line in credit.lines] == [PriceSource.AGREED_PRICE, None]
    assert [line.amount for line in credit.lines] == [D("-198.00"), D("-156.00")]
