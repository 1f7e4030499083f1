"""SIE 4 (typ 4E, export) text: the Swedish standard file for ledger data.

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
- ``#VER series number date text`` is followed by its ``#TRANS account {objects}
  amount`` rows between ``{`` and ``}``; the rows of a voucher sum to zero.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from importlib import metadata

from billing.domain.seller import Seller
from billing.ledger.vouchers import Voucher
from billing.money import ORE

SERIES = "F"  # fakturor: invoices and credit notes share one number series
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


def fiscal_years(days: Iterable[date]) -> list[tuple[int, int]]:
    """(#RAR index, calendar year): 0 for the latest year a voucher falls in, -1 the one
    before, and so on; a government agency's financial year is the calendar year."""
    years = sorted({day.year for day in days})
    return [(year - years[-1], year) for year in range(years[-1], years[0] - 1, -1)] if years else []


def program_version() -> str:
    try:
        return metadata.version("billing")
    except metadata.PackageNotFoundError:
        return "0"


def sie_text(seller: Seller, names: Mapping[str, str], vouchers: Sequence[Voucher],
             generated: date, description: str) -> str:
    """The whole file as text, before encoding: header, accounts used, vouchers."""
    street, place = seller.street, f"{seller.postal_code} {seller.city}"
    lines = ["#FLAGGA 0", f"#PROGRAM {quoted('billing')} {quoted(program_version())}",
             "#FORMAT PC8", f"#GEN {sie_date(generated)}", "#SIETYP 4",
             f"#PROSA {quoted(description)}", f"#FNAMN {quoted(seller.name)}",
             f"#ORGNR {seller.organisation_number}",
             f"#ADRESS {quoted('')} {quoted(street)} {quoted(place)} {quoted('')}"]
    lines += [f"#RAR {index} {year}0101 {year}1231"
              for index, year in fiscal_years(v.date for v in vouchers)]
    lines.append("#VALUTA SEK")
    used = sorted({p.account for v in vouchers for p in v.postings}, key=int)
    lines += [f"#KONTO {account} {quoted(names.get(account, 'Konto ' + account))}" for account in used]
    for voucher in vouchers:
        lines.append(f"#VER {quoted(SERIES)} {voucher.number} {sie_date(voucher.date)} "
                     f"{quoted(voucher.text)}")
        lines.append("{")
        lines += [f"#TRANS {p.account} {{}} {amount(p.amount)}" for p in voucher.postings]
        lines.append("}")
    return LINE_END.join(lines) + LINE_END
