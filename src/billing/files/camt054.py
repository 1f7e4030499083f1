"""camt.054: the ISO 20022 bank-to-customer debit/credit notification, as
banks send incoming payments in XML (versions camt.054.001.02 and later).

Read with lxml by the official structure (the message's own namespace,
urn:iso:std:iso:20022:tech:xsd:camt.054.001.NN), without loading external
entities or anything from the network:

    GrpHdr/MsgId                   the file's identity
    Ntfctn/Ntry                    an entry on the account:
        Amt (Ccy), CdtDbtInd       its amount; CRDT money in, DBIT money out
        BookgDt/Dt (or DtTm)       the day it was booked (ValDt when absent)
        NtryDtls/TxDtls            its payments (the entry itself when none):
            Amt, CdtDbtInd         the payment's amount (the entry's when absent)
            Refs/AcctSvcrRef       the bank's reference
            RmtInf/Strd/CdtrRefInf/Ref   the structured (OCR) reference
            RmtInf/Ustrd           free text, when no structured reference
            RltdPties/Dbtr(/Pty)/Nm and Id/OrgId/Othr/Id   the payer
    Ntfctn/TxsSummry/TtlCdtNtries  when given: the number and sum of the
                                   credit entries, checked

An entry's payments must add up to the entry; a debit is a payment back out
(a negative amount).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from billing.errors import DataError, ProblemCollector
from billing.payments.bank_file import BankFile, BankFormat, BankPayment, content_hash, organisation_number

NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.(\d{2})$")
_ORE = Decimal("0.01")


def looks_like_camt054(data: bytes) -> bool:
    return b"camt.054.001." in data[:2000] and data.lstrip()[:1] == b"<"


class _Reader:
    def __init__(self, name: str, namespace: str):
        self.problems = ProblemCollector(name)
        self.ns = {"c": namespace}

    def find(self, element, path: str):
        return element.find(path, self.ns)

    def text(self, element, path: str) -> str:
        found = element.find(path, self.ns)
        return "" if found is None or found.text is None else found.text.strip()

    def amount(self, element, path: str, field: str) -> Decimal | None:
        found = self.find(element, path)
        if found is None:
            return None
        text = (found.text or "").strip()
        try:
            if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text):
                raise InvalidOperation
            value = Decimal(text).quantize(_ORE)
        except InvalidOperation:
            self.problems.add(f"not an amount with at most two decimals: {text!r}", line=found.sourceline,
                              field=field)
            return None
        currency = found.get("Ccy")
        if currency != "SEK":
            self.problems.add(f"currency {currency!r}: only SEK is booked", line=found.sourceline, field=field)
        return value

    def sign(self, element, line: int) -> int | None:
        indicator = self.text(element, "c:CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            self.problems.add(f"credit/debit indicator {indicator!r}: CRDT or DBIT", line=line, field="CdtDbtInd")
            return None
        return 1 if indicator == "CRDT" else -1

    def booked(self, entry) -> date | None:
        for path in ("c:BookgDt/c:Dt", "c:BookgDt/c:DtTm", "c:ValDt/c:Dt", "c:ValDt/c:DtTm"):
            found = self.find(entry, path)
            if found is not None:
                text = (found.text or "").strip()
                try:
                    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T.*)?", text):
                        raise ValueError
                    return date.fromisoformat(text[:10])
                except ValueError:
                    self.problems.add(f"not a date (YYYY-MM-DD): {text!r}", line=found.sourceline, field="BookgDt")
                    return None
        self.problems.add("an entry without a booking date (BookgDt)", line=entry.sourceline, field="BookgDt")
        return None

    def payer(self, details) -> tuple[str, str]:
        debtor = self.find(details, "c:RltdPties/c:Dbtr")
        if debtor is None:
            return "", ""
        party = self.find(debtor, "c:Pty")
        party = debtor if party is None else party  # version 08 and later wrap the party in Pty
        number = ""
        for other in party.findall("c:Id/c:OrgId/c:Othr", self.ns):
            number = number or organisation_number(self.text(other, "c:Id").replace("-", ""))
        return self.text(party, "c:Nm"), number

    def reference(self, details) -> str:
        structured = [r.text.strip() for r in details.findall("c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", self.ns)
                      if r.text and r.text.strip()]
        if structured:
            return structured[0].replace(" ", "")
        return " ".join(u.text.strip() for u in details.findall("c:RmtInf/c:Ustrd", self.ns) if u.text).strip()

    def entry(self, entry) -> list[BankPayment]:
        total = self.amount(entry, "c:Amt", "Amt")
        sign = self.sign(entry, entry.sourceline)
        booked = self.booked(entry)
        details = entry.findall("c:NtryDtls/c:TxDtls", self.ns) or [entry]
        payments = []
        for item in details:
            amount = total if item is entry else (self.amount(item, "c:Amt", "Amt")
                                                  or self.amount(item, "c:AmtDtls/c:TxAmt/c:Amt", "Amt"))
            item_sign = sign if item is entry or self.find(item, "c:CdtDbtInd") is None \
                else self.sign(item, item.sourceline)
            if amount is None or item_sign is None or booked is None:
                if amount is None and item is not entry and len(details) > 1:
                    self.problems.add("a transaction without an amount in an entry of several",
                                      line=item.sourceline, field="Amt")
                continue
            name, number = self.payer(item)
            payments.append(BankPayment(item.sourceline, item_sign * amount, booked, self.reference(item),
                                        number, name, self.text(item, "c:Refs/c:AcctSvcrRef")
                                        or self.text(entry, "c:AcctSvcrRef")))
        if total is not None and sign is not None and len(payments) == len(details) and \
                sum((p.amount for p in payments), Decimal("0.00")) != sign * total:
            self.problems.add(f"the entry's transactions add up to {sum(p.amount for p in payments)}, "
                              f"not its amount {sign * total}", line=entry.sourceline, field="Amt")
        return payments

    def summary(self, notification) -> None:
        credits = self.find(notification, "c:TxsSummry/c:TtlCdtNtries")
        if credits is None:
            return
        stated_count, stated_sum = self.text(credits, "c:NbOfNtries"), self.amount_text(credits, "c:Sum")
        credit_entries = [e for e in notification.findall("c:Ntry", self.ns) if self.text(e, "c:CdtDbtInd") == "CRDT"]
        if stated_count and stated_count != str(len(credit_entries)):
            self.problems.add(f"the summary counts {stated_count} credit entries; the file has "
                              f"{len(credit_entries)}", line=credits.sourceline, field="TtlCdtNtries")
        # An entry's amount that is not one was named where the entry was read.
        actual = sum((self.amount_text(e, "c:Amt") or Decimal("0") for e in credit_entries), Decimal("0.00"))
        if stated_sum is not None and stated_sum != actual:
            self.problems.add(f"the summary's credit sum {stated_sum} is not the entries', {actual}",
                              line=credits.sourceline, field="TtlCdtNtries")

    def amount_text(self, element, path: str) -> Decimal | None:
        text = self.text(element, path)
        try:
            return Decimal(text).quantize(_ORE) if text else None
        except InvalidOperation:
            self.problems.add(f"not an amount: {text!r}", line=element.sourceline, field=path.split(":")[-1])
            return None


def read_camt054(data: bytes, name: str) -> BankFile:
    """Every payment of the notification, or DataError naming every bad element."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise DataError.single(f"not well-formed XML: {error.msg}", file=name, line=error.lineno) from None
    match = NAMESPACE.match(etree.QName(root).namespace or "")
    if match is None or int(match.group(1)) < 2:
        raise DataError.single(f"not a camt.054 notification (namespace {etree.QName(root).namespace!r})",
                               file=name, line=root.sourceline, field="Document")
    reader = _Reader(name, etree.QName(root).namespace)
    message = reader.find(root, "c:BkToCstmrDbtCdtNtfctn")
    if message is None:
        raise DataError.single("no BkToCstmrDbtCdtNtfctn element", file=name, line=root.sourceline,
                               field="Document")
    identity = reader.text(message, "c:GrpHdr/c:MsgId")
    if not identity:
        reader.problems.add("no message identity (GrpHdr/MsgId)", line=message.sourceline, field="MsgId")
    payments: list[BankPayment] = []
    for notification in message.findall("c:Ntfctn", reader.ns):
        entries = notification.findall("c:Ntry", reader.ns)
        found: list[BankPayment] = []
        for entry in entries:
            found += reader.entry(entry)
        reader.summary(notification)
        payments += found
    for payment in payments:
        if payment.amount == 0:
            reader.problems.add("a payment of 0,00", line=payment.line, field="Amt")
    reader.problems.raise_if_any()
    return BankFile(BankFormat.CAMT054, f"camt.054 {identity}", content_hash(data), tuple(payments))
