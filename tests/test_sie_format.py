"""The SIE 4I writer and the vouchers, without a database: quoting, amounts,
codepage 437, financial years, and the voucher of hand-made documents.

Hand-worked document (25 % VAT on the service lines, pass-through at 0 %):

    payroll   3000.00 + 40.00 + 198.00 = 3238.00  (25 %)
    finance   10000.00 - 500.00 discount = 9500.00  (25 %)
    pass-through 1000.00                         (0 %: exempt revenue, 3019)
    net 13738.00; VAT 25 % of 12738.00 = 3184.50; gross 16922.50; payable 16923; rounding +0.50

    voucher: 1510 +16923.00 (on the customer), 3011 -3238.00, 3012 -9500.00, 3019 -1000.00,
             2611 -3184.50, 3740 -0.50
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.seller import Accounts
from billing.invoicing.document import Invoice, credit_note_for
from billing.invoicing.totals import compute_totals
from billing.domain.vat_exemption import VatExemption
from billing.ledger.financial_year import FinancialYear, financial_year, years_of
from billing.ledger.sie import amount, encode, quoted
from billing.ledger.vouchers import Posting, account_names, account_problems, voucher_for
from billing.period import Month
from billing.rating.lines import RatedLine

D = Decimal
PAYROLL, FINANCE, EPROC = ServiceArea.PAYROLL, ServiceArea.FINANCE, ServiceArea.EPROCUREMENT
VAT_ACCOUNTS = {D("25.00"): "2611", D("12.00"): "2621", D("6.00"): "2631"}
ACCOUNTS = Accounts("1510", VAT_ACCOUNTS, "3090", "3740",
                    {PAYROLL: "3011", FINANCE: "3012", EPROC: "3013"}, "3019")
POSTAGE = VatExemption("VATEX-EU-132-1A", "Undantaget från skatteplikt: posttjänster")
CUSTOMER = "222100-0017"


def line(area, amount_text, part=FeePart.TRANSACTION, vat="25") -> RatedLine:
    value = D(amount_text)
    return RatedLine(area, part, "rad", D(1), "st", "EA", value, value, D(vat), "standard-2012-06",
                     vat_exemption=POSTAGE if D(vat) == 0 else None)


def invoice(*lines: RatedLine, number=7, name="Åre kommunförbund") -> Invoice:
    return Invoice(number, CUSTOMER, name, "R-1", Month(2012, 11), date(2012, 12, 5),
                   date(2013, 1, 4), "SEK", lines, compute_totals((l.amount, l.vat_rate) for l in lines))


HAND_WORKED = invoice(line(PAYROLL, "3000.00", FeePart.BASE_FIXED), line(PAYROLL, "40.00", FeePart.BASE_VARIABLE),
                      line(PAYROLL, "198.00"), line(FINANCE, "10000.00", FeePart.BASE_FIXED),
                      line(FINANCE, "-500.00", FeePart.DISCOUNT),
                      line(PAYROLL, "1000.00", FeePart.PASS_THROUGH, vat="0"))


def postings(*pairs) -> tuple[Posting, ...]:
    """Receivables (1510) on the customer, every other account on no object."""
    return tuple(Posting(account, D(value), CUSTOMER if account == "1510" else None)
                 for account, value in pairs)


def test_quoted_strings_escape_quotes_and_backslashes_and_drop_control_characters():
    assert quoted("Statens servicecenter") == '"Statens servicecenter"'
    assert quoted('Verket för "öppna" data') == '"Verket för \\"öppna\\" data"'
    assert quoted("C:\\") == '"C:\\\\"'  # a trailing backslash cannot swallow the closing quote
    assert quoted("rad\tett\r\nrad två") == '"rad ett  rad två"'
    assert quoted("") == '""'


def test_amounts_have_a_decimal_point_and_two_decimals():
    assert [amount(D(v)) for v in ("4048", "-809.5", "0.50", "-0.00", "0", "1234567.89")] == \
        ["4048.00", "-809.50", "0.50", "0.00", "0.00", "1234567.89"]
    with pytest.raises(ValueError):
        amount(D("0.005"))


def test_codepage_437_keeps_swedish_letters_and_replaces_what_it_lacks():
    assert encode("åäöÅÄÖé") == bytes([0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x82])
    # Typographic dashes and quotes become plain ones before quoting (so a quote is escaped).
    assert encode(quoted("Åre–Östersund “AB” ő ł")) == b'"\x8fre-\x99stersund \\"AB\\" o ?"'
    assert encode("åäö").decode("cp437") == "åäö"


def test_financial_years_begin_in_the_month_the_centre_file_names():
    # Default: the calendar year, as for every government agency.
    assert financial_year(date(2012, 12, 5)) == FinancialYear(date(2012, 1, 1), date(2012, 12, 31))
    # A year beginning in July: 2012-12-05 is in 2012-07-01..2013-06-30, 2013-06-30 too,
    # 2012-06-30 in the year before.
    july = FinancialYear(date(2012, 7, 1), date(2013, 6, 30))
    assert financial_year(date(2012, 12, 5), 7) == financial_year(date(2013, 6, 30), 7) == july
    assert financial_year(date(2012, 6, 30), 7) == FinancialYear(date(2011, 7, 1), date(2012, 6, 30))
    assert str(july) == "2012-07-01--2013-06-30" and str(financial_year(date(2012, 3, 1))) == "2012"
    assert years_of([date(2012, 12, 5), date(2013, 1, 8), date(2012, 12, 31)]) == [
        financial_year(date(2012, 1, 1)), financial_year(date(2013, 1, 1))]
    assert years_of([date(2012, 12, 5), date(2013, 1, 8)], 7) == [july]
    assert years_of([]) == []
    with pytest.raises(ValueError):
        financial_year(date(2012, 1, 1), 13)


def test_hand_worked_invoice_voucher():
    assert (HAND_WORKED.totals.net, HAND_WORKED.totals.vat, HAND_WORKED.totals.payable,
            HAND_WORKED.totals.rounding) == (D("13738.00"), D("3184.50"), D("16923"), D("0.50"))
    voucher, problems = voucher_for(HAND_WORKED, ACCOUNTS)
    assert problems == [] and voucher is not None
    assert voucher.postings == postings(("1510", "16923"), ("3011", "-3238.00"), ("3012", "-9500.00"),
                                        ("3019", "-1000.00"), ("2611", "-3184.50"), ("3740", "-0.50"))
    assert (voucher.number, voucher.date) == (7, date(2012, 12, 5))
    assert voucher.customer == (CUSTOMER, "Åre kommunförbund")
    assert voucher.text == "Faktura 7 Åre kommunförbund 222100-0017 period 2012-11"


def test_credit_note_voucher_reverses_every_posting():
    note = replace(credit_note_for(HAND_WORKED, date(2012, 12, 20), "fel"), number=9)
    voucher, problems = voucher_for(note, ACCOUNTS)
    assert problems == [] and voucher is not None
    assert voucher.postings == postings(("1510", "-16923"), ("3011", "3238.00"), ("3012", "9500.00"),
                                        ("3019", "1000.00"), ("2611", "3184.50"), ("3740", "0.50"))
    assert voucher.text.startswith("Kreditfaktura 9 ") and voucher.text.endswith("krediterar faktura 7")
    assert voucher.date == date(2012, 12, 20)


def test_missing_revenue_account_and_unconfigured_vat_rate_are_named():
    # Before: a centre file named one output VAT account, so a 12 % document was
    # refused with "only 25 % is configured (accounts.output_vat)" whatever the
    # file said. Now each rate has its account; only a rate the file does not map
    # is refused, naming the rate, the table and the file.
    accounts = Accounts("1510", {D("25.00"): "2611"}, "3090", "3740", {PAYROLL: "3011"})
    document = invoice(line(PAYROLL, "100.00"), line(EPROC, "200.00"), line(FINANCE, "50.00", vat="12"),
                       line(PAYROLL, "10.00", vat="0"))
    voucher, problems = voucher_for(document, accounts, source="centre.toml")
    assert voucher is None
    assert problems == [
        "Faktura 7 (Åre kommunförbund, 222100-0017): no revenue account for service area finance "
        "(accounts.revenue.finance in centre.toml)",
        "Faktura 7 (Åre kommunförbund, 222100-0017): no revenue account for service area eprocurement "
        "(accounts.revenue.eprocurement in centre.toml)",
        "Faktura 7 (Åre kommunförbund, 222100-0017): no account for revenue at 0 % VAT "
        "(accounts.exempt_revenue in centre.toml)",
        "Faktura 7 (Åre kommunförbund, 222100-0017): no output VAT account for VAT at 12 % (VAT 6.00): "
        'add "12" = "NNNN" under [accounts.output_vat] in centre.toml']


def test_every_rate_books_on_its_own_account():
    # 25 %: 100.00 -> VAT 25.00; 12 %: 50.00 -> 6.00; 6 %: 30.00 -> 1.80; 0 %: 20.00 (exempt revenue).
    # Net 200.00, VAT 32.80, gross 232.80, payable 233, rounding +0.20.
    document = invoice(line(PAYROLL, "100.00"), line(FINANCE, "50.00", vat="12"),
                       line(EPROC, "30.00", vat="6"), line(PAYROLL, "20.00", FeePart.PASS_THROUGH, vat="0"))
    voucher, problems = voucher_for(document, ACCOUNTS)
    assert problems == [] and voucher is not None
    assert voucher.postings == postings(("1510", "233"), ("3011", "-100.00"), ("3012", "-50.00"),
                                        ("3013", "-30.00"), ("3019", "-20.00"), ("2611", "-25.00"),
                                        ("2621", "-6.00"), ("2631", "-1.80"), ("3740", "-0.20"))


def test_vat_rate_notation_does_not_matter_and_zero_rate_needs_no_vat_account():
    # Before: the 0 % pass-through amount went to the pass-through account (3090),
    # mixed with taxed pass-through; now to the exempt-revenue account.
    document = invoice(line(PAYROLL, "100.00", vat="25.0"), line(PAYROLL, "10.00", FeePart.PASS_THROUGH, vat="0"))
    voucher, problems = voucher_for(document, ACCOUNTS)
    assert problems == [] and voucher is not None
    assert voucher.postings == postings(("1510", "135"), ("3011", "-100.00"), ("3019", "-10.00"),
                                        ("2611", "-25.00"))


def test_account_numbers_and_names():
    bad = Accounts("1510", {D("25.00"): "2611", D("12.00"): "26x1"}, "3090", "3740", {PAYROLL: "30x1"})
    assert account_problems(bad) == ["accounts.output_vat.\"12\" = '26x1' is not a four-digit account number",
                                     "accounts.revenue.payroll = '30x1' is not a four-digit account number"]
    names = account_names(ACCOUNTS)
    assert names["3740"] == "Öresavrundning" and names["2611"] == "Utgående moms 25 %"
    assert names["2621"] == "Utgående moms 12 %" and names["2631"] == "Utgående moms 6 %"
    assert names["3011"] == "Intäkter, lönerelaterade tjänster" and names["3019"] == "Momsfria intäkter"


amounts = st.decimals(min_value=-100000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.sampled_from(list(ServiceArea)), st.sampled_from([FeePart.TRANSACTION,
                                                                                FeePart.PASS_THROUGH]),
                          amounts, st.sampled_from(["25", "0"])), min_size=1, max_size=12))
def test_every_voucher_balances_and_its_credit_note_mirrors_it(spec):
    document = invoice(*(line(area, str(value), part, vat) for area, part, value, vat in spec))
    voucher, problems = voucher_for(document, ACCOUNTS)
    assert problems == [] and voucher is not None
    assert sum(p.amount for p in voucher.postings) == 0
    mirror, _ = voucher_for(replace(credit_note_for(document, date(2012, 12, 20), "x"), number=8), ACCOUNTS)
    assert mirror is not None
    assert {p.account: -p.amount for p in mirror.postings} == {p.account: p.amount for p in voucher.postings}


def test_totals_that_disagree_with_the_lines_are_refused():
    tampered = replace(HAND_WORKED, lines=HAND_WORKED.lines[:-1])  # the 1000.00 pass-through line gone
    voucher, problems = voucher_for(tampered, ACCOUNTS)
    assert voucher is None
    assert problems == ["Faktura 7 (Åre kommunförbund, 222100-0017): the voucher does not balance "
                        "(difference 1000.00); the stored totals disagree with the lines; run 'billing verify'"]
