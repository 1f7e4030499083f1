"""Volume CSV files and pass-through CSV files: every problem with file, line and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from factories import BAD_CHECK_DIGIT_ORG, D, M, ORG, OTHER_ORG

from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.files.catalogue_file import load_catalogue
from billing.files.passthrough_csv import read_pass_through, read_supplier_invoices
from billing.files.volumes_csv import read_volumes

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(ROOT / "tariffs" / "catalogue.toml")
HEADER = "period,organisation_number,service,quantity,source,reference"


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "volumes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems(path: Path, reader=read_volumes):
    with pytest.raises(DataError) as excinfo:
        reader(path, CATALOGUE)
    return excinfo.value.problems


def single_problem(path: Path, line: int, field: str, reader=read_volumes):
    """The file has exactly one problem, at line and field; return it."""
    [problem] = problems(path, reader)
    assert (problem.file, problem.line, problem.field) == (str(path), line, field)
    return problem


# --- a valid file -----------------------------------------------------------------

def test_whole_valid_file_returns_every_record(tmp_path):
    path = write_csv(tmp_path,
                     f"2012-12,{ORG},PAY-SLIP-DEV,1234,Palasso,",
                     f"2012-12,{ORG.replace('-', '')},PAY-SLIP-ATT,56,Palasso,",
                     "",
                     f"2012-12,{OTHER_ORG},PAY-SPEC-STATS,2.25,,uppdrag 7",
                     f"2012-12,{OTHER_ORG},FIN-ASSET,76667,Agresso,")
    records = read_volumes(path, CATALOGUE)
    assert [line for line, _ in records] == [2, 3, 5, 6]  # the blank line 4 carries nothing
    first = records[0][1]
    assert (first.id, first.period, first.organisation_number, first.service, first.quantity,
            first.source, first.reference) == (None, M("2012-12"), ORG, "PAY-SLIP-DEV", D(1234),
                                               "Palasso", "")
    assert records[1][1].organisation_number == ORG  # normalised with the dash
    assert records[2][1].quantity == D("2.25")
    assert isinstance(records[2][1].quantity, Decimal)
    assert records[2][1].reference == "uppdrag 7"
    assert [r.service for _, r in records] == ["PAY-SLIP-DEV", "PAY-SLIP-ATT", "PAY-SPEC-STATS",
                                               "FIN-ASSET"]


def test_optional_columns_may_be_left_out(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV,10",
                     header="period,organisation_number,service,quantity")
    [(line, record)] = read_volumes(path, CATALOGUE)
    assert (line, record.quantity, record.source, record.reference) == (2, D(10), "", "")


def test_the_example_volumes_read():
    records = read_volumes(ROOT / "examples" / "volumes" / "2012-12.csv", CATALOGUE)
    assert records
    assert {r.period for _, r in records} == {M("2012-12")}


# --- one problem each ---------------------------------------------------------------

def test_unknown_service(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV,1,,", f"2012-12,{ORG},PAY-NOPE,1,,")
    problem = single_problem(path, 3, "service")
    assert "PAY-NOPE" in problem.message


def test_negative_quantity(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV,-5,,")
    problem = single_problem(path, 2, "quantity")
    assert "negative" in problem.message


@pytest.mark.parametrize("bad", ["tolv", "12,5", "NaN", "1 2x"])
def test_non_numeric_quantity(tmp_path, bad):
    path = write_csv(tmp_path, f'2012-12,{ORG},PAY-SLIP-DEV,"{bad}",,')
    single_problem(path, 2, "quantity")


def test_period_2012_13(tmp_path):
    path = write_csv(tmp_path, f"2012-13,{ORG},PAY-SLIP-DEV,1,,")
    problem = single_problem(path, 2, "period")
    assert "13" in problem.message


def test_period_without_leading_zero(tmp_path):
    path = write_csv(tmp_path, f"2012-1,{ORG},PAY-SLIP-DEV,1,,")
    single_problem(path, 2, "period")


def test_duplicate_record(tmp_path):
    path = write_csv(tmp_path,
                     f"2012-12,{ORG},PAY-SLIP-DEV,10,Palasso,A",
                     f"2012-12,{ORG},PAY-SLIP-DEV,10,Palasso,B",   # other reference: another record
                     f"2012-12,{ORG.replace('-', '')},PAY-SLIP-DEV,7,Palasso,A")
    problem = single_problem(path, 4, "service")
    assert "duplicate" in problem.message and "line 2" in problem.message


def test_fractional_quantity_of_a_per_unit_service(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV,10.5,,")
    problem = single_problem(path, 2, "quantity")
    assert "PAY-SLIP-DEV" in problem.message and "whole" in problem.message


def test_whole_number_written_with_decimals_is_accepted(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV,10.00,,")
    [(_, record)] = read_volumes(path, CATALOGUE)
    assert record.quantity == D(10)


def test_hours_with_more_than_two_decimals(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SPEC-STATS,1.255,,")
    single_problem(path, 2, "quantity")


def test_subscription_volume_is_an_error(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},FIN-ADD-ACCESS,1,,")
    problem = single_problem(path, 2, "service")
    assert "subscription" in problem.message


def test_bad_organisation_number(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{BAD_CHECK_DIGIT_ORG},PAY-SLIP-DEV,1,,")
    single_problem(path, 2, "organisation_number")


def test_missing_quantity(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV,,,")
    problem = single_problem(path, 2, "quantity")
    assert "missing" in problem.message


def test_missing_column(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV", header="period,organisation_number,service")
    [problem] = problems(path)
    assert problem.line == 1 and "quantity" in problem.message


def test_more_values_than_columns(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},PAY-SLIP-DEV,1,,,extra")
    [problem] = problems(path)
    assert problem.line == 2


def test_every_problem_of_the_file_is_reported(tmp_path):
    path = write_csv(tmp_path,
                     f"2012-12,{ORG},PAY-NOPE,1,,",           # 2: unknown service
                     f"2012-12,{ORG},PAY-SLIP-DEV,-1,,",      # 3: negative
                     f"2012-13,{ORG},PAY-SLIP-DEV,1,,",       # 4: period
                     f"2012-12,{ORG},PAY-SLIP-ATT,1.5,,",     # 5: fractional
                     f"2012-12,{ORG},PAY-SLIP-ATT,x,,",       # 6: not a number
                     f"2012-12,{ORG},PAY-TIME,3,,",           # 7: fine
                     f"2012-12,{ORG},PAY-TIME,4,,")           # 8: duplicate of 7
    found = problems(path)
    assert sorted((p.line, p.field) for p in found) == [
        (2, "service"), (3, "quantity"), (4, "period"), (5, "quantity"), (6, "quantity"),
        (8, "service")]
    assert all(p.file == str(path) for p in found)


# --- pass-through amounts -----------------------------------------------------------

PT_HEADER = "period,organisation_number,area,description,amount,vat_rate,supplier,reference"


def read_pt(path, _catalogue=None):
    return read_pass_through(path)


def test_pass_through_file_is_read(tmp_path):
    path = write_csv(tmp_path,
                     f"2012-12,{ORG},payroll,Systemtjänst Palasso december,1234.56,25,Skatteverket,SKV-1",
                     f"2012-12,{ORG},finance,Kreditering,-100.00,,,",
                     header=PT_HEADER, name="pt.csv")
    [(line1, first), (line2, second)] = read_pass_through(path)
    assert (line1, first.area, first.amount, first.vat_rate, first.supplier, first.reference) == (
        2, ServiceArea.PAYROLL, D("1234.56"), D("25"), "Skatteverket", "SKV-1")
    # vat_rate defaults to 25
    assert (line2, second.amount, second.vat_rate) == (3, D("-100.00"), D("25"))


def test_pass_through_amount_with_three_decimals(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},payroll,X,1234.567,25,,", header=PT_HEADER, name="pt.csv")
    single_problem(path, 2, "amount", read_pt)


def test_pass_through_vat_rate_above_100_and_unknown_area(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},payroll,X,1.00,125,,",
                     f"2012-12,{ORG},salary,X,1.00,25,,", header=PT_HEADER, name="pt.csv")
    found = problems(path, read_pt)
    assert sorted((p.line, p.field) for p in found) == [(2, "vat_rate"), (3, "area")]


def test_quoted_description_over_two_lines_keeps_line_numbers(tmp_path):
    path = write_csv(tmp_path, f'2012-12,{ORG},payroll,"Systemtjänst\nPalasso",1.00,25,,',
                     f"2012-12,{ORG},payroll,X,1.0x,25,,", header=PT_HEADER, name="pt.csv")
    # the first record takes lines 2 and 3, and is told at its last line: a
    # line break is a control character, refused in a description (issue 10);
    # the bad amount is on line 4
    found = problems(path, read_pt)
    assert [(p.line, p.field) for p in found] == [(3, "description"), (4, "amount")]
    assert "U+000A" in found[0].message


def test_unicode_line_separator_inside_a_value_is_not_a_line_break(tmp_path):
    path = write_csv(tmp_path, f"2012-12,{ORG},payroll,Systemtjänst\u2028Palasso,1.00,25,,",
                     f"2012-12,{ORG},payroll,X,1.0x,25,,", header=PT_HEADER, name="pt.csv")
    # U+2028 ends no line (the next record is line 3), but it is refused in a
    # description: it breaks lines in PDFs and terminals (issue 10)
    found = problems(path, read_pt)
    assert [(p.line, p.field) for p in found] == [(2, "description"), (3, "amount")]
    assert "U+2028" in found[0].message


# --- sub-supplier invoices ----------------------------------------------------------

SI_HEADER = "period,supplier,reference,area,description,amount,key,vat_rate"


def test_supplier_invoices_are_read(tmp_path):
    path = write_csv(tmp_path,
                     "2012-12,Försäkringskassan,FK-88231,payroll,POL december,812345.67,employees,25",
                     "2012-12,Skatteverket,SKV-9,payroll,Palasso,1000.00,service:PAY-SLIP-DEV,",
                     header=SI_HEADER, name="si.csv")
    first, second = read_supplier_invoices(path, CATALOGUE)
    assert (first.line, first.amount, first.key, first.key_service) == (
        2, D("812345.67"), "employees", None)
    assert (second.key_service, second.vat_rate) == ("PAY-SLIP-DEV", D("25"))


def test_supplier_invoice_with_an_unknown_key_service(tmp_path):
    path = write_csv(tmp_path, "2012-12,FK,FK-1,payroll,X,10.00,service:PAY-NOPE,25",
                     "2012-12,FK,FK-2,payroll,X,10.00,turnover,25",
                     header=SI_HEADER, name="si.csv")
    found = problems(path, read_supplier_invoices)
    assert sorted((p.line, p.field) for p in found) == [(2, "key"), (3, "key")]
    assert "PAY-NOPE" in found[0].message
