"""Importing agencies and agreements: add, update, unchanged; a bad file changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.domain.agency import Agreement, ConnectionItem, Discount, FeePart, SizeChange, Subscription
from billing.domain.catalogue import ServiceArea
from billing.errors import DataError
from billing.files.agencies_file import load_agencies as read_agencies
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.mapping import load_agencies
from billing.persistence.models import ImportBatch
from billing.services.agencies import import_agencies
from billing.services.billing_run import run_month
from billing.services.catalogue import stored_catalogue
from billing.services.tariffs import load_tariffs
from db_helpers import (ORG_A, ORG_B, ORG_C, ORG_ETA, TARIFFS, WORLD_AGENCIES, counts, dump,
                        setup_world, write)


def _import(engine, path):
    with Session(engine) as session, session.begin():
        result = import_agencies(session, path)
        return result.added, result.updated, result.unchanged


def _agencies(engine):
    with Session(engine) as session:
        return {a.organisation_number: a for a in load_agencies(session).values()}


@pytest.fixture
def catalogue_loaded(engine):
    with Session(engine) as session, session.begin():
        load_tariffs(session, TARIFFS)
    return engine


FULL_AGENCY = f"""\
[[agencies]]
organisation_number = "{ORG_ETA.replace('-', '')}"
name = "Etaverket"
address = {{ street = "Box 1016", postal_code = "103 26", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 150 }}, {{ from = 2012-10-01, employees = 152 }} ]

  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-06-01
  ends_on = 2013-06-30
  buyer_reference = "H-9"
  price_series = "kammarkollegiet"
  transformed_on = 2013-01-01
  services = ["FIN-CUSTINV", "FIN-ADD-ACCESS", "FIN-ADD-SUPPORT"]
  agreed_prices = {{ FIN-ADD-SUPPORT = "612.5000" }}
  subscriptions = [ {{ service = "FIN-ADD-ACCESS", from = 2012-06-01, to = 2012-12-31 }} ]
  connection_items = [ {{ description = "Integration mot ekonomisystem", amount = "45000.10", on = 2012-10-01 }} ]
  connection_fee = false

  [[agencies.discounts]]
  percent = "12.50"
  parts = ["base_fixed", "base_variable"]
  area = "finance"
  from = "2012-06"
  to = "2012-12"
  reason = "Eget ekonomisystem"
"""


def test_add_stores_every_field(catalogue_loaded, tmp_path):
    engine = catalogue_loaded
    path = write(tmp_path, "agencies.toml", FULL_AGENCY)

    assert _import(engine, path) == (1, 0, 0)

    eta = _agencies(engine)[ORG_ETA]  # the dash was added on import
    assert eta.name == "Etaverket"
    assert eta.sizes == (SizeChange(date(2012, 6, 1), 150), SizeChange(date(2012, 10, 1), 152))
    assert eta.agreements == (Agreement(
        area=ServiceArea.FINANCE, connected_on=date(2012, 6, 1), ends_on=date(2013, 6, 30),
        buyer_reference="H-9", price_series="kammarkollegiet", transformed_on=date(2013, 1, 1),
        services=("FIN-CUSTINV", "FIN-ADD-ACCESS", "FIN-ADD-SUPPORT"),
        agreed_prices=(("FIN-ADD-SUPPORT", Decimal("612.5000")),),
        subscriptions=(Subscription("FIN-ADD-ACCESS", date(2012, 6, 1), date(2012, 12, 31)),),
        connection_items=(ConnectionItem("Integration mot ekonomisystem", Decimal("45000.10"),
                                         date(2012, 10, 1)),),
        connection_fee=False),)
    # Decimals inside the JSON columns keep their exact text.
    assert str(eta.agreements[0].agreed_prices[0][1]) == "612.5000"
    assert str(eta.agreements[0].connection_items[0].amount) == "45000.10"
    assert eta.discounts == (Discount(Decimal("12.50"), frozenset({FeePart.BASE_FIXED,
                                                                   FeePart.BASE_VARIABLE}),
                                      Month(2012, 6), Month(2012, 12), ServiceArea.FINANCE,
                                      "Eget ekonomisystem"),)
    assert str(eta.discounts[0].percent) == "12.50"
    with Session(engine) as session:
        batch = session.scalars(sa.select(ImportBatch).where(ImportBatch.kind == "agencies")).one()
    assert (batch.records_added, batch.records_skipped) == (1, 0)


def test_reimporting_the_same_file_is_unchanged(catalogue_loaded, tmp_path):
    engine = catalogue_loaded
    path = write(tmp_path, "agencies.toml", WORLD_AGENCIES + "\n" + FULL_AGENCY)
    assert _import(engine, path) == (4, 0, 0)
    before = dump(engine)

    assert _import(engine, path) == (0, 0, 4)

    after = dump(engine)
    assert len(after.pop("import_batches")) == len(before.pop("import_batches")) + 1
    assert len(after.pop("events")) == len(before.pop("events")) + 1  # the import is logged
    assert len(after.pop("chain_links")) == len(before.pop("chain_links")) + 1  # and its event linked
    assert after.pop("chain_head") != before.pop("chain_head")
    assert after == before  # no agency, size, agreement or discount row rewritten


# An update changes one agency: Alfaverket grows from 1 to 11 employees.
# Expected: 1 updated, 2 unchanged, and the new size stored. (Regression: the
# update once re-inserted the sizes before deleting the old rows and failed on
# uq_agency_sizes_agency_id_effective.)
def test_update_changes_a_size(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    changed = write(tmp_path, "changed.toml",
                    WORLD_AGENCIES.replace("employees = 1 }", "employees = 11 }"))

    assert _import(engine, changed) == (0, 1, 2)

    assert _agencies(engine)[ORG_A].sizes == (SizeChange(date(2012, 6, 1), 11),)
    assert _import(engine, changed) == (0, 0, 3)


def test_update_renames_an_agency_and_adds_a_new_one(engine, tmp_path):
    setup_world(engine, tmp_path, months=())
    changed = write(tmp_path, "changed.toml",
                    WORLD_AGENCIES.replace('"Betaverket"', '"Betaverket (nytt namn)"') + FULL_AGENCY)

    assert _import(engine, changed) == (1, 1, 2)

    agencies = _agencies(engine)
    assert agencies[ORG_B].name == "Betaverket (nytt namn)"
    assert agencies[ORG_B].sizes == (SizeChange(date(2012, 6, 1), 2),)
    assert len(agencies) == 4


# The file lists Betaverket's finance agreement (connected 2012-07-01) before
# its payroll agreement (2012-06-01), otherwise as in the world. Importing the same file again must
# report it unchanged. (Regression: the comparison with the stored agency was
# once sensitive to the order of agreements and sizes.)
def test_reimport_of_agreements_not_in_date_order_is_unchanged(catalogue_loaded, tmp_path):
    engine = catalogue_loaded
    text = f"""\
