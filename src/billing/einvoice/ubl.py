"""One issued document as a Peppol BIS Billing 3.0 message: a UBL 2.1 Invoice or
CreditNote, its elements in the order the UBL 2.1 schema requires.

``build_document`` makes the XML of a document that ``checks`` found nothing
wrong with. The choices where our documents and the standard differ
(credit-note signs, discounts, prorated lines, 0 % VAT) are described in the
package docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from lxml import etree

from billing.domain.organisation import organisation_number_digits
from billing.domain.seller import Seller
from billing.invoicing.document import DocumentKind, Invoice
from billing.money import ORE, format_sek
from billing.einvoice.checks import document_problems, seller_problems
from billing.einvoice.mapping import (EXEMPT, UblLine, plain_number, sign, ubl_allowances, ubl_lines,
                                      vat_category, zero_rate_exemption)
from billing.payments.ocr import ocr_reference

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_PREFIXES = {"cac": CAC_NS, "cbc": CBC_NS}

INVOICE_TYPE_CODE = "380"  # commercial invoice (UNCL 1001)
CREDIT_NOTE_TYPE_CODE = "381"  # credit note
ORGNR_SCHEME = "0007"  # ISO 6523 ICD: Swedish organisation number
CREDIT_TRANSFER = "30"  # UNCL 4461
BANKGIRO_BRANCH = "SE:BANKGIRO"
DISCOUNT_REASON_CODE = "95"  # UNCL 5189: discount
# A document issued before addresses were kept (migration 0005) names only the
# country: every agency has a Swedish organisation number.
BUYER_COUNTRY = "SE"



# --- the XML ----------------------------------------------------------------

def file_name(invoice: Invoice) -> str:
    kind = "credit-note" if invoice.kind is DocumentKind.CREDIT_NOTE else "invoice"
    return f"{kind}-{invoice.number}.xml"


def build_document(invoice: Invoice, seller: Seller,
                   issue_dates: Mapping[int, date] | None = None) -> etree._Element:
    """The UBL document of an issued invoice or credit note without problems.

    ``issue_dates`` (document number to issue date) gives the issue date of the
    invoice a credit note credits, or a corrected invoice replaces, when known.
    """
    problems = document_problems(invoice) + seller_problems(seller)
    assert not problems, problems
    credit_note = invoice.kind is DocumentKind.CREDIT_NOTE
    s = sign(invoice)
    currency = invoice.currency
    root_ns = CREDIT_NOTE_NS if credit_note else INVOICE_NS
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit_note else 'Invoice'}",
                         nsmap={None: root_ns, **_PREFIXES})

    def amount(parent: etree._Element, name: str, value: Decimal) -> etree._Element:
        return _sub(parent, name, _money(value), currencyID=currency)

    _sub(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _sub(root, "cbc:ProfileID", PROFILE_ID)
    _sub(root, "cbc:ID", str(invoice.number))
    _sub(root, "cbc:IssueDate", invoice.issue_date.isoformat())
    if not credit_note:
        if invoice.asks_payment:  # nothing to pay has no due date
            _sub(root, "cbc:DueDate", invoice.due_date.isoformat())
        _sub(root, "cbc:InvoiceTypeCode", INVOICE_TYPE_CODE)
    else:
        _sub(root, "cbc:CreditNoteTypeCode", CREDIT_NOTE_TYPE_CODE)
    _sub(root, "cbc:Note", _note(invoice))
    _sub(root, "cbc:DocumentCurrencyCode", currency)
    _sub(root, "cbc:BuyerReference", invoice.buyer_reference.strip())
    period = _sub(root, "cac:InvoicePeriod")
    _sub(period, "cbc:StartDate", invoice.period.first_day.isoformat())
    _sub(period, "cbc:EndDate", invoice.period.last_day.isoformat())
    # The document it reverses; else, on an invoice, the one it replaces. A
    # credit balance note credits no invoice and refers to none.
    referenced = invoice.credits if invoice.credits is not None or credit_note else invoice.replaces
    if referenced is not None:
        reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(reference, "cbc:ID", str(referenced))
        if issue_dates and referenced in issue_dates:
            _sub(reference, "cbc:IssueDate", issue_dates[referenced].isoformat())

    _seller_party(_sub(root, "cac:AccountingSupplierParty"), seller)
    _buyer_party(_sub(root, "cac:AccountingCustomerParty"), invoice)

    if invoice.asks_payment:
        means = _sub(root, "cac:PaymentMeans")
        _sub(means, "cbc:PaymentMeansCode", CREDIT_TRANSFER, name="Credit transfer")
        _sub(means, "cbc:PaymentID", ocr_reference(invoice.number or 0))
        account = _sub(means, "cac:PayeeFinancialAccount")
        _sub(account, "cbc:ID", seller.bankgiro.replace("-", ""))
        _sub(account, "cbc:Name", seller.name)
        _sub(_sub(account, "cac:FinancialInstitutionBranch"), "cbc:ID", BANKGIRO_BRANCH)
    _sub(_sub(root, "cac:PaymentTerms"), "cbc:Note", _payment_terms(invoice, seller))

    allowances = ubl_allowances(invoice)
    for allowance in allowances:
        charge = _sub(root, "cac:AllowanceCharge")
        _sub(charge, "cbc:ChargeIndicator", "false")
        _sub(charge, "cbc:AllowanceChargeReasonCode", DISCOUNT_REASON_CODE)
        _sub(charge, "cbc:AllowanceChargeReason", allowance.reason)
        _sub(charge, "cbc:MultiplierFactorNumeric", plain_number(allowance.percent))
        amount(charge, "cbc:Amount", allowance.amount)
        amount(charge, "cbc:BaseAmount", allowance.base)
        _tax_category(charge, "cac:TaxCategory", allowance.category, allowance.rate)

    totals = invoice.totals
    tax_total = _sub(root, "cac:TaxTotal")
    amount(tax_total, "cbc:TaxAmount", s * totals.vat)
    for subtotal in totals.vat_subtotals:
        element = _sub(tax_total, "cac:TaxSubtotal")
        amount(element, "cbc:TaxableAmount", s * subtotal.taxable)
        amount(element, "cbc:TaxAmount", s * subtotal.vat)
        _tax_category(element, "cac:TaxCategory", vat_category(subtotal.rate), subtotal.rate,
                      exemption=zero_rate_exemption(invoice))

    lines = ubl_lines(invoice)
    monetary = _sub(root, "cac:LegalMonetaryTotal")
    amount(monetary, "cbc:LineExtensionAmount", sum((l.net for l in lines), Decimal(0)))
    amount(monetary, "cbc:TaxExclusiveAmount", s * totals.net)
    amount(monetary, "cbc:TaxInclusiveAmount", s * totals.gross)
    if allowances:
        amount(monetary, "cbc:AllowanceTotalAmount", sum((a.amount for a in allowances), Decimal(0)))
    if totals.rounding:
        amount(monetary, "cbc:PayableRoundingAmount", s * totals.rounding)
    amount(monetary, "cbc:PayableAmount", s * totals.payable)

    for line in lines:
        _line(root, line, credit_note, currency)
    return root


def to_bytes(document: etree._Element) -> bytes:
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _note(invoice: Invoice) -> str:
    reason = f": {invoice.reason}" if invoice.reason.strip() else ""
    if invoice.is_credit_balance:
        replacing = f", ersätter faktura {invoice.replaces}" if invoice.replaces is not None else ""
        return f"{invoice.kind.label} för {invoice.period}, till er förmån{replacing}{reason}"
    if invoice.kind is DocumentKind.INVOICE and invoice.is_reversal:
        return f"Återför kreditfaktura {invoice.credits}{reason}"
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        return f"{invoice.kind.label} för faktura {invoice.credits}{reason}"
    if invoice.replaces is not None:
        return f"Ersätter faktura {invoice.replaces}{reason}"
    return f"Avser {invoice.period} (fakturering i efterskott)"


def _payment_terms(invoice: Invoice, seller: Seller) -> str:
    """When and how to pay; or that there is nothing to pay, with no
    bankgiro, reference or due date to pay by."""
    if invoice.is_credit_balance:
        return "Inget att betala: beloppet är till er förmån och återbetalas eller avräknas."
    if invoice.kind is DocumentKind.INVOICE and invoice.is_reversal:
        return f"Inget att betala: återföringen avräknas mot kreditfaktura {invoice.credits}."
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        return (f"Inget att betala: krediteringen avräknas mot faktura {invoice.credits}.")
    if not invoice.asks_payment:
        payable = invoice.totals.payable
        favour = f": beloppet {format_sek(-payable)} SEK är till er fördel" if payable < 0 else ""
        return f"Inget att betala för denna faktura{favour}."
    days = (invoice.due_date - invoice.issue_date).days
    return (f"{days} dagar netto, förfallodag {invoice.due_date.isoformat()}. Betala till "
            f"bankgiro {seller.bankgiro} med OCR-nummer {ocr_reference(invoice.number or 0)}.")


def _seller_party(parent: etree._Element, seller: Seller) -> None:
    digits = organisation_number_digits(seller.organisation_number)
    assert digits is not None
    party = _sub(parent, "cac:Party")
    _sub(party, "cbc:EndpointID", digits, schemeID=ORGNR_SCHEME)
    _sub(_sub(party, "cac:PartyName"), "cbc:Name", seller.name)
    address = _sub(party, "cac:PostalAddress")
    _sub(address, "cbc:StreetName", seller.street)
    _sub(address, "cbc:CityName", seller.city)
    _sub(address, "cbc:PostalZone", seller.postal_code)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", seller.country)
    tax = _sub(party, "cac:PartyTaxScheme")
    _sub(tax, "cbc:CompanyID", seller.vat_number)
    _sub(_sub(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _sub(party, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", seller.name)
    _sub(legal, "cbc:CompanyID", digits, schemeID=ORGNR_SCHEME)
    _sub(_sub(party, "cac:Contact"), "cbc:ElectronicMail", seller.email)


def _buyer_party(parent: etree._Element, invoice: Invoice) -> None:
    digits = organisation_number_digits(invoice.organisation_number)
    assert digits is not None
    party = _sub(parent, "cac:Party")
    _sub(party, "cbc:EndpointID", digits, schemeID=ORGNR_SCHEME)
    _sub(_sub(party, "cac:PartyName"), "cbc:Name", invoice.agency_name)
    address = _sub(party, "cac:PostalAddress")
    a = invoice.buyer_address
    if a is not None:  # BT-50 to BT-53, in the order of the UBL schema
        _sub(address, "cbc:StreetName", a.street)
        if a.additional_street:
            _sub(address, "cbc:AdditionalStreetName", a.additional_street)
        _sub(address, "cbc:CityName", a.city)
        _sub(address, "cbc:PostalZone", a.postal_code)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", a.country if a else BUYER_COUNTRY)
    legal = _sub(party, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", invoice.agency_name)
    _sub(legal, "cbc:CompanyID", digits, schemeID=ORGNR_SCHEME)


def _tax_category(parent: etree._Element, name: str, category: str, rate: Decimal,
                  exemption: tuple[str | None, str] | None = None) -> None:
    """A VAT category; a breakdown's exempt category with its exemption (code, reason)."""
    element = _sub(parent, name)
    _sub(element, "cbc:ID", category)
    _sub(element, "cbc:Percent", plain_number(rate))
    if exemption is not None and category == EXEMPT:
        code, reason = exemption
        if code is not None:
            _sub(element, "cbc:TaxExemptionReasonCode", code)
        _sub(element, "cbc:TaxExemptionReason", reason)
    _sub(_sub(element, "cac:TaxScheme"), "cbc:ID", "VAT")


