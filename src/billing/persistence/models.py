"""The database schema. ORM models stay here; the rest of the package sees domain values.

Every relationship is ``lazy="raise_on_sql"``: a query never hides in an
attribute access, loading is always explicit (selectinload) and in bulk.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, ForeignKeyConstraint, Integer, MetaData, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from billing.period import Month
from billing.persistence.types import ExactDecimal, MonthType

# Stable constraint names, so migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ImportBatch(Base):
    """One file taken in: tariffs, agencies, volumes or pass-through amounts."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(100))
    records_added: Mapped[int] = mapped_column(Integer)
    records_skipped: Mapped[int] = mapped_column(Integer)
    # Why a correction was made; empty for ordinary imports.
    reason: Mapped[str] = mapped_column(String(500), default="", server_default="")


class EventRow(Base):
    """The event log: every action that changed state, by whom, when, with what."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    arguments: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)


class ServiceRow(Base):
    __tablename__ = "services"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    area: Mapped[str] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(20))
    charge: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(3))
    measure: Mapped[str] = mapped_column(String(10))
    rate_class: Mapped[str | None] = mapped_column(String(40))
    requires_any: Mapped[list] = mapped_column(JSON)


class PriceListRow(Base):
    """One price-list version, stored as its canonical document."""

    __tablename__ = "price_lists"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    series: Mapped[str] = mapped_column(String(80))
    valid_from: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    document: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("series", "valid_from"),)


class AgencyRow(Base):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_number: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The postal address invoices are sent to; NULL for an agency stored before
    # migration 0005 until its agencies file gives one (billing refuses it till then).
    street: Mapped[str | None] = mapped_column(String(200))
    additional_street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    sizes: Mapped[list[SizeRow]] = relationship(
        lazy="raise_on_sql", cascade="all, delete-orphan", order_by="SizeRow.effective")
    agreements: Mapped[list[AgreementRow]] = relationship(
        lazy="raise_on_sql", cascade="all, delete-orphan", order_by="AgreementRow.connected_on")
    discounts: Mapped[list[DiscountRow]] = relationship(
        lazy="raise_on_sql", cascade="all, delete-orphan", order_by="DiscountRow.id")


class SizeRow(Base):
    __tablename__ = "agency_sizes"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    effective: Mapped[date] = mapped_column(Date)
    employees: Mapped[int] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("agency_id", "effective"),)


class AgreementRow(Base):
    """One agreement per service area; its small lists are kept as JSON with
    decimals written as strings."""

    __tablename__ = "agreements"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    area: Mapped[str] = mapped_column(String(20))
    connected_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    buyer_reference: Mapped[str] = mapped_column(String(100))
    price_series: Mapped[str] = mapped_column(String(80))
    transformed_on: Mapped[date | None] = mapped_column(Date)
    services: Mapped[list | None] = mapped_column(JSON)
    agreed_prices: Mapped[dict] = mapped_column(JSON)
    subscriptions: Mapped[list] = mapped_column(JSON)
    connection_items: Mapped[list] = mapped_column(JSON)
    connection_fee: Mapped[bool] = mapped_column(Boolean)


class DiscountRow(Base):
    __tablename__ = "discounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    percent: Mapped[Decimal] = mapped_column(ExactDecimal)
    parts: Mapped[list] = mapped_column(JSON)
    area: Mapped[str | None] = mapped_column(String(20))
    start: Mapped[Month] = mapped_column(MonthType)
    end: Mapped[Month] = mapped_column(MonthType)
    reason: Mapped[str] = mapped_column(String(500))


class VolumeRow(Base):
    """A volume record. A correction never edits one: it adds the next revision
    of the same record and points the old one to it (``superseded_by_id``), so
    what was billed stays readable beside what replaced it."""

    __tablename__ = "volume_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[Month] = mapped_column(MonthType, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    source: Mapped[str] = mapped_column(String(100))
    reference: Mapped[str] = mapped_column(String(100))
    import_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    source_line: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("volume_records.id"))
    __table_args__ = (UniqueConstraint("period", "agency_id", "service_code", "reference",
                                       "revision"),)


class PassThroughRow(Base):
    """A sub-supplier's amount re-invoiced to one agency. It is identified by
    period, agency, supplier and the supplier's reference: the same charge again
    is skipped, never stored twice. ``occurrence`` numbers the copies of one
    charge imported before migration 0005 made that the key (they may be
    billed, so they stay); every charge stored since is occurrence 1."""

    __tablename__ = "pass_through_charges"
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[Month] = mapped_column(MonthType, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    area: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    vat_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    supplier: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(100))
    allocation_key: Mapped[str | None] = mapped_column(String(60))
    import_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    source_line: Mapped[int] = mapped_column(Integer)
    # Why a 0 % amount carries no VAT (domain.vat_exemption); NULL on taxed amounts.
    vat_exemption_code: Mapped[str | None] = mapped_column(String(30))
    vat_exemption_reason: Mapped[str | None] = mapped_column(String(300))
    occurrence: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (UniqueConstraint("period", "agency_id", "supplier", "reference", "occurrence"),)


class NumberSeries(Base):
    """The next number of a gapless series; taken and advanced in the issuing
    transaction. ``last_seal`` is the head of the documents' hash chain, so that
    even the removal of the newest document shows."""

    __tablename__ = "number_series"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer)
    last_seal: Mapped[str | None] = mapped_column(String(64))


class ChainLinkRow(Base):
    """The journal: one append-only hash chain over documents, billing runs and
    events (billing.audit.journal), written in the transaction that writes the
    record it links."""

    __tablename__ = "chain_links"
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))  # document | event | run
    record_key: Mapped[str] = mapped_column(String(40))
    previous_seal: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("kind", "record_key"),)


class ChainHeadRow(Base):
    """The journal's newest link, kept apart from the links so that removing
    the last ones shows; locked by each writer, so links are appended in turn."""

    __tablename__ = "chain_head"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    seal: Mapped[str] = mapped_column(String(64))


class BillingRunRow(Base):
    __tablename__ = "billing_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    # One run per month: a second run of the same month cannot commit.
    period: Mapped[Month] = mapped_column(MonthType, unique=True)
    run_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    run_by: Mapped[str] = mapped_column(String(100))
    invoice_count: Mapped[int] = mapped_column(Integer)


class InvoiceRow(Base):
    """An issued document: an invoice or a credit note (``kind``), one number
    series for both. Its number is its key: assigned at issue from the gapless
    series, never reused, so lines and links can be written in bulk without
    waiting for generated ids. ``seal`` chains it to the document before it."""

    __tablename__ = "invoices"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20), default="invoice", server_default="invoice")
    # A credit note reverses one invoice, and an invoice is credited at most once.
    credits_number: Mapped[int | None] = mapped_column(ForeignKey("invoices.number"), unique=True)
    # A corrected invoice replaces the one its credit note reversed.
    replaces_number: Mapped[int | None] = mapped_column(ForeignKey("invoices.number"))
    reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    previous_seal: Mapped[str] = mapped_column(String(64), default="", server_default="")
    seal: Mapped[str] = mapped_column(String(64), default="", server_default="")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("billing_runs.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    # The agency as it was when the invoice was issued.
    organisation_number: Mapped[str] = mapped_column(String(11))
    agency_name: Mapped[str] = mapped_column(String(200))
    # Its postal address at issue; NULL on documents issued before migration 0005.
    buyer_street: Mapped[str | None] = mapped_column(String(200))
    buyer_additional_street: Mapped[str | None] = mapped_column(String(200))
    buyer_postal_code: Mapped[str | None] = mapped_column(String(20))
    buyer_city: Mapped[str | None] = mapped_column(String(100))
    buyer_country: Mapped[str | None] = mapped_column(String(2))
    buyer_reference: Mapped[str] = mapped_column(String(100))
    period: Mapped[Month] = mapped_column(MonthType, index=True)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    net: Mapped[Decimal] = mapped_column(ExactDecimal)
    vat: Mapped[Decimal] = mapped_column(ExactDecimal)
    rounding: Mapped[Decimal] = mapped_column(ExactDecimal)
    payable: Mapped[Decimal] = mapped_column(ExactDecimal)
    lines: Mapped[list[InvoiceLineRow]] = relationship(
        lazy="raise_on_sql", order_by="InvoiceLineRow.line_no")
    vat_subtotals: Mapped[list[InvoiceVatRow]] = relationship(lazy="raise_on_sql")


class InvoiceLineRow(Base):
    __tablename__ = "invoice_lines"
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    area: Mapped[str] = mapped_column(String(20))
    part: Mapped[str] = mapped_column(String(20))
    service_code: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    unit: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(3))
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    vat_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    price_list_id: Mapped[str | None] = mapped_column(ForeignKey("price_lists.id"), index=True)
    proration_days: Mapped[int | None] = mapped_column(Integer)
    proration_of_days: Mapped[int | None] = mapped_column(Integer)
    tier_steps: Mapped[list] = mapped_column(JSON)
    pass_through_id: Mapped[int | None] = mapped_column(ForeignKey("pass_through_charges.id"))
    # Where the unit price came from (rating.lines.PriceSource); NULL on lines
    # issued before migration 0002 recorded it.
    price_source: Mapped[str | None] = mapped_column(String(20))
    # Why a 0 % line carries no VAT; NULL on taxed lines and on lines issued
    # before migration 0005 recorded it.
    vat_exemption_code: Mapped[str | None] = mapped_column(String(30))
    vat_exemption_reason: Mapped[str | None] = mapped_column(String(300))


class InvoiceLineVolume(Base):
    """Which volume records a line priced: the basis, queryable from both ends."""

    __tablename__ = "invoice_line_volumes"
    invoice_number: Mapped[int] = mapped_column(primary_key=True)
    line_no: Mapped[int] = mapped_column(primary_key=True)
    volume_record_id: Mapped[int] = mapped_column(ForeignKey("volume_records.id"), primary_key=True,
                                                  index=True)
    __table_args__ = (ForeignKeyConstraint(["invoice_number", "line_no"],
                                           ["invoice_lines.invoice_number", "invoice_lines.line_no"]),)


class InvoiceVatRow(Base):
    __tablename__ = "invoice_vat"
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal, primary_key=True)
    taxable: Mapped[Decimal] = mapped_column(ExactDecimal)
    vat: Mapped[Decimal] = mapped_column(ExactDecimal)


class ExportBatchRow(Base):
    """One export: which format, where to, asked for how, by whom and when.
    Written in the export's own transaction, with its records."""

    __tablename__ = "export_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[str] = mapped_column(String(10))
    exported_at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
    # The directory (Peppol, PDF) or file (SIE) written to.
    target: Mapped[str] = mapped_column(String(1000))
    # The documents asked for, as described to the user ("issued for 2012-12").
    choice: Mapped[str] = mapped_column(String(500))
    document_count: Mapped[int] = mapped_column(Integer)


