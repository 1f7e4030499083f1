"""Tampering with stored documents through plain SQL: SQLAlchemy core
statements on the tables, committed, as someone with database access could,
never through the services."""

from __future__ import annotations

import sqlalchemy as sa

from billing.persistence.models import (InvoiceLineRow, InvoiceLineVolume, InvoiceRow, InvoiceVatRow,
                                        NumberSeries, VolumeRow)

INVOICES = InvoiceRow.__table__
LINES = InvoiceLineRow.__table__
LINKS = InvoiceLineVolume.__table__
VAT = InvoiceVatRow.__table__
SERIES = NumberSeries.__table__
VOLUMES = VolumeRow.__table__


def tamper(engine, *statements) -> None:
    """The statements, committed; each but an insert must touch a row."""
    with engine.begin() as connection:
        for statement in statements:
            result = connection.execute(statement)
            if not isinstance(statement, sa.Insert):  # an insert's rowcount is -1 on PostgreSQL (RETURNING)
                assert result.rowcount >= 1, statement


def delete_document(number):
    """The statements that delete document ``number`` entirely: links, lines, VAT rows, header."""
    return (sa.delete(LINKS).where(LINKS.c.invoice_number == number),
            sa.delete(LINES).where(LINES.c.invoice_number == number),
            sa.delete(VAT).where(VAT.c.invoice_number == number),
            sa.delete(INVOICES).where(INVOICES.c.number == number))


def update_line(number, line_no, **values):
    """The statement that changes line ``line_no`` of document ``number``."""
    return (sa.update(LINES).where(LINES.c.invoice_number == number, LINES.c.line_no == line_no)
            .values(**values))


def line_no(engine, number, service_code) -> int:
    """The number of the line of document ``number`` for ``service_code``."""
    with engine.connect() as connection:
        return connection.execute(sa.select(LINES.c.line_no).where(
            LINES.c.invoice_number == number, LINES.c.service_code == service_code)).scalar_one()