def _line(root: etree._Element, line: UblLine, credit_note: bool, currency: str) -> None:
    element = _sub(root, "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine")
    _sub(element, "cbc:ID", line.id)
    if line.note:
        _sub(element, "cbc:Note", line.note)
    _sub(element, "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity",
         plain_number(line.quantity), unitCode=line.unit_code)
    _sub(element, "cbc:LineExtensionAmount", _money(line.net), currencyID=currency)
    item = _sub(element, "cac:Item")
    _sub(item, "cbc:Name", line.name)
    if line.seller_item_id:
        _sub(_sub(item, "cac:SellersItemIdentification"), "cbc:ID", line.seller_item_id)
    category = _sub(item, "cac:ClassifiedTaxCategory")
    _sub(category, "cbc:ID", line.category)
    _sub(category, "cbc:Percent", plain_number(line.rate))
    _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    for name, value in line.properties:
        prop = _sub(item, "cac:AdditionalItemProperty")
        _sub(prop, "cbc:Name", name)
        _sub(prop, "cbc:Value", value)
    price = _sub(element, "cac:Price")
    _sub(price, "cbc:PriceAmount", _price(line.price), currencyID=currency)
    if line.base_quantity is not None:
        _sub(price, "cbc:BaseQuantity", plain_number(line.base_quantity), unitCode=line.unit_code)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    prefix, local = tag.split(":")
    element = etree.SubElement(parent, f"{{{_PREFIXES[prefix]}}}{local}", attributes)
    if text is not None:
        assert text.strip(), f"empty {tag} (PEPPOL-EN16931-R008)"
        element.text = text
    return element


def _money(value: Decimal) -> str:
    """An amount: two decimals, never "-0.00"."""
    value = value.quantize(ORE)
    return f"{value if value else Decimal('0.00'):f}"


def _price(value: Decimal) -> str:
    """A unit price as it is, with at least two decimals."""
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(ORE)
    return f"{value if value else Decimal('0.00'):f}"
