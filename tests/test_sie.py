"""`billing export sie` on SQLite and PostgreSQL: the SIE 4I import file read
back as bytes in codepage 437, every voucher balanced, receivables on the
customer (dimension 8), totals per account equal to the documents', the
voucher date chosen, one financial year per file, and bad configuration
refused with no file written.

The world of db_helpers billed for 2012-11 on 2012-12-05, with Alfaverket
renamed `Ålfaverket för "öppna" data` (åäö and a quotation mark to carry) and
two pass-through amounts; then invoice 2 credited on 2012-12-12. By hand from
tariffs/standard-2012-06.toml (accounts of the default centre file, billing/config/centre.toml):

    1 Ålfaverket   payroll 3000.00 + 1 x 40.00 + 3 x 66.00 = 3238.00 (25 %); pass-through 1000.00 (0 %)
                   net 4238.00, VAT 809.50, gross 5047.50, payable 5048, rounding +0.50
                   1510 +5048.00  3011 -3238.00  3019 -1000.00 (exempt)  2611 -809.50  3740 -0.50
    2 Betaverket   payroll 3000.00 + 80.00 + 330.00 = 3410.00; finance 10000.00 + 312.00 + 1350.00
                   + 700.00 = 12362.00; net 15772.00, VAT 3943.00, payable 19715, rounding 0
                   1510 +19715.00  3011 -3410.00  3012 -12362.00  2611 -3943.00
    3 Gammaverket  payroll 3000.00 + 160.00 + 8 x 68.00 = 3704.00; e-procurement 2500.00 + 750.00
                   + 7 x 34.00 = 3488.00; pass-through 200.00 (25 %); net 7392.00, VAT 1848.00, payable 9240
                   1510 +9240.00  3011 -3704.00  3013 -3488.00  3090 -200.00  2611 -1848.00
    4 credit note for 2 (2012-12-12): every posting of 2 reversed
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.files.centre_file import DEFAULT_CENTRE_FILE
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.services.billing_run import run_month
from billing.services.corrections import credit_invoice
from billing.services.passthrough import import_pass_through
from db_helpers import ORG_A, ORG_B, ORG_C, WORLD_AGENCIES, check_assumed_prices, dump, setup_world, write
from helpers_cli import cli, flat

D = Decimal
NOVEMBER = Month(2012, 11)
# What an export adds: its batch, a row per document, its event and the event's
# journal link; the journal's head row moves on (one row, changed in place).
EXPORT_TABLES = ("export_batches", "export_records", "events", "chain_links")
JOURNAL_HEAD = "chain_head"
ROOT = Path(__file__).resolve().parents[1]
CENTRE = DEFAULT_CENTRE_FILE
ALFA = 'Ålfaverket för "öppna" data'
AGENCIES = WORLD_AGENCIES.replace('name = "Alfaverket"', 'name = "Ålfaverket för \\"öppna\\" data"')
AMOUNTS = "\n".join(["period,organisation_number,area,description,amount,vat_rate,supplier,reference,"
                     "vat_exemption_code,vat_exemption_reason",
                     f"2012-11,{ORG_A},payroll,Licens lönesystem,1000.00,0,,,VATEX-EU-132-1A,"
                     "Undantaget från skatteplikt",
                     f"2012-11,{ORG_C},eprocurement,Systemtjänst e-handel,200.00,25"]) + "\n"




def billed(engine, tmp_path, amounts=AMOUNTS):
    check_assumed_prices()
    setup_world(engine, tmp_path, agencies_text=AGENCIES)
    with Session(engine) as session, session.begin():
        import_pass_through(session, write(tmp_path, "amounts.csv", amounts))
    with Session(engine) as session, session.begin():
        run_month(session, NOVEMBER, date(2012, 12, 5))
    with Session(engine) as session, session.begin():
        credit_invoice(session, 2, "Dubbelfakturerad", date(2012, 12, 12))


# --- an SIE reader written for the test, from the format's rules, not from the writer ---

def fields(line: str) -> list[str]:
    """Fields separated by spaces; "quoted" with \\ escaping the next character; an
    object list {...} one field, as written."""
    out, i = [], 0
    while i < len(line):
        if line[i] == " ":
            i += 1
        elif line[i] == "{":
            end = line.index("}", i)
            out.append(line[i:end + 1])
            i = end + 1
        elif line[i] == '"':
            i, text = i + 1, []
            while line[i] != '"':
                i += line[i] == "\\"
                text.append(line[i])
                i += 1
            out.append("".join(text))
            i += 1
        else:
            end = line.find(" ", i)
            end = len(line) if end < 0 else end
            out.append(line[i:end])
            i = end
    return out


def parse(data: bytes) -> tuple[list[list[str]], list[dict]]:
    text = data.decode("cp437")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "lines end with CR LF"
    records, vouchers, current = [], [], None
    for line in text.split("\r\n")[:-1]:
        if line == "{":
            assert current is not None and not current["rows"]
        elif line == "}":
            vouchers.append(current)
            current = None
        elif line.startswith("#TRANS"):
            _, account, objects, amount = fields(line)
            assert current is not None
            assert amount.lstrip("-").count(".") == 1 and len(amount.split(".")[1]) == 2, amount
            current["rows"].append((account, D(amount)))
            current["objects"].append(fields(objects[1:-1]))  # [] or [dimension, object]
        elif line.startswith("#VER"):
            _, series, number, day, text_ = fields(line)
            current = {"series": series, "number": int(number), "date": day, "text": text_, "rows": [],
                       "objects": []}
        else:
            records.append(fields(line))
    return records, vouchers


def expected_per_account(documents) -> dict[str, Decimal]:
    """Worked out from the documents and the centre file, not from the voucher code:
    VAT per rate on the rate's account, lines at 0 % on the exempt-revenue account."""
    accounts = tomllib.loads(CENTRE.read_text(encoding="utf-8"))["accounts"]
    vat_account = {D(rate): account for rate, account in accounts["output_vat"].items()}
    total: dict[str, Decimal] = defaultdict(Decimal)
    for doc in documents:
        total[accounts["receivables"]] += doc.totals.payable
        for subtotal in doc.totals.vat_subtotals:
            if subtotal.rate != 0:
                total[vat_account[subtotal.rate]] -= subtotal.vat
        total[accounts["rounding"]] -= doc.totals.rounding
        for line in doc.lines:
            account = (accounts["exempt_revenue"] if line.vat_rate == 0
                       else accounts["pass_through"] if line.part is FeePart.PASS_THROUGH
                       else accounts["revenue"][str(line.area)])
            total[account] -= line.amount
    return {account: value for account, value in total.items() if value != 0}


