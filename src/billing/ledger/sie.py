"""SIE 4I text: the Swedish standard file for ledger data, as an import file
of vouchers from a sub-ledger.

The format as the SIE group's specification (version 4B) gives it:

- one record per line, ``#LABEL`` then fields separated by spaces; lines end
  with CR LF; the file is IBM PC 8-bit extended ASCII, codepage 437
  (``#FORMAT PC8``);
- a string field is written between quotation marks (required when it holds a
  space); a quotation mark inside it is preceded by a backslash, and so is a
  backslash (so a text ending in one cannot swallow the closing quote);
  control characters are not allowed and become spaces;
- dates are YYYYMMDD; amounts have a decimal point, at most two decimals and a
  leading minus when negative: debit positive, credit negative;
- type 4I (``#SIETYP 4``, files named ``.si``) carries vouchers for the
  receiving ledger to import, and no balances: ``#VER series number date
  text`` followed by its ``#TRANS account {objects} amount`` rows between
  ``{`` and ``}``; the rows of a voucher sum to zero;
- an object list ``{8 "202100-1234"}`` books a row on object "202100-1234" of
  dimension 8, which the specification reserves for customers (``#DIM 8
  "Kund"``); each object is declared once with ``#OBJEKT 8 "id" "name"``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from billing.domain.seller import Seller
from billing.ledger.financial_year import FinancialYear
from billing.ledger.vouchers import Posting, Voucher
from billing.money import ORE

SERIES = "F"  # fakturor: invoices and credit notes share one number series
CUSTOMER_DIMENSION = 8  # reserved by the specification for customers
LINE_END = "\r\n"
# Typographic characters that codepage 437 lacks, as their plain equivalents;
# anything else it lacks is decomposed (NFKD) or becomes "?". Texts only: no
# account or amount can contain one.
_PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                        "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u00a0": " ", "\u20ac": "EUR"})


def quoted(text: str) -> str:
    """A string field: quoted, with quotation marks and backslashes escaped."""
    clean = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text.translate(_PLAIN))
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def amount(value: Decimal) -> str:
    """Decimal point, exactly two decimals; never "-0.00"."""
    if value != value.quantize(ORE):
        raise ValueError(f"an amount in the ledger is whole öre: {value}")
    return f"{value.quantize(ORE):f}" if value != 0 else "0.00"


def sie_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def encode(text: str) -> bytes:
    """Codepage 437; a character it lacks is decomposed (é -> e) or becomes "?"."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp437")
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("cp437", errors="ignore")
            out += plain if plain.strip() else b"?"
    return bytes(out)


def program_version() -> str:
    from importlib import metadata  # slow to import; only an SIE file names the version
    try:
        return metadata.version("billing")
    except metadata.PackageNotFoundError:
        return "0"


def objects(posting: Posting) -> str:
    """The object list of a #TRANS row: the customer on receivables, else empty."""
    if posting.customer is None:
        return "{}"
    return f"{{{CUSTOMER_DIMENSION} {quoted(posting.customer)}}}"


def sie_text(seller: Seller, names: Mapping[str, str], vouchers: Sequence[Voucher],
             generated: date, description: str, year: FinancialYear) -> str:
    """The whole file as text, before encoding: identification, the financial
    year, accounts and customers used, vouchers."""
    street, place = seller.street, f"{seller.postal_code} {seller.city}"
    lines = ["#FLAGGA 0", f"#PROGRAM {quoted('billing')} {quoted(program_version())}",
             "#FORMAT PC8", f"#GEN {sie_date(generated)}", "#SIETYP 4",
             f"#PROSA {quoted(description)}", f"#FNAMN {quoted(seller.name)}",
             f"#ORGNR {seller.organisation_number}",
             f"#ADRESS {quoted('')} {quoted(street)} {quoted(place)} {quoted('')}",
             f"#RAR 0 {sie_date(year.first_day)} {sie_date(year.last_day)}", "#VALUTA SEK"]
    used = sorted({p.account for v in vouchers for p in v.postings}, key=int)
    lines += [f"#KONTO {account} {quoted(names.get(account, 'Konto ' + account))}" for account in used]
    # The name of each customer as on its latest document in the file.
    customers = {number: name for number, name in (v.customer for v in vouchers)}
    lines.append(f"#DIM {CUSTOMER_DIMENSION} {quoted('Kund')}")
    lines += [f"#OBJEKT {CUSTOMER_DIMENSION} {quoted(number)} {quoted(customers[number])}"
              for number in sorted(customers)]
    for voucher in vouchers:
        lines.append(f"#VER {quoted(SERIES)} {voucher.number} {sie_date(voucher.date)} "
                     f"{quoted(voucher.text)}")
        lines.append("{")
        lines += [f"#TRANS {p.account} {objects(p)} {amount(p.amount)}" for p in voucher.postings]
        lines.append("}")
    return LINE_END.join(lines) + LINE_END
