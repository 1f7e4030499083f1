"""Buyer addresses, VAT exemption reasons, one pass-through charge per identity.

- agencies.street, additional_street, postal_code, city, country: the postal
  address invoices go to (the VAT Act asks for the buyer's address). Agencies
  stored before have none (NULL) until their agencies file gives one; billing
  refuses an agency without an address, naming it.
- invoices.buyer_*: the address a document was issued to, kept like the
  agency's name. NULL on documents issued before; their sealed content has no
  address, so their seals are unchanged.
- invoice_lines.vat_exemption_code/_reason and the same on
  pass_through_charges: why a 0 % line carries no VAT. NULL before.
- pass_through_charges: a charge is identified by period, agency, supplier
  and the supplier's reference (no longer also by area and description, which
  let a changed description bill an amount twice). Charges already stored
  twice under one identity are kept, since they may be billed: they are
  numbered in ``occurrence`` (2, 3, ... in the order stored), and the unique
  key is the identity and the occurrence. Every charge stored from now on is
  occurrence 1, and the import refuses a second one.

Downgrading is refused once a document was issued with an address or an
exemption: its seal covers them, and the schema before 0005 cannot hold them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""
from alembic import op
import sqlalchemy as sa

from billing.errors import BillingError


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_ADDRESS = (('street', 200), ('additional_street', 200), ('postal_code', 20), ('city', 100),
            ('country', 2))
_EXEMPTION = (('vat_exemption_code', 30), ('vat_exemption_reason', 300))
_OLD_KEY = ('period', 'agency_id', 'area', 'supplier', 'reference', 'description')
_NEW_KEY = ('period', 'agency_id', 'supplier', 'reference', 'occurrence')
_CHARGES = sa.table('pass_through_charges', sa.column('id', sa.Integer), sa.column('period', sa.String),
                    sa.column('agency_id', sa.Integer), sa.column('supplier', sa.String),
                    sa.column('reference', sa.String), sa.column('occurrence', sa.Integer))


def _name(key: tuple[str, ...]) -> str:
    # op.f: the name the naming convention gives, which PostgreSQL (63 bytes
    # at most) gets shortened with a hash, as 0001 created it.
    return op.f('uq_pass_through_charges_' + '_'.join(key))


def upgrade() -> None:
    for name, length in _ADDRESS:
        op.add_column('agencies', sa.Column(name, sa.String(length=length), nullable=True))
        op.add_column('invoices', sa.Column(f'buyer_{name}', sa.String(length=length), nullable=True))
    for name, length in _EXEMPTION:
        op.add_column('invoice_lines', sa.Column(name, sa.String(length=length), nullable=True))
        op.add_column('pass_through_charges', sa.Column(name, sa.String(length=length), nullable=True))
    op.add_column('pass_through_charges',
                  sa.Column('occurrence', sa.Integer(), server_default='1', nullable=False))
    _number_copies()
    # On SQLite this rebuilds the table (billing.persistence.database.migrate
    # runs it with foreign keys checked at the end, not row by row).
    with op.batch_alter_table('pass_through_charges', schema=None) as batch_op:
        batch_op.drop_constraint(_name(_OLD_KEY), type_='unique')
        batch_op.create_unique_constraint(_name(_NEW_KEY), list(_NEW_KEY))


def downgrade() -> None:
    connection = op.get_bind()
    addressed = connection.execute(sa.text(
        'SELECT count(*) FROM invoices WHERE buyer_street IS NOT NULL')).scalar_one()
    exempt = connection.execute(sa.text(
        'SELECT count(DISTINCT invoice_number) FROM invoice_lines WHERE vat_exemption_code IS NOT NULL'
    )).scalar_one()
    if addressed or exempt:
        raise BillingError(
            f"migration 0005 (downgrade) refused, nothing was changed: {addressed} documents were "
            f"issued with the buyer's address and {exempt} with VAT exemption reasons; their seals "
            "cover them, and the schema before 0005 cannot hold them")
    with op.batch_alter_table('pass_through_charges', schema=None) as batch_op:
        batch_op.drop_constraint(_name(_NEW_KEY), type_='unique')
        batch_op.create_unique_constraint(_name(_OLD_KEY), list(_OLD_KEY))
        batch_op.drop_column('occurrence')
        for name, _ in _EXEMPTION:
            batch_op.drop_column(name)
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), as in 0002.
    for name, _ in _EXEMPTION:
        op.drop_column('invoice_lines', name)
    for name, _ in _ADDRESS:
        op.drop_column('invoices', f'buyer_{name}')
        op.drop_column('agencies', name)


def _number_copies() -> None:
    """Charges stored more than once under one identity: 1, 2, ... in the order stored."""
    connection = op.get_bind()
    seen: dict[tuple, int] = {}
    for row in connection.execute(sa.select(_CHARGES.c.id, _CHARGES.c.period, _CHARGES.c.agency_id,
                                            _CHARGES.c.supplier, _CHARGES.c.reference)
                                  .order_by(_CHARGES.c.id)):
        identity = (row.period, row.agency_id, row.supplier, row.reference)
        seen[identity] = seen.get(identity, 0) + 1
        if seen[identity] > 1:
            connection.execute(_CHARGES.update().where(_CHARGES.c.id == row.id)
                               .values(occurrence=seen[identity]))