def test_export_reads_back_balanced_with_the_documents_totals(engine, tmp_path):
    billed(engine, tmp_path)
    url, out = engine.url.render_as_string(hide_password=False), tmp_path / "ledger" / "nov.se"
    before = dump(engine)
    result = cli(url, "export", "sie", "2012-11", "--by", "period", "--out", out)
    assert result.exit_code == 0, result.output
    assert "4 vouchers (3 invoices, 1 credit note)" in flat(result.output)
    after = dump(engine)  # only the export's own record is added: the batch, a row per document, the event
    assert {t: rows for t, rows in after.items() if t not in (*EXPORT_TABLES, JOURNAL_HEAD)} == \
        {t: rows for t, rows in before.items() if t not in (*EXPORT_TABLES, JOURNAL_HEAD)}
    assert [len(after[t]) - len(before[t]) for t in EXPORT_TABLES] == [1, 4, 1, 1]

    data = out.read_bytes()
    assert "ö".encode("cp437") in data and "ö".encode("utf-8") not in data
    records, vouchers = parse(data)
    header = {r[0]: r[1:] for r in records}
    assert [r[0] for r in records[:5]] == ["#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP"]
    assert header["#FLAGGA"] == ["0"] and header["#FORMAT"] == ["PC8"] and header["#SIETYP"] == ["4"]
    assert header["#FNAMN"] == ["Statens servicecenter"] and header["#ORGNR"] == ["202100-6370"]
    assert header["#ADRESS"] == ["", "Box 1124", "801 35 Gävle", ""]
    assert header["#RAR"] == ["0", "20120101", "20121231"]
    assert re.fullmatch(r"20\d{6}", header["#GEN"][0])  # the day the file was made, YYYYMMDD
    konto = {r[1]: r[2] for r in records if r[0] == "#KONTO"}
    assert konto == {"1510": "Kundfordringar", "2611": "Utgående moms 25 %",
                     "3011": "Intäkter, lönerelaterade tjänster",
                     "3012": "Intäkter, ekonomiadministrativa tjänster", "3013": "Intäkter, e-handelstjänster",
                     "3019": "Momsfria intäkter", "3090": "Vidarefakturerade systemtjänster",
                     "3740": "Öresavrundning"}
    # An import file of vouchers (4I): no balances; the customers as objects of dimension 8.
    assert not {r[0] for r in records} & {"#IB", "#UB", "#RES", "#PSALDO"}
    assert [r for r in records if r[0] in ("#DIM", "#OBJEKT")] == [
        ["#DIM", "8", "Kund"], ["#OBJEKT", "8", ORG_A, ALFA], ["#OBJEKT", "8", ORG_B, "Betaverket"],
        ["#OBJEKT", "8", ORG_C, "Gammaverket"]]

    # One voucher per document, dated its issue date, naming it and the agency; each balances.
    assert [(v["series"], v["number"], v["date"]) for v in vouchers] == [
        ("F", 1, "20121205"), ("F", 2, "20121205"), ("F", 3, "20121205"), ("F", 4, "20121212")]
    assert vouchers[0]["text"] == f"Faktura 1 {ALFA} {ORG_A} period 2012-11"
    assert vouchers[3]["text"] == f"Kreditfaktura 4 Betaverket {ORG_B} period 2012-11, krediterar faktura 2"
    customers = {1: ORG_A, 2: ORG_B, 3: ORG_C, 4: ORG_B}
    for voucher in vouchers:
        assert sum(amount for _, amount in voucher["rows"]) == 0, voucher
        assert all(account in konto for account, _ in voucher["rows"])
        # Receivables on the customer; every other row on no object.
        assert [(account, objects) for (account, _), objects in zip(voucher["rows"], voucher["objects"])
                if objects] == [("1510", ["8", customers[voucher["number"]]])]

    # Totals per account equal the documents' (and the sums a ledger would show).
    with Session(engine) as session:
        documents = read_documents(session)
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in vouchers:
        for account, amount in voucher["rows"]:
            per_account[account] += amount
    assert {a: v for a, v in per_account.items() if v != 0} == expected_per_account(documents)
    assert per_account["1510"] == sum(d.totals.payable for d in documents) == D("5048") + D("9240")

    # The hand-worked vouchers.
    rows = {v["number"]: [(a, str(x)) for a, x in v["rows"]] for v in vouchers}
    assert rows[1] == [("1510", "5048.00"), ("3011", "-3238.00"), ("3019", "-1000.00"),
                       ("2611", "-809.50"), ("3740", "-0.50")]
    assert rows[2] == [("1510", "19715.00"), ("3011", "-3410.00"), ("3012", "-12362.00"), ("2611", "-3943.00")]
    assert rows[3] == [("1510", "9240.00"), ("3011", "-3704.00"), ("3013", "-3488.00"), ("3090", "-200.00"),
                       ("2611", "-1848.00")]
    assert rows[4] == [("1510", "-19715.00"), ("3011", "3410.00"), ("3012", "12362.00"), ("2611", "3943.00")]


