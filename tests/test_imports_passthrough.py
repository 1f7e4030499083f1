"""Pass-through (vidarefakturering): amounts per agency and allocated sub-supplier
invoices, stored exactly, idempotent, and billed as pass-through lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.domain.agency import FeePart
from billing.errors import DataError
from billing.period import Month
from billing.persistence.documents import read_documents
from billing.persistence.models import AgencyRow, PassThroughRow
from billing.services.agencies import import_agencies
from billing.services.billing_run import run_month
from billing.services.passthrough import allocate_supplier_invoices, import_pass_through
from billing.services.tariffs import load_tariffs
from db_helpers import (ORG_A, ORG_B, ORG_C, ORG_RHO, ORG_SIGMA, ORG_UNKNOWN, POSTAGE, TARIFFS,
                        check_assumed_prices, dump, setup_world, write)

AMOUNTS_HEADER = ("period,organisation_number,area,description,amount,vat_rate,supplier,reference,"
                  "vat_exemption_code,vat_exemption_reason")
SUPPLIER_HEADER = "period,supplier,reference,area,description,amount,key,vat_rate"

AMOUNTS = f"""\
{AMOUNTS_HEADER}
2012-11,{ORG_A},payroll,Systemtjänst Palasso november,1234.56,25,Skatteverket,SKV-2012-1101
2012-11,{ORG_B},finance,Systemtjänst Agresso november,0.10,,Skatteverket,SKV-2012-1102
2012-11,{ORG_C},payroll,Kreditering oktober,-0.01,0,Skatteverket,SKV-2012-1103,{POSTAGE}
"""

BY_EMPLOYEES = f"""\
{SUPPLIER_HEADER}
2012-11,Försäkringskassan,FK-88231,payroll,Systemtjänst POL november,1000.00,employees,25
"""

BY_SERVICE = f"""\
{SUPPLIER_HEADER}
2012-11,Skatteverket,SKV-9,payroll,Palasso per lönespecifikation,100.01,service:PAY-SLIP-DEV,25
"""


def _charges(engine):
    """(organisation number, area, description, amount text, VAT text, supplier, reference, key)."""
    with Session(engine) as session:
        rows = session.execute(sa.select(PassThroughRow, AgencyRow.organisation_number)
                               .join(AgencyRow).order_by(PassThroughRow.id)).all()
    return [(org, r.area, r.description, str(r.amount), str(r.vat_rate), r.supplier, r.reference,
             r.allocation_key) for r, org in rows]


def _in_session(engine, action, path):
    with Session(engine) as session, session.begin():
        result = action(session, path)
        return result.added, result.skipped


def _run_november(engine):
    with Session(engine) as session, session.begin():
        run_month(session, Month(2012, 11), date(2012, 12, 5))
    with Session(engine) as session:
        return {invoice.organisation_number: invoice for invoice in read_documents(session)}


def test_amounts_are_stored_exactly_and_import_is_idempotent(engine, tmp_path):
    setup_world(engine, tmp_path)
    path = write(tmp_path, "amounts.csv", AMOUNTS)

    assert _in_session(engine, import_pass_through, path) == (3, 0)
    expected = [
        (ORG_A, "payroll", "Systemtjänst Palasso november", "1234.56", "25", "Skatteverket",
         "SKV-2012-1101", None),
        # VAT rate left empty: the default 25 %. The amount keeps its trailing zero.
        (ORG_B, "finance", "Systemtjänst Agresso november", "0.10", "25", "Skatteverket",
         "SKV-2012-1102", None),
        (ORG_C, "payroll", "Kreditering oktober", "-0.01", "0", "Skatteverket", "SKV-2012-1103", None),
    ]
    assert _charges(engine) == expected

    assert _in_session(engine, import_pass_through, path) == (0, 3)
    assert _charges(engine) == expected


def test_amounts_appear_on_the_invoices(engine, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path)
    _in_session(engine, import_pass_through, write(tmp_path, "amounts.csv", AMOUNTS))

    invoices = _run_november(engine)

    # Alfaverket: payroll 3000.00 + 1 x 40.00 + 3 payslips x 66.00 = 3238.00,
    # plus 1234.56 passed through = 4472.56; VAT 25 % = 1118.14;
    # 5590.70 rounds to 5591, rounding +0.30.
    alfa = invoices[ORG_A]
    line = next(l for l in alfa.lines if l.part is FeePart.PASS_THROUGH)
    assert (line.description, line.quantity, line.unit_price, line.amount, line.vat_rate) == (
        "Systemtjänst Palasso november", Decimal("1"), Decimal("1234.56"), Decimal("1234.56"),
        Decimal("25"))
    assert line.price_list_id is None
    assert line.detail == "Skatteverket SKV-2012-1101"
    assert len(line.pass_through_ids) == 1
    assert (alfa.totals.net, alfa.totals.vat, alfa.totals.rounding, alfa.totals.payable) == (
        Decimal("4472.56"), Decimal("1118.14"), Decimal("0.30"), Decimal("5591"))
    # Betaverket: 3000.00 + 2 x 40.00 + 5 x 66.00 (payroll 3410.00) + finance
    # 10000.00 + 2 x 156.00 + 30 x 45.00 + 200 x 3.50 (12362.00) = 15772.00,
    # plus 0.10 = 15772.10; VAT 3943.025 -> 3943.03 (half up); 19715.13 -> 19715.
    beta = invoices[ORG_B]
    assert [l.amount for l in beta.lines if l.part is FeePart.PASS_THROUGH] == [Decimal("0.10")]
    assert (beta.totals.net, beta.totals.vat, beta.totals.rounding, beta.totals.payable) == (
        Decimal("15772.10"), Decimal("3943.03"), Decimal("-0.13"), Decimal("19715"))
    # Gammaverket: payroll 3000.00 + 4 x 40.00 + 8 x 68.00 = 3704.00; e-procurement
    # 2500.00 + 750.00 (band up to 49) + 7 x 34.00 = 3488.00; 7192.00 at 25 %
    # (VAT 1798.00) and -0.01 at 0 % (VAT 0.00): net 7191.99, gross 8989.99 -> 8990.
    gamma = invoices[ORG_C]
    # (In rate order: the order read back is the subject of a test in test_billing_run.)
    assert sorted((s.rate, s.taxable, s.vat) for s in gamma.totals.vat_subtotals) == [
        (Decimal("0"), Decimal("-0.01"), Decimal("0")),
        (Decimal("25"), Decimal("7192.00"), Decimal("1798.00"))]
    assert (gamma.totals.net, gamma.totals.vat, gamma.totals.rounding, gamma.totals.payable) == (
        Decimal("7191.99"), Decimal("1798.00"), Decimal("0.01"), Decimal("8990"))


def test_allocation_by_employees_adds_up_exactly(engine, tmp_path):
    setup_world(engine, tmp_path)
    path = write(tmp_path, "fk.csv", BY_EMPLOYEES)

    assert _in_session(engine, allocate_supplier_invoices, path) == (3, 0)

    # 1000.00 over the payroll agencies' sizes 1, 2 and 4 (of 7):
    #   exact 142.857142..., 285.714285..., 571.428571...
    #   floored to öre 142.85 + 285.71 + 571.42 = 999.98, 2 öre left over;
    #   remainders 0.714, 0.429, 0.857 öre: the two largest (Gamma, Alfa) get one each
    #   -> 142.86, 285.71, 571.43 = 1000.00.
    charges = _charges(engine)
    assert [(c[0], c[3], c[7]) for c in charges] == [
        (ORG_A, "142.86", "employees 1 of 7"),
        (ORG_B, "285.71", "employees 2 of 7"),
        (ORG_C, "571.43", "employees 4 of 7"),
    ]
    assert sum(Decimal(c[3]) for c in charges) == Decimal("1000.00")
    assert {(c[1], c[2], c[4], c[5], c[6]) for c in charges} == {
        ("payroll", "Systemtjänst POL november", "25", "Försäkringskassan", "FK-88231")}

    # Allocating the same file again changes nothing.
    assert _in_session(engine, allocate_supplier_invoices, path) == (0, 3)
    assert _charges(engine) == charges


def test_allocation_by_service_volume(engine, tmp_path):
    setup_world(engine, tmp_path)
    path = write(tmp_path, "skv.csv", BY_SERVICE)

    assert _in_session(engine, allocate_supplier_invoices, path) == (2, 0)

    # PAY-SLIP-DEV in 2012-11: Alfa 3, Beta 5, Gamma none (only PAY-SLIP-ATT), so 100.01 over 3:5:
    #   exact 37.50375 and 62.50625, floored 37.50 + 62.50 = 100.00, 1 öre left
    #   -> the larger remainder (Beta, 0.625 öre): 37.50 and 62.51.
    assert [(c[0], c[3], c[7]) for c in _charges(engine)] == [
        (ORG_A, "37.50", "service:PAY-SLIP-DEV 3 of 8"),
        (ORG_B, "62.51", "service:PAY-SLIP-DEV 5 of 8"),
    ]


def test_allocated_amounts_are_billed_as_pass_through_lines(engine, tmp_path):
    check_assumed_prices()
    setup_world(engine, tmp_path)
    _in_session(engine, allocate_supplier_invoices, write(tmp_path, "fk.csv", BY_EMPLOYEES))
    _in_session(engine, allocate_supplier_invoices, write(tmp_path, "skv.csv", BY_SERVICE))

    invoices = _run_november(engine)

    def passed_through(org):
        return [(l.area.value, l.description, l.amount, l.detail) for l in invoices[org].lines
                if l.part is FeePart.PASS_THROUGH]

    # Lines of an area ordered by description.
    assert passed_through(ORG_A) == [
        ("payroll", "Palasso per lönespecifikation", Decimal("37.50"), "Skatteverket SKV-9"),
        ("payroll", "Systemtjänst POL november", Decimal("142.86"), "Försäkringskassan FK-88231")]
    assert passed_through(ORG_B) == [
        ("payroll", "Palasso per lönespecifikation", Decimal("62.51"), "Skatteverket SKV-9"),
        ("payroll", "Systemtjänst POL november", Decimal("285.71"), "Försäkringskassan FK-88231")]
    assert passed_through(ORG_C) == [
        ("payroll", "Systemtjänst POL november", Decimal("571.43"), "Försäkringskassan FK-88231")]
    # Alfaverket: 3238.00 (see above) + 37.50 + 142.86 = 3418.36; VAT 854.59;
    # 4272.95 -> 4273, rounding +0.05.
    alfa = invoices[ORG_A].totals
    assert (alfa.net, alfa.vat, alfa.rounding, alfa.payable) == (
        Decimal("3418.36"), Decimal("854.59"), Decimal("0.05"), Decimal("4273"))
    # Every allocated charge is on exactly one line.
    with Session(engine) as session:
        stored_ids = set(session.scalars(sa.select(PassThroughRow.id)))
    billed_ids = [i for inv in invoices.values() for l in inv.lines for i in l.pass_through_ids]
    assert sorted(billed_ids) == sorted(stored_ids)


BAD = [
    ("unknown agency", import_pass_through,
     f"{AMOUNTS_HEADER}\n2012-11,{ORG_UNKNOWN},payroll,X,1.00,25,,\n", 2, "organisation_number",
     f"unknown agency {ORG_UNKNOWN}"),
    ("amount with three decimals", import_pass_through,
     f"{AMOUNTS_HEADER}\n2012-11,{ORG_A},payroll,X,1.005,25,,\n", 2, "amount", "at most two decimals"),
    ("VAT above 100", import_pass_through,
     f"{AMOUNTS_HEADER}\n2012-11,{ORG_A},payroll,X,1.00,125,,\n", 2, "vat_rate", "0-100"),
    ("changed amount of an imported charge", import_pass_through,
     AMOUNTS.replace("1234.56", "1234.57"), 2, "amount", "already imported with amount 1234.56"),
    ("no agency has the key", allocate_supplier_invoices,
     f"{SUPPLIER_HEADER}\n2012-11,S,R,finance,X,10.00,service:FIN-TIME,25\n", 2, "key",
     "no agency with an agreement in finance in 2012-11 has any service:FIN-TIME"),
    ("unknown key", allocate_supplier_invoices,
     f"{SUPPLIER_HEADER}\n2012-11,S,R,payroll,X,10.00,payslips,25\n", 2, "key", "key must be"),
]


@pytest.mark.parametrize("case, action, text, line, field, message", BAD, ids=[b[0] for b in BAD])
def test_bad_pass_through_input_changes_nothing(engine, tmp_path, case, action, text, line, field,
                                                message):
    setup_world(engine, tmp_path)
    _in_session(engine, import_pass_through, write(tmp_path, "amounts.csv", AMOUNTS))
    before = dump(engine)
    path = write(tmp_path, "bad.csv", text)

    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            action(session, path)

    assert f"{path}:{line} [{field}]" in str(refused.value)
    assert message in str(refused.value)
    assert dump(engine) == before


def test_pass_through_for_an_invoiced_month_is_refused(engine, tmp_path):
    setup_world(engine, tmp_path)
    _run_november(engine)
    before = dump(engine)
    path = write(tmp_path, "late.csv", AMOUNTS)
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_pass_through(session, path)
    assert f"{path}:2 [period]" in str(refused.value)
    assert "2012-11 is already billed" in str(refused.value) and "Alfaverket" in str(refused.value)
    assert dump(engine) == before


# The same charge twice in one file (period, agency, area, supplier, reference
# and description all equal) is either a duplicate to refuse, as the volume
# reader does, or two charges; it is not "already imported", since nothing was.
def test_repeated_line_within_one_file_is_refused(engine, tmp_path):
    setup_world(engine, tmp_path)
    before = dump(engine)
    path = write(tmp_path, "twice.csv", f"{AMOUNTS_HEADER}\n"
                 f"2012-11,{ORG_A},payroll,Licens,100.00,25,Leverantören,\n"
                 f"2012-11,{ORG_A},payroll,Licens,100.00,25,Leverantören,\n")
    with pytest.raises(DataError) as refused:
        with Session(engine) as session, session.begin():
            import_pass_through(session, path)
    assert f"{path}:3" in str(refused.value)
    assert dump(engine) == before


# --- one charge per identity: period, agency, supplier and supplier reference -------------

LICENCE = f"{AMOUNTS_HEADER}\n2012-11,{ORG_A},payroll,Licens,1000.00,25,Leverantören,L-1,,\n"


def test_a_changed_description_is_refused_not_billed_twice(engine, tmp_path):
    # Before: the identity included the description, so this second file was
    # stored as a second charge and Alfaverket was billed 2 x 1000.00.
    setup_world(engine, tmp_path)
    assert _in_session(engine, import_pass_through, write(tmp_path, "one.csv", LICENCE)) == (1, 0)
    before = dump(engine)
    renamed = write(tmp_path, "renamed.csv", LICENCE.replace(",Licens,", ",Licens lönesystem,"))
    with pytest.raises(DataError) as refused:
        _in_session(engine, import_pass_through, renamed)
    [problem] = refused.value.problems
    assert (problem.file, problem.line, problem.field) == (str(renamed), 2, "description")
    assert problem.message == (
        "Alfaverket: the charge Leverantören L-1 for 2012-11 is already imported with amount 1000.00, "
        f"description 'Licens', area payroll, VAT 25 % ({tmp_path / 'one.csv'}, line 2); a charge is not "
        "changed once imported: import the supplier's correction as charges of their own (a credit as a "
        "negative amount, the new amount, each with its own reference) for a month not yet billed")
    # Another amount or area is refused the same way, each naming its field.
    for change, field in ((",1000.00,", "amount"), (",payroll,", "area")):
        text = LICENCE.replace(change, {",1000.00,": ",1100.00,", ",payroll,": ",finance,"}[change])
        with pytest.raises(DataError) as refused:
            _in_session(engine, import_pass_through, write(tmp_path, "changed.csv", text))
        assert refused.value.problems[0].field == field
    assert dump(engine) == before
    # The same charge again: skipped.
    assert _in_session(engine, import_pass_through, write(tmp_path, "again.csv", LICENCE)) == (0, 1)
    invoices = _run_november(engine)
    assert [l.amount for l in invoices[ORG_A].lines if l.part is FeePart.PASS_THROUGH] == [Decimal("1000.00")]


def test_the_correction_route_is_charges_of_their_own(engine, tmp_path):
    setup_world(engine, tmp_path)
    _in_session(engine, import_pass_through, write(tmp_path, "one.csv", LICENCE))
    # The supplier credits L-1 and bills 1100.00 under new references.
    assert _in_session(engine, import_pass_through, write(tmp_path, "fix.csv", f"{AMOUNTS_HEADER}\n"
                       f"2012-11,{ORG_A},payroll,Kreditering L-1,-1000.00,25,Leverantören,K-1,,\n"
                       f"2012-11,{ORG_A},payroll,Licens,1100.00,25,Leverantören,L-2,,\n")) == (2, 0)
    invoices = _run_november(engine)
    lines = [l.amount for l in invoices[ORG_A].lines if l.part is FeePart.PASS_THROUGH]
    assert sorted(lines) == [Decimal("-1000.00"), Decimal("1000.00"), Decimal("1100.00")]
    assert sum(lines) == Decimal("1100.00")


def test_one_identity_twice_in_a_file_is_refused_whatever_the_description(engine, tmp_path):
    setup_world(engine, tmp_path)
    path = write(tmp_path, "twice.csv", f"{AMOUNTS_HEADER}\n"
                 f"2012-11,{ORG_B},payroll,Licens,100.00,25,Leverantören,L-1,,\n"
                 f"2012-11,{ORG_B},finance,Licens del 2,100.00,25,Leverantören,L-1,,\n")
    with pytest.raises(DataError) as refused:
        _in_session(engine, import_pass_through, path)
    [problem] = refused.value.problems
    assert (problem.line, problem.field) == (3, "reference")
    assert problem.message == "duplicate of line 2 (same period, agency, supplier and reference: one charge)"


def test_the_database_holds_one_charge_per_identity(engine, tmp_path):
    setup_world(engine, tmp_path)
    _in_session(engine, import_pass_through, write(tmp_path, "one.csv", LICENCE))
    with Session(engine) as session:
        stored = session.scalars(sa.select(PassThroughRow)).one()
    copy = {c.name: getattr(stored, c.name) for c in PassThroughRow.__table__.columns if c.name != "id"}
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as connection:
            connection.execute(sa.insert(PassThroughRow), [copy | {"description": "Licens lönesystem",
                                                                   "area": "finance"}])


# --- equal remainders go by organisation number --------------------------------------------

TWINS = {ORG_RHO: "Rhoverket", ORG_SIGMA: "Sigmaverket"}


def _twin(org: str) -> str:
    return f"""
