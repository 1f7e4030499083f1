"""Loading the catalogue and price lists into the database: idempotent, all or
nothing, and a price list that priced an issued invoice is frozen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.errors import DataError
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.mapping import load_price_lists
from billing.persistence.models import PriceListRow, ServiceRow
from billing.services.billing_run import run_month
from billing.services.tariffs import load_tariffs
from db_helpers import (ORG_A, TARIFFS, check_assumed_prices, copy_tariffs, counts, dump,
                        set_price, setup_world, write)

ALL_LISTS = ["kammarkollegiet-2012-01", "standard-2012-06", "standard-2013-01"]


def _load(engine, directory):
    with Session(engine) as session, session.begin():
        return load_tariffs(session, directory)


def _stored(engine):
    """Everything a tariff load writes, except its import batch."""
    tables = dump(engine)
    return tables["services"], tables["price_lists"]


def _prices(engine) -> dict[str, dict[str, Decimal]]:
    with Session(engine) as session:
        return {p.id: p.prices for p in load_price_lists(session)}


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _price_line(path, code):
    return next(line for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith(f"{code} = "))


def test_load_stores_catalogue_and_every_price_list(engine):
    result = _load(engine, TARIFFS)

    assert len(result.services_added) == 37  # [[services]] tables in catalogue.toml
    assert sorted(result.added) == ALL_LISTS
    assert (result.replaced, result.unchanged) == ([], [])
    with Session(engine) as session:
        rows = {r.id: (r.series, r.valid_from, r.currency)
                for r in session.scalars(sa.select(PriceListRow))}
        payslip = session.get(ServiceRow, "FIN-ASSET")
        order = session.get(ServiceRow, "EPR-ORDER")
    assert rows == {
        "kammarkollegiet-2012-01": ("kammarkollegiet", date(2012, 1, 1), "SEK"),
        "standard-2012-06": ("standard", date(2012, 6, 1), "SEK"),
        "standard-2013-01": ("standard", date(2013, 1, 1), "SEK"),
    }
    assert (payslip.area, payslip.tier, payslip.charge, payslip.measure) == (
        "finance", "basic", "per_unit", "stock")
    assert order.requires_any == ["EPR-INV-CODED", "EPR-INV-UNCODED"]
    # The stored documents read back exactly as the files wrote them, trailing
    # zeros included.
    check_assumed_prices()
    prices = _prices(engine)
    assert str(prices["standard-2012-06"]["PAY-SLIP-DEV"]) == "66.00"
    assert str(prices["standard-2012-06"]["FIN-ASSET"]) == "3.50"
    for path in TARIFFS.glob("*-*.toml"):
        list_id = path.stem
        for code in ("EPR-ORDER", "FIN-ADD-ACCESS"):
            written = _price_line(path, code).split('"')[1]
            assert str(prices[list_id][code]) == written


def test_loading_twice_changes_nothing(engine):
    _load(engine, TARIFFS)
    before = _stored(engine)

    again = _load(engine, TARIFFS)

    assert again.services_added == again.added == again.replaced == []
    assert sorted(again.unchanged) == ALL_LISTS
    assert _stored(engine) == before  # loaded_at included: rows untouched
    assert counts(engine)["import_batches"] == 2  # each load is recorded


def test_layout_and_comment_changes_are_not_changes(engine, tmp_path):
    tariffs = copy_tariffs(tmp_path)
    _load(engine, tariffs)
    before = _stored(engine)
    line = _price_line(tariffs / "standard-2012-06.toml", "PAY-SLIP-DEV")
    _edit(tariffs / "standard-2012-06.toml", line, f"{line}   # same price, new comment\n")
    result = _load(engine, tariffs)
    assert result.replaced == [] and sorted(result.unchanged) == ALL_LISTS
    assert _stored(engine) == before


def test_changed_price_list_is_replaced_while_no_invoice_uses_it(engine, tmp_path):
    tariffs = copy_tariffs(tmp_path)
    setup_world(engine, tmp_path, tariffs=tariffs)
    set_price(tariffs / "standard-2012-06.toml", "PAY-SLIP-DEV", "71.10")

    result = _load(engine, tariffs)

    assert result.replaced == ["standard-2012-06"]
    assert sorted(result.unchanged) == ["kammarkollegiet-2012-01", "standard-2013-01"]
    assert str(_prices(engine)["standard-2012-06"]["PAY-SLIP-DEV"]) == "71.10"
    # The next run prices with the replaced version: Alfaverket's 3 payslips
    # at 71.10 = 213.30.
    with Session(engine) as session, session.begin():
        issued = run_month(session, Month(2012, 11), date(2012, 12, 5)).invoices
    alfa = next(i for i in issued if i.organisation_number == ORG_A)
    payslips = next(line for line in alfa.lines if line.service_code == "PAY-SLIP-DEV")
    assert (payslips.unit_price, payslips.amount) == (Decimal("71.10"), Decimal("213.30"))


def test_price_list_that_priced_an_issued_invoice_cannot_change(engine, tmp_path):
    tariffs = copy_tariffs(tmp_path)
    setup_world(engine, tmp_path, tariffs=tariffs)
    with Session(engine) as session, session.begin():
        run_month(session, Month(2012, 11), date(2012, 12, 5))
    check_assumed_prices(tariffs / "standard-2012-06.toml")
    set_price(tariffs / "standard-2012-06.toml", "PAY-SLIP-DEV", "71.10")
    before = dump(engine)

    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            load_tariffs(session, tariffs)

    text = str(refused.value)
    assert "price list standard-2012-06 has priced issued invoices and cannot change" in text
    assert f"{tariffs / 'standard-2012-06.toml'} [id]" in text
    assert dump(engine) == before
    with Session(engine) as session:
        line = next(l for inv in read_documents(session) for l in inv.lines
                    if l.service_code == "PAY-SLIP-DEV")
    assert line.unit_price == Decimal("66.00")  # the price it was issued at


def test_unused_price_list_can_change_beside_a_frozen_one(engine, tmp_path):
    tariffs = copy_tariffs(tmp_path)
    setup_world(engine, tmp_path, tariffs=tariffs)
    with Session(engine) as session, session.begin():
        run_month(session, Month(2012, 11), date(2012, 12, 5))
    # standard-2013-01 has priced nothing yet.
    set_price(tariffs / "standard-2013-01.toml", "PAY-SLIP-DEV", "71.10")
    result = _load(engine, tariffs)
    assert result.replaced == ["standard-2013-01"]
    assert str(_prices(engine)["standard-2013-01"]["PAY-SLIP-DEV"]) == "71.10"


BAD_PRICE_LIST = """\
id = "standard-2013-02"
series = "standard"
currency = "SEK"
valid_from = 2012-06-15
default_vat_rate = "25"