def test_default_file_name_and_selection_by_issue_month(engine, tmp_path, monkeypatch):
    billed(engine, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.chdir(tmp_path)
    # An SIE 4I import file is named .si (it was .se, the extension of an export file).
    assert cli(url, "export", "sie", "2012-11", "--by", "period").exit_code == 0
    assert (tmp_path / "billing-2012-11.si").exists() and not (tmp_path / "billing-2012-11.se").exists()
    # Billed for November, issued in December: nothing is billed for December,
    # and by issue month (the default) nothing was issued in November.
    result = cli(url, "export", "sie", "2012-12", "--by", "period")
    assert result.exit_code == 0 and "No documents issued for 2012-12: nothing written." in flat(result.output)
    assert not (tmp_path / "billing-2012-12.si").exists()
    result = cli(url, "export", "sie", "2012-11")
    assert result.exit_code == 0 and "No documents issued in 2012-11: nothing written." in flat(result.output)
    # `--by issued` puts them in December's file, but they are booked already:
    # only --all books them again.
    result = cli(url, "export", "sie", "2012-12")
    assert result.exit_code == 0, result.output
    assert ("Nothing new to write: the 4 documents issued in 2012-12 were exported as SIE before (1-4); "
            "--all writes them again. Nothing written.") in flat(result.output)
    assert not (tmp_path / "billing-2012-12.si").exists()
    assert cli(url, "export", "sie", "2012-12", "--by", "issued", "--all").exit_code == 0
    assert (tmp_path / "billing-2012-12.si").read_bytes().split(b"#KONTO", 1)[1] == \
        (tmp_path / "billing-2012-11.si").read_bytes().split(b"#KONTO", 1)[1]


def test_missing_revenue_account_stops_the_export_naming_the_document(engine, tmp_path):
    billed(engine, tmp_path)
    url, out = engine.url.render_as_string(hide_password=False), tmp_path / "out" / "ledger.se"
    out.parent.mkdir()
    out.write_bytes(b"last month's file")
    centre = write(tmp_path, "centre.toml", "\n".join(
        line for line in CENTRE.read_text(encoding="utf-8").splitlines() if not line.startswith("eprocurement")))
    result = cli(url, "export", "sie", "2012-11", "--by", "period", "--out", out, "--centre", centre)
    assert result.exit_code == 1
    assert ("Faktura 3 (Gammaverket, 202100-0027): no revenue account for service area eprocurement"
            in flat(result.output))
    assert "no file written" in flat(result.output) and "Faktura 1" not in result.output
    assert out.read_bytes() == b"last month's file" and sorted(p.name for p in out.parent.iterdir()) == ["ledger.se"]


def test_vat_rate_without_an_account_stops_the_export(engine, tmp_path):
    # Before, any rate but 25 % was refused ("only 25 % is configured"); now a
    # rate is refused only when the centre file maps no account to it.
    amounts = AMOUNTS + f"2012-11,{ORG_B},finance,Licens med reducerad moms,100.00,12,Adobe,AD-12,,\n"
    billed(engine, tmp_path, amounts=amounts)
    url, out = engine.url.render_as_string(hide_password=False), tmp_path / "ledger.si"
    centre = write(tmp_path, "centre.toml", "\n".join(
        line for line in CENTRE.read_text(encoding="utf-8").splitlines() if not line.startswith('"12"')))
    result = cli(url, "export", "sie", "2012-11", "--by", "period", "--out", out, "--centre", centre)
    assert result.exit_code == 1
    text = flat(result.output)
    # Invoice 2 and its credit note both carry the 12 % VAT (12.00 and -12.00).
    assert (f'Faktura 2 (Betaverket, 202100-0019): no output VAT account for VAT at 12 % (VAT 12.00): '
            f'add "12" = "NNNN" under [accounts.output_vat] in {centre}') in text
    assert "Kreditfaktura 4 (Betaverket, 202100-0019): no output VAT account for VAT at 12 % (VAT -12.00)" in text
    assert not out.exists()

    # With the shipped centre file the 12 % VAT goes to its own account: 100.00 x 12 % = 12.00 on
    # 2621 (and back on the credit note), Betaverket's 25 % VAT stays 3943.00 on 2611.
    assert cli(url, "export", "sie", "2012-11", "--by", "period", "--out", out).exit_code == 0
    _, vouchers = parse(out.read_bytes())
    rows = {v["number"]: dict((a, str(x)) for a, x in v["rows"]) for v in vouchers}
    assert (rows[2]["2621"], rows[2]["2611"], rows[4]["2621"]) == ("-12.00", "-3943.00", "12.00")


def test_vouchers_dated_at_the_end_of_the_period_billed(engine, tmp_path):
    billed(engine, tmp_path)
    url, out = engine.url.render_as_string(hide_password=False), tmp_path / "nov.si"
    assert cli(url, "export", "sie", "2012-11", "--by", "period", "--out", out,
               "--voucher-date", "period-end").exit_code == 0
    _, vouchers = parse(out.read_bytes())
    # Issued 2012-12-05 and 2012-12-12, all booked on 2012-11-30, the month they bill.
    assert [(v["number"], v["date"]) for v in vouchers] == [
        (1, "20121130"), (2, "20121130"), (3, "20121130"), (4, "20121130")]


def test_an_export_over_two_financial_years_is_refused_naming_the_documents(engine, tmp_path):
    # November billed 2012-12-05; invoice 3 credited on 2013-01-10: by period and
    # invoice date, the vouchers fall in 2012 and 2013.
    billed(engine, tmp_path)
    with Session(engine) as session, session.begin():
        credit_invoice(session, 3, "Fel mottagare", date(2013, 1, 10))
    url, out = engine.url.render_as_string(hide_password=False), tmp_path / "nov.si"
    result = cli(url, "export", "sie", "2012-11", "--by", "period", "--out", out)
    assert result.exit_code == 1 and not out.exists()
    text = flat(result.output)
    assert "vouchers dated by invoice fall in two financial years" in text
    assert "financial year 2012: documents 1, 2, 3, 4" in text and "financial year 2013: documents 5" in text
    assert "--by issued --voucher-date invoice" in text and "--by period --voucher-date period-end" in text
    # Either way out writes one year.
    assert cli(url, "export", "sie", "2012-11", "--by", "period", "--out", out,
               "--voucher-date", "period-end").exit_code == 0
    records, vouchers = parse(out.read_bytes())
    assert [r for r in records if r[0] == "#RAR"] == [["#RAR", "0", "20120101", "20121231"]]
    assert len(vouchers) == 5

    # A financial year from July: 2012-12-05 to 2013-01-10 is one year, 2012-07-01 to 2013-06-30.
    centre = write(tmp_path, "centre.toml", CENTRE.read_text(encoding="utf-8").replace(
        "financial_year_first_month = 1", "financial_year_first_month = 7"))
    assert cli(url, "export", "sie", "2012-11", "--by", "period", "--all", "--out", out,
               "--centre", centre).exit_code == 0
    records, vouchers = parse(out.read_bytes())
    assert [r for r in records if r[0] == "#RAR"] == [["#RAR", "0", "20120701", "20130630"]]
    assert vouchers[-1]["date"] == "20130110"
