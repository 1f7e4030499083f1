"""Issue 10, the property: whatever a file holds, each reader either accepts
it or refuses it with a located DataError (file, and line or field), never
another exception; and a refused file leaves the database exactly as it was,
on both databases.

Each reader gets arbitrary bytes, and arbitrary rows or documents built from
its format: valid values mixed with any text, digits of other scripts,
numbers out of range and control characters.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.files.catalogue_file import load_catalogue
from billing.files.costs_csv import read_costs
from billing.payments.payments_csv import read_payments
from billing.services.agencies import import_agencies
from billing.services.passthrough import allocate_supplier_invoices, import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import correct_volumes, import_volumes
from db_helpers import (ORG_A, ORG_B, ORG_C, ORG_UNKNOWN, TARIFFS, WORLD_AGENCIES, dump,
                        setup_world)

CODES = [s.code for s in load_catalogue(TARIFFS / "catalogue.toml").services]
ON_DATABASE = settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
PURE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- values: valid ones, near misses, and anything -----------------------------------------

ANY_TEXT = st.text(max_size=40)
NASTY = st.sampled_from(["", " ", "\x00", "\x0b", "\t", "\r\n", "\u2028", "\u202e", "\ufeff", "\ud800",
                         "１２", "٢٠١٢", "１", "1e3", "NaN", "-0", "99999999999999999999", "0.0000001",
                         "=1+1", "-2+3", '"', ",", "'", "\\", "é" * 120])


class cell:
    """A column's values: ``valid`` ones only, or ``any`` (valid, nasty or arbitrary)."""

    def __init__(self, *valid: str, strategy: st.SearchStrategy[str] | None = None):
        self.valid = strategy if strategy is not None else st.sampled_from(valid)
        self.any = st.one_of(self.valid, NASTY, ANY_TEXT)


