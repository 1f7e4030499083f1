"""`billing export sie-payments YYYY-MM`: the customer ledger's vouchers of a
month (ledger/payment_vouchers.py) as an SIE 4I file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from billing.domain.seller import Centre
from billing.errors import AlreadyDone
from billing.ledger.financial_year import financial_year
from billing.ledger.payment_sie import payments_sie_text
from billing.ledger.payment_vouchers import PAYMENT_SERIES, LedgerVoucher, ledger_vouchers
from billing.ledger.sie import encode
from billing.ledger.vouchers import account_names
from billing.period import Month
from billing.persistence.documents import heads_issued_until
from billing.persistence.receivables import agency_contacts, stored_applications, stored_payments
from billing.services.events import record_event


@dataclass(frozen=True, slots=True)
class PaymentsExport:
    path: Path
    vouchers: tuple[LedgerVoucher, ...]

    @property
    def payments(self) -> int:
        return sum(1 for v in self.vouchers if v.series == PAYMENT_SERIES)

    @property
    def received(self) -> Decimal:
        return sum((v.postings[0].amount for v in self.vouchers if v.series == PAYMENT_SERIES), Decimal("0.00"))


def export_payments_sie(session: Session, month: Month, path: Path, centre: Centre, generated: date) -> PaymentsExport:
    contacts = agency_contacts(session)
    customer_of_agency = {a.id: a.organisation_number for a in contacts.values()}
    names = {a.organisation_number: a.name for a in contacts.values()}
    customer_of_document = {h.number: customer_of_agency[h.agency_id] for h in heads_issued_until(session)}
    vouchers = ledger_vouchers(stored_payments(session), stored_applications(session), month.first_day,
                               month.next().first_day, centre.accounts, centre.receivables, customer_of_document,
                               customer_of_agency, names)
    if not vouchers:
        raise AlreadyDone(f"no payment booked and nothing applied in {month}: no file written")
    assert all(v.balance == 0 for v in vouchers), "a voucher that does not balance"
    accounts = account_names(centre.accounts)
    accounts.setdefault(centre.receivables.bank, "Bank")
    accounts.setdefault(centre.receivables.unapplied, "Förskott från kunder")
    text = payments_sie_text(centre.seller, accounts, vouchers, generated,
                             f"Inbetalningar och avräkningar {month}",
                             financial_year(month.first_day, centre.financial_year_first_month))
    path.write_bytes(encode(text))
    record_event(session, "export sie-payments", {"period": str(month), "out": str(path)},
                 f"{len(vouchers)} vouchers to {path}")
    return PaymentsExport(path, tuple(vouchers))
