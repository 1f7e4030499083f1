"""`billing export peppol YYYY-MM --out DIR`: Peppol BIS Billing 3.0 (UBL 2.1).

Without the official Schematron (CI has no network), these tests recompute
from the XML the rules that matter most for our documents: the totals
(BR-CO-10, 11, 13, 14, 15, 16), VAT per category (BR-S-08, BR-S-09, BR-E-08,
BR-E-09, BR-E-10), line amounts (PEPPOL-EN16931-R120) and prices (BR-27),
allowances (PEPPOL-EN16931-R040), organisation numbers (SE-R-003, SE-R-004,
SE-R-013, PEPPOL-COMMON-R049: scheme 0007 with its check digit), the buyer
reference (PEPPOL-EN16931-R003), no empty element (R008), one currency
(R051), and the element order of the UBL 2.1 schema.

A small invoice built by hand (no database), number 7, November 2012:

    1 Grundavgift fast del   1 mån x 3000.00 x 20/30 days = 2000.00   S 25 %
                             -> 20 DAY at 3000.00 per 30 DAY
    2 PAY-SLIP-DEV           3 st x 66.00               =  198.00   S 25 %
    3 Konferenslokal         1 st x 1000.00             = 1000.00   S 12 %
    4 Porto (pass-through)   1 st x 123.45              =  123.45   E 0 %
    5 Återbetalning          1 st x -50.00              =  -50.00   S 25 %  -> -1 x 50.00
    6 Rabatt 10 % on 2000.00 (discount line)           = -200.00   S 25 %  -> allowance 200.00

    LineExtensionAmount  2000.00 + 198.00 + 1000.00 + 123.45 - 50.00 = 3271.45
    AllowanceTotalAmount 200.00; TaxExclusiveAmount 3271.45 - 200.00 = 3071.45
    S 25 %: 2000.00 + 198.00 - 50.00 - 200.00 = 1948.00, VAT 487.00
    S 12 %: 1000.00, VAT 120.00;  E 0 %: 123.45, VAT 0.00
    TaxAmount 607.00; TaxInclusiveAmount 3678.45; PayableAmount 3678, rounding -0.45
    OCR 737: "7", length digit (1 + 2) % 10 = 3, Luhn check digit of "73" = 7

The world of db_helpers billed for 2012-11 on 2012-12-05, with Gammaverket's
payroll buyer reference C-300, Alfaverket's base fees discounted 10 % and a
postage pass-through amount of 123.45 at 0 % for Alfaverket; then invoice 1
credited on 2012-12-12 (credit note 4). Invoice 1 by hand:

    1 fixed 1 MON x 3000.00; 2 variable 1 C62 x 40.00; 3 PAY-SLIP-DEV 3 H87 x 66.00 = 198.00;
    4 postage 1 C62 x 123.45 (E); discounts 10 % of 3000.00 = 300.00 and of 40.00 = 4.00
    LineExtensionAmount 3361.45, AllowanceTotalAmount 304.00, TaxExclusiveAmount 3057.45
    S 25 %: 3238.00 - 304.00 = 2934.00, VAT 733.50; E 0 %: 123.45
    TaxInclusiveAmount 3790.95, PayableAmount 3791, rounding +0.05; OCR 133
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.domain.catalogue import ServiceArea
from billing.domain.exports import DocumentChoice
from billing.domain.seller import Seller
from billing.einvoice.checks import document_problems, seller_problems
from billing.files.centre_file import DEFAULT_CENTRE_FILE
from billing.einvoice.ubl import CUSTOMIZATION_ID, PROFILE_ID, build_document
from billing.errors import DataError
from billing.invoicing.document import Invoice, credit_note_for
from billing.invoicing.totals import compute_totals
from billing.period import Month
from billing.persistence.models import InvoiceRow
from billing.rating.lines import Proration, RatedLine
from billing.rating.proration import line_amount
from billing.services.billing_run import run_month
from billing.services.corrections import credit_invoice
from billing.services.outputs import export_peppol
from billing.services.passthrough import import_pass_through
from db_helpers import ORG_A, ORG_C, WORLD_AGENCIES, check_assumed_prices, setup_world, write
from helpers_cli import cli, flat

D = Decimal
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
NOVEMBER = Month(2012, 11)
RUN_DATE, CREDIT_DATE = date(2012, 12, 5), date(2012, 12, 12)

# --- the UBL 2.1 schema's order (xsd/maindoc/UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd,
# xsd/common/UBL-CommonAggregateComponents-2.1.xsd), local names ---------------------------

INVOICE_ORDER = [
    "UBLExtensions", "UBLVersionID", "CustomizationID", "ProfileID", "ProfileExecutionID", "ID",
    "CopyIndicator", "UUID", "IssueDate", "IssueTime", "DueDate", "InvoiceTypeCode", "Note",
    "TaxPointDate", "DocumentCurrencyCode", "TaxCurrencyCode", "PricingCurrencyCode",
    "PaymentCurrencyCode", "PaymentAlternativeCurrencyCode", "AccountingCostCode", "AccountingCost",
    "LineCountNumeric", "BuyerReference", "InvoicePeriod", "OrderReference", "BillingReference",
    "DespatchDocumentReference", "ReceiptDocumentReference", "StatementDocumentReference",
    "OriginatorDocumentReference", "ContractDocumentReference", "AdditionalDocumentReference",
    "ProjectReference", "Signature", "AccountingSupplierParty", "AccountingCustomerParty",
    "PayeeParty", "BuyerCustomerParty", "SellerSupplierParty", "TaxRepresentativeParty", "Delivery",
    "DeliveryTerms", "PaymentMeans", "PaymentTerms", "PrepaidPayment", "AllowanceCharge",
    "TaxExchangeRate", "PricingExchangeRate", "PaymentExchangeRate",
    "PaymentAlternativeExchangeRate", "TaxTotal", "WithholdingTaxTotal", "LegalMonetaryTotal",
    "InvoiceLine"]
CREDIT_NOTE_ORDER = [
    "UBLExtensions", "UBLVersionID", "CustomizationID", "ProfileID", "ProfileExecutionID", "ID",
    "CopyIndicator", "UUID", "IssueDate", "IssueTime", "TaxPointDate", "CreditNoteTypeCode", "Note",
    "DocumentCurrencyCode", "TaxCurrencyCode", "PricingCurrencyCode", "PaymentCurrencyCode",
    "PaymentAlternativeCurrencyCode", "AccountingCostCode", "AccountingCost", "LineCountNumeric",
    "BuyerReference", "InvoicePeriod", "DiscrepancyResponse", "OrderReference", "BillingReference",
    "DespatchDocumentReference", "ReceiptDocumentReference", "ContractDocumentReference",
    "AdditionalDocumentReference", "StatementDocumentReference", "OriginatorDocumentReference",
    "Signature", "AccountingSupplierParty", "AccountingCustomerParty", "PayeeParty",
    "BuyerCustomerParty", "SellerSupplierParty", "TaxRepresentativeParty", "Delivery",
    "DeliveryTerms", "PaymentMeans", "PaymentTerms", "TaxExchangeRate", "PricingExchangeRate",
    "PaymentExchangeRate", "PaymentAlternativeExchangeRate", "AllowanceCharge", "TaxTotal",
    "LegalMonetaryTotal", "CreditNoteLine"]
NESTED_ORDER = {
    "InvoiceLine": ["ID", "UUID", "Note", "InvoicedQuantity", "LineExtensionAmount", "TaxPointDate",
                    "AccountingCostCode", "AccountingCost", "PaymentPurposeCode",
                    "FreeOfChargeIndicator", "InvoicePeriod", "OrderLineReference",
                    "DespatchLineReference", "ReceiptLineReference", "BillingReference",
                    "DocumentReference", "PricingReference", "OriginatorParty", "Delivery",
                    "PaymentTerms", "AllowanceCharge", "TaxTotal", "WithholdingTaxTotal", "Item",
                    "Price", "DeliveryTerms", "SubInvoiceLine", "ItemPriceExtension"],
    "CreditNoteLine": ["ID", "UUID", "Note", "CreditedQuantity", "LineExtensionAmount",
                       "TaxPointDate", "AccountingCostCode", "AccountingCost", "PaymentPurposeCode",
                       "FreeOfChargeIndicator", "InvoicePeriod", "OrderLineReference",
                       "DiscrepancyResponse", "DespatchLineReference", "ReceiptLineReference",
                       "BillingReference", "DocumentReference", "PricingReference",
                       "OriginatorParty", "Delivery", "PaymentTerms", "TaxTotal", "AllowanceCharge",
                       "Item", "Price", "DeliveryTerms", "SubCreditNoteLine", "ItemPriceExtension"],
    "Item": ["Description", "PackQuantity", "PackSizeNumeric", "CatalogueIndicator", "Name",
             "HazardousRiskIndicator", "AdditionalInformation", "Keyword", "BrandName", "ModelName",
             "BuyersItemIdentification", "SellersItemIdentification",
             "ManufacturersItemIdentification", "StandardItemIdentification",
             "CatalogueItemIdentification", "AdditionalItemIdentification",
             "CatalogueDocumentReference", "ItemSpecificationDocumentReference", "OriginCountry",
             "CommodityClassification", "TransactionConditions", "HazardousItem",
             "ClassifiedTaxCategory", "AdditionalItemProperty", "ManufacturerParty",
             "InformationContentProviderParty", "OriginAddress", "ItemInstance", "Certificate",
             "Dimension"],
    "Price": ["PriceAmount", "BaseQuantity", "PriceChangeReason", "PriceTypeCode", "PriceType",
              "OrderableUnitFactorRate", "ValidityPeriod", "PriceList", "AllowanceCharge",
              "PricingExchangeRate"],
    "Party": ["MarkCareIndicator", "MarkAttentionIndicator", "WebsiteURI", "LogoReferenceID",
              "EndpointID", "IndustryClassificationCode", "PartyIdentification", "PartyName",
              "Language", "PostalAddress", "PhysicalLocation", "PartyTaxScheme", "PartyLegalEntity",
              "Contact", "Person", "AgentParty", "ServiceProviderParty", "PowerOfAttorney",
              "FinancialAccount"],
    "PostalAddress": ["ID", "AddressTypeCode", "AddressFormatCode", "Postbox", "Floor", "Room",
                      "StreetName", "AdditionalStreetName", "BlockName", "BuildingName",
                      "BuildingNumber", "InhouseMail", "Department", "MarkAttention", "MarkCare",
                      "PlotIdentification", "CitySubdivisionName", "CityName", "PostalZone",
                      "CountrySubentity", "CountrySubentityCode", "Region", "District",
                      "TimezoneOffset", "AddressLine", "Country", "LocationCoordinate"],
    "PartyLegalEntity": ["RegistrationName", "CompanyID", "RegistrationDate",
                         "RegistrationExpirationDate", "CompanyLegalFormCode", "CompanyLegalForm",
                         "SoleProprietorshipIndicator", "CompanyLiquidationStatusCode",
                         "CorporateStockAmount", "FullyPaidSharesIndicator", "RegistrationAddress",
                         "CorporateRegistrationScheme", "HeadOfficeParty", "ShareholderParty"],
    "PartyTaxScheme": ["RegistrationName", "CompanyID", "TaxLevelCode", "ExemptionReasonCode",
                       "ExemptionReason", "RegistrationAddress", "TaxScheme"],
    "PaymentMeans": ["ID", "PaymentMeansCode", "PaymentDueDate", "PaymentChannelCode",
                     "InstructionID", "InstructionNote", "PaymentID", "CardAccount",
                     "PayerFinancialAccount", "PayeeFinancialAccount", "CreditAccount",
                     "PaymentMandate", "TradeFinancing"],
    "PayeeFinancialAccount": ["ID", "Name", "AliasName", "AccountTypeCode", "AccountFormatCode",
                              "CurrencyCode", "PaymentNote", "FinancialInstitutionBranch", "Country"],
    "AllowanceCharge": ["ID", "ChargeIndicator", "AllowanceChargeReasonCode",
                        "AllowanceChargeReason", "MultiplierFactorNumeric", "PrepaidIndicator",
                        "SequenceNumeric", "Amount", "BaseAmount", "AccountingCostCode",
                        "AccountingCost", "PerUnitAmount", "TaxCategory", "TaxTotal",
                        "PaymentMeans"],
    "TaxTotal": ["TaxAmount", "RoundingAmount", "TaxEvidenceIndicator", "TaxIncludedIndicator",
                 "TaxSubtotal"],
    "TaxSubtotal": ["TaxableAmount", "TaxAmount", "CalculationSequenceNumeric",
                    "TransactionCurrencyTaxAmount", "Percent", "BaseUnitMeasure", "PerUnitAmount",
                    "TierRange", "TierRatePercent", "TaxCategory"],
    "TaxCategory": ["ID", "Name", "Percent", "BaseUnitMeasure", "PerUnitAmount",
                    "TaxExemptionReasonCode", "TaxExemptionReason", "TierRange", "TierRatePercent",
                    "TaxScheme"],
    "LegalMonetaryTotal": ["LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount",
                           "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount",
                           "PayableRoundingAmount", "PayableAmount", "PayableAlternativeAmount"],
    "InvoiceDocumentReference": ["ID", "CopyIndicator", "UUID", "IssueDate", "IssueTime",
                                 "DocumentTypeCode", "DocumentType", "XPath", "LanguageID",
                                 "LocaleCode", "VersionID", "DocumentStatusCode",
                                 "DocumentDescription", "Attachment", "ValidityPeriod",
                                 "IssuerParty", "ResultOfVerification"],
}
NESTED_ORDER["ClassifiedTaxCategory"] = NESTED_ORDER["TaxCategory"]


def local(element) -> str:
    return etree.QName(element).localname


def assert_schema_order(element, order: list[str]) -> None:
    names = [local(child) for child in element]
    unknown = [name for name in names if name not in order]
    assert not unknown, f"{local(element)}: elements the schema does not allow here: {unknown}"
    positions = [order.index(name) for name in names]
    assert positions == sorted(positions), f"{local(element)}: not in schema order: {names}"


def assert_all_in_schema_order(root) -> None:
    assert_schema_order(root, INVOICE_ORDER if local(root) == "Invoice" else CREDIT_NOTE_ORDER)
    for element in root.iter():
        if isinstance(element.tag, str) and local(element) in NESTED_ORDER:
            assert_schema_order(element, NESTED_ORDER[local(element)])


# --- the rules, recomputed from the XML ----------------------------------------------------

def rule(holds: bool, rule_id: str, detail: object = "") -> None:
    if not holds:
        raise AssertionError(f"{rule_id} broken: {detail}")


def num(element, path: str, default: str | None = None) -> Decimal:
    text = element.findtext(path, namespaces=NS)
    if text is None:
        assert default is not None, f"missing {path}"
        text = default
    return D(text)


def half_up(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def check_rules(root) -> None:
    credit_note = local(root) == "CreditNote"
    line_tag = "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine"
    quantity_tag = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
    currency = root.findtext("cbc:DocumentCurrencyCode", namespaces=NS)

    rule(root.findtext("cbc:CustomizationID", namespaces=NS) == CUSTOMIZATION_ID, "PEPPOL-EN16931-R004")
    rule(root.findtext("cbc:ProfileID", namespaces=NS) == PROFILE_ID, "PEPPOL-EN16931-R001")
    rule((root.findtext("cbc:BuyerReference", namespaces=NS) or "").strip() != "", "PEPPOL-EN16931-R003")
    for element in root.iter():
        if len(element) == 0:
            rule((element.text or "").strip() != "", "PEPPOL-EN16931-R008", local(element))
        if element.get("currencyID") is not None:
            rule(element.get("currencyID") == currency, "PEPPOL-EN16931-R051", local(element))

    # Organisation numbers: scheme 0007, ten digits, Luhn check digit.
    for role in ("cac:AccountingSupplierParty", "cac:AccountingCustomerParty"):
        party = root.find(f"{role}/cac:Party", NS)
        endpoint = party.find("cbc:EndpointID", NS)
        rule(endpoint.get("schemeID") == "0007", "PEPPOL-EN16931-R020/R010 scheme", role)
        for identifier in (endpoint.text, party.findtext("cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS)):
            rule(identifier is not None and identifier.isdigit(), "SE-R-003", identifier)
            rule(len(identifier) == 10, "SE-R-004", identifier)
            rule(luhn_ok(identifier), "SE-R-013/PEPPOL-COMMON-R049", identifier)

    # Lines: net = quantity x price / base quantity (rounded to öre), price never negative.
    lines = root.findall(line_tag, NS)
    rule(lines, "BR-16", "no lines")
    by_category: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        quantity, net = num(line, quantity_tag), num(line, "cbc:LineExtensionAmount")
        price, base = num(line, "cac:Price/cbc:PriceAmount"), num(line, "cac:Price/cbc:BaseQuantity", "1")
        rule(line.find(quantity_tag, NS).get("unitCode"), "BR-23", "unit code")
        rule(price >= 0, "BR-27", price)
        rule(base > 0, "PEPPOL-EN16931-R121", base)
        rule(half_up(quantity * price / base) == net, "PEPPOL-EN16931-R120",
             f"{quantity} x {price} / {base} != {net}")
        rule((line.findtext("cac:Item/cbc:Name", namespaces=NS) or "").strip(), "BR-25")
        category = line.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", namespaces=NS)
        rate = num(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")
        rule(rate > 0 if category == "S" else rate == 0, f"BR-{category}-05", rate)
        key = (category, rate)
        by_category[key] = by_category.get(key, D(0)) + net

    allowances = [a for a in root.findall("cac:AllowanceCharge", NS)
                  if a.findtext("cbc:ChargeIndicator", namespaces=NS) == "false"]
    charges = [a for a in root.findall("cac:AllowanceCharge", NS)
               if a.findtext("cbc:ChargeIndicator", namespaces=NS) == "true"]
    for allowance in allowances + charges:
        amount = num(allowance, "cbc:Amount")
        rule(half_up(num(allowance, "cbc:BaseAmount") * num(allowance, "cbc:MultiplierFactorNumeric") / 100)
             == amount, "PEPPOL-EN16931-R040", amount)
        key = (allowance.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
               num(allowance, "cac:TaxCategory/cbc:Percent"))
        sign = -1 if allowance in allowances else 1
        by_category[key] = by_category.get(key, D(0)) + sign * amount

    totals = root.find("cac:LegalMonetaryTotal", NS)
    line_total = num(totals, "cbc:LineExtensionAmount")
    allowance_total = num(totals, "cbc:AllowanceTotalAmount", "0")
    charge_total = num(totals, "cbc:ChargeTotalAmount", "0")
    rule(line_total == sum(num(l, "cbc:LineExtensionAmount") for l in lines), "BR-CO-10", line_total)
    rule(allowance_total == sum((num(a, "cbc:Amount") for a in allowances), D(0)), "BR-CO-11")
    rule(charge_total == sum((num(a, "cbc:Amount") for a in charges), D(0)), "BR-CO-12")
    exclusive = num(totals, "cbc:TaxExclusiveAmount")
    rule(exclusive == line_total - allowance_total + charge_total, "BR-CO-13", exclusive)

    tax_totals = root.findall("cac:TaxTotal", NS)
    rule(len(tax_totals) == 1, "PEPPOL-EN16931-R053")
    tax = num(tax_totals[0], "cbc:TaxAmount")
    subtotals = tax_totals[0].findall("cac:TaxSubtotal", NS)
    rule(tax == sum(num(s, "cbc:TaxAmount") for s in subtotals), "BR-CO-14", tax)
    inclusive = num(totals, "cbc:TaxInclusiveAmount")
    rule(inclusive == exclusive + tax, "BR-CO-15", inclusive)
    payable = num(totals, "cbc:PayableAmount")
    rule(payable == inclusive - num(totals, "cbc:PrepaidAmount", "0")
         + num(totals, "cbc:PayableRoundingAmount", "0"), "BR-CO-16", payable)

    # VAT breakdown: one per category and rate, each equal to what its lines and allowances give.
    seen = set()
    for subtotal in subtotals:
        category = subtotal.findtext("cac:TaxCategory/cbc:ID", namespaces=NS)
        rate = num(subtotal, "cac:TaxCategory/cbc:Percent")
        taxable, vat = num(subtotal, "cbc:TaxableAmount"), num(subtotal, "cbc:TaxAmount")
        rule((category, rate) not in seen, "BR-CO-18/one breakdown per category and rate")
        seen.add((category, rate))
        rule(taxable == by_category.get((category, rate)), f"BR-{category}-08", (rate, taxable))
        if category == "S":
            rule(vat == half_up(taxable * rate / 100), "BR-S-09", (rate, vat))
        elif category == "E":
            rule(vat == 0, "BR-E-09", vat)
            rule(subtotal.findtext("cac:TaxCategory/cbc:TaxExemptionReasonCode", namespaces=NS)
                 or subtotal.findtext("cac:TaxCategory/cbc:TaxExemptionReason", namespaces=NS), "BR-E-10")
        else:
            raise AssertionError(f"unexpected VAT category {category}")
    rule(seen == set(by_category), "BR-S-01/BR-E-01: a breakdown for every category used",
         (seen, set(by_category)))


# --- a small invoice built by hand ------------------------------------------------------------

SELLER = Seller(name="Statens servicecenter", organisation_number="202100-6370",
                vat_number="SE202100637001", street="Box 1124", postal_code="801 35", city="Gävle",
                country="SE", bankgiro="5050-1055", email="fakturering@statenssc.se")


def _line(part: FeePart, description: str, quantity: str, unit_code: str, price: str, rate: str,
          proration: Proration | None = None, service_code: str | None = None) -> RatedLine:
    return RatedLine(area=ServiceArea.PAYROLL, part=part, description=description,
                     quantity=D(quantity), unit="st", unit_code=unit_code, unit_price=D(price),
                     amount=line_amount(D(quantity), D(price), proration), vat_rate=D(rate),
                     price_list_id="standard-2012-06" if part is not FeePart.PASS_THROUGH else None,
                     service_code=service_code, proration=proration)


def small_invoice() -> Invoice:
    lines = (
        _line(FeePart.BASE_FIXED, "Grundavgift fast del", "1", "MON", "3000.00", "25", Proration(20, 30)),
        _line(FeePart.TRANSACTION, "Lönespecifikation", "3", "H87", "66.00", "25",
              service_code="PAY-SLIP-DEV"),
        _line(FeePart.ADDITIONAL, "Konferenslokal", "1", "C62", "1000.00", "12"),
        _line(FeePart.PASS_THROUGH, "Porto", "1", "C62", "123.45", "0"),
        _line(FeePart.PASS_THROUGH, "Återbetalning", "1", "C62", "-50.00", "25"),
        _line(FeePart.DISCOUNT, "Rabatt 10 % på grundavgift fast del", "2000.00", "C62", "-0.1", "25"),
    )
    return Invoice(number=7, organisation_number=ORG_A, agency_name="Alfaverket",
                   buyer_reference="A-100", period=NOVEMBER, issue_date=RUN_DATE,
                   due_date=date(2013, 1, 4), currency="SEK", lines=lines,
                   totals=compute_totals((l.amount, l.vat_rate) for l in lines))


def small_credit_note() -> Invoice:
    return replace(credit_note_for(small_invoice(), CREDIT_DATE, "Fel mottagare"), number=8)


def texts(root, path: str) -> list[str]:
    return [element.text for element in root.findall(path, NS)]


def test_small_invoice_amounts_by_hand():
    root = build_document(small_invoice(), SELLER)
    assert local(root) == "Invoice"
    assert texts(root, "cbc:ID") == ["7"] and texts(root, "cbc:InvoiceTypeCode") == ["380"]
    assert texts(root, "cbc:IssueDate") == ["2012-12-05"] and texts(root, "cbc:DueDate") == ["2013-01-04"]
    assert texts(root, "cac:InvoicePeriod/cbc:StartDate") == ["2012-11-01"]
    assert texts(root, "cac:InvoicePeriod/cbc:EndDate") == ["2012-11-30"]
    assert texts(root, "cbc:BuyerReference") == ["A-100"]
    totals = root.find("cac:LegalMonetaryTotal", NS)
    assert [(local(e), e.text, e.get("currencyID")) for e in totals] == [
        ("LineExtensionAmount", "3271.45", "SEK"), ("TaxExclusiveAmount", "3071.45", "SEK"),
        ("TaxInclusiveAmount", "3678.45", "SEK"), ("AllowanceTotalAmount", "200.00", "SEK"),
        ("PayableRoundingAmount", "-0.45", "SEK"), ("PayableAmount", "3678.00", "SEK")]
    assert texts(root, "cac:TaxTotal/cbc:TaxAmount") == ["607.00"]
    assert [(s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
             s.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS),
             s.findtext("cbc:TaxableAmount", namespaces=NS), s.findtext("cbc:TaxAmount", namespaces=NS))
            for s in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)] == [
        ("S", "25", "1948.00", "487.00"), ("S", "12", "1000.00", "120.00"), ("E", "0", "123.45", "0.00")]
    exempt = root.find("cac:TaxTotal/cac:TaxSubtotal[3]/cac:TaxCategory", NS)
    assert exempt.findtext("cbc:TaxExemptionReasonCode", namespaces=NS) == "VATEX-EU-132-1A"
    assert exempt.findtext("cbc:TaxExemptionReason", namespaces=NS)

    lines = [(l.findtext("cbc:ID", namespaces=NS), l.find("cbc:InvoicedQuantity", NS).text,
              l.find("cbc:InvoicedQuantity", NS).get("unitCode"),
              l.findtext("cac:Price/cbc:PriceAmount", namespaces=NS),
              l.findtext("cac:Price/cbc:BaseQuantity", namespaces=NS),
              l.findtext("cbc:LineExtensionAmount", namespaces=NS),
              l.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", namespaces=NS))
             for l in root.findall("cac:InvoiceLine", NS)]
    assert lines == [
        ("1", "20", "DAY", "3000.00", "30", "2000.00", "S"),  # prorated: 20 of 30 days
        ("2", "3", "H87", "66.00", None, "198.00", "S"),
        ("3", "1", "C62", "1000.00", None, "1000.00", "S"),
        ("4", "1", "C62", "123.45", None, "123.45", "E"),
        ("5", "-1", "C62", "50.00", None, "-50.00", "S"),  # a negative price turned around (BR-27)
    ]
    assert root.find("cac:InvoiceLine[1]/cac:Price/cbc:BaseQuantity", NS).get("unitCode") == "DAY"
    assert texts(root, "cac:InvoiceLine[2]/cac:Item/cac:SellersItemIdentification/cbc:ID") == ["PAY-SLIP-DEV"]

    # The discount is a document-level allowance, not a line.
    (allowance,) = root.findall("cac:AllowanceCharge", NS)
    assert [(local(e), e.text) for e in allowance if len(e) == 0] == [
        ("ChargeIndicator", "false"), ("AllowanceChargeReasonCode", "95"),
        ("AllowanceChargeReason", "Rabatt 10 % på grundavgift fast del (lönerelaterade tjänster)"),
        ("MultiplierFactorNumeric", "10"), ("Amount", "200.00"), ("BaseAmount", "2000.00")]
    assert allowance.findtext("cac:TaxCategory/cbc:ID", namespaces=NS) == "S"
    assert allowance.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS) == "25"

    # Payment: credit transfer to the bankgiro, with the OCR reference.
    means = root.find("cac:PaymentMeans", NS)
    assert means.findtext("cbc:PaymentMeansCode", namespaces=NS) == "30"
    assert means.findtext("cbc:PaymentID", namespaces=NS) == "737"
    assert means.findtext("cac:PayeeFinancialAccount/cbc:ID", namespaces=NS) == "50501055"
    assert means.findtext("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID",
                          namespaces=NS) == "SE:BANKGIRO"

    # Parties: organisation numbers as scheme 0007, ten digits; the seller's VAT number.
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert (seller.findtext("cbc:EndpointID", namespaces=NS), seller.find("cbc:EndpointID", NS).get("schemeID")) \
        == ("2021006370", "0007")
    assert seller.findtext("cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS) == "2021006370"
    assert seller.findtext("cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS) == "SE202100637001"
    assert seller.findtext("cac:PartyTaxScheme/cac:TaxScheme/cbc:ID", namespaces=NS) == "VAT"
    assert buyer.findtext("cbc:EndpointID", namespaces=NS) == ORG_A.replace("-", "")
    assert buyer.findtext("cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS) == ORG_A.replace("-", "")
    assert buyer.findtext("cac:PartyLegalEntity/cbc:RegistrationName", namespaces=NS) == "Alfaverket"
    assert buyer.findtext("cac:PostalAddress/cac:Country/cbc:IdentificationCode", namespaces=NS) == "SE"
    check_rules(root)
    assert_all_in_schema_order(root)


def test_credit_note_shows_positive_amounts_and_points_to_the_invoice():
    note = small_credit_note()
    assert note.totals.payable == D("-3678")  # stored negated
    root = build_document(note, SELLER, {7: RUN_DATE})
    assert local(root) == "CreditNote"
    assert texts(root, "cbc:CreditNoteTypeCode") == ["381"]
    assert root.find("cbc:DueDate", NS) is None  # not in a UBL 2.1 CreditNote
    assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == ["7"]
    assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == ["2012-12-05"]
    totals = root.find("cac:LegalMonetaryTotal", NS)
    assert [e.text for e in totals] == ["3271.45", "3071.45", "3678.45", "200.00", "-0.45", "3678.00"]
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == ["1948.00", "1000.00", "123.45"]
    assert [(l.find("cbc:CreditedQuantity", NS).text, l.findtext("cac:Price/cbc:PriceAmount", namespaces=NS),
             l.findtext("cbc:LineExtensionAmount", namespaces=NS))
            for l in root.findall("cac:CreditNoteLine", NS)] == [
        ("20", "3000.00", "2000.00"), ("3", "66.00", "198.00"), ("1", "1000.00", "1000.00"),
        ("1", "123.45", "123.45"), ("-1", "50.00", "-50.00")]
    assert texts(root, "cac:AllowanceCharge/cbc:Amount") == ["200.00"]
    assert texts(root, "cac:AllowanceCharge/cbc:BaseAmount") == ["2000.00"]
    # Nothing to pay on a credit note: payment terms say so, no payment means.
    assert root.find("cac:PaymentMeans", NS) is None
    assert "faktura 7" in root.findtext("cac:PaymentTerms/cbc:Note", namespaces=NS)
    check_rules(root)
    assert_all_in_schema_order(root)


def test_the_rule_checks_catch_a_broken_document():
    """The checks above are worth something only if they fail on a wrong document."""
    for path, value, rule_id in (
            ("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "3271.46", "BR-CO-10"),
            ("cac:LegalMonetaryTotal/cbc:PayableAmount", "3679.00", "BR-CO-16"),
            ("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "487.01", "BR-CO-14"),
            ("cac:InvoiceLine/cac:Price/cbc:PriceAmount", "3000.10", "PEPPOL-EN16931-R120"),
            ("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", "2021000002", "SE-R-013"),
            ("cbc:BuyerReference", " ", "PEPPOL-EN16931-R003")):
        root = build_document(small_invoice(), SELLER)
        root.find(path, NS).text = value
        with pytest.raises(AssertionError, match=rule_id):
            check_rules(root)
    root = build_document(small_invoice(), SELLER)
    root.insert(0, root.find("cbc:BuyerReference", NS))
    with pytest.raises(AssertionError, match="not in schema order"):
        assert_all_in_schema_order(root)


def test_problems_name_the_document():
    good = small_invoice()
    assert document_problems(good) == [] and seller_problems(SELLER) == []
    invoice_7, credit_note_8 = f"invoice 7 (Alfaverket, {ORG_A}): ", f"credit note 8 (Alfaverket, {ORG_A}): "
    second_at_8 = good.lines[:1] + (replace(good.lines[1], vat_rate=D(8)),) + good.lines[2:]
    cases = [
        (invoice_7 + "has no buyer reference", replace(good, buyer_reference=" ")),
        ("invoice 7 (Alfaverket, 202100-0002): buyer organisation number '202100-0002' is missing "
         "or not a valid", replace(good, organisation_number="202100-0002")),  # wrong check digit
        ("invoice 7 (Alfaverket): buyer organisation number '' is missing",
         replace(good, organisation_number="")),
        (f"debit_note 7 (Alfaverket, {ORG_A}): a document of kind 'debit_note' has no e-invoice "
         "document type", replace(good, kind="debit_note")),
        (credit_note_8 + "is a credit note that names no credited invoice",
         replace(small_credit_note(), credits=None)),
        (invoice_7 + "line 2 (Lönespecifikation) has VAT rate 8 %", replace(good, lines=second_at_8)),
        (invoice_7 + "its totals do not add up", replace(good, totals=replace(good.totals, vat=D("606.00")))),
    ]
    for expected, invoice in cases:
        problems = [str(p) for p in document_problems(invoice)]
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    bad_seller = replace(SELLER, organisation_number="202100-6371", bankgiro="12-3")
    assert [p.message.split(" ")[1] for p in seller_problems(bad_seller)] == ["organisation", "bankgiro"]


# --- the export from the database, on SQLite and PostgreSQL -----------------------------------

PASS_THROUGH = ("period,organisation_number,area,description,amount,vat_rate,supplier,reference,"
                "vat_exemption_code,vat_exemption_reason\n"
                f"2012-11,{ORG_A},payroll,Porto lönespecifikationer november,123.45,0,PostNord,PN-11,"
                "VATEX-EU-132-1A,Undantaget från skatteplikt: posttjänster\n")
DISCOUNT_A = """
  [[agencies.discounts]]
  percent = "10"
  parts = ["base_fixed", "base_variable"]
  from = "2012-06"
  to = "2012-12"
  reason = "Eget lönesystem"
