"""Issue 10, numbers and odd files: no input gives a traceback. Every number
is in ASCII digits and within its stated range (docs/formats.md); an
over-long field or line, a NUL byte or bytes that are not UTF-8 are told by
file, line and field; nothing is changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import ORG
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.files.catalogue_file import load_catalogue
from billing.files.costs_csv import read_costs
from billing.files.csv_source import MAX_LINE
from billing.files.passthrough_csv import read_pass_through
from billing.files.volumes_csv import read_volumes
from billing.payments.payments_csv import read_payments
from billing.period import Month
from billing.services.agencies import import_agencies
from billing.services.volumes import import_volumes
from db_helpers import ORG_A, ORG_B, TARIFFS, VOLUME_HEADER, WORLD_AGENCIES, dump, setup_world, write

CATALOGUE = load_catalogue(TARIFFS / "catalogue.toml")
AMOUNTS_HEADER = "period,organisation_number,area,description,amount,vat_rate,supplier,reference"


def refused(engine, action) -> DataError:
    before = dump(engine)
    with pytest.raises(DataError) as caught:
        with Session(engine) as session, session.begin():
            action(session)
    assert dump(engine) == before
    return caught.value


def where(error: DataError) -> list[tuple]:
    return [(p.line, p.field) for p in error.problems]


def read_error(reader, path: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        reader(path)
    return caught.value


def volumes(path: Path):
    return read_volumes(path, CATALOGUE)


# --- the cases, through the import ------------------------------------------------

@pytest.mark.parametrize("row, field, words", [
    (f"0000-12,{ORG_B},PAY-SLIP-DEV,6,,", "period", "year out of range (2000-2099)"),
    (f"1999-12,{ORG_B},PAY-SLIP-DEV,6,,", "period", "year out of range (2000-2099)"),
    (f"2100-01,{ORG_B},PAY-SLIP-DEV,6,,", "period", "year out of range (2000-2099)"),
    (f"\u0662\u0660\u0661\u0662-12,{ORG_B},PAY-SLIP-DEV,6,,", "period", "not a month"),
    (f"2012-12,{ORG_B},PAY-SLIP-DEV,\uff11\uff12,,", "quantity", "not a number"),
    (f"2012-12,{ORG_B},PAY-SLIP-DEV,\u0967\u0968,,", "quantity", "not a number"),
    (f"2012-12,{ORG_B.translate(str.maketrans('0123456789', '０１２３４５６７８９'))},"
     "PAY-SLIP-DEV,6,,", "organisation_number", "only ASCII"),
    (f"2012-12,{ORG_B},PAY-SLIP-DEV,1234567890123,,", "quantity", "out of range"),
    (f"2012-12,{ORG_B},PAY-SLIP-DEV,1e3,,", "quantity", "not a number"),
    (f"2012-12,{ORG_B},PAY-SLIP-DEV,Infinity,,", "quantity", "not a number"),
], ids=["year 0000", "year 1999", "year 2100", "arabic-indic digits", "fullwidth digits",
        "devanagari digits", "fullwidth organisation number", "13 digits", "exponent", "infinity"])
def test_a_bad_number_in_a_volume_file_is_located(engine, tmp_path, row, field, words):
    setup_world(engine, tmp_path, months=())
    path = write(tmp_path, "v.csv", f"{VOLUME_HEADER}\n2012-12,{ORG_A},PAY-SLIP-DEV,4,Palasso,\n{row}\n")
    error = refused(engine, lambda s: import_volumes(s, path))
    assert where(error) == [(3, field)]
    assert words in str(error)


def test_largest_quantity_is_accepted(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    path = write(tmp_path, "v.csv", f"{VOLUME_HEADER}\n2012-12,{ORG_A},PAY-SLIP-DEV,999999999999,,\n")
    with Session(engine) as session, session.begin():
        assert import_volumes(session, path).added == 1


@pytest.mark.parametrize("replace, field, words", [
    ("employees = 1 ", "employees = 99999999999999999999 ", "less than or equal to 1000000"),
    ("employees = 1 ", "employees = 0 ", "greater than or equal to 1"),
    ("employees = 1 ", 'employees = "\uff11" ', "valid integer"),
    ("from = 2012-06-01, employees = 1", "from = 0001-06-01, employees = 1", "date out of range"),
    ('connected_on = 2012-06-01\n  buyer_reference = "A-100"',
     'connected_on = 2100-06-01\n  buyer_reference = "A-100"', "date out of range"),
], ids=["employees 10^20", "employees 0", "fullwidth employees", "year 1", "year 2100"])
def test_a_bad_number_or_date_in_the_agencies_file_is_located(engine, tmp_path, replace, field, words):
    setup_world(engine, tmp_path, months=())
    text = WORLD_AGENCIES.replace(replace, field, 1)
    assert text != WORLD_AGENCIES
    path = write(tmp_path, "agencies.toml", text)
    error = refused(engine, lambda s: import_agencies(s, path))
    [problem] = error.problems
    assert problem.field.startswith("agencies[0].")
    assert problem.line == next(n for n, line in enumerate(text.splitlines(), 1)
                                if field.split("\n")[0].strip() in line)
    assert words in problem.message


@pytest.mark.parametrize("discount, words", [
    ('percent = "\uff12\uff10"', "not a number"),
    ('percent = "\u0662\u0660"', "not a number"),
    ('percent = "101"', "less than or equal to 100"),
    ('percent = "0"', "greater than 0"),
])
def test_a_discount_percent_in_other_digits_or_out_of_range_is_located(tmp_path, discount, words):
    from billing.files.agencies_file import load_agencies
    text = WORLD_AGENCIES + f"""
