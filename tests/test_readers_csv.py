"""Issue 13, reading the files people have: CSV files as Swedish spreadsheet
programs save them (encoding, separator, decimal comma, digit grouping,
Swedish column names), and every doubt refused with file, line and field,
never guessed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from factories import D, M, ORG, OTHER_ORG

from billing.errors import DataError, ProblemCollector
from billing.files import text_encoding
from billing.files.catalogue_file import load_catalogue
from billing.files.costs_csv import read_costs
from billing.files.passthrough_csv import read_pass_through, read_supplier_invoices
from billing.files.reading import Reading
from billing.files.text_encoding import UTF8, UTF8_BOM, WINDOWS_1252, detect_encoding
from billing.files.volumes_csv import read_volumes, volume_batches
from billing.payments.payments_csv import Payment, read_payments

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(ROOT / "tariffs" / "catalogue.toml")
HEADER = ["period", "organisation_number", "service", "quantity", "source", "reference"]
# Two records: whole units, and hours with decimals; å, ä and ö in a source and a reference.
RECORDS = [("2012-12", ORG, "FIN-ASSET", "76667", "Agresso", ""),
           ("2012-12", OTHER_ORG, "PAY-SPEC-STATS", "2.25", "Källsystemet", "uppdrag åäö")]
EXPECTED = [(2, M("2012-12"), ORG, "FIN-ASSET", D("76667"), "Agresso", ""),
            (3, M("2012-12"), OTHER_ORG, "PAY-SPEC-STATS", D("2.25"), "Källsystemet", "uppdrag åäö")]


def save(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "v.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def records(path: Path) -> list[tuple]:
    return [(line, r.period, r.organisation_number, r.service, r.quantity, r.source, r.reference)
            for line, r in read_volumes(path, CATALOGUE)]


def reading_of(path: Path) -> Reading:
    reading = Reading()
    list(volume_batches(path, CATALOGUE, ProblemCollector(str(path)), None, reading=reading))
    return reading


def problems(reader, path: Path) -> list[tuple]:
    with pytest.raises(DataError) as caught:
        reader(path)
    assert all(p.file == str(path) for p in caught.value.problems)
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def volumes(path: Path):
    return read_volumes(path, CATALOGUE)


# --- encodings ----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, separator, decimal, named", [
    ("utf-8", ",", ".", "UTF-8, separated by ',', decimal point"),
    ("utf-8-sig", ";", ",", "UTF-8 with BOM, separated by ';', decimal comma"),
    ("cp1252", ";", ",", "Windows-1252, separated by ';', decimal comma"),
    ("cp1252", "\t", ",", "Windows-1252, separated by tabs, decimal comma"),
], ids=["utf-8 comma", "utf-8 bom semicolon", "windows-1252 semicolon", "windows-1252 tab"])
def test_the_same_volumes_in_each_encoding_and_separator_read_alike(tmp_path, encoding, separator,
                                                                    decimal, named):
    lines = [separator.join(HEADER)] + [separator.join(v.replace(".", decimal) for v in r)
                                        for r in RECORDS]
    path = save(tmp_path, lines, encoding)
    assert records(path) == EXPECTED
    assert reading_of(path).describe() == named


def test_a_windows_1252_file_has_its_swedish_letters_as_single_bytes(tmp_path):
    path = save(tmp_path, [";".join(HEADER), "2012-12;%s;FIN-ASSET;1;Källa;ÅÄÖ åäö" % ORG], "cp1252")
    assert b"\xc5\xc4\xd6 \xe5\xe4\xf6" in path.read_bytes()  # not UTF-8: å is 0xE5 alone
    assert detect_encoding(path) is WINDOWS_1252
    [(_, record)] = read_volumes(path, CATALOGUE)
    assert (record.source, record.reference) == ("Källa", "ÅÄÖ åäö")


def test_utf8_with_and_without_a_byte_order_mark(tmp_path):
    plain = save(tmp_path, ["period"], "utf-8", "plain.csv")
    marked = save(tmp_path, ["period"], "utf-8-sig", "marked.csv")
    assert (detect_encoding(plain), detect_encoding(marked)) == (UTF8, UTF8_BOM)


def test_a_file_of_two_encodings_is_refused_naming_a_line_of_each(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n"
                     + f"2012-12,{ORG},FIN-ASSET,1,K\u00e4lla,\n".encode("utf-8")      # line 2: UTF-8
                     + f"2012-12,{ORG},FIN-CUSTINV,1,K\u00e4lla,\n".encode("cp1252"))  # line 3: 0xE4
    [(line, field, message)] = problems(volumes, path)
    assert (line, field) == (3, None)
    assert "mixes encodings: line 2 is UTF-8, but line 3 has byte 0xE4" in message
    assert "'ä'" in message and "CSV UTF-8" in message


def test_a_byte_windows_1252_does_not_define_is_told_with_its_line(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes((",".join(HEADER) + f"\n2012-12,{ORG},FIN-ASSET,1,K\xe4lla,\n").encode("cp1252")
                     + f"2012-12,{ORG},FIN-CUSTINV,1,x\x81y,\n".encode("latin-1")
                     + f"2012-12,{ORG},FIN-CUSTINV,-1,,\n".encode())
    assert problems(volumes, path) == [
        (3, None, "neither UTF-8 nor Windows-1252 text (byte 0x81)"),
        (4, "quantity", "negative quantity -1")]


def test_utf16_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes("\t".join(HEADER).encode("utf-16"))
    [(line, _, message)] = problems(volumes, path)
    assert line == 1 and "UTF-16" in message and "CSV UTF-8" in message


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 8, 64])
def test_encoding_and_lines_are_found_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(text_encoding, "_CHUNK", chunk)
    text = "a\nåä\nb\n€ö\n"
    utf8 = tmp_path / "u.csv"
    utf8.write_bytes(text.encode())
    cp1252 = tmp_path / "w.csv"
    cp1252.write_bytes(text.encode("cp1252"))
    mixed = tmp_path / "m.csv"
    mixed.write_bytes("a\nb\n".encode() + "ä\n".encode("cp1252") + "c\nö\n".encode())
    assert detect_encoding(utf8) is UTF8
    assert detect_encoding(cp1252) is WINDOWS_1252
    with pytest.raises(DataError) as caught:
        detect_encoding(mixed)
    [problem] = caught.value.problems
    assert problem.line == 3 and "line 5 is UTF-8" in problem.message


def test_a_utf8_character_cut_by_the_end_of_the_file_is_not_utf8(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(b"period\n\xc3")
    assert detect_encoding(path) is WINDOWS_1252  # 'Ã', a letter of Windows-1252


# --- separators and decimal marks ----------------------------------------------------------

def test_excel_sep_line_is_honoured_and_lines_keep_their_numbers(tmp_path):
    path = save(tmp_path, ["sep=;", ";".join(HEADER), f"2012-12;{ORG};FIN-ASSET;-1;;"])
    assert problems(volumes, path) == [(3, "quantity", "negative quantity -1")]


@pytest.mark.parametrize("written, value", [
    ("1 234", "1234"), ("1\u00a0234", "1234"), ("1\u202f234", "1234"), ("12 345 678", "12345678"),
    ("2,25", "2.25"), ("1 234,50", "1234.50"), ("1\u00a0234,5", "1234.5"), ("-1 234,50", "-1234.50"),
])
def test_decimal_comma_and_spaces_between_digit_groups(tmp_path, written, value):
    path = save(tmp_path, ["period;organisation_number;area;description;amount",
                           f"2012-12;{ORG};payroll;X;{written}"])
    [(_, charge)] = read_pass_through(path)
    assert charge.amount == Decimal(value)


@pytest.mark.parametrize("written", ["1.234,50", "1,234.50", "1,2,3", "12,", ",5", "1 234.5,0"])
def test_two_marks_or_a_lone_mark_is_not_a_number(tmp_path, written):
    path = save(tmp_path, ["period;organisation_number;area;description;amount",
                           f"2012-12;{ORG};payroll;X;{written}"])
    assert problems(read_pass_through, path) == [(2, "amount", f"not a number: {written!r}")]


def test_a_comma_separated_file_may_quote_its_decimal_commas(tmp_path):
    path = save(tmp_path, [",".join(HEADER), f'2012-12,{OTHER_ORG},PAY-SPEC-STATS,"2,25",,'])
    [(_, record)] = read_volumes(path, CATALOGUE)
    assert record.quantity == D("2.25")


def test_an_unquoted_decimal_comma_in_a_comma_separated_file_is_refused_as_ambiguous(tmp_path):
    # 2012-12,ORG,PAY-SPEC-STATS,2,25,Palasso, : 7 values under 6 columns; 2 hours and
    # source '25', or 2,25 hours? Not guessed, even though the last value is empty.
    path = save(tmp_path, [",".join(HEADER), f"2012-12,{OTHER_ORG},PAY-SPEC-STATS,2,25,Palasso,",
                           f"2012-12,{ORG},FIN-ASSET,5,Agresso,"])
    [(line, field, message)] = problems(volumes, path)
    assert (line, field) == (2, "quantity")
    assert "'2,25' one number with a decimal comma?" in message
    assert "with a point (2.25)" in message and 'in quotes ("2,25")' in message
    assert "separated by ';'" in message


def test_an_unquoted_decimal_comma_in_an_amount_is_refused_too(tmp_path):
    path = save(tmp_path, ["period,organisation_number,area,description,amount,vat_rate",
                           f"2012-12,{ORG},payroll,Systemtjänst,1 234,56,25"])
    [(line, field, message)] = problems(read_pass_through, path)
    assert (line, field) == (2, "amount") and "'1 234,56'" in message


def test_too_many_values_without_a_number_column_split_are_just_too_many(tmp_path):
    path = save(tmp_path, [",".join(HEADER), f"2012-12,{ORG},FIN-ASSET,5,Agresso,R,12,5"])
    assert problems(volumes, path) == [(2, None, "more values than columns")]


def test_a_line_with_another_separator_is_refused(tmp_path):
    path = save(tmp_path, [";".join(HEADER), f"2012-12;{ORG};FIN-ASSET;5;;",
                           f"2012-12,{ORG},FIN-CUSTINV,5,,", f"2012-12\t{ORG}\tFIN-CUSTINV\t6\t\t"])
    assert problems(volumes, path) == [
        (3, "period", "this line is separated by ',', the header by ';': save the file with "
                      "one separator"),
        (4, "period", "this line is separated by tab, the header by ';': save the file with "
                      "one separator")]


def test_a_short_line_with_commas_in_a_semicolon_file_is_not_a_mixed_one(tmp_path):
    path = save(tmp_path, ["period;organisation_number;area;description;amount;vat_rate;supplier",
                           f"2012-12;{ORG};payroll;Systemtjänst, december;1 234,56;25"])
    [(_, charge)] = read_pass_through(path)
    assert (charge.description, charge.amount, charge.supplier) == (
        "Systemtjänst, december", D("1234.56"), "")


def test_a_header_of_two_separators_is_refused(tmp_path):
    path = save(tmp_path, ["period;organisation_number,service;quantity", f"2012-12;{ORG};FIN-ASSET;5"])
    [(line, field, message)] = problems(volumes, path)
    assert (line, field) == (1, None)
    assert message == "the column names are separated by ';' and ',': save the file with one separator"


def test_two_decimal_marks_in_one_column_are_refused_naming_both_lines(tmp_path):
    path = save(tmp_path, [";".join(HEADER),
                           f"2012-12;{OTHER_ORG};PAY-SPEC-STATS;2,25;;",
                           f"2012-12;{ORG};FIN-ASSET;7;;",               # no mark: fine
                           f"2012-12;{ORG};PAY-SPEC-STATS;1.5;;",
                           f"2012-12;{ORG};FIN-SPEC-CLOSING;3,5;;"])
    assert problems(volumes, path) == [
        (4, "quantity", "decimal point in '1.5', but a decimal comma on line 2: write the numbers "
                        "of a column one way")]


def test_different_marks_in_different_columns_are_each_column_s_own(tmp_path):
    path = save(tmp_path, ["period;organisation_number;area;description;amount;vat_rate",
                           f"2012-12;{ORG};payroll;X;1 234,50;12.5"])
    [(_, charge)] = read_pass_through(path)
    assert (charge.amount, charge.vat_rate) == (D("1234.50"), D("12.5"))


# --- column names --------------------------------------------------------------------------

def test_swedish_column_names_in_any_case_and_order(tmp_path):
    header = " Referens ;KÄLLA;Antal;tjänst;Org.nr;Månad"
    lines = [header] + [";".join(reversed([v.replace(".", ",") for v in r])) for r in RECORDS]
    assert records(save(tmp_path, lines, "cp1252")) == EXPECTED


@pytest.mark.parametrize("name", ["organisation_number", "Organisationsnummer", "ORGNR", "org nr",
                                  "Org-nr", "organisationsnr", "Organization Number"])
def test_the_names_of_the_organisation_number(tmp_path, name):
    path = save(tmp_path, [f"period;{name};service;quantity", f"2012-12;{ORG};FIN-ASSET;5"])
    [(_, record)] = read_volumes(path, CATALOGUE)
    assert record.organisation_number == ORG


def test_letters_without_their_rings_and_dots_are_the_same_name(tmp_path):
    path = save(tmp_path, ["Manad;Orgnr;Tjanst;Antal;Kalla", f"2012-12;{ORG};FIN-ASSET;5;Agresso"])
    [(_, record)] = read_volumes(path, CATALOGUE)
    assert (record.quantity, record.source) == (D(5), "Agresso")


def test_two_columns_of_one_field_are_refused(tmp_path):
    path = save(tmp_path, ["period;organisation_number;service;antal;quantity",
                           f"2012-12;{ORG};FIN-ASSET;5;5"])
    assert problems(volumes, path) == [(1, None, "columns 'antal' and 'quantity' both name quantity")]


def test_an_unknown_column_is_told_with_the_names_there_are(tmp_path):
    path = save(tmp_path, ["period;organisation_number;service;quantity;Myndighet",
                           f"2012-12;{ORG};FIN-ASSET;5;Alfaverket"])
    [(line, field, message)] = problems(volumes, path)
    assert (line, field) == (1, None)
    assert message.startswith("unknown column(s): Myndighet (the columns are period, "
                              "organisation_number, service, quantity, source, reference")
    assert "docs/formats.md" in message


def test_a_header_below_a_title_line_is_refused_saying_where_it_is(tmp_path):
    path = save(tmp_path, ["Volymer december 2012", "", ";".join(HEADER), f"2012-12;{ORG};FIN-ASSET;5;;"])
    found = problems(volumes, path)
    assert [(line, field) for line, field, _ in found] == [(1, None), (1, None), (3, None)]
    assert found[0][2] == ("missing column(s): period, organisation_number, service, quantity")
    assert found[1][2].startswith("unknown column(s): Volymer december 2012")
    assert found[2][2] == ("the column names are on line 3: the first line must name the "
                           "columns (remove the lines above it)")


def test_an_empty_column_without_a_name_is_allowed_and_a_value_in_it_is_not(tmp_path):
    path = save(tmp_path, ["period;organisation_number;service;quantity;;",
                           f"2012-12;{ORG};FIN-ASSET;5;;",
                           f"2012-12;{ORG};FIN-CUSTINV;6;;x"])
    assert problems(volumes, path) == [(3, None, "a value in column 6, which has no name in the header")]


# --- every file of the kind -----------------------------------------------------------------

def test_supplier_invoices_costs_and_payments_as_swedish_settings_save_them(tmp_path):
    invoices = save(tmp_path, ["Månad;Leverantör;Referens;Område;Beskrivning;Belopp;Fördelningsnyckel;Moms",
                               "2012-12;Försäkringskassan;FK-1;payroll;POL december;812 345,67;employees;25"],
                    "cp1252", "invoices.csv")
    [invoice] = read_supplier_invoices(invoices, CATALOGUE)
    assert (invoice.supplier, invoice.amount, invoice.vat_rate) == ("Försäkringskassan",
                                                                     D("812345.67"), D(25))
    costs = save(tmp_path, ["Månad;Område;Kostnad", "2012-12;payroll;1 250 000,50"], "utf-8-sig",
                 "costs.csv")
    assert read_costs(costs) == {(M("2012-12"), "payroll"): D("1250000.50")}
    bank = save(tmp_path, ["Referens\tBelopp\tDatum", "133\t4\u00a0048,00\t2013-01-03"], "cp1252",
                "bank.csv")
    from datetime import date
    assert read_payments(bank) == (Payment(2, "133", D("4048.00"), date(2013, 1, 3)),)
