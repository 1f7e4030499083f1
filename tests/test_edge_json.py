"""Issue 10, outputs: JSON carries the data exactly; only CSV cells, which a
spreadsheet may run as formulas, are neutralised. Both, for payments and whatif."""

from __future__ import annotations

import csv
import io
import json

from db_helpers import ORG_A, TARIFFS, WORLD_AGENCIES, billed, set_price, write
from helpers_cli import cli

# A payment reference and an agency name that a spreadsheet would compute.
FORMULA = "-2+3"


def test_payments_json_carries_a_formula_like_reference_exactly_and_csv_neutralises_it(engine,
                                                                                       database_url,
                                                                                       tmp_path):
    billed(engine, tmp_path)  # invoices 1-3 of 2012-11
    bank = write(tmp_path, "bank.csv", f"reference,amount,date\n{FORMULA},1.00,2013-01-03\n")

    # `payments match` became `payments import` and `payments list`: the payment is stored, unapplied.
    assert cli(database_url, "payments", "import", bank).exit_code == 0
    [unapplied] = json.loads(cli(database_url, "payments", "list", "--format", "json").stdout)
    assert (unapplied["file"].endswith("bank.csv:2"), unapplied["reference"], unapplied["amount"],
            unapplied["status"]) == (True, FORMULA, "1.00", "unapplied")

    rows = list(csv.DictReader(io.StringIO(
        cli(database_url, "payments", "list", "--format", "csv").stdout)))
    assert [(r["file"].rsplit(":", 1)[1], r["reference"]) for r in rows] == [("2", "'" + FORMULA)]


def test_whatif_json_carries_a_formula_like_name_exactly_and_csv_neutralises_it(engine, database_url,
                                                                                tmp_path):
    billed(engine, tmp_path, agencies_text=WORLD_AGENCIES.replace('"Alfaverket"', f'"{FORMULA}"'))
    draft = write(tmp_path, "draft.toml", (TARIFFS / "standard-2012-06.toml").read_text(encoding="utf-8")
                  .replace('id = "standard-2012-06"', 'id = "utkast-2012-06"'))
    set_price(draft, "PAY-SLIP-DEV", "59.40")  # 66.00 in force: Alfaverket's 3 payslips, -19.80

    data = json.loads(cli(database_url, "whatif", "--tariff", draft, "--format", "json").stdout)
    [alfa] = [r for r in data["agencies"] if r["organisation_number"] == ORG_A]
    assert (alfa["agency"], alfa["change"]) == (FORMULA, "-19.80")

    rows = list(csv.DictReader(io.StringIO(
        cli(database_url, "whatif", "--tariff", draft, "--format", "csv").stdout)))
    [alfa] = [r for r in rows if r["organisation_number"] == ORG_A]
    assert (alfa["agency"], alfa["change"]) == ("'" + FORMULA, "-19.80")
