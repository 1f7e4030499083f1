"""Price lists in a stored form of their own (form 2); the source of each line's price.

Until now a stored price list was the dump of the tariff file's model (form 1),
read back through the file parser, so renaming a key in the file format would
have made every stored price list unreadable. Form 2 is defined by the database
side (billing.persistence.price_list_form): {"form": 2, ...}, decimals as their
exact text, sorted keys. Every stored price list is converted and its content
hash recomputed, after checking it against the hash it was loaded with: a row
changed in the database must not be silently re-hashed into looking intact.

invoice_lines.price_source (nullable) records where each line's unit price came
from (rating.lines.PriceSource); lines issued before stay NULL, and their
documents' seals are unchanged (the seal content has the field only when set).

The conversion is written out here, frozen, and does not use the package's
current form code: a later form 3 must not change what this step did.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import hashlib
import json
from decimal import Decimal, InvalidOperation

from alembic import op
import sqlalchemy as sa

from billing.errors import BillingError


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_PRICE_LISTS = sa.table('price_lists', sa.column('id', sa.String), sa.column('document', sa.Text),
                        sa.column('content_hash', sa.String))
_FORM_1_KEYS = {'id', 'series', 'currency', 'valid_from', 'default_vat_rate', 'base_fees', 'prices',
                'hourly_rates', 'connection_fees', 'vat_rates'}
# Form 1 named the variable-fee model "model", form 2 names it "kind"; the
# list of steps keeps its name ("bands" or "tiers") in both.
_STEPS = {'per_employee': None, 'bands': 'bands', 'tiers': 'tiers'}


def upgrade() -> None:
    _convert_price_lists(_to_form_2, 'upgrade')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_source', sa.String(length=20), nullable=True))


def downgrade() -> None:
    _convert_price_lists(_to_form_1, 'downgrade')
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of the
    # table would have to drop it under the lines' volume links.
    op.drop_column('invoice_lines', 'price_source')


def _convert_price_lists(convert, direction: str) -> None:
    """Every price list checked and converted first, then written: a refusal changes nothing."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(_PRICE_LISTS.c.id, _PRICE_LISTS.c.document,
                                        _PRICE_LISTS.c.content_hash).order_by(_PRICE_LISTS.c.id)).all()
    converted = []
    for price_list_id, document, stored_hash in rows:
        if _sha256(document) != stored_hash:
            raise BillingError(
                f"migration 0002 ({direction}) refused, nothing was changed: the stored price list "
                f"{price_list_id} does not match the hash it was loaded with ({stored_hash[:12]}), so "
                "it was changed in the database after loading. Converting it would give it a new, "
                "matching hash and hide that change: restore the document as it was loaded (or find "
                "out who changed it and why), then upgrade again.")
        try:
            new = _canonical(convert(json.loads(document)))
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as error:
            raise BillingError(
                f"migration 0002 ({direction}) refused, nothing was changed: the stored price list "
                f"{price_list_id} is not in the form expected ({type(error).__name__} {error})") from error
        converted.append((price_list_id, new))
    for price_list_id, new in converted:
        connection.execute(_PRICE_LISTS.update().where(_PRICE_LISTS.c.id == price_list_id)
                           .values(document=new, content_hash=_sha256(new)))


def _to_form_2(old: dict) -> dict:
    if set(old) != _FORM_1_KEYS:
        raise ValueError(f"keys {sorted(old)}")
    return {
        'form': 2, 'id': _text(old['id']), 'series': _text(old['series']),
        'currency': _text(old['currency']), 'valid_from': _text(old['valid_from']),
        'default_vat_rate': _decimal(old['default_vat_rate']),
        'base_fees': {_text(area): {'fixed': _decimal(fee['fixed']),
                                    'variable': _variable(fee['variable'], 'model', 'kind')}
                      for area, fee in old['base_fees'].items()},
        **{name: _decimals(old[name]) for name in ('prices', 'hourly_rates', 'connection_fees', 'vat_rates')},
    }


def _to_form_1(new: dict) -> dict:
    if set(new) != _FORM_1_KEYS | {'form'} or new['form'] != 2:
        raise ValueError(f"keys {sorted(new)}, form {new.get('form')}")
    old = {key: value for key, value in new.items() if key != 'form'}
    old['base_fees'] = {area: {'fixed': fee['fixed'], 'variable': _variable(fee['variable'], 'kind', 'model')}
                        for area, fee in new['base_fees'].items()}
    return old


def _variable(variable: dict, old_key: str, new_key: str) -> dict:
    kind = variable[old_key]
    steps = _STEPS[kind]
    if steps is None:
        if set(variable) != {old_key, 'rate'}:
            raise ValueError(f"variable fee {sorted(variable)}")
        return {new_key: kind, 'rate': _decimal(variable['rate'])}
    if set(variable) != {old_key, steps}:
        raise ValueError(f"variable fee {sorted(variable)}")
    value = 'amount' if steps == 'bands' else 'rate'
    return {new_key: kind, steps: [{'up_to': _limit(step['up_to']), value: _decimal(step[value])}
                                   for step in variable[steps]]}


def _decimals(values: dict) -> dict:
    return {_text(key): _decimal(value) for key, value in values.items()}


def _decimal(value: object) -> str:
    # The exact text the package writes for a Decimal read from this text.
    result = Decimal(_text(value))
    if not result.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return str(result)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _limit(value: object) -> object:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _canonical(document: dict) -> str:
    return json.dumps(document, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