[base_fees.payroll]
fixed = "3000.00"
variable = { model = "per_employee", rate = "30.00" }

[prices]
PAY-SLIP-DEV = "62.00"
"""


def test_bad_price_list_refuses_the_whole_directory(engine, tmp_path):
    before = dump(engine)  # empty but for the seeded invoice number series
    tariffs = copy_tariffs(tmp_path)
    bad = write(tariffs, "standard-2013-02.toml", BAD_PRICE_LIST)

    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            load_tariffs(session, tariffs)

    text = str(refused.value)
    assert f"{bad}:4 [valid_from]" in text
    assert "valid_from must be the first day of a month, not 2012-06-15" in text
    # Neither the catalogue nor the three good price lists were stored.
    assert dump(engine) == before


def test_bad_price_list_leaves_an_earlier_load_untouched(engine, tmp_path):
    tariffs = copy_tariffs(tmp_path)
    _load(engine, tariffs)
    before = dump(engine)
    set_price(tariffs / "standard-2013-01.toml", "PAY-SLIP-DEV", "71.10")
    write(tariffs, "standard-2013-02.toml", BAD_PRICE_LIST)
    with pytest.raises(DataError):
        with Session(engine) as session, session.begin():
            load_tariffs(session, tariffs)
    assert dump(engine) == before  # the valid edit of standard-2013-01 was not stored either


@pytest.mark.parametrize("change, message, field", [
    (lambda d: _edit(d / "standard-2012-06.toml", "[prices]\n", '[prices]\nPAY-SLIP-NONE = "1.00"\n'),
     "unknown service PAY-SLIP-NONE", "prices.PAY-SLIP-NONE"),
    (lambda d: write(d, "copy.toml", (d / "standard-2013-01.toml").read_text(encoding="utf-8")
                     .replace("valid_from = 2013-01-01", "valid_from = 2013-02-01")),
     "standard-2013-01.toml [id]: id standard-2013-01 is also in copy.toml", "id"),
    (lambda d: _edit(d / "catalogue.toml", 'name = "Kundfakturering, per kundfaktura"',
                     'name = "Kundfakturering, per faktura"'),
     "service FIN-CUSTINV differs from the stored one", "services"),
], ids=["unknown service", "duplicate id", "changed catalogue service"])
def test_inconsistent_directory_is_refused(engine, tmp_path, change, message, field):
    tariffs = copy_tariffs(tmp_path)
    _load(engine, tariffs)
    before = dump(engine)
    change(tariffs)
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            load_tariffs(session, tariffs)
    assert message in str(refused.value)
    assert any(p.field == field for p in refused.value.problems)
    assert dump(engine) == before
