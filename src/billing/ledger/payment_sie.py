"""The customer ledger's vouchers as an SIE 4I file (the format of ledger/sie.py):
payments in series B, later applications in series R, the customer agency
on dimension 8."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from billing.domain.seller import Seller
from billing.ledger.financial_year import FinancialYear
from billing.ledger.payment_vouchers import LedgerVoucher
from billing.ledger.sie import (CUSTOMER_DIMENSION, LINE_END, amount, objects, program_version, quoted, sie_date)


def payments_sie_text(seller: Seller, names: Mapping[str, str], vouchers: Sequence[LedgerVoucher],
                      generated: date, description: str, year: FinancialYear) -> str:
    lines = ["#FLAGGA 0", f"#PROGRAM {quoted('billing')} {quoted(program_version())}",
             "#FORMAT PC8", f"#GEN {sie_date(generated)}", "#SIETYP 4",
             f"#PROSA {quoted(description)}", f"#FNAMN {quoted(seller.name)}",
             f"#ORGNR {seller.organisation_number}",
             f"#ADRESS {quoted('')} {quoted(seller.street)} {quoted(f'{seller.postal_code} {seller.city}')} "
             f"{quoted('')}",
             f"#RAR 0 {sie_date(year.first_day)} {sie_date(year.last_day)}", "#VALUTA SEK"]
    used = sorted({p.account for v in vouchers for p in v.postings}, key=int)
    lines += [f"#KONTO {account} {quoted(names.get(account, 'Konto ' + account))}" for account in used]
    customers = dict(c for v in vouchers for c in v.customers)
    lines.append(f"#DIM {CUSTOMER_DIMENSION} {quoted('Kund')}")
    lines += [f"#OBJEKT {CUSTOMER_DIMENSION} {quoted(number)} {quoted(customers[number])}"
              for number in sorted(customers)]
    for voucher in vouchers:
        lines.append(f"#VER {quoted(voucher.series)} {voucher.number} {sie_date(voucher.date)} "
                     f"{quoted(voucher.text)}")
        lines.append("{")
        lines += [f"#TRANS {p.account} {objects(p)} {amount(p.amount)}" for p in voucher.postings]
        lines.append("}")
    return LINE_END.join(lines) + LINE_END
