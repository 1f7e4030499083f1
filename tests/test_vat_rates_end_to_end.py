"""A month with every VAT rate a price list may use (25, 12, 6 and 0 %), through
the invoice, the Peppol e-invoice, the PDF and the SIE file; on SQLite and
PostgreSQL. Before, the SIE export refused any rate but 25 % ("only 25 % is
configured"), and every 0 % line was exported as postage whatever it was.

The world of db_helpers billed for 2012-11 on 2012-12-05, from a copy of
tariffs/standard-2012-06.toml where FIN-CUSTINV is at 12 %, FIN-ASSET at 6 %
and EPR-INV-CODED at 0 % (exempt, VATEX-EU-132-1I); Betaverket also has a
pass-through amount at 0 % (postage, VATEX-EU-132-1A). By hand, from the
prices in db_helpers.ASSUMED_2012_06:

    1 Alfaverket   payroll 3000.00 + 1 x 40.00 + 3 x 66.00 = 3238.00 at 25 %    VAT 809.50
                   net 3238.00, gross 4047.50, payable 4048, rounding +0.50
    2 Betaverket   payroll 3000.00 + 2 x 40.00 + 5 x 66.00 = 3410.00 at 25 %
                   finance base 10000.00 + 2 x 156.00 = 10312.00 at 25 %     25 %: 13722.00 -> 3430.50
                   FIN-CUSTINV 30 x 45.00 = 1350.00 at 12 %                  12 %:  1350.00 ->  162.00
                   FIN-ASSET 200 x 3.50 = 700.00 at 6 %                       6 %:   700.00 ->   42.00
                   postage 500.00 at 0 %                                      0 %:   500.00 ->    0.00
                   net 16272.00, VAT 3634.50, gross 19906.50, payable 19907, rounding +0.50
    3 Gammaverket  payroll 3000.00 + 4 x 40.00 + 8 x 68.00 = 3704.00 at 25 %
                   e-procurement 2500.00 + 750.00 = 3250.00 at 25 %          25 %:  6954.00 -> 1738.50
                   EPR-INV-CODED 7 x 34.00 = 238.00 at 0 %                    0 %:   238.00
                   net 7192.00, gross 8930.50, payable 8931, rounding +0.50

    SIE, per account (the shipped centre file):
      1510 receivables   4048 + 19907 + 8931             = +32886.00
      3011 payroll       3238.00 + 3410.00 + 3704.00     = -10352.00
      3012 finance       10312.00 + 1350.00 + 700.00     = -12362.00
      3013 e-procurement 3250.00                         =  -3250.00
      3019 exempt        500.00 + 238.00                 =   -738.00
      2611 VAT 25 %      809.50 + 3430.50 + 1738.50      =  -5978.50
      2621 VAT 12 %                                      =   -162.00
      2631 VAT 6 %                                       =    -42.00
      3740 rounding      0.50 x 3                        =     -1.50   (the sum is 0)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from lxml import etree
from pypdf import PdfReader
from sqlalchemy.orm import Session

from billing.period import Month
from billing.services.billing_run import run_month
from billing.services.passthrough import import_pass_through
from db_helpers import ORG_B, check_assumed_prices, copy_tariffs, setup_world, with_gamma_reference, write
from helpers_cli import cli
from test_sie import parse

D = Decimal
NOVEMBER = Month(2012, 11)
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
RATES = """
[vat_rates]
FIN-CUSTINV = "12"
FIN-ASSET = "6"
EPR-INV-CODED = "0"

