"""Migration 0003: the journal, on a database written before it. On SQLite and
PostgreSQL.

The database at the previous revision is tests/form1/database-0001.json (rows
written by the code of revision 0001, see test_migration_0002) upgraded to
0002: 9 documents (1-5 of run 1, 6-9 corrections and a credit note), run 1 and
events 1-9. The upgrade links them in a fixed order: documents by number, then
runs by id, then events by id, so links 1-9 are documents 1-9, link 10 is run
1 and links 11-19 are events 1-9.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from billing.audit.pinned_head import PinnedHead
from billing.persistence.database import alembic_config, create_engine_for, upgrade
from billing.services.audit import run_audit
from billing.services.corrections import credit_invoice
from billing.services.verify import verify_everything
from helpers_cli import cli, flat
from test_migration_0002 import NOVEMBER, OLD_HEAD, TABLES, migrate, restore_0001, version


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def links(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(
            "SELECT position, kind, record_key, previous_seal, seal FROM chain_links ORDER BY position"))]


def head(engine) -> tuple:
    with engine.connect() as connection:
        return tuple(connection.execute(sa.text("SELECT name, position, seal FROM chain_head")).one())


@pytest.fixture
def database_0002(database_url):
    engine = create_engine_for(database_url)
    try:
        restore_0001(engine)
        migrate(engine, command.upgrade, "0002")
        assert version(engine) == ["0002"]
        yield engine
    finally:
        engine.dispose()


def test_upgrade_links_every_record_in_a_fixed_order(database_0002):
    upgrade(database_0002)

    # Through 0003 to the newest migration (later ones add tables of their own).
    assert version(database_0002) == [ScriptDirectory.from_config(alembic_config()).get_current_head()]
    # The contents worked out from the fixture's rows by the rule of migration 0003.
    expected = [("document", str(i["number"]), canonical({"number": i["number"], "seal": i["seal"],
                                                          "run": i["run_id"]}))
                for i in sorted(TABLES["invoices"], key=lambda i: i["number"])]
    expected += [("run", str(r["id"]), canonical({k: r[k] for k in ("id", "period", "run_date", "started_at",
                                                                    "run_by", "invoice_count")}))
                 for r in TABLES["billing_runs"]]
    expected += [("event", str(e["id"]), canonical({k: e[k] for k in ("id", "occurred_at", "os_user", "action",
                                                                      "arguments", "summary")}))
                 for e in sorted(TABLES["events"], key=lambda e: e["id"])]
    assert len(expected) == 19
    previous, want = "", []
    for position, (kind, key, content) in enumerate(expected, start=1):
        want.append((position, kind, key, previous, sha256(previous + kind + content)))
        previous = want[-1][-1]
    assert links(database_0002) == want
    assert head(database_0002) == ("journal", 19, previous)


def test_the_upgraded_database_verifies_clean(database_0002, database_url):
    result = cli(database_url, "db", "upgrade")
    assert result.exit_code == 0, result.output

    verified = cli(database_url, "verify")

    assert verified.exit_code == 0, verified.output
    out = flat(verified.stdout)
    assert "9 documents verified: every seal and the chain are intact." in out
    assert "19 journal links verified (9 documents, 1 run, 9 events)" in out
    assert f"Document chain head: {OLD_HEAD}" in out  # every document seal as it was
    # The document head noted before the upgrade still pins the documents.
    pinned = cli(database_url, "verify", "--expect-head", OLD_HEAD)
    assert pinned.exit_code == 0, pinned.output
    assert "sigillet för dokument 9; sedan dess har 0 dokument utfärdats" in flat(pinned.stdout)
    with Session(database_0002) as session:
        report = run_audit(session, NOVEMBER, NOVEMBER, seed=1)
    assert next(c for c in report.checks if c.name == "integrity").findings == ()


def test_billing_goes_on_after_the_upgrade_in_one_chain(database_0002):
    upgrade(database_0002)
    with Session(database_0002) as session:
        noted = verify_everything(session).journal.head
    assert noted.position == 19

    with Session(database_0002) as session, session.begin():  # document 10 and event 10
        credit_invoice(session, 2, "avtalet upphört", date(2012, 12, 28))

    assert [link[1:3] for link in links(database_0002)[19:]] == [("document", "10"), ("event", "10")]
    with Session(database_0002) as session:
        verification = verify_everything(session, PinnedHead(noted.seal, noted.position))
    assert verification.intact, (verification.documents.findings, verification.journal_findings)
    assert verification.pinned.found and verification.pinned.since == 2


def test_a_record_changed_after_the_upgrade_is_found(database_0002):
    upgrade(database_0002)
    with database_0002.begin() as connection:
        connection.execute(sa.text("UPDATE events SET summary = 'ingenting' WHERE id = 5"))
        connection.execute(sa.text("UPDATE billing_runs SET run_by = 'någon' WHERE id = 1"))

    with Session(database_0002) as session:
        verification = verify_everything(session)

    assert [(f.kind, f.record, f.position) for f in verification.journal_findings] == [
        ("changed", "run 1", 10), ("changed", "event 5", 15)]


def test_an_empty_database_gets_an_empty_journal(database_url):
    engine = create_engine_for(database_url)
    try:
        migrate(engine, command.upgrade, "0002")
        upgrade(engine)
        assert links(engine) == []
        assert head(engine) == ("journal", 0, "")
    finally:
        engine.dispose()


def test_downgrade_drops_the_journal_and_upgrade_links_the_same_again(database_0002):
    upgrade(database_0002)
    linked, last = links(database_0002), head(database_0002)

    migrate(database_0002, command.downgrade, "0002")

    assert version(database_0002) == ["0002"]
    tables = set(sa.inspect(database_0002).get_table_names())
    assert not tables & {"chain_links", "chain_head"}
    upgrade(database_0002)
    assert (links(database_0002), head(database_0002)) == (linked, last)
