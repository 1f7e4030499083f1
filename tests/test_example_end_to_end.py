"""Bill the bundled example data and check the invoices against figures
computed here, straight from the files and the annual report, without the
rating engine."""

from __future__ import annotations

import csv
import tomllib
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from billing.files.centre_file import load_centre
from billing.ledger.export import Selection, sie_file
from billing.period import Month
from billing.services.agencies import import_agencies
from billing.services.billing_run import Override, run_month
from billing.services.passthrough import allocate_supplier_invoices, import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import import_volumes
from test_sie import parse

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# The example months' usage moves more than the run's guards let pass unasked
# (December: FIN-CUSTINV 7425 -> 2737): billed on purpose.
EXAMPLE_CHANGES = Override(("all",), "the example months' usage moves")
DECEMBER = Month(2012, 12)

# The annual report's monthly table for December 2012 (pages on payroll,
# finance and e-procurement volumes): the example volumes must add up to these.
REPORT_DECEMBER = {
    "PAY-SLIP-DEV": 25263, "PAY-SLIP-ATT": 13486, "PAY-SLIP-247": 1117, "PAY-EXPENSE": 17164,
    "PAY-DEC-NEW": 71, "PAY-DEC-CHANGE": 86, "PAY-TIME": 15123, "PAY-PENSION": 86,
    "PAY-ADD-DEDUCT": 47, "PAY-ADD-MANPAY": 33, "PAY-ADD-MANEXP": 8482,
    "FIN-CUSTINV": 2737, "FIN-ASSET": 76667, "EPR-INV-CODED": 21145, "EPR-INV-UNCODED": 13716,
}
# Revenue per service area June-December 2012, MSEK (report, "Ekonomi").
REPORT_REVENUE = {"finance": Decimal("18.4"), "payroll": Decimal("30.6"),
                  "eprocurement": Decimal("6.2")}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _agencies() -> list[dict]:
    with (EXAMPLES / "agencies.toml").open("rb") as handle:
        return tomllib.load(handle, parse_float=Decimal)["agencies"]


def _price_list(name: str) -> dict:
    with (ROOT / "tariffs" / name).open("rb") as handle:
        return tomllib.load(handle, parse_float=Decimal)


def _in_force(agreement: dict, month: Month) -> bool:
    return (agreement["connected_on"] <= month.last_day
            and agreement.get("ends_on", date.max) >= month.first_day)


def _load_examples(session: Session, months: list[Month]) -> None:
    load_tariffs(session, ROOT / "tariffs")
    import_agencies(session, EXAMPLES / "agencies.toml")
    for month in months:
        import_volumes(session, EXAMPLES / "volumes" / f"{month}.csv")
    import_pass_through(session, EXAMPLES / "passthrough" / "amounts-2012-12.csv")
    allocate_supplier_invoices(session, EXAMPLES / "passthrough" / "supplier-invoices-2012-12.csv")


