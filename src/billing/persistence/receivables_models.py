"""The customer ledger's tables: bank files, payments, applications, reminders.

Rows here are only ever inserted: a payment is what the bank reported, an
application is undone by a counter-entry (``reverses_id``), a reminder is a
letter sent. Declared on the one Base of models.py, so the schema is one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from billing.persistence.models import Base
from billing.persistence.types import ExactDecimal


class BankFileRow(Base):
    """A bank file imported: its identity (BGMax time stamp and deposits,
    camt.054 message id, a CSV's content hash) and content hash are unique,
    so the same file is never imported twice."""

    __tablename__ = "bank_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[str] = mapped_column(String(10))
    identity: Mapped[str] = mapped_column(String(200), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
    payment_count: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(ExactDecimal)


class PaymentRow(Base):
    """One payment as the bank reported it, and the agency the import knew it for."""

    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    bank_file_id: Mapped[int] = mapped_column(ForeignKey("bank_files.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    booked_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    reference: Mapped[str] = mapped_column(String(100))
    extra_references: Mapped[str] = mapped_column(String(500))  # space-separated
    payer_organisation_number: Mapped[str] = mapped_column(String(11))
    payer_name: Mapped[str] = mapped_column(String(200))
    bank_reference: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)


class ApplicationRow(Base):
    """Part of a payment put on a document (or paid back: no document), by
    whom and when; a counter-entry names the application it undoes."""

    __tablename__ = "payment_applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_number: Mapped[int | None] = mapped_column(ForeignKey("invoices.number"), index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    effective_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payment_applications.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))


class ReminderRow(Base):
    """A payment reminder sent for one overdue document."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    reminded_on: Mapped[date] = mapped_column(Date)
    open_amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    fee: Mapped[Decimal] = mapped_column(ExactDecimal)
    path: Mapped[str] = mapped_column(String(1000))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
