"""Migration 0005 on a database billed before it (tests/form1, see
test_migration_0002): addresses and exemptions added empty, every seal kept,
pass-through charges keyed by period, agency, supplier and reference. On
SQLite and PostgreSQL.

The fixture holds three charges of November, none with a supplier or a
reference: 1 (Epsilonverket, payroll, 'Kurslitteratur'), 2 (Epsilonverket,
finance, 'Livsmedel') and 3 (Gammaverket, 'Porto'). By the new key 1 and 2 are
one charge stored twice; both are billed (invoice 5), so both stay: 2 becomes
occurrence 2.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from billing.errors import BillingError
from billing.persistence.database import migrate, upgrade
from helpers_cli import cli, flat
from test_migration_0002 import HEAD, OLD_HEAD, old_database, version  # noqa: F401 (a fixture)

KEY = ["period", "agency_id", "supplier", "reference", "occurrence"]
OLD_KEY = ["period", "agency_id", "area", "supplier", "reference", "description"]


def _unique_keys(engine, table: str) -> list[list[str]]:
    with engine.connect() as connection:
        return [u["column_names"] for u in sa.inspect(connection).get_unique_constraints(table)]


def _rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(sql))]


def test_upgrade_keeps_every_charge_and_seal_and_adds_empty_addresses(old_database, database_url):
    migrate(old_database, command.upgrade, "0004")
    charges = _rows(old_database, "SELECT id, agency_id, area, description, amount FROM pass_through_charges "
                                  "ORDER BY id")
    assert _unique_keys(old_database, "pass_through_charges") == [OLD_KEY]

    upgrade(old_database)

    assert version(old_database) == [HEAD]
    assert _unique_keys(old_database, "pass_through_charges") == [KEY]
    assert _rows(old_database, "SELECT id, agency_id, area, description, amount FROM pass_through_charges "
                               "ORDER BY id") == charges
    assert _rows(old_database, "SELECT id, occurrence, vat_exemption_code FROM pass_through_charges "
                               "ORDER BY id") == [(1, 1, None), (2, 2, None), (3, 1, None)]
    assert _rows(old_database, "SELECT count(*) FROM agencies WHERE street IS NULL") == [(5,)]
    assert _rows(old_database, "SELECT count(*) FROM invoices WHERE buyer_street IS NULL") == [(9,)]
    assert _rows(old_database,
                 "SELECT count(*) FROM invoice_lines WHERE vat_exemption_code IS NOT NULL") == [(0,)]
    result = cli(database_url, "verify")
    assert result.exit_code == 0, result.output
    assert "9 documents verified" in flat(result.stdout) and OLD_HEAD in flat(result.stdout)


def test_downgrade_gives_back_the_old_key_until_a_document_has_an_address(old_database):
    upgrade(old_database)
    migrate(old_database, command.downgrade, "0004")
    assert version(old_database) == ["0004"]
    assert _unique_keys(old_database, "pass_through_charges") == [OLD_KEY]
    with old_database.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("pass_through_charges")}
        assert not columns & {"occurrence", "vat_exemption_code", "vat_exemption_reason"}
        assert "street" not in {c["name"] for c in sa.inspect(connection).get_columns("agencies")}
    assert len(_rows(old_database, "SELECT id FROM pass_through_charges")) == 3

    upgrade(old_database)
    with old_database.begin() as connection:  # as a document issued after 0005 has it
        connection.execute(sa.text("UPDATE invoices SET buyer_street = 'Box 1' WHERE number = 9"))
    with pytest.raises(BillingError, match="migration 0005 \\(downgrade\\) refused, nothing was changed: 1 "
                                           "documents were issued with the buyer's address"):
        migrate(old_database, command.downgrade, "0004")
    assert version(old_database) == [HEAD]