def test_december_2012_invoices_match_the_files_and_the_report(engine):
    with Session(engine) as session, session.begin():
        _load_examples(session, [DECEMBER])
    with Session(engine) as session, session.begin():
        invoices = run_month(session, DECEMBER, date(2013, 1, 8), EXAMPLE_CHANGES).invoices

    agencies = _agencies()
    # One invoice per agency with an agreement in force in December, numbered 1..n.
    expected_agencies = {a["organisation_number"] for a in agencies
                         if any(_in_force(g, DECEMBER) for g in a.get("agreements", []))}
    assert {i.organisation_number for i in invoices} == expected_agencies
    assert [i.number for i in invoices] == list(range(1, len(expected_agencies) + 1))

    lines = [line for invoice in invoices for line in invoice.lines]
    # Every volume of the month is billed once: quantities per service equal the report.
    billed = defaultdict(Decimal)
    for line in lines:
        if line.part in ("transaction", "additional") and line.volume_record_ids:
            billed[line.service_code] += line.quantity
    for code, quantity in REPORT_DECEMBER.items():
        assert billed[code] == quantity, code

    # Transaction fees computed from the CSV and the price lists, record by record:
    # quantity x the price of the agency's series (or its agreed price).
    standard = _price_list("standard-2012-06.toml")["prices"]
    old = _price_list("kammarkollegiet-2012-01.toml")["prices"]
    by_org = {a["organisation_number"]: a for a in agencies}
    expected_fees = defaultdict(Decimal)
    for row in _csv(EXAMPLES / "volumes" / "2012-12.csv"):
        code = row["service"]
        if code not in standard:
            continue  # hourly special services, priced by rate class
        agreement = next(g for g in by_org[row["organisation_number"]]["agreements"]
                         if _in_force(g, DECEMBER) and code.startswith(
                             {"payroll": "PAY", "finance": "FIN", "eprocurement": "EPR"}[g["area"]]))
        on_old = agreement.get("price_series", "standard") != "standard"
        price = agreement.get("agreed_prices", {}).get(code) or (old if on_old else standard)[code]
        expected_fees[(row["organisation_number"], code)] += Decimal(row["quantity"]) * Decimal(price)
    billed_fees = defaultdict(Decimal)
    for invoice in invoices:
        for line in invoice.lines:
            if line.volume_record_ids and line.part in ("transaction", "additional"):
                billed_fees[(invoice.organisation_number, line.service_code)] += line.amount
    assert billed_fees == expected_fees

    # Pass-through: what the files say, exactly, to the öre.
    pass_through = sum(Decimal(r["amount"]) for r in _csv(EXAMPLES / "passthrough" / "amounts-2012-12.csv"))
    pass_through += sum(Decimal(r["amount"]) for r in
                        _csv(EXAMPLES / "passthrough" / "supplier-invoices-2012-12.csv"))
    assert sum(line.amount for line in lines if line.part == "pass_through") == pass_through

    # Each invoice's arithmetic: net = sum of lines; VAT per rate, half up to öre;
    # payable = gross rounded half up to whole kronor.
    for invoice in invoices:
        assert invoice.totals.net == sum(line.amount for line in invoice.lines)
        by_rate = defaultdict(Decimal)
        for line in invoice.lines:
            by_rate[line.vat_rate] += line.amount
        vat = sum((base * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
                  for rate, base in by_rate.items())
        assert invoice.totals.vat == vat
        gross = invoice.totals.net + vat
        assert invoice.totals.payable == gross.quantize(Decimal("1"), ROUND_HALF_UP)
        assert invoice.totals.rounding == invoice.totals.payable - gross
        assert invoice.due_date == date(2013, 2, 7)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_example_prices_are_calibrated_to_the_report_revenue(engine):
    """Billing June-December 2012 gives revenue per area within 15 % of the
    report (pass-through amounts are other revenue, not counted)."""
    months = [Month(2012, m) for m in range(6, 13)]
    with Session(engine) as session, session.begin():
        _load_examples(session, months)
    revenue = defaultdict(Decimal)
    for month in months:
        with Session(engine) as session, session.begin():
            for invoice in run_month(session, month, month.last_day + timedelta(days=8),
                                         EXAMPLE_CHANGES).invoices:
                for line in invoice.lines:
                    if line.part != "pass_through":
                        revenue[str(line.area)] += line.amount
    for area, report in REPORT_REVENUE.items():
        ratio = revenue[area] / (report * 1_000_000)
        assert Decimal("0.85") <= ratio <= Decimal("1.15"), (area, revenue[area])


def test_december_2012_in_the_ledger_balances_per_voucher_and_per_account(engine):
    """The example month as the SIE 4I import file: every voucher balances, and
    each account's total is what the files and the invoices say it is."""
    with Session(engine) as session, session.begin():
        _load_examples(session, [DECEMBER])
    with Session(engine) as session, session.begin():
        invoices = run_month(session, DECEMBER, date(2013, 1, 8)).invoices
    data, _ = sie_file(invoices, load_centre(), DECEMBER, date(2013, 2, 5), Selection.PERIOD)
    records, vouchers = parse(data)

    assert len(vouchers) == len(invoices) and all(sum(x for _, x in v["rows"]) == 0 for v in vouchers)
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in vouchers:
        for account, amount in voucher["rows"]:
            per_account[account] += amount
    assert sum(per_account.values()) == 0
    # Receivables: what the agencies owe, each on its own customer object.
    assert per_account["1510"] == sum(i.totals.payable for i in invoices)
    assert len([r for r in records if r[0] == "#OBJEKT"]) == len(invoices)
    # Pass-through from the files: the postage at 0 % on the exempt account (3019),
    # the rest (all at 25 %) on 3090.
    amounts = _csv(EXAMPLES / "passthrough" / "amounts-2012-12.csv")
    exempt = sum(Decimal(r["amount"]) for r in amounts if r["vat_rate"] == "0")
    taxed = sum(Decimal(r["amount"]) for r in amounts if r["vat_rate"] != "0") + sum(
        Decimal(r["amount"]) for r in _csv(EXAMPLES / "passthrough" / "supplier-invoices-2012-12.csv"))
    assert (per_account["3019"], per_account["3090"]) == (-exempt, -taxed) == (Decimal("-1284.60"),
                                                                              -taxed)
    # Revenue per area: the other lines of each area; output VAT: the invoices' 25 % VAT.
    for area, account in (("payroll", "3011"), ("finance", "3012"), ("eprocurement", "3013")):
        assert per_account[account] == -sum(line.amount for i in invoices for line in i.lines
                                            if line.area == area and line.part != "pass_through")
    assert per_account["2611"] == -sum(i.totals.vat for i in invoices)
    assert per_account["3740"] == -sum(i.totals.rounding for i in invoices)
    assert set(per_account) == {"1510", "2611", "3011", "3012", "3013", "3019", "3090", "3740"}