[[agencies]]
organisation_number = "{org}"
name = "{TWINS[org]}"
address = {{ street = "Box 3", postal_code = "103 30", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 5 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
"""


@pytest.mark.parametrize("order", [(ORG_RHO, ORG_SIGMA), (ORG_SIGMA, ORG_RHO)], ids=["rho first", "sigma first"])
def test_an_equal_remainder_goes_by_organisation_number_not_import_order(engine, tmp_path, order):
    # 1000.01 by 5 and 5 employees: 500.005 each, floored 500.00 each, 1 öre left
    # over with equal remainders. It goes to the lower organisation number,
    # Rhoverket (202100-0167), whichever agency was stored first. Before, equal
    # remainders went by database id, so to whichever was imported first.
    with Session(engine) as session, session.begin():
        load_tariffs(session, TARIFFS)
    for org in order:
        with Session(engine) as session, session.begin():
            import_agencies(session, write(tmp_path, f"{org}.toml", _twin(org)))
    invoice = write(tmp_path, "fk.csv", f"{SUPPLIER_HEADER}\n"
                    "2012-11,Försäkringskassan,FK-1,payroll,Systemtjänst POL november,1000.01,employees,25\n")
    assert _in_session(engine, allocate_supplier_invoices, invoice) == (2, 0)
    shares = {org: Decimal(amount) for org, _, _, amount, *_ in _charges(engine)}
    assert shares == {ORG_RHO: Decimal("500.01"), ORG_SIGMA: Decimal("500.00")}