PERIOD = cell("2012-11", "2012-12", "2013-01", "0000-12", "2012-13", "1999-12", "2100-01")
ORG = cell(ORG_A, ORG_B, ORG_C, ORG_UNKNOWN, ORG_A.replace("-", ""), "202100-0002")
SERVICE = cell(*CODES)
QUANTITY = cell(strategy=st.one_of(
    st.sampled_from(["0", "1", "3", "4", "2.5", "1.25", "-1", "999999999999", "1234567890123"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)))
AMOUNT = cell(strategy=st.one_of(
    st.sampled_from(["10.00", "-0.01", "1234.567", "999999999999.99"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)))
FREE = cell(strategy=st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")),
                             max_size=30))
AREA = cell("payroll", "finance", "eprocurement")
VAT = cell("25", "12", "6", "0", "100", "125", "")
KEY = cell("employees", "service:PAY-SLIP-DEV", "service:PAY-NOPE")
DATE = cell("2013-01-03", "2013-02-30", "20130103", "1999-01-03")
FORMATS = {
    "volumes": (("period", PERIOD), ("organisation_number", ORG), ("service", SERVICE),
                ("quantity", QUANTITY), ("source", FREE), ("reference", FREE)),
    "amounts": (("period", PERIOD), ("organisation_number", ORG), ("area", AREA),
                ("description", FREE), ("amount", AMOUNT), ("vat_rate", VAT),
                ("supplier", FREE), ("reference", FREE)),
    "invoices": (("period", PERIOD), ("supplier", FREE), ("reference", FREE), ("area", AREA),
                 ("description", FREE), ("amount", AMOUNT), ("key", KEY), ("vat_rate", VAT)),
    "costs": (("period", PERIOD), ("area", AREA), ("cost", AMOUNT)),
    "payments": (("reference", cell("133", "331", "")), ("amount", AMOUNT), ("date", DATE)),
}

# Rows that fit the world (agreements in force, December not billed), so that
# arbitrary text is also stored, not only refused.
_WHOLE = st.integers(0, 10 ** 12 - 1).map(str)
_MONEY = st.decimals(min_value=-10 ** 9, max_value=10 ** 9, places=2).map(str)
COHERENT = {
    "volumes": st.tuples(st.just("2012-12"), st.sampled_from([
        (ORG_A, "PAY-SLIP-DEV"), (ORG_B, "PAY-EXPENSE"), (ORG_B, "FIN-CUSTINV"), (ORG_C, "EPR-ORDER")]),
        _WHOLE, FREE.valid, FREE.valid).map(lambda t: [t[0], *t[1], t[2], t[3], t[4]]),
    "amounts": st.tuples(st.just("2012-12"), st.sampled_from([
        (ORG_A, "payroll"), (ORG_B, "finance"), (ORG_C, "eprocurement")]), FREE.valid, _MONEY,
        VAT.valid, FREE.valid, FREE.valid).map(lambda t: [t[0], *t[1], *t[2:]]),
}


@st.composite
def csv_files(draw, name: str) -> bytes:
    """A header (now and then a column dropped or an extra one) and rows of the
    format: a valid value in each cell, a row that fits the world, or anything."""
    columns = list(FORMATS[name])
    if draw(st.integers(0, 9)) == 0:
        columns.pop(draw(st.integers(0, len(columns) - 1)))
    header = [c for c, _ in columns] + (["extra"] if draw(st.integers(0, 9)) == 0 else [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    fitting = draw(st.integers(0, 2)) == 0  # now and then a file that may well be accepted
    for _ in range(draw(st.integers(0, 6))):
        mode = "coherent" if fitting else draw(st.sampled_from(["any", "valid", "coherent"]))
        if mode == "coherent" and name in COHERENT and len(columns) == len(FORMATS[name]):
            row = draw(COHERENT[name])
        else:
            row = [draw(values.any if mode == "any" else values.valid) for _, values in columns]
        writer.writerow(row + ([draw(ANY_TEXT)] if draw(st.integers(0, 19)) == 0 else []))
    return out.getvalue().encode("utf-8", "surrogatepass")


def files(name: str) -> st.SearchStrategy[bytes]:
    return st.one_of(csv_files(name), st.binary(max_size=300))


TOML_VALUE = st.one_of(
    st.text(max_size=30).map(lambda t: '"' + "".join(_toml_char(c) for c in t) + '"'),
    NASTY.map(lambda t: '"' + "".join(_toml_char(c) for c in t) + '"'),
    st.integers(-10, 10 ** 25).map(str),
    st.sampled_from(["2012-06-01", "0001-01-01", "9999-12-31", "2012-06-01T00:00:00", "1e400",
                     "nan", "inf", "-0.0", "[]", "{}", "true", '"２０"', '"66.0000001"']),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(lambda d: f'"{d}"'))


def _toml_char(char: str) -> str:
    if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7F or 0xD800 <= ord(char) <= 0xDFFF:
        return f"\\u{ord(char):04x}"  # \ud800 is no valid TOML escape: a located decode error
    return char


@st.composite
def mutated(draw, text: str) -> bytes:
    """A valid TOML file with the values of a few of its ``key = value`` lines replaced."""
    lines = text.splitlines()
    candidates = [n for n, line in enumerate(lines) if re.match(r"^\s*[\w\"'.-]+\s*=", line)]
    for _ in range(draw(st.integers(0, 3))):
        n = draw(st.sampled_from(candidates))
        key = lines[n].split("=", 1)[0]
        lines[n] = f"{key}= {draw(TOML_VALUE)}"
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


# --- the property ---------------------------------------------------------------------

def accepted_or_located(path: Path, action) -> bool:
    """True when accepted; False when refused with every problem located in
    ``path`` (or at the --reason option, the other input of a correction)."""
    try:
        action()
    except DataError as error:
        assert error.problems
        for problem in error.problems:
            if problem.field == "reason" and problem.file is None:
                continue
            assert problem.file == str(path), problem
            assert problem.line is not None or problem.field is not None, problem
        return False
    return True


def on_database(engine, path: Path, content: bytes, take_in) -> None:
    path.write_bytes(content)
    before = dump(engine)

    def action():
        with Session(engine) as session, session.begin():
            take_in(session, path)

    if accepted_or_located(path, action):
        event("accepted")
    else:
        event("refused")
        assert dump(engine) == before


@pytest.fixture
def world(engine, tmp_path):
    setup_world(engine, tmp_path)  # November's volumes stored, nothing billed
    return engine, tmp_path


@ON_DATABASE
@given(content=files("volumes"))
def test_volume_import(world, content):
    engine, tmp_path = world
    on_database(engine, tmp_path / "volumes.csv", content, lambda s, p: import_volumes(s, p, batch_size=2))


@ON_DATABASE
@given(content=files("volumes"), reason=st.one_of(st.just("rättat underlag"), ANY_TEXT))
def test_volume_correction(world, content, reason):
    engine, tmp_path = world
    on_database(engine, tmp_path / "fix.csv", content,
                lambda s, p: correct_volumes(s, p, reason, batch_size=3))


@ON_DATABASE
@given(content=files("amounts"))
def test_pass_through_import(world, content):
    engine, tmp_path = world
    on_database(engine, tmp_path / "amounts.csv", content, import_pass_through)


@ON_DATABASE
@given(content=files("invoices"))
def test_supplier_invoice_allocation(world, content):
    engine, tmp_path = world
    on_database(engine, tmp_path / "invoices.csv", content, allocate_supplier_invoices)


@ON_DATABASE
@given(content=st.one_of(mutated(WORLD_AGENCIES), st.binary(max_size=300)))
def test_agencies_import(world, content):
    engine, tmp_path = world
    on_database(engine, tmp_path / "agencies.toml", content, import_agencies)


@ON_DATABASE
@given(which=st.sampled_from(["catalogue.toml", "standard-2012-06.toml", "standard-2013-01.toml"]),
       content=st.data())
def test_tariffs_load(world, which, content):
    engine, tmp_path = world
    directory = tmp_path / "tariffs"
    if not directory.exists():
        shutil.copytree(TARIFFS, directory)
    original = (TARIFFS / which).read_text(encoding="utf-8")
    data = content.draw(st.one_of(mutated(original), st.binary(max_size=300)))
    on_database(engine, directory / which, data, lambda s, p: load_tariffs(s, directory))
    (directory / which).write_text(original, encoding="utf-8")


@PURE
@given(content=files("costs"))
def test_cost_file(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("costs") / "costs.csv"
    path.write_bytes(content)
    accepted_or_located(path, lambda: read_costs(path))


@PURE
@given(content=files("payments"))
def test_payment_file(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("payments") / "bank.csv"
    path.write_bytes(content)
    accepted_or_located(path, lambda: read_payments(path))