"""


def export_world_agencies() -> str:
    """The world with Gammaverket's payroll buyer reference and Alfaverket's discount."""
    text = WORLD_AGENCIES
    payroll_c = 'sizes = [ { from = 2012-06-01, employees = 4 } ]\n\n' \
                '  [[agencies.agreements]]\n  area = "payroll"\n  connected_on = 2012-06-01\n'
    assert text.count(payroll_c) == 1
    text = text.replace(payroll_c, payroll_c + '  buyer_reference = "C-300"\n')
    agreement_a = '  buyer_reference = "A-100"\n'
    assert text.count(agreement_a) == 1
    return text.replace(agreement_a, agreement_a + DISCOUNT_A)


def billed(engine, tmp_path, agencies_text: str) -> None:
    check_assumed_prices()
    setup_world(engine, tmp_path, agencies_text=agencies_text)
    with Session(engine) as session, session.begin():
        import_pass_through(session, write(tmp_path, "passthrough.csv", PASS_THROUGH))
        assert len(run_month(session, NOVEMBER, RUN_DATE).invoices) == 3




def test_export_of_a_month(engine, database_url, tmp_path):
    billed(engine, tmp_path, export_world_agencies())
    with Session(engine) as session, session.begin():
        credit_invoice(session, 1, "Fel mottagare", CREDIT_DATE)
    out = tmp_path / "out"
    result = cli(database_url, "export", "peppol", "2012-11", "--out", out)
    assert result.exit_code == 0, result.output
    assert "4 Peppol BIS Billing 3.0 files for 2012-11" in flat(result.stdout)
    assert "3 invoices, 1 credit note" in flat(result.stdout)
    assert sorted(p.name for p in out.iterdir()) == [
        "credit-note-4.xml", "invoice-1.xml", "invoice-2.xml", "invoice-3.xml"]  # no staging left
    roots = {p.stem: etree.parse(str(p)).getroot() for p in out.iterdir()}
    for name, root in roots.items():
        check_rules(root)
        assert_all_in_schema_order(root)

    invoice = roots["invoice-1"]
    assert [e.text for e in invoice.find("cac:LegalMonetaryTotal", NS)] == [
        "3361.45", "3057.45", "3790.95", "304.00", "0.05", "3791.00"]
    assert texts(invoice, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == ["2934.00", "123.45"]
    assert texts(invoice, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount") == ["733.50", "0.00"]
    assert texts(invoice, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["S", "E"]
    assert texts(invoice, "cac:AllowanceCharge/cbc:Amount") == ["300.00", "4.00"]
    assert texts(invoice, "cac:AllowanceCharge/cbc:BaseAmount") == ["3000.00", "40.00"]
    assert [(l.find("cbc:InvoicedQuantity", NS).text, l.find("cbc:InvoicedQuantity", NS).get("unitCode"),
             l.findtext("cac:Price/cbc:PriceAmount", namespaces=NS))
            for l in invoice.findall("cac:InvoiceLine", NS)] == [
        ("1", "MON", "3000.00"), ("1", "C62", "40.00"), ("3", "H87", "66.00"), ("1", "C62", "123.45")]
    assert texts(invoice, "cac:InvoiceLine[4]/cbc:Note") == ["PostNord PN-11"]
    assert texts(invoice, "cbc:BuyerReference") == ["A-100"]
    assert texts(invoice, "cac:PaymentMeans/cbc:PaymentID") == ["133"]
    assert texts(roots["invoice-3"], "cbc:BuyerReference") == ["C-300"]
    assert texts(roots["invoice-2"], "cac:LegalMonetaryTotal/cbc:PayableAmount") == ["19715.00"]
    assert roots["invoice-2"].find("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount", NS) is None

    note = roots["credit-note-4"]
    assert local(note) == "CreditNote"
    assert texts(note, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == ["1"]
    assert texts(note, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == ["2012-12-05"]
    assert [e.text for e in note.find("cac:LegalMonetaryTotal", NS)] == [
        "3361.45", "3057.45", "3790.95", "304.00", "0.05", "3791.00"]
    assert texts(note, "cac:CreditNoteLine/cbc:CreditedQuantity") == ["1", "1", "3", "1"]
    assert texts(note, "cbc:Note") == ["Kreditfaktura för faktura 1: Fel mottagare"]

    # Exporting again (--all: they were exported) replaces the files with the same content.
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert cli(database_url, "export", "peppol", "2012-11", "--all", "--out", out).exit_code == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_bad_data_stops_the_export_and_writes_nothing(engine, database_url, tmp_path):
    billed(engine, tmp_path, WORLD_AGENCIES)  # Gammaverket's payroll agreement has no buyer reference
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier\n")
    result = cli(database_url, "export", "peppol", "2012-11", "--out", out)
    assert result.exit_code == 1
    message = flat(result.stderr)
    assert f"invoice 3 (Gammaverket, {ORG_C}): has no buyer reference" in message
    assert "invoice 1" not in message and "invoice 2" not in message
    assert [p.name for p in out.iterdir()] == ["keep.txt"]

    with Session(engine) as session:  # the service says the same
        with pytest.raises(DataError, match="invoice 3 .Gammaverket"):
            export_peppol(session, DocumentChoice(billed_for=NOVEMBER), tmp_path / "other", SELLER)
    assert not (tmp_path / "other").exists()


def test_a_document_of_another_kind_stops_the_export(engine, database_url, tmp_path):
    billed(engine, tmp_path, export_world_agencies())
    with engine.begin() as connection:
        connection.execute(sa.update(InvoiceRow).where(InvoiceRow.number == 2).values(kind="debit_note"))
    out = tmp_path / "out"
    result = cli(database_url, "export", "peppol", "2012-11", "--out", out)
    assert result.exit_code == 1
    assert "document 2 (Betaverket) is of kind 'debit_note'" in flat(result.stderr)
    assert not out.exists()


def test_a_month_without_documents_writes_nothing(engine, database_url, tmp_path):
    billed(engine, tmp_path, export_world_agencies())
    out = tmp_path / "out"
    result = cli(database_url, "export", "peppol", "2012-10", "--out", out)
    assert result.exit_code == 0
    assert "No documents issued for 2012-10: nothing written." in flat(result.stdout)
    assert not out.exists()


def test_a_bad_centre_file_stops_the_export(engine, database_url, tmp_path):
    billed(engine, tmp_path, export_world_agencies())
    centre = DEFAULT_CENTRE_FILE
    bad = write(tmp_path, "centre.toml", centre.read_text(encoding="utf-8")
                .replace('bankgiro = "5050-1055"', 'bankgiro = "5050"'))
    out = tmp_path / "out"
    result = cli(database_url, "export", "peppol", "2012-11", "--out", out, "--centre", bad)
    assert result.exit_code == 1
    assert "bankgiro" in flat(result.stderr)
    assert not out.exists()


def test_an_unwritable_directory_is_an_error(engine, database_url, tmp_path):
    billed(engine, tmp_path, export_world_agencies())
    not_a_directory = write(tmp_path, "out", "a file\n")
    result = cli(database_url, "export", "peppol", "2012-11", "--out", not_a_directory)
    assert result.exit_code == 1
    assert "cannot write the e-invoices there" in flat(result.stderr)
    assert not_a_directory.read_text() == "a file\n"
