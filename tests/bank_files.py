"""Bank files built in the tests from the formats' own rules.

BGMax (Bankgirot, Bankgiro Inbetalningar): records of 80 characters,
positions 1-based and inclusive, amounts in öre right-aligned and zero-filled:

    TK01  1-2 "01", 3-22 "BGMAX" padded, 23-24 version "01", 25-44 written
          (YYYYMMDDHHMMSSmmmmmm), 45 test mark ("P" production, "T" test)
    TK05  1-2 "05", 3-12 receiving bankgiro, 13-22 plusgiro, 23-25 currency
    TK20  1-2 "20", 3-12 payer's bankgiro, 13-37 reference, 38-55 amount,
          56 reference code, 57 channel code, 58-69 BGC serial number, 70 image mark
    TK21  as TK20, and 71 deduction code
    TK22/23 as TK20: an extra reference of the payment before it
    TK26  1-2 "26", 3-37 name, 38-72 extra name
    TK29  1-2 "29", 3-14 organisation number (12 digits)
    TK15  1-2 "15", 3-37 receiving bank account, 38-45 payment date,
          46-50 deposit serial number, 51-68 deposit amount, 69-71 currency,
          72-79 number of payments, 80 deposit type
    TK70  1-2 "70", 3-10 payment records, 11-18 deduction records,
          19-26 extra reference records, 27-34 deposit records

camt.054 (ISO 20022): GrpHdr/MsgId, Ntfctn/Ntry with Amt, CdtDbtInd,
BookgDt/Dt and NtryDtls/TxDtls (Amt, RmtInf/Strd/CdtrRefInf/Ref or Ustrd,
RltdPties/Dbtr with Nm and Id/OrgId/Othr/Id; from version 08 the debtor's
party is wrapped in Pty).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

RECEIVING_BANKGIRO = "0050501055"  # 5050-1055, the centre's (billing/config/centre.toml)


def _record(text: str) -> str:
    assert len(text) <= 80, (len(text), text)
    return text.ljust(80)


def tk01(written: str = "20130103120000000000", test_mark: str = "P", layout: str = "BGMAX",
         version: str = "01") -> str:
    return _record("01" + layout.ljust(20) + version + written + test_mark)


def tk05(bankgiro: str = RECEIVING_BANKGIRO, currency: str = "SEK") -> str:
    return _record("05" + bankgiro + " " * 10 + currency)


def _payment(code: str, reference: str, ore: int, serial: str, payer_bankgiro: str = "0009912346",
             reference_code: str = "2", tail: str = "") -> str:
    return _record(code + payer_bankgiro + reference.ljust(25) + str(ore).zfill(18) + reference_code + "1"
                   + serial.zfill(12) + "0" + tail)


def tk20(reference: str, ore: int, serial: str) -> str:
    return _payment("20", reference, ore, serial)


def tk21(reference: str, ore: int, serial: str) -> str:
    return _payment("21", reference, ore, serial, tail="0")


def tk22(reference: str, ore: int, serial: str) -> str:
    return _payment("22", reference, ore, serial)


def tk26(name: str) -> str:
    return _record("26" + name.ljust(35) + " " * 35)


def tk29(organisation_number_12: str) -> str:
    return _record("29" + organisation_number_12)


def tk15(payment_date: str, serial: int, ore: int, count: int, account: str = "99123456789") -> str:
    return _record("15" + account.ljust(35) + payment_date + str(serial).zfill(5) + str(ore).zfill(18) + "SEK"
                   + str(count).zfill(8) + "K")


def tk70(payments: int, deductions: int, extra_references: int, deposits: int) -> str:
    return _record("70" + str(payments).zfill(8) + str(deductions).zfill(8) + str(extra_references).zfill(8)
                   + str(deposits).zfill(8))


def bgmax(*records: str) -> bytes:
    return ("\r\n".join(records) + "\r\n").encode("latin-1")


@dataclass(frozen=True)
class Tx:
    amount: str
    reference: str = ""  # structured (OCR)
    text: str = ""  # unstructured
    org: str = ""
    name: str = ""
    indicator: str = ""  # the transaction's own CdtDbtInd, when given


def camt054(message_id: str, entries: list[tuple[str, str, str, list[Tx]]], version: str = "02",
            summary: tuple[int, str] | None = None) -> bytes:
    """``entries``: (amount, CRDT/DBIT, booking date, transactions)."""
    def party(tx: Tx) -> str:
        inner = (f"<Nm>{escape(tx.name)}</Nm>" if tx.name else "") + (
            f"<Id><OrgId><Othr><Id>{tx.org}</Id></Othr></OrgId></Id>" if tx.org else "")
        if not inner:
            return ""
        wrapped = f"<Pty>{inner}</Pty>" if int(version) >= 8 else inner
        return f"<RltdPties><Dbtr>{wrapped}</Dbtr></RltdPties>"

    def remittance(tx: Tx) -> str:
        if tx.reference:
            return f"<RmtInf><Strd><CdtrRefInf><Ref>{tx.reference}</Ref></CdtrRefInf></Strd></RmtInf>"
        if tx.text:
            return f"<RmtInf><Ustrd>{escape(tx.text)}</Ustrd></RmtInf>"
        return ""

    body = []
    for amount, indicator, booked, txs in entries:
        details = "".join(
            "<TxDtls>" + f'<Amt Ccy="SEK">{tx.amount}</Amt>'
            + (f"<CdtDbtInd>{tx.indicator}</CdtDbtInd>" if tx.indicator else "")
            + party(tx) + remittance(tx) + "</TxDtls>" for tx in txs)
        body.append(f'<Ntry>\n<Amt Ccy="SEK">{amount}</Amt>\n<CdtDbtInd>{indicator}</CdtDbtInd>\n<Sts>BOOK</Sts>\n'
                    f"<BookgDt><Dt>{booked}</Dt></BookgDt>\n<ValDt><Dt>{booked}</Dt></ValDt>\n"
                    f"<NtryDtls>\n{details}\n</NtryDtls>\n</Ntry>")
    totals = "" if summary is None else (
        f"<TxsSummry><TtlCdtNtries><NbOfNtries>{summary[0]}</NbOfNtries><Sum>{summary[1]}</Sum>"
        "</TtlCdtNtries></TxsSummry>")
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.054.001.{version}"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}">\n<BkToCstmrDbtCdtNtfctn>\n'
            f"<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2013-01-20T08:00:00</CreDtTm></GrpHdr>\n"
            f"<Ntfctn><Id>N1</Id>{totals}\n" + "\n".join(body) + "\n</Ntfctn>\n</BkToCstmrDbtCdtNtfctn>\n</Document>\n"
            ).encode("utf-8")