class ExportRecordRow(Base):
    """A document written in a format: one row per document and export, so a
    document exported again (``--all``) has a row for each time."""

    __tablename__ = "export_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("export_batches.id"), index=True)
    invoice_number: Mapped[int] = mapped_column(ForeignKey("invoices.number"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    exported_at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
    # The file the document is in: its own (Peppol, PDF) or the batch's (SIE).
    path: Mapped[str] = mapped_column(String(1000))


class WebUserRow(Base):
    """A person (or system) who signs in to the web or the API: centre staff,
    or a user of one agency, who sees that agency's data only. The password
    is kept only as its argon2 hash (services/users.py)."""

    __tablename__ = "web_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # staff | agency
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class ApiTokenRow(Base):
    """A token for the API. The token is "<id>.<secret>": the id finds the row,
    the secret is kept only as its argon2 hash."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class WebSessionRow(Base):
    """A signed-in browser. The cookie holds a random 256-bit key; only its
    SHA-256 is stored (a key that random needs no slow hash, and it is looked
    up on every request). Each session has its own CSRF token for forms."""

    __tablename__ = "web_sessions"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginFailureRow(Base):
    """A failed sign-in, counted to slow down guessing (by name and by address)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)

# The customer ledger's tables live in a module of their own, on the same Base.
from billing.persistence import receivables_models as _receivables_models  # noqa: E402,F401
