"""Issue 10, text: control characters and other invisible or separator
characters are refused at the file edge, in every file and in --reason texts,
located by file, line and field, and nothing is changed."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.files.costs_csv import read_costs
from billing.files.fields import text_problem
from billing.payments.payments_csv import read_payments
from billing.period import Month
from billing.services.agencies import import_agencies
from billing.services.corrections import correct_month, credit_invoice
from billing.services.passthrough import allocate_supplier_invoices, import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import (ORG_A, ORG_B, TARIFFS, VOLUME_HEADER, WORLD_AGENCIES, billed, dump,
                        setup_world, write)

AMOUNTS_HEADER = "period,organisation_number,area,description,amount,vat_rate,supplier,reference"
SUPPLIER_HEADER = "period,supplier,reference,area,description,amount,key,vat_rate"

# Each refused, wherever it stands in a text.
REFUSED = ["\x00", "\t", "\n", "\r", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u00ad", "\u200b",
           "\u200e", "\u202e", "\u2028", "\u2029", "\u2066", "\ufeff", "\ufffe", "\U000e0001"]
# Each accepted: Swedish, other scripts, typographic punctuation, a plain space.
ACCEPTED = ["Försäkringskassan", "Ålands landskapsregering", "Øresund – “bro”", "東京", "Ελλάδα",
            "a b", "Läs mer på www.example.se", "100 % €"]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_each_refused_character_is_named_with_its_position(char):
    problem = text_problem(f"Alfa{char}verket")
    assert problem is not None and f"U+{ord(char):04X} at position 5" in problem


@pytest.mark.parametrize("text", ACCEPTED)
def test_plain_text_is_accepted(text):
    assert text_problem(text) is None


def refused(engine, action) -> DataError:
    """The DataError of ``action`` in a transaction of its own; the database unchanged."""
    before = dump(engine)
    with pytest.raises(DataError) as caught:
        with Session(engine) as session, session.begin():
            action(session)
    assert dump(engine) == before
    return caught.value


def located(error: DataError) -> list[tuple]:
    return [(p.file and Path(p.file).name, p.line, p.field) for p in error.problems]


# --- TOML files ----------------------------------------------------------------------

def test_vertical_tab_in_an_agency_name_is_refused(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    text = WORLD_AGENCIES.replace('name = "Betaverket"', 'name = "Beta\\u000bverket"')
    path = write(tmp_path, "renamed.toml", text)
    error = refused(engine, lambda s: import_agencies(s, path))
    line = text.splitlines().index('name = "Beta\\u000bverket"') + 1
    assert located(error) == [("renamed.toml", line, "agencies[1].name")]
    assert "control character U+000B" in str(error)


def test_control_characters_anywhere_in_the_agencies_file_are_all_told(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    text = (WORLD_AGENCIES.replace('buyer_reference = "A-100"', 'buyer_reference = "A\\u0000100"')
            .replace('area = "finance"', 'area = "finance"\n  connection_items = [ { description = '
                     '"Kopp\\u2028ling", amount = "10.00" } ]'))
    path = write(tmp_path, "agencies.toml", text)
    error = refused(engine, lambda s: import_agencies(s, path))
    assert sorted(p.field for p in error.problems) == [
        "agencies[0].agreements[0].buyer_reference",
        "agencies[1].agreements[1].connection_items[0].description"]
    assert {p.line for p in error.problems} == {
        n for n, line in enumerate(text.splitlines(), 1) if "\\u0000" in line or "\\u2028" in line}


def test_control_characters_in_the_catalogue_and_a_price_list_are_refused(engine, tmp_path):
    tariffs = Path(shutil.copytree(TARIFFS, tmp_path / "tariffs"))
    catalogue = tariffs / "catalogue.toml"
    text = catalogue.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name = "))
    catalogue.write_text(text.replace(name, name[:-1] + '\\t"', 1), encoding="utf-8")
    error = refused(engine, lambda s: load_tariffs(s, tariffs))
    assert [(p.line, p.field) for p in error.problems] == [
        (text.splitlines().index(name) + 1, "services[0].name")]
    assert "U+0009" in str(error)


# --- CSV files -------------------------------------------------------------------------

def test_control_characters_in_a_volume_file_are_refused(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    path = write(tmp_path, "v.csv", "\n".join([
        VOLUME_HEADER,
        f"2012-12,{ORG_A},PAY-SLIP-DEV,4,Palasso,",
        f"2012-12,{ORG_B},PAY-SLIP-DEV,6,Pal\x00asso,",
        f"2012-12,{ORG_B},PAY-EXPENSE,6,Palasso,\x1b[31mröd",
        f'2012-12,{ORG_B},PAY-SLIP-ATT,6,Palasso,"två\nrader"',
    ]) + "\n")
    error = refused(engine, lambda s: import_volumes(s, path))
    assert located(error) == [("v.csv", 3, "source"), ("v.csv", 4, "reference"), ("v.csv", 6, "reference")]
    assert [p.message.split(" at ")[0] for p in error.problems] == [
        "control character U+0000", "control character U+001B", "control character U+000A"]


def test_control_characters_in_pass_through_files_are_refused(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    amounts = write(tmp_path, "amounts.csv", "\n".join([
        AMOUNTS_HEADER,
        f"2012-11,{ORG_A},payroll,Systemtjänst\x0bPalasso,10.00,25,Skatteverket,SKV-1",
        f"2012-11,{ORG_B},payroll,Systemtjänst,10.00,25,Skatte\u202everket,SKV-2",
        f"2012-11,{ORG_B},payroll,Systemtjänst,10.00,25,Skatteverket,SKV\u00853",
    ]) + "\n")
    error = refused(engine, lambda s: import_pass_through(s, amounts))
    assert located(error) == [("amounts.csv", 2, "description"), ("amounts.csv", 3, "supplier"),
                              ("amounts.csv", 4, "reference")]
    invoices = write(tmp_path, "invoices.csv", "\n".join([
        SUPPLIER_HEADER,
        "2012-11,Försäkrings\x7fkassan,FK-1,payroll,POL,1000.00,employees,25",
        "2012-11,Försäkringskassan,FK-2,payroll,POL\ufeff,1000.00,employees,25",
    ]) + "\n")
    error = refused(engine, lambda s: allocate_supplier_invoices(s, invoices))
    assert located(error) == [("invoices.csv", 2, "supplier"), ("invoices.csv", 3, "description")]


def test_control_characters_in_cost_and_payment_files_are_refused(tmp_path):
    costs = write(tmp_path, "costs.csv", "period,area,cost\n2012-11,pay\x0croll,100\n")
    with pytest.raises(DataError) as caught:
        read_costs(costs)
    assert located(caught.value) == [("costs.csv", 2, "area")]
    bank = write(tmp_path, "bank.csv", "reference,amount,date\n13\x003,10.00,2013-01-03\n"
                                        "133,10.00,2013-01-03\n")
    with pytest.raises(DataError) as caught:
        read_payments(bank)
    assert located(caught.value) == [("bank.csv", 2, "reference")]


def test_a_control_character_in_a_column_name_is_told_visibly(tmp_path):
    bank = write(tmp_path, "bank.csv", "reference,amount,date,x\x1by\n133,10.00,2013-01-03,\n")
    with pytest.raises(DataError) as caught:
        read_payments(bank)
    assert "unknown column(s): 'x\\x1by'" in str(caught.value)
    assert "\x1b" not in str(caught.value)


# --- --reason -----------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["en rad\ntill", "flik\there", "\x1b]0;titel\x07", "x\u2029y",
                                    "x" * 501])
def test_a_correction_reason_must_be_plain_text_within_its_column(engine, tmp_path, reason):
    setup_world(engine, tmp_path)
    path = write(tmp_path, "fix.csv", f"{VOLUME_HEADER}\n2012-11,{ORG_A},PAY-SLIP-DEV,4,Palasso,\n")
    error = refused(engine, lambda s: correct_volumes(s, path, reason))
    assert [(p.file, p.line, p.field) for p in error.problems] == [(None, None, "reason")]


@pytest.mark.parametrize("reason", ["fel\x0bbelopp", "fel\u2028belopp"])
def test_a_credit_or_correction_reason_with_a_control_character_is_refused(engine, tmp_path, reason):
    billed(engine, tmp_path)
    error = refused(engine, lambda s: credit_invoice(s, 1, reason, date(2012, 12, 20)))
    assert [p.field for p in error.problems] == ["reason"]
    assert "not allowed in text" in str(error)
    error = refused(engine, lambda s: correct_month(s, Month(2012, 11), date(2012, 12, 20),
                                                    reason=reason))
    assert [p.field for p in error.problems] == ["reason"]