[vat_exemptions]
EPR-INV-CODED = { code = "VATEX-EU-132-1I", reason = "Undantaget från skatteplikt: utbildning (testfall)" }
"""
POSTAGE = ("period,organisation_number,area,description,amount,vat_rate,supplier,reference,"
           "vat_exemption_code,vat_exemption_reason\n"
           f"2012-11,{ORG_B},finance,Porto november,500.00,0,PostNord,PN-7,VATEX-EU-132-1A,"
           "Undantaget från skatteplikt: posttjänster\n")


def billed_at_every_rate(engine, tmp_path):
    check_assumed_prices()
    tariffs = copy_tariffs(tmp_path)
    price_list = tariffs / "standard-2012-06.toml"
    assert "[vat_rates]" not in price_list.read_text(encoding="utf-8")
    price_list.write_text(price_list.read_text(encoding="utf-8") + RATES, encoding="utf-8")
    setup_world(engine, tmp_path, tariffs=tariffs, agencies_text=with_gamma_reference())
    with Session(engine) as session, session.begin():
        import_pass_through(session, write(tmp_path, "postage.csv", POSTAGE))
    with Session(engine) as session, session.begin():
        return run_month(session, NOVEMBER, date(2012, 12, 5)).invoices


def test_every_rate_on_the_invoice_the_e_invoice_the_pdf_and_the_ledger(engine, tmp_path):
    alfa, beta, gamma = billed_at_every_rate(engine, tmp_path)

    # The invoices: VAT per rate, highest first.
    assert [(s.rate, s.taxable, s.vat) for s in beta.totals.vat_subtotals] == [
        (D("25"), D("13722.00"), D("3430.50")), (D("12"), D("1350.00"), D("162.00")),
        (D("6"), D("700.00"), D("42.00")), (D("0"), D("500.00"), D("0.00"))]
    assert (beta.totals.net, beta.totals.vat, beta.totals.payable, beta.totals.rounding) == (
        D("16272.00"), D("3634.50"), D("19907"), D("0.50"))
    assert [(s.rate, s.taxable, s.vat) for s in gamma.totals.vat_subtotals] == [
        (D("25"), D("6954.00"), D("1738.50")), (D("0"), D("238.00"), D("0.00"))]
    assert (gamma.totals.payable, alfa.totals.payable) == (D("8931"), D("4048"))
    # Each 0 % line with the exemption its source gave.
    assert {line.description: line.vat_exemption.code for d in (beta, gamma) for line in d.lines
            if line.vat_rate == 0} == {
        "Porto november": "VATEX-EU-132-1A",
        "Elektronisk fakturahantering, leverantörsfaktura med kontering": "VATEX-EU-132-1I"}

    # Peppol: a breakdown per category and rate; 0 % exempt (E) with its own reason.
    url, out = engine.url.render_as_string(hide_password=False), tmp_path / "peppol"
    assert cli(url, "export", "peppol", "2012-11", "--out", out).exit_code == 0

    def breakdown(number: int) -> list[tuple]:
        root = etree.parse(str(out / f"invoice-{number}.xml")).getroot()
        return [(s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
                 s.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS),
                 s.findtext("cbc:TaxableAmount", namespaces=NS), s.findtext("cbc:TaxAmount", namespaces=NS),
                 s.findtext("cac:TaxCategory/cbc:TaxExemptionReasonCode", namespaces=NS),
                 s.findtext("cac:TaxCategory/cbc:TaxExemptionReason", namespaces=NS))
                for s in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)]

    assert breakdown(2) == [
        ("S", "25", "13722.00", "3430.50", None, None), ("S", "12", "1350.00", "162.00", None, None),
        ("S", "6", "700.00", "42.00", None, None),
        ("E", "0", "500.00", "0.00", "VATEX-EU-132-1A", "Undantaget från skatteplikt: posttjänster")]
    assert breakdown(3)[-1] == ("E", "0", "238.00", "0.00", "VATEX-EU-132-1I",
                                "Undantaget från skatteplikt: utbildning (testfall)")

    # The PDF: VAT per rate and the reason beside the exempt line.
    pdf = tmp_path / "2.pdf"
    assert cli(url, "invoice", "pdf", "2", "--out", pdf).exit_code == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf.read_bytes())).pages)
    for row in ("Moms 25 % på 13 722,00 3 430,50", "Moms 12 % på 1 350,00 162,00", "Moms 6 % på 700,00 42,00",
                "Moms 0 % på 500,00 0,00",
                "momsfri: Undantaget från skatteplikt: posttjänster (VATEX-EU-132-1A)"):
        assert row in text, row

    # The ledger: every rate on its account, per account as worked out above.
    sie = tmp_path / "nov.si"
    assert cli(url, "export", "sie", "2012-11", "--by", "period", "--out", sie).exit_code == 0
    _, vouchers = parse(sie.read_bytes())
    per_account: dict[str, Decimal] = {}
    for voucher in vouchers:
        assert sum(x for _, x in voucher["rows"]) == 0
        for account, x in voucher["rows"]:
            per_account[account] = per_account.get(account, D(0)) + x
    assert per_account == {
        "1510": D("32886.00"), "3011": D("-10352.00"), "3012": D("-12362.00"), "3013": D("-3250.00"),
        "3019": D("-738.00"), "2611": D("-5978.50"), "2621": D("-162.00"), "2631": D("-42.00"),
        "3740": D("-1.50")}
    # Net per rate and VAT per rate of the invoices, as booked.
    invoices = (alfa, beta, gamma)
    vat = {rate: sum(s.vat for d in invoices for s in d.totals.vat_subtotals if s.rate == rate)
           for rate in (D(25), D(12), D(6))}
    assert (-per_account["2611"], -per_account["2621"], -per_account["2631"]) == (vat[25], vat[12], vat[6])
    assert -per_account["3019"] == sum(s.taxable for d in invoices for s in d.totals.vat_subtotals
                                       if s.rate == 0)
