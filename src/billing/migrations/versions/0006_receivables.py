"""The customer ledger: bank files, payments, applications, reminders.

- bank_files: one row per bank file imported (format, identity, content
  hash, both unique, so a file is never imported twice).
- payments: every payment a file reported, with the agency it was known
  for at import (NULL: unapplied).
- payment_applications: part of a payment put on a document, or paid back
  (no document); never updated: a counter-entry (reverses_id, unique) undoes one.
- reminders: one row per overdue document reminded, with the day and file.

Nothing existing changes; downgrading drops the four tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa



revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bank_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('identity', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=100), nullable=False),
    sa.Column('payment_count', sa.Integer(), nullable=False),
    sa.Column('total', sa.String(length=48), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_files')),
    sa.UniqueConstraint('identity', name=op.f('uq_bank_files_identity')),
    sa.UniqueConstraint('sha256', name=op.f('uq_bank_files_sha256'))
    )
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bank_file_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.String(length=48), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('extra_references', sa.String(length=500), nullable=False),
    sa.Column('payer_organisation_number', sa.String(length=11), nullable=False),
    sa.Column('payer_name', sa.String(length=200), nullable=False),
    sa.Column('bank_reference', sa.String(length=100), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_payments_agency_id_agencies')),
    sa.ForeignKeyConstraint(['bank_file_id'], ['bank_files.id'], name=op.f('fk_payments_bank_file_id_bank_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_bank_file_id'), ['bank_file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_booked_on'), ['booked_on'], unique=False)
    op.create_table('payment_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('invoice_number', sa.Integer(), nullable=True),
    sa.Column('amount', sa.String(length=48), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['invoice_number'], ['invoices.number'],
                            name=op.f('fk_payment_applications_invoice_number_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_applications_payment_id_payments')),
    sa.ForeignKeyConstraint(['reverses_id'], ['payment_applications.id'],
                            name=op.f('fk_payment_applications_reverses_id_payment_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_applications')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_payment_applications_reverses_id'))
    )
    with op.batch_alter_table('payment_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_applications_invoice_number'), ['invoice_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_applications_payment_id'), ['payment_id'], unique=False)
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('invoice_number', sa.Integer(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=False),
    sa.Column('open_amount', sa.String(length=48), nullable=False),
    sa.Column('fee', sa.String(length=48), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_reminders_agency_id_agencies')),
    sa.ForeignKeyConstraint(['invoice_number'], ['invoices.number'],
                            name=op.f('fk_reminders_invoice_number_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_invoice_number'), ['invoice_number'], unique=False)


def downgrade() -> None:
    op.drop_table('reminders')
    op.drop_table('payment_applications')
    op.drop_table('payments')
    op.drop_table('bank_files')
