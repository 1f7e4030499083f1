"""The example months' documents and outputs, byte for byte, against files
generated before the refactorings that must not change them.

Driven through the command line only (its interface is what users rely on),
on SQLite: a scenario of two billed months, a volume correction with its
credit note and new invoice, and a credit note of its own. Every output a
person or a system receives is compared: `invoices list` (before and after
the exports, with each document's export state), `invoice show` of every
document, the Peppol XML, the SIE files and the PDFs.

A deliberate change of output regenerates the expected files:
``BILLING_WRITE_GOLDEN=1 scripts/test.sh tests/test_golden_outputs.py``; the
diff of ``tests/golden/`` then shows what changed, to be reviewed as such.
Large outputs (XML, PDF) are kept as SHA-256 digests in ``manifest.json``,
with two documents in full for reading a difference.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from freezegun import freeze_time

from helpers_cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLE_DECEMBER = "exemplets december har mindre volymer"
GOLDEN = Path(__file__).parent / "golden"
WRITE = os.environ.get("BILLING_WRITE_GOLDEN") == "1"
# Kept in full beside the digests: an invoice with a discount, a credit note, and a
# month's list with the export state of each document.
IN_FULL = ("show-105.txt", "peppol-2012-12/invoice-105.xml", "show-201.txt", "list-2012-11-exported.txt")

CORRECTION = """period,organisation_number,service,quantity,source,reference
2012-12,202120-6087,PAY-SLIP-DEV,11300,Palasso,
"""


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def _scenario(url: str, work: Path) -> dict[str, bytes]:
    """Run the scenario and collect every output by a stable name."""
    run = lambda *args: _ok(cli(url, *args))  # noqa: E731
    run("tariffs", "load", ROOT / "tariffs")
    run("agencies", "import", EXAMPLES / "agencies.toml")
    run("volumes", "import", EXAMPLES / "volumes" / "2012-11.csv", EXAMPLES / "volumes" / "2012-12.csv")
    run("passthrough", "import", EXAMPLES / "passthrough" / "amounts-2012-12.csv")
    run("passthrough", "allocate", EXAMPLES / "passthrough" / "supplier-invoices-2012-12.csv")
    run("run", "2012-11", "--date", "2012-12-07")
    # The example December's usage falls (FIN-CUSTINV 7425 -> 2737): billed on purpose.
    run("run", "2012-12", "--date", "2013-01-08", "--allow-missing", "all", "--reason", EXAMPLE_DECEMBER)
    correction = work / "correction.csv"
    correction.write_text(CORRECTION, encoding="utf-8")
    run("volumes", "correct", correction, "--reason", "Rättat antal lönebesked")
    run("correct", "2012-12", "--date", "2013-01-20")
    run("credit", "3", "--reason", "Avtalet tvistigt", "--date", "2013-01-21")

    outputs: dict[str, bytes] = {}
    for period in ("2012-11", "2012-12"):
        outputs[f"list-{period}.txt"] = run("invoices", "list", "--period", period, "--show").stdout.encode()
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        [(last,)] = db.execute("select max(number) from invoices").fetchall()
    for number in range(1, last + 1):
        outputs[f"show-{number}.txt"] = run("invoice", "show", number).stdout.encode()
    # Exports are recorded with their time, shown by `invoices list`: one day for all.
    with freeze_time("2013-02-05"):
        for period in ("2012-11", "2012-12"):
            out = work / f"peppol-{period}"
            run("export", "peppol", period, "--out", out)
            outputs |= {f"peppol-{period}/{p.name}": p.read_bytes() for p in sorted(out.iterdir())}
        # The January file holds what was issued in January, December's run and
        # corrections too: booked already by the December file, so --all.
        for period, by, again in (("2012-12", "period", ()), ("2013-01", "issued", ("--all",))):
            path = work / f"sie-{period}-{by}.se"
            run("export", "sie", period, "--by", by, *again, "--out", path)
            outputs[path.name] = path.read_bytes()
        out = work / "pdf-2012-12"
        run("invoices", "pdf", "2012-12", "--out", out)
        outputs |= {f"pdf-2012-12/{p.name}": p.read_bytes() for p in sorted(out.iterdir())}
        for period in ("2012-11", "2012-12"):
            outputs[f"list-{period}-exported.txt"] = run("invoices", "list", "--period", period, "--show").stdout.encode()
    return outputs


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_example_outputs_are_byte_identical(database_url, tmp_path):
    outputs = _scenario(database_url, tmp_path)
    manifest = {name: _digest(content) for name, content in sorted(outputs.items())}
    if WRITE:
        (GOLDEN / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        for name in IN_FULL:
            (GOLDEN / name.replace("/", "__")).write_bytes(outputs[name])
    expected = json.loads((GOLDEN / "manifest.json").read_text())
    for name in IN_FULL:  # readable differences first
        assert outputs[name].decode() == (GOLDEN / name.replace("/", "__")).read_text(), name
    assert sorted(manifest) == sorted(expected), "a different set of outputs"
    changed = [name for name in expected if manifest[name] != expected[name]]
    assert changed == [], f"{len(changed)} outputs differ, first {changed[:5]}"