[[agencies.discounts]]
{discount}
parts = ["base_fixed"]
from = "2012-06"
to = "2012-12"
"""
    path = write(tmp_path, "agencies.toml", text)
    with pytest.raises(DataError) as caught:
        load_agencies(path, CATALOGUE)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (len(text.splitlines()) - 3, "agencies[2].discounts[0].percent")
    assert words in problem.message


def test_a_price_in_other_digits_and_a_band_limit_out_of_range_are_located(tmp_path):
    from billing.files.tariff_file import load_price_list
    text = (TARIFFS / "standard-2012-06.toml").read_text(encoding="utf-8")
    price = next(line for line in text.splitlines() if line.startswith("PAY-SLIP-DEV"))
    bad = text.replace(price, 'PAY-SLIP-DEV = "６６.00"').replace("up_to = 49", "up_to = 10000000000", 1)
    assert "up_to = 10000000000" in bad
    path = write(tmp_path, "standard-2012-06.toml", bad)
    with pytest.raises(DataError) as caught:
        load_price_list(path, CATALOGUE)
    assert sorted(p.field for p in caught.value.problems) == [
        "base_fees.eprocurement.variable.bands.bands[0].up_to", "prices.PAY-SLIP-DEV"]


def test_pass_through_amounts_and_payment_dates_in_other_digits_are_refused(tmp_path):
    amounts = write(tmp_path, "a.csv", f"{AMOUNTS_HEADER}\n"
                                        f"2012-12,{ORG},payroll,X,\u0661\u0660.00,25,,\n"
                                        f"2012-12,{ORG},payroll,Y,10.00,\uff12\uff15,,\n"
                                        f"2012-12,{ORG},payroll,Z,-1000000000000.00,25,,\n")
    assert where(read_error(read_pass_through, amounts)) == [(2, "amount"), (3, "vat_rate"), (4, "amount")]
    bank = write(tmp_path, "b.csv", "reference,amount,date\n"
                                    "133,10.00,\uff12\uff10\uff11\uff13-01-03\n"
                                    "133,10.00,20130103\n"
                                    "133,10.00,1999-01-03\n"
                                    "133,1000000000000.00,2013-01-03\n"
                                    "\uff11\uff13\uff13,10.00,2013-01-03\n")
    error = read_error(read_payments, bank)
    assert where(error) == [(2, "date"), (3, "date"), (4, "date"), (5, "amount"), (6, "reference")]
    assert "date out of range (2000-2099): 1999-01-03" in str(error)


def test_costs_with_a_year_out_of_range_or_other_digits(tmp_path):
    costs = write(tmp_path, "c.csv", "period,area,cost\n0000-12,payroll,1\n2012-12,payroll,\uff11\n")
    assert where(read_error(read_costs, costs)) == [(2, "period"), (3, "cost")]


def test_month_parse_takes_ascii_digits_and_years_2000_to_2099():
    assert Month.parse("2000-01") == Month(2000, 1) and Month.parse("2099-12") == Month(2099, 12)
    for text in ("0000-12", "1999-12", "2100-01", "\u0662\u0660\u0661\u0662-12", "２０１２-12", "2012-12\n1"):
        with pytest.raises(ValueError):
            Month.parse(text)


# --- odd files ----------------------------------------------------------------------------

def test_a_field_over_the_csv_modules_limit_is_located_not_a_traceback(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    huge = "\n".join(["x" * 60_000] * 3)  # 180,000 characters in one quoted field, over 131,072
    path = write(tmp_path, "v.csv", f'{VOLUME_HEADER}\n2012-12,{ORG_A},PAY-SLIP-DEV,4,Palasso,"{huge}"\n')
    error = refused(engine, lambda s: import_volumes(s, path))
    assert "field larger than field limit" in str(error)
    assert error.problems[0].line in (3, 4, 5)


def test_a_line_longer_than_the_limit_is_told_and_reading_goes_on(tmp_path):
    path = write(tmp_path, "v.csv", f"{VOLUME_HEADER}\n2012-12,{ORG},PAY-SLIP-DEV,4,{'x' * MAX_LINE},\n"
                                    f"2012-12,{ORG},PAY-SLIP-DEV,-1,,\n")
    error = read_error(volumes, path)
    assert where(error) == [(2, None), (3, "quantity")]
    assert "line longer than 65,536 characters" in str(error)


def test_nul_bytes_are_refused_on_both_databases(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    path = tmp_path / "v.csv"
    path.write_bytes(f"{VOLUME_HEADER}\n2012-12,{ORG_A},PAY-SLIP-DEV,4,Pal\0asso,R\0\n"
                     f"2012-12,{ORG_B},PAY-SLIP-DEV,\0,,\n".encode())
    error = refused(engine, lambda s: import_volumes(s, path))
    assert where(error) == [(2, "source"), (2, "reference"), (3, "quantity")]
    agencies = tmp_path / "agencies.toml"
    agencies.write_bytes(WORLD_AGENCIES.replace("Alfaverket", "Alfa\0verket").encode())
    error = refused(engine, lambda s: import_agencies(s, agencies))
    assert "not valid TOML" in str(error) and error.problems[0].line == 3  # name = ...


def test_bytes_that_are_not_utf8_are_told_with_their_line(tmp_path):
    # With its byte-order mark the file says it is UTF-8, so 0xE5 is an error;
    # without one it would be read as Windows-1252 (test_readers_encoding).
    path = tmp_path / "v.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{VOLUME_HEADER}\n2012-12,{ORG},PAY-SLIP-DEV,4,,\n".encode()
                     + b"2012-12,202132-6364,PAY-SLIP-DEV,4,Pal\xe5sso,x\n"
                     + f"2012-12,{ORG},PAY-SLIP-DEV,-4,,\n".encode())
    error = read_error(volumes, path)
    assert where(error) == [(3, None), (4, "quantity")]
    assert "not UTF-8 text (byte 0xE5)" in str(error)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n", b"\xff\xfe\x00p\x00e"])
def test_an_empty_or_undecodable_file_is_refused_located(tmp_path, content):
    path = tmp_path / "v.csv"
    path.write_bytes(content)
    error = read_error(volumes, path)
    assert all(p.file == str(path) for p in error.problems)
    assert "missing column(s)" in str(error) or "not UTF-8" in str(error)


def test_a_directory_or_a_missing_file_is_refused(tmp_path):
    for path in (tmp_path, tmp_path / "absent.csv"):
        error = read_error(volumes, path)
        assert "cannot read file" in str(error)
