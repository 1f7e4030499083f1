"""Initial schema. Decimals and months are stored as text (see billing.persistence.types).

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_number', sa.String(length=11), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('organisation_number', name=op.f('uq_agencies_organisation_number'))
    )
    op.create_table('billing_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('run_by', sa.String(length=100), nullable=False),
    sa.Column('invoice_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_runs')),
    sa.UniqueConstraint('period', name=op.f('uq_billing_runs_period'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('arguments', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=100), nullable=False),
    sa.Column('records_added', sa.Integer(), nullable=False),
    sa.Column('records_skipped', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    op.create_table('number_series',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.Column('last_seal', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_number_series'))
    )
    # The invoice series exists from the start: concurrent first runs then
    # queue on its row lock instead of racing to create it.
    op.bulk_insert(sa.table('number_series', sa.column('name', sa.String), sa.column('next_number', sa.Integer)),
                   [{'name': 'invoice', 'next_number': 1}])
    op.create_table('price_lists',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('series', sa.String(length=80), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source_file', sa.String(length=500), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists')),
    sa.UniqueConstraint('series', 'valid_from', name=op.f('uq_price_lists_series_valid_from'))
    )
    op.create_table('services',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('charge', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_code', sa.String(length=3), nullable=False),
    sa.Column('measure', sa.String(length=10), nullable=False),
    sa.Column('rate_class', sa.String(length=40), nullable=True),
    sa.Column('requires_any', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_services'))
    )
    op.create_table('agency_sizes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_sizes_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_sizes')),
    sa.UniqueConstraint('agency_id', 'effective', name=op.f('uq_agency_sizes_agency_id_effective'))
    )
    with op.batch_alter_table('agency_sizes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_sizes_agency_id'), ['agency_id'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('connected_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('buyer_reference', sa.String(length=100), nullable=False),
    sa.Column('price_series', sa.String(length=80), nullable=False),
    sa.Column('transformed_on', sa.Date(), nullable=True),
    sa.Column('services', sa.JSON(), nullable=True),
    sa.Column('agreed_prices', sa.JSON(), nullable=False),
    sa.Column('subscriptions', sa.JSON(), nullable=False),
    sa.Column('connection_items', sa.JSON(), nullable=False),
    sa.Column('connection_fee', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agreements_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_agency_id'), ['agency_id'], unique=False)

    op.create_table('discounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.String(length=48), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=True),
    sa.Column('start', sa.String(length=7), nullable=False),
    sa.Column('end', sa.String(length=7), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_discounts_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discounts'))
    )
    with op.batch_alter_table('discounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discounts_agency_id'), ['agency_id'], unique=False)

    op.create_table('invoices',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=20), server_default='invoice', nullable=False),
    sa.Column('credits_number', sa.Integer(), nullable=True),
    sa.Column('replaces_number', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('previous_seal', sa.String(length=64), server_default='', nullable=False),
    sa.Column('seal', sa.String(length=64), server_default='', nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('organisation_number', sa.String(length=11), nullable=False),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('buyer_reference', sa.String(length=100), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('net', sa.String(length=48), nullable=False),
    sa.Column('vat', sa.String(length=48), nullable=False),
    sa.Column('rounding', sa.String(length=48), nullable=False),
    sa.Column('payable', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_invoices_agency_id_agencies')),
    sa.ForeignKeyConstraint(['credits_number'], ['invoices.number'], name=op.f('fk_invoices_credits_number_invoices')),
    sa.ForeignKeyConstraint(['replaces_number'], ['invoices.number'], name=op.f('fk_invoices_replaces_number_invoices')),
    sa.ForeignKeyConstraint(['run_id'], ['billing_runs.id'], name=op.f('fk_invoices_run_id_billing_runs')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_invoices')),
    sa.UniqueConstraint('credits_number', name=op.f('uq_invoices_credits_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_run_id'), ['run_id'], unique=False)

    op.create_table('pass_through_charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.String(length=48), nullable=False),
    sa.Column('vat_rate', sa.String(length=48), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('allocation_key', sa.String(length=60), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('source_line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_pass_through_charges_agency_id_agencies')),
    sa.ForeignKeyConstraint(['import_id'], ['import_batches.id'], name=op.f('fk_pass_through_charges_import_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pass_through_charges')),
    sa.UniqueConstraint('period', 'agency_id', 'area', 'supplier', 'reference', 'description', name=op.f('uq_pass_through_charges_period_agency_id_area_supplier_reference_description'))
    )
    with op.batch_alter_table('pass_through_charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pass_through_charges_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pass_through_charges_period'), ['period'], unique=False)

    op.create_table('volume_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('quantity', sa.String(length=48), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('source_line', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_volume_records_agency_id_agencies')),
    sa.ForeignKeyConstraint(['import_id'], ['import_batches.id'], name=op.f('fk_volume_records_import_id_import_batches')),
    sa.ForeignKeyConstraint(['service_code'], ['services.code'], name=op.f('fk_volume_records_service_code_services')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['volume_records.id'], name=op.f('fk_volume_records_superseded_by_id_volume_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volume_records')),
    sa.UniqueConstraint('period', 'agency_id', 'service_code', 'reference', 'revision', name=op.f('uq_volume_records_period_agency_id_service_code_reference_revision'))
    )
    with op.batch_alter_table('volume_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volume_records_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volume_records_period'), ['period'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('invoice_number', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.String(length=48), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_code', sa.String(length=3), nullable=False),
    sa.Column('unit_price', sa.String(length=48), nullable=False),
    sa.Column('amount', sa.String(length=48), nullable=False),
    sa.Column('vat_rate', sa.String(length=48), nullable=False),
    sa.Column('price_list_id', sa.String(length=80), nullable=True),
    sa.Column('proration_days', sa.Integer(), nullable=True),
    sa.Column('proration_of_days', sa.Integer(), nullable=True),
    sa.Column('tier_steps', sa.JSON(), nullable=False),
    sa.Column('pass_through_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['invoice_number'], ['invoices.number'], name=op.f('fk_invoice_lines_invoice_number_invoices')),
    sa.ForeignKeyConstraint(['pass_through_id'], ['pass_through_charges.id'], name=op.f('fk_invoice_lines_pass_through_id_pass_through_charges')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_invoice_lines_price_list_id_price_lists')),
    sa.PrimaryKeyConstraint('invoice_number', 'line_no', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_price_list_id'), ['price_list_id'], unique=False)

    op.create_table('invoice_vat',
    sa.Column('invoice_number', sa.Integer(), nullable=False),
    sa.Column('rate', sa.String(length=48), nullable=False),
    sa.Column('taxable', sa.String(length=48), nullable=False),
    sa.Column('vat', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['invoice_number'], ['invoices.number'], name=op.f('fk_invoice_vat_invoice_number_invoices')),
    sa.PrimaryKeyConstraint('invoice_number', 'rate', name=op.f('pk_invoice_vat'))
    )
    op.create_table('invoice_line_volumes',
    sa.Column('invoice_number', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('volume_record_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_number', 'line_no'], ['invoice_lines.invoice_number', 'invoice_lines.line_no'], name=op.f('fk_invoice_line_volumes_invoice_number_invoice_lines')),
    sa.ForeignKeyConstraint(['volume_record_id'], ['volume_records.id'], name=op.f('fk_invoice_line_volumes_volume_record_id_volume_records')),
    sa.PrimaryKeyConstraint('invoice_number', 'line_no', 'volume_record_id', name=op.f('pk_invoice_line_volumes'))
    )
    with op.batch_alter_table('invoice_line_volumes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_line_volumes_volume_record_id'), ['volume_record_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('invoice_line_volumes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_line_volumes_volume_record_id'))

    op.drop_table('invoice_line_volumes')
    op.drop_table('invoice_vat')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_price_list_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('volume_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volume_records_period'))
        batch_op.drop_index(batch_op.f('ix_volume_records_agency_id'))

    op.drop_table('volume_records')
    with op.batch_alter_table('pass_through_charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pass_through_charges_period'))
        batch_op.drop_index(batch_op.f('ix_pass_through_charges_agency_id'))

    op.drop_table('pass_through_charges')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_run_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_period'))
        batch_op.drop_index(batch_op.f('ix_invoices_agency_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('discounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discounts_agency_id'))

    op.drop_table('discounts')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_agency_id'))

    op.drop_table('agreements')
    with op.batch_alter_table('agency_sizes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_sizes_agency_id'))

    op.drop_table('agency_sizes')
    op.drop_table('services')
    op.drop_table('price_lists')
    op.drop_table('number_series')
    op.drop_table('import_batches')
    op.drop_table('events')
    op.drop_table('billing_runs')
    op.drop_table('agencies')
