"""E-invoices: issued documents as Peppol BIS Billing 3.0 (UBL 2.1), and the
runner that checks them against the official Schematron rules.

``mapping`` turns an issued ``Invoice`` into exported values, ``checks`` finds
what keeps one from conforming, and ``ubl.build_document`` makes the UBL ``Invoice`` or
``CreditNote``; ``export.peppol_documents`` makes a month's documents, all
or none (``services.outputs.export_peppol`` reads and writes them);
``validation.validate_directory`` runs the official rules (compiled to
XSLT 2.0) over a directory of exports with ``saxonche`` (the ``validate``
extra), after the UBL 2.1 schema when it is there (``schema``).

How our documents map onto BIS Billing 3.0 where the choice is ours:

- **Credit notes.** A credit note is stored as the negated invoice (every line
  with the opposite quantity and amount, the same unit price). The UBL
  ``CreditNote`` document type already says "this is credited", so its
  quantities and amounts are positive: the export multiplies every quantity,
  line amount, allowance and total of a credit note by -1 (unit prices are
  kept). The credit note points to the invoice it credits in
  ``BillingReference/InvoiceDocumentReference/ID``; a corrected invoice points
  the same way to the invoice it replaces. A credit note asks for no payment,
  so it carries payment terms that say so and no payment means.
- **Credit balance notes** (a month that nets to a credit,
  ``invoicing/credit_balance.py``) are credit notes too: stored with the
  month's lines as rated, shown negated, so the refund is a positive credited
  line and each fee a negative one; they credit no invoice and carry no
  ``BillingReference``. An invoice reversing one refers to it in
  ``BillingReference`` and, being set off against it, has no payment means.
- **Nothing to pay.** An invoice whose payable amount is zero or negative
  (``Invoice.asks_payment`` is false) has no ``DueDate`` and no
  ``PaymentMeans`` (bankgiro, OCR reference), and its ``PaymentTerms`` say
  that there is nothing to pay; BR-CO-25 asks for a due date or terms only
  when the amount due is positive.
- **Discounts.** Our discount lines (quantity = the base in kronor, unit price
  = minus the rate) would break BR-27 (an item price is never negative). Each
  one becomes a document-level allowance (``AllowanceCharge`` with
  ``ChargeIndicator`` false, reason code 95 "Discount"): ``Amount`` the
  discount, ``BaseAmount`` its base, ``MultiplierFactorNumeric`` the
  percentage, and the VAT category and rate of the lines it reduces. So
  ``LineExtensionAmount`` is the sum of the other lines, ``AllowanceTotalAmount``
  the discounts, and ``TaxExclusiveAmount`` our net (BR-CO-13). Where a
  discount adds to what a document shows (in a credit balance note, whose fees
  are shown negative) it is a line like any other negative price, below.
- **Any other negative unit price** (a refunded pass-through amount, say) is
  shown with the opposite quantity and a positive price: quantity x price is
  the same line amount, and BR-27 holds.
- **Proration by days.** A line prorated for part of a month (its amount is
  quantity x price x days / days in the month) is shown in days: quantity =
  quantity x days charged, unit ``DAY``, price = the monthly unit price per
  ``BaseQuantity`` = days in the month (``DAY``), so PEPPOL-EN16931-R120
  (net = quantity x price / base quantity) holds exactly before rounding.
- **VAT categories.** A positive rate is category S (standard rate; the
  Swedish rule SE-R-006 allows 25, 12 and 6 %, and the export refuses others).
  A 0 % line is category E, exempt: each such line carries the exemption its
  price list or pass-through file gave (a VATEX code of category E and a
  Swedish text, domain.vat_exemption), and the 0 % VAT breakdown states it as
  ``TaxExemptionReasonCode`` and ``TaxExemptionReason`` (BR-E-10). Lines with
  different exemptions share the one breakdown EN 16931 allows per category
  and rate: it then names every reason with its code, and no single code. A
  line issued before exemptions were recorded (migration 0005) is exported as
  it was then: postage, ``VATEX-EU-132-1A``. Category O (outside the scope of
  VAT) is not used: it may share a document with no other category (BR-O-11);
  category Z (zero-rated goods) does not describe services exempt from VAT.
- **The buyer's address.** The agency's postal address as it was at issue:
  ``StreetName`` (BT-50), ``AdditionalStreetName`` (BT-51, when there is a
  second line), ``CityName`` (BT-52), ``PostalZone`` (BT-53) and the country
  (BT-55), in the order of the UBL schema. A document issued before addresses
  were kept names the country (SE) only.
- **Rounding.** The öresavrundning is ``PayableRoundingAmount`` (BT-114):
  ``PayableAmount`` = ``TaxInclusiveAmount`` + rounding (BR-CO-16).
- **Identifiers.** Seller and buyer have their organisation numbers as
  ``EndpointID`` and ``PartyLegalEntity/CompanyID`` with scheme 0007 (ten
  digits, no dash); the seller's bankgiro is ``PayeeFinancialAccount/ID``
  (digits only) with ``FinancialInstitutionBranch/ID`` ``SE:BANKGIRO``, and the
  document's OCR reference (``payments.ocr``) is ``PaymentID``.

Getting the rules for ``billing validate-einvoice DIR --rules RULES_DIR``: the
directory holds the rules compiled to XSLT (``*.xsl``/``*.xslt``); every one
is run over every XML file. The EN 16931 rules come compiled in the
repository ConnectingEurope/eInvoicing-EN16931 (``ubl/xslt/
EN16931-UBL-validation.xslt``); the Peppol rules (with the Swedish SE-R rules)
are published as Schematron in OpenPEPPOL/peppol-bis-invoice-3
(``rules/sch/PEPPOL-EN16931-UBL.sch``, and the EN 16931 rules Peppol bundles,
``rules/sch/CEN-EN16931-UBL.sch``), compiled to XSLT with a Schematron
compiler such as SchXslt (``include.xsl``, ``expand.xsl``,
``compile-for-svrl.xsl`` run in turn with Saxon), or taken compiled from a
Peppol release. The directory may also hold the UBL 2.1 schema, the ``xsd/``
folder of the OASIS release os-UBL-2.1.zip as it is (``xsd/maindoc/``,
``xsd/common/``); each document is then validated against it first
(``schema``), which catches what the Schematron rules take for granted: the
elements' order, the elements allowed, the data types.
"""
