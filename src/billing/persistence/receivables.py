"""Reading and writing the customer ledger's rows; callers get ledger values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from billing.payments.bank_file import BankFile, BankPayment
from billing.payments.ledger import Application, ApplicationKind, StoredPayment
from billing.persistence.models import AgencyRow, InvoiceRow
from billing.persistence.receivables_models import ApplicationRow, BankFileRow, PaymentRow, ReminderRow


@dataclass(frozen=True, slots=True)
class AgencyContact:
    id: int
    organisation_number: str
    name: str
    address: tuple[str, ...]  # the lines of its postal address, as stored


@dataclass(frozen=True, slots=True)
class PaymentDetails:
    """A payment with what a person needs to recognise it."""

    payment: StoredPayment
    payer_name: str
    bank_reference: str
    file_name: str
    line: int


def imported_file(session: Session, bank_file: BankFile) -> tuple[str, datetime] | None:
    """The name and time of an earlier import of the same file, if any."""
    row = session.execute(select(BankFileRow.file_name, BankFileRow.imported_at).where(or_(
        BankFileRow.identity == bank_file.identity, BankFileRow.sha256 == bank_file.sha256))).first()
    return None if row is None else (row.file_name, row.imported_at)


def store_bank_file(session: Session, bank_file: BankFile, file_name: str, imported_at: datetime,
                    user: str) -> int:
    row = BankFileRow(format=str(bank_file.format), identity=bank_file.identity, sha256=bank_file.sha256,
                      file_name=file_name, imported_at=imported_at, os_user=user,
                      payment_count=len(bank_file.payments), total=bank_file.total)
    session.add(row)
    session.flush()
    return row.id


def store_payment(session: Session, bank_file_id: int, payment: BankPayment, agency_id: int | None) -> int:
    row = PaymentRow(bank_file_id=bank_file_id, line=payment.line, booked_on=payment.booked_on,
                     amount=payment.amount, reference=payment.reference[:100],
                     extra_references=" ".join(payment.extra_references)[:500],
                     payer_organisation_number=payment.payer_organisation_number,
                     payer_name=payment.payer_name[:200], bank_reference=payment.bank_reference[:100],
                     agency_id=agency_id)
    session.add(row)
    session.flush()
    return row.id


def store_application(session: Session, payment_id: int, document: int | None, amount: Decimal,
                      effective_on: date, kind: ApplicationKind, reason: str, recorded_at: datetime,
                      user: str, reverses: int | None = None) -> int:
    row = ApplicationRow(payment_id=payment_id, invoice_number=document, amount=amount,
                         effective_on=effective_on, kind=str(kind), reverses_id=reverses, reason=reason[:500],
                         recorded_at=recorded_at, os_user=user)
    session.add(row)
    session.flush()
    return row.id


def _payment(row: PaymentRow) -> StoredPayment:
    return StoredPayment(row.id, row.booked_on, row.amount, row.reference, row.payer_organisation_number,
                         row.agency_id, tuple(row.extra_references.split()))


def _of_agency(agency_id: int):
    """The payments identified as the agency's at import or put on one of its documents."""
    on_its_documents = (select(ApplicationRow.payment_id)
                        .join(InvoiceRow, InvoiceRow.number == ApplicationRow.invoice_number)
                        .where(InvoiceRow.agency_id == agency_id))
    return or_(PaymentRow.agency_id == agency_id, PaymentRow.id.in_(on_its_documents))


def stored_payments(session: Session, agency_id: int | None = None) -> list[StoredPayment]:
    """Every payment, or (``agency_id``) those of one agency, chosen in SQL."""
    query = select(PaymentRow).order_by(PaymentRow.id)
    if agency_id is not None:
        query = query.where(_of_agency(agency_id))
    return [_payment(row) for row in session.scalars(query)]


def payment_details(session: Session) -> list[PaymentDetails]:
    rows = session.execute(select(PaymentRow, BankFileRow.file_name)
                           .join(BankFileRow, BankFileRow.id == PaymentRow.bank_file_id).order_by(PaymentRow.id))
    return [PaymentDetails(_payment(p), p.payer_name, p.bank_reference, name, p.line) for p, name in rows]


def stored_payment(session: Session, payment_id: int) -> StoredPayment | None:
    row = session.get(PaymentRow, payment_id)
    return None if row is None else _payment(row)


def stored_applications(session: Session, agency_id: int | None = None) -> list[Application]:
    """Every application, or (``agency_id``) those of the agency's payments."""
    query = select(ApplicationRow).order_by(ApplicationRow.id)
    if agency_id is not None:
        query = query.where(ApplicationRow.payment_id.in_(select(PaymentRow.id).where(_of_agency(agency_id))))
    return [Application(r.id, r.payment_id, r.invoice_number, r.amount, r.effective_on, ApplicationKind(r.kind),
                        r.reverses_id)
            for r in session.scalars(query)]


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    """An application as recorded: who and when, for the list and the ledger."""

    application: Application
    reason: str
    recorded_at: datetime
    os_user: str


def application_records(session: Session) -> list[ApplicationRecord]:
    return [ApplicationRecord(Application(r.id, r.payment_id, r.invoice_number, r.amount, r.effective_on,
                                          ApplicationKind(r.kind), r.reverses_id), r.reason, r.recorded_at, r.os_user)
            for r in session.scalars(select(ApplicationRow).order_by(ApplicationRow.id))]


def agency_ids_by_organisation_number(session: Session) -> dict[str, int]:
    return {number: id_ for id_, number in session.execute(select(AgencyRow.id, AgencyRow.organisation_number))}


def agency_contacts(session: Session) -> dict[int, AgencyContact]:
    contacts = {}
    for row in session.scalars(select(AgencyRow).order_by(AgencyRow.id)):
        place = " ".join(p for p in (row.postal_code, row.city) if p)
        address = tuple(p for p in (row.street, row.additional_street, place) if p)
        contacts[row.id] = AgencyContact(row.id, row.organisation_number, row.name, address)
    return contacts


def last_reminded(session: Session) -> dict[int, date]:
    """Every document reminded -> the last day it was."""
    last: dict[int, date] = {}
    for number, day in session.execute(select(ReminderRow.invoice_number, ReminderRow.reminded_on)):
        last[number] = max(day, last.get(number, day))
    return last


def store_reminder(session: Session, agency_id: int, document: int, day: date, open_amount: Decimal,
                   fee: Decimal, path: str, recorded_at: datetime, user: str) -> None:
    session.add(ReminderRow(agency_id=agency_id, invoice_number=document, reminded_on=day, open_amount=open_amount,
                            fee=fee, path=path, recorded_at=recorded_at, os_user=user))
    session.flush()


def stored_reminders(session: Session) -> list[tuple[int, int, date, Decimal]]:
    """(agency id, document, day, open amount) of every reminder, oldest first."""
    return [tuple(r) for r in session.execute(
        select(ReminderRow.agency_id, ReminderRow.invoice_number, ReminderRow.reminded_on, ReminderRow.open_amount)
        .order_by(ReminderRow.id))]


def payments_for(session: Session, ids: Sequence[int]) -> list[StoredPayment]:
    wanted = set(ids)
    return [p for p in stored_payments(session) if p.id in wanted]
