"""Exports have state: which documents each export wrote, per format.

export_batches: one row per export (format, time, operating-system user, the
directory or file written to, the documents asked for, how many were written).
export_records: one row per document and export (the document's number, the
format, time, user, the file it is in, its batch). A document exported again
gets another row; nothing here is ever updated.

Documents issued before this migration have no records: the first export of a
format after it writes everything it is asked for (name the documents with a
month, --numbers or --since).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('export_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=100), nullable=False),
    sa.Column('target', sa.String(length=1000), nullable=False),
    sa.Column('choice', sa.String(length=500), nullable=False),
    sa.Column('document_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_batches'))
    )
    op.create_table('export_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('invoice_number', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=100), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['export_batches.id'],
                            name=op.f('fk_export_records_batch_id_export_batches')),
    sa.ForeignKeyConstraint(['invoice_number'], ['invoices.number'],
                            name=op.f('fk_export_records_invoice_number_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_records'))
    )
    with op.batch_alter_table('export_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_records_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_records_invoice_number'), ['invoice_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('export_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_records_invoice_number'))
        batch_op.drop_index(batch_op.f('ix_export_records_batch_id'))
    op.drop_table('export_records')
    op.drop_table('export_batches')
