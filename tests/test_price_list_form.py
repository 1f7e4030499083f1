"""The stored form of a price list (persistence.price_list_form), on a pure level:
a domain PriceList to its canonical, versioned document and back, exactly."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from factories import (D, EPROCUREMENT, FINANCE, PAYROLL, bands, base_fee, per_employee, price_list,
                       tiers)

from billing.domain.tariff import PriceList
from billing.errors import BillingError
from billing.files.catalogue_file import load_catalogue
from billing.files.tariff_file import load_price_list
from billing.persistence.price_list_form import (FORM, content_hash, price_list_from_form,
                                                 stored_form)

TARIFFS = Path(__file__).resolve().parents[1] / "tariffs"

SMALL = PriceList(
    id="liten-2013-02", series="liten", currency="SEK", valid_from=date(2013, 2, 1),
    base_fees={PAYROLL: base_fee("100.00", per_employee("1.5")),
               FINANCE: base_fee("0.00", tiers((10, "2.00"), (None, "1.25"))),
               EPROCUREMENT: base_fee("50.00", bands((49, "10.00"), (None, "20.00")))},
    prices={"PAY-SLIP-DEV": D("62.1500")}, hourly_rates={"specialist": D("1100.00")},
    connection_fees={FINANCE: D("60000.00")}, default_vat_rate=D("25"),
    vat_rates={"base_fee": D("0"), "PAY-SLIP-DEV": D("12.00")})

# SMALL's stored form, written out by hand: sorted keys, no spaces, every
# decimal as its text with its own scale, the open last step's up_to null.
SMALL_FORM = (
    '{"base_fees":{'
    '"eprocurement":{"fixed":"50.00","variable":{"bands":[{"amount":"10.00","up_to":49},'
    '{"amount":"20.00","up_to":null}],"kind":"bands"}},'
    '"finance":{"fixed":"0.00","variable":{"kind":"tiers","tiers":[{"rate":"2.00","up_to":10},'
    '{"rate":"1.25","up_to":null}]}},'
    '"payroll":{"fixed":"100.00","variable":{"kind":"per_employee","rate":"1.5"}}},'
    '"connection_fees":{"finance":"60000.00"},"currency":"SEK","default_vat_rate":"25","form":2,'
    '"hourly_rates":{"specialist":"1100.00"},"id":"liten-2013-02","prices":{"PAY-SLIP-DEV":"62.1500"},'
    '"series":"liten","valid_from":"2013-02-01","vat_rates":{"PAY-SLIP-DEV":"12.00","base_fee":"0"}}')


def test_the_stored_form_of_a_price_list_is_its_canonical_document():
    assert FORM == 2
    assert stored_form(SMALL) == SMALL_FORM


def test_every_kind_of_item_reads_back_exactly():
    back = price_list_from_form(SMALL_FORM)

    assert back == SMALL
    assert back.base_fees[PAYROLL].variable == per_employee("1.5")
    assert back.base_fees[FINANCE].variable == tiers((10, "2.00"), (None, "1.25"))
    assert back.base_fees[EPROCUREMENT].variable == bands((49, "10.00"), (None, "20.00"))
    # decimals keep their scale: 62.1500 is not 62.15, 12.00 is not 12
    assert str(back.prices["PAY-SLIP-DEV"]) == "62.1500"
    assert str(back.vat_rates["PAY-SLIP-DEV"]) == "12.00"
    assert back.hourly_rates == {"specialist": D("1100.00")}
    assert back.connection_fees == {FINANCE: D("60000.00")}
    assert back.vat_rate("base_fee") == D("0") and back.vat_rate("FIN-CUSTINV") == D("25")


@pytest.mark.parametrize("the_list", [
    price_list(),  # per employee, tiers and bands; prices, hourly rates, connection fees
    price_list("special-2012-01", series="special", valid_from=date(2012, 1, 1),
               vat_rates={"base_fee": "0", "connection": "6", "PAY-SLIP-DEV": "12"},
               default_vat_rate="6", connection_fees={}, hourly_rates={}),
    price_list(base_fees={PAYROLL: base_fee("0.00", bands((None, "999999999999.99")))},
               prices={"PAY-SLIP-DEV": "0.0001"}),
], ids=["standard", "vat-rates-no-fees", "extremes"])
def test_round_trip(the_list):
    document = stored_form(the_list)

    assert price_list_from_form(document) == the_list
    assert stored_form(price_list_from_form(document)) == document
    assert json.loads(document)["form"] == 2


def test_a_tariff_file_and_its_stored_form_give_the_same_price_list():
    catalogue = load_catalogue(TARIFFS / "catalogue.toml")
    for path in sorted(TARIFFS.glob("*-*.toml")):
        from_file = load_price_list(path, catalogue)
        assert price_list_from_form(stored_form(from_file)) == from_file, path.name


def test_the_content_hash_is_of_the_stored_document():
    # sha256 of the document's UTF-8 text, as the audit's integrity check recomputes it
    assert content_hash(SMALL_FORM) == hashlib.sha256(SMALL_FORM.encode("utf-8")).hexdigest()
    assert content_hash(stored_form(SMALL)) != content_hash(stored_form(price_list()))


def _altered(change) -> str:
    data = json.loads(SMALL_FORM)
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize("document, message", [
    # the form before 0002: the dump of the file model, without "form"
    (_altered(lambda d: d.pop("form")), "stored price list liten-2013-02 is in form 1, not 2"),
    (_altered(lambda d: d.update(form=3)), "is in form 3, not 2"),
    (_altered(lambda d: d.update(extra={})), "does not have the keys of form 2: extra"),
    # a number, not text: it would have passed through a float
    (_altered(lambda d: d["prices"].update({"PAY-SLIP-DEV": 62.15})), "62.15 is not text"),
    (_altered(lambda d: d["base_fees"]["payroll"]["variable"].update(kind="steps")),
     "not a variable base fee"),
    (_altered(lambda d: d["base_fees"]["finance"]["variable"]["tiers"][0].update(up_to="10")),
     "'10' is not a whole number"),
    (_altered(lambda d: d.update(valid_from="2013-02-30")), "cannot be read as form 2"),
    (_altered(lambda d: d["prices"].update({"PAY-SLIP-DEV": "NaN"})), "not a finite decimal"),
    ("[]", "not a JSON object"),
    ("{", "not JSON"),
])
def test_anything_but_form_2_is_refused_by_name(document, message):
    with pytest.raises(BillingError) as refused:
        price_list_from_form(document)
    assert message in str(refused.value)
