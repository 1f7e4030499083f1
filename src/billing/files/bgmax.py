"""BGMax: Bankgirot's file of incoming payments to a bankgiro number
(Bankgiro Inbetalningar), as its technical manual lays it out.

Fixed-width records of 80 characters, ISO 8859-1, one per line; positions
below are 1-based and inclusive, as the manual counts them. Amounts are öre,
right-aligned and zero-filled; dates YYYYMMDD.

    TK01 opening     3-22 layout name "BGMAX", 23-24 version, 25-44 written
                     (YYYYMMDDHHMMSSmmmmmm), 45 test mark (T test, P production)
    TK05 opening of a deposit: 3-12 receiving bankgiro, 13-22 plusgiro,
                     23-25 currency (SEK)
    TK20 payment     3-12 payer's bankgiro, 13-37 reference, 38-55 amount,
                     56 reference code, 57 channel code, 58-69 BGC serial
                     number, 70 image mark
    TK21 deduction   as TK20, and 71 deduction code: money the payer deducted
                     (a credit it was owed), so the deposit is that much less
    TK22/TK23 extra reference (positive / negative): as TK20, for the payment
                     before it
    TK25 information 3-52 text
    TK26 name        3-37 name, 38-72 extra name
    TK27 address 1   3-37 address, 38-46 postcode
    TK28 address 2   3-37 town, 38-72 country, 73-74 country code
    TK29 organisation number 3-14 (12 digits, 16 before a legal person's number)
    TK15 deposit     3-37 receiving bank account, 38-45 payment date,
                     46-50 deposit serial number, 51-68 deposit amount,
                     69-71 currency, 72-79 number of payments, 80 deposit type
    TK70 closing     3-10 payment records, 11-18 deduction records,
                     19-26 extra reference records, 27-34 deposit records

The deposit's amount is its payments less its deductions, and its count is
its payment and deduction records; the closing record counts the whole file.
Anything that does not add up refuses the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing.errors import ProblemCollector
from billing.payments.bank_file import BankFile, BankFormat, BankPayment, content_hash, organisation_number

RECORD_TYPES = {"01", "05", "20", "21", "22", "23", "25", "26", "27", "28", "29", "15", "70"}
_ORE = Decimal("0.01")


def looks_like_bgmax(data: bytes) -> bool:
    return data[:2] == b"01" and data[2:22].rstrip() == b"BGMAX"


def _cut(record: str, first: int, last: int) -> str:
    return record[first - 1:last]


@dataclass
class _Open:
    """A payment or deduction whose extra records may follow."""

    line: int
    sign: int
    amount: Decimal
    reference: str
    serial: str
    extra: list[str] = field(default_factory=list)
    name: str = ""
    organisation_number: str = ""


@dataclass
class _Deposit:
    line: int
    items: list[_Open] = field(default_factory=list)


class _Reader:
    def __init__(self, name: str):
        self.problems = ProblemCollector(name)
        self.payments: list[BankPayment] = []
        self.counts = {"20": 0, "21": 0, "22": 0, "15": 0}
        self.deposit: _Deposit | None = None
        self.identity = ""
        self.closed = False

    def number(self, record: str, first: int, last: int, line: int, name: str) -> int | None:
        text = _cut(record, first, last)
        if len(text) != last - first + 1 or not (text.isascii() and text.isdigit()):
            self.problems.add(f"not a number of {last - first + 1} digits (positions {first}-{last}): "
                              f"{text!r}", line=line, field=name)
            return None
        return int(text)

    def amount(self, record: str, first: int, last: int, line: int, name: str) -> Decimal | None:
        ore = self.number(record, first, last, line, name)
        return None if ore is None else (Decimal(ore) * _ORE).quantize(_ORE)

    def day(self, record: str, first: int, last: int, line: int, name: str) -> date | None:
        text = _cut(record, first, last)
        try:
            if not (text.isascii() and text.isdigit() and len(text) == 8):
                raise ValueError
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            self.problems.add(f"not a date (YYYYMMDD, positions {first}-{last}): {text!r}", line=line, field=name)
            return None

    def read(self, lines: list[str]) -> None:
        if not lines or _cut(lines[0], 1, 2) != "01":
            self.problems.add("a BGMax file begins with its opening record (TK01)", line=1, field="record_type")
            return
        for line, raw in enumerate(lines, start=1):
            record = raw.rstrip("\r\n").ljust(80)
            if not record.strip():
                continue
            code = record[:2]
            if self.closed:
                self.problems.add("a record after the closing record (TK70)", line=line, field="record_type")
            elif code not in RECORD_TYPES:
                self.problems.add(f"unknown record type {code!r}", line=line, field="record_type")
            else:
                getattr(self, f"tk{code}")(record, line)
        if not self.closed:
            self.problems.add("the file has no closing record (TK70)", line=len(lines), field="record_type")
        if self.deposit is not None:
            self.problems.add("a deposit (TK05) without its deposit record (TK15)", line=self.deposit.line,
                              field="record_type")

    def tk01(self, record: str, line: int) -> None:
        if line != 1:
            self.problems.add("a second opening record (TK01)", line=line, field="record_type")
            return
        if _cut(record, 3, 22).rstrip() != "BGMAX":
            self.problems.add("the layout name is not BGMAX", line=line, field="layout")
        version = self.number(record, 23, 24, line, "version")
        if version is not None and version != 1:
            self.problems.add(f"layout version {version:02d}: only 01 is known", line=line, field="version")
        written = _cut(record, 25, 44)
        if not (written.isascii() and written.isdigit()):
            self.problems.add(f"not a time stamp (positions 25-44): {written!r}", line=line, field="written")
        if _cut(record, 45, 45) == "T":
            self.problems.add("a test file (test mark T): payments in it were never made", line=line,
                              field="test_mark")
        self.identity = f"BGMAX {written}"

    def tk05(self, record: str, line: int) -> None:
        if self.deposit is not None:
            self.problems.add("a deposit (TK05) opened before the last one was closed (TK15)", line=line,
                              field="record_type")
        self.number(record, 3, 12, line, "bankgiro")
        if _cut(record, 23, 25) != "SEK":
            self.problems.add(f"currency {_cut(record, 23, 25)!r}: only SEK is booked", line=line, field="currency")
        self.identity += f" {_cut(record, 3, 12)}"
        self.deposit = _Deposit(line)

    def _payment(self, record: str, line: int, sign: int, code: str) -> None:
        self.counts[code] += 1
        if self.deposit is None:
            self.problems.add(f"a TK{code} record outside a deposit (TK05 ... TK15)", line=line, field="record_type")
            return
        amount = self.amount(record, 38, 55, line, "amount")
        if amount is not None and amount == 0:
            self.problems.add("a payment of 0,00", line=line, field="amount")
        reference = _cut(record, 13, 37).strip()
        self.deposit.items.append(_Open(line, sign, amount or Decimal("0.00"), reference,
                                        _cut(record, 58, 69).strip()))

    def tk20(self, record: str, line: int) -> None:
        self._payment(record, line, 1, "20")

    def tk21(self, record: str, line: int) -> None:
        self._payment(record, line, -1, "21")

    def _current(self, line: int, what: str) -> _Open | None:
        if self.deposit is None or not self.deposit.items:
            self.problems.add(f"{what} with no payment (TK20/TK21) before it", line=line, field="record_type")
            return None
        return self.deposit.items[-1]

    def tk22(self, record: str, line: int) -> None:
        self.counts["22"] += 1
        self.amount(record, 38, 55, line, "amount")
        current = self._current(line, "an extra reference")
        reference = _cut(record, 13, 37).strip()
        if current is not None and reference:
            current.extra.append(reference)

    tk23 = tk22

    def tk25(self, record: str, line: int) -> None:
        self._current(line, "an information record")

    def tk26(self, record: str, line: int) -> None:
        current = self._current(line, "a name record")
        if current is not None:
            current.name = _cut(record, 3, 37).strip()

    def tk27(self, record: str, line: int) -> None:
        self._current(line, "an address record")

    tk28 = tk27

    def tk29(self, record: str, line: int) -> None:
        current = self._current(line, "an organisation number record")
        number = self.number(record, 3, 14, line, "organisation_number")
        if current is not None and number is not None:
            current.organisation_number = organisation_number(_cut(record, 3, 14))

    def tk15(self, record: str, line: int) -> None:
        self.counts["15"] += 1
        deposit, self.deposit = self.deposit, None
        if deposit is None:
            self.problems.add("a deposit record (TK15) with no deposit opened (TK05)", line=line, field="record_type")
            return
        booked = self.day(record, 38, 45, line, "payment_date")
        total = self.amount(record, 51, 68, line, "deposit_amount")
        count = self.number(record, 72, 79, line, "payment_count")
        if _cut(record, 69, 71) != "SEK":
            self.problems.add(f"currency {_cut(record, 69, 71)!r}: only SEK is booked", line=line, field="currency")
        net = sum((i.sign * i.amount for i in deposit.items), Decimal("0.00"))
        if total is not None and total != net:
            self.problems.add(f"the deposit amount {total} is not its payments less its deductions, {net}",
                              line=line, field="deposit_amount")
        if count is not None and count != len(deposit.items):
            self.problems.add(f"the deposit counts {count} payments; it has {len(deposit.items)}",
                              line=line, field="payment_count")
        self.identity += f" {_cut(record, 46, 50)}"
        if booked is None:
            return
        self.payments += [BankPayment(i.line, i.sign * i.amount, booked, i.reference, i.organisation_number,
                                      i.name, i.serial, tuple(i.extra)) for i in deposit.items]

    def tk70(self, record: str, line: int) -> None:
        self.closed = True
        expected = {"20": ("payment_records", 3, 10), "21": ("deduction_records", 11, 18),
                    "22": ("extra_reference_records", 19, 26), "15": ("deposit_records", 27, 34)}
        for code, (name, first, last) in expected.items():
            stated = self.number(record, first, last, line, name)
            if stated is not None and stated != self.counts[code]:
                self.problems.add(f"the closing record counts {stated}; the file has {self.counts[code]}",
                                  line=line, field=name)


def read_bgmax(data: bytes, name: str) -> BankFile:
    """Every payment of the file, or DataError naming every bad record and field."""
    reader = _Reader(name)
    reader.read(data.decode("latin-1").split("\n"))
    reader.problems.raise_if_any()
    return BankFile(BankFormat.BGMAX, reader.identity, content_hash(data), tuple(reader.payments))