[[agencies]]
organisation_number = "{ORG_B}"
name = "Betaverket"
address = {{ street = "Box 1017", postal_code = "103 27", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 2 }} ]

  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-07-01
  buyer_reference = "B-200"

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "B-200"
"""
    path = write(tmp_path, "unordered.toml", text)
    assert _import(engine, path) == (1, 0, 0)
    # The cause, shown without the update path: what is stored reads back as
    # an agency unequal to the file's (same agreements, other order).
    with Session(engine) as session:
        from_file, = read_agencies(path, stored_catalogue(session))
    stored = _agencies(engine)[ORG_B]
    assert sorted(stored.agreements, key=str) == sorted(from_file.agreements, key=str)
    assert stored == from_file
    assert _import(engine, path) == (0, 0, 1)


BAD_FILES = [
    ("wrong check digit", lambda t: t.replace(ORG_C, "202100-0028"),
     "agencies[2].organisation_number", "not a valid Swedish organisation number"),
    ("unknown area", lambda t: t.replace('area = "eprocurement"', 'area = "hr"'),
     "agencies[2].agreements[1].area", "Input should be"),
    ("service of another area", lambda t: t.replace('"EPR-INV-CODED", "EPR-ORDER"', '"PAY-SLIP-DEV"'),
     "agencies[2].agreements[1].services", "PAY-SLIP-DEV is not a service of eprocurement"),
    ("e-ordering without invoice handling", lambda t: t.replace('"EPR-INV-CODED", "EPR-ORDER"', '"EPR-ORDER"'),
     "agencies[2].agreements[1].services", "EPR-ORDER is sold only together with"),
    ("overlapping agreements of one area",
     lambda t: t.replace('area = "finance"', 'area = "payroll"'),
     "agencies[1].agreements[1].connected_on", "two agreements for payroll overlap"),
    ("organisation number twice", lambda t: t.replace(ORG_C, ORG_A),
     "agencies[2].organisation_number", f"organisation number {ORG_A} also at agencies[0]"),
    ("no size", lambda t: t.replace("sizes = [ { from = 2012-06-01, employees = 4 } ]", "sizes = []"),
     "agencies[2].sizes", "at least 1 item"),
]


@pytest.mark.parametrize("case, corrupt, field, message", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_invalid_file_leaves_the_database_unchanged(engine, tmp_path, case, corrupt, field, message):
    setup_world(engine, tmp_path, months=())
    before = dump(engine)
    # The bad file also adds a valid new agency: it must not be stored either.
    path = write(tmp_path, "bad.toml", corrupt(WORLD_AGENCIES) + FULL_AGENCY)

    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_agencies(session, path)

    problems = refused.value.problems
    assert any(p.field == field and message in p.message and p.file == str(path)
               and p.line is not None for p in problems), problems
    assert dump(engine) == before


def test_problem_line_points_into_the_file(catalogue_loaded, tmp_path):
    engine = catalogue_loaded
    text = WORLD_AGENCIES.replace('area = "eprocurement"', 'area = "hr"')
    path = write(tmp_path, "bad.toml", text)
    expected_line = text.splitlines().index('  area = "hr"') + 1
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_agencies(session, path)
    assert f"{path}:{expected_line} [agencies[2].agreements[1].area]" in str(refused.value)
    assert "Gammaverket" in str(refused.value)
    assert counts(engine)["agencies"] == 0


def test_issued_invoices_keep_the_agency_as_it_was(engine, tmp_path):
    setup_world(engine, tmp_path)
    with Session(engine) as session, session.begin():
        issued = run_month(session, Month(2012, 11), date(2012, 12, 5)).invoices
    renamed = write(tmp_path, "renamed.toml", WORLD_AGENCIES
                    .replace('"Alfaverket"', '"Alfaverket (nytt namn)"')
                    .replace('buyer_reference = "A-100"', 'buyer_reference = "A-200"')
                    .replace("employees = 1 }", "employees = 9 }"))

    assert _import(engine, renamed) == (0, 1, 2)

    with Session(engine) as session:
        assert read_documents(session) == list(issued)
    assert issued[0].agency_name == "Alfaverket" and issued[0].buyer_reference == "A-100"
    assert _agencies(engine)[ORG_A].name == "Alfaverket (nytt namn)"
