"""The journal: one hash chain over documents, billing runs and events.

chain_links holds the links (position, kind of record, its key, the seal of the
link before, its own seal: sha256(previous seal + kind + canonical content));
chain_head the newest link, so that removing the last links shows. From now
on each record is linked in the transaction that writes it (billing.audit.journal).

What exists at upgrade time is linked here, in a fixed order: documents by
number (each by its own seal and run, so every document seal stays as it is),
then billing runs by id, then events by id. The journal therefore proves
integrity from this upgrade on: rows changed before it are linked as they were
found (a document's own seal still shows a change to it).

The canonical content is written out here, frozen: a later change to the
package's must not change what this step linked.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-15
"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_INVOICES = sa.table('invoices', sa.column('number', sa.Integer), sa.column('seal', sa.String),
                     sa.column('run_id', sa.Integer))
_RUNS = sa.table('billing_runs', sa.column('id', sa.Integer), sa.column('period', sa.String),
                 sa.column('run_date', sa.Date), sa.column('started_at', sa.DateTime),
                 sa.column('run_by', sa.String), sa.column('invoice_count', sa.Integer))
_EVENTS = sa.table('events', sa.column('id', sa.Integer), sa.column('occurred_at', sa.DateTime),
                   sa.column('os_user', sa.String), sa.column('action', sa.String),
                   sa.column('arguments', sa.JSON), sa.column('summary', sa.Text))


def upgrade() -> None:
    links = op.create_table(
        'chain_links',
        sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('record_key', sa.String(length=40), nullable=False),
        sa.Column('previous_seal', sa.String(length=64), nullable=False),
        sa.Column('seal', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('position', name=op.f('pk_chain_links')),
        sa.UniqueConstraint('kind', 'record_key', name=op.f('uq_chain_links_kind_record_key')))
    head = op.create_table(
        'chain_head',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('seal', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_chain_head')))
    rows, previous = [], ''
    for kind, key, content in _existing_records(op.get_bind()):
        seal = hashlib.sha256((previous + kind + content).encode()).hexdigest()
        rows.append({'position': len(rows) + 1, 'kind': kind, 'record_key': str(key),
                     'previous_seal': previous, 'seal': seal})
        previous = seal
    if rows:
        op.bulk_insert(links, rows)
    op.bulk_insert(head, [{'name': 'journal', 'position': len(rows), 'seal': previous}])


def downgrade() -> None:
    op.drop_table('chain_head')
    op.drop_table('chain_links')


def _existing_records(connection):
    for number, seal, run_id in connection.execute(
            sa.select(_INVOICES.c.number, _INVOICES.c.seal, _INVOICES.c.run_id).order_by(_INVOICES.c.number)):
        yield 'document', number, _canonical({'number': number, 'seal': seal, 'run': run_id})
    for run in connection.execute(sa.select(_RUNS).order_by(_RUNS.c.id)):
        yield 'run', run.id, _canonical({
            'id': run.id, 'period': run.period, 'run_date': run.run_date.isoformat(),
            'started_at': run.started_at.isoformat(), 'run_by': run.run_by,
            'invoice_count': run.invoice_count})
    for event in connection.execute(sa.select(_EVENTS).order_by(_EVENTS.c.id)):
        yield 'event', event.id, _canonical({
            'id': event.id, 'occurred_at': event.occurred_at.isoformat(), 'os_user': event.os_user,
            'action': event.action, 'arguments': dict(event.arguments), 'summary': event.summary})


def _canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
