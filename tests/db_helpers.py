"""Shared setup for the database integration tests.

A small "world": the real tariffs directory, three agencies and a volume file
per month, written to the test's tmp_path. Every number in it is chosen so
that the tests can work out the expected amounts by hand from
tariffs/standard-2012-06.toml.

World (all sizes from 2012-06-01; payroll agreements connected 2012-06-01,
finance 2012-07-01, e-procurement 2012-08-01, so there is no connection fee
and no proration in 2012-11 or 2012-12; in the file each agency's agreements
are in connection-date order, as the database returns them):

    ORG_A Alfaverket    1 employee   payroll (buyer reference A-100)
    ORG_B Betaverket    2 employees  payroll, finance (buyer reference B-200)
    ORG_C Gammaverket   4 employees  payroll, e-procurement (EPR-INV-CODED, EPR-ORDER only)

Invoices are numbered in organisation-number order: A, B, C.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session
from stdnum import luhn

from billing.period import Month
from billing.persistence.models import Base
from billing.services.agencies import import_agencies
from billing.services.billing_run import Override, run_month
from billing.services.corrections import Correction, correct_month
from billing.services.passthrough import import_pass_through
from billing.services.tariffs import load_tariffs
from billing.services.volumes import correct_volumes, import_volumes

ROOT = Path(__file__).resolve().parents[1]
TARIFFS = ROOT / "tariffs"


# The prices of tariffs/standard-2012-06.toml that the hand-worked amounts in
# the tests are computed from. check_assumed_prices() fails loudly, naming the
# price, if the file is recalibrated: then the comments and expectations of the
# tests that call it must be worked out again.
ASSUMED_2012_06 = {
    "base_fees.payroll.fixed": "3000.00",
    "base_fees.payroll.variable.rate": "40.00",            # per employee
    "base_fees.finance.fixed": "10000.00",
    "base_fees.finance.variable.tiers": "156.00/91.00/58.50",  # 1-100, 101-1000, above
    "base_fees.eprocurement.fixed": "2500.00",
    "base_fees.eprocurement.variable.bands.0": "750.00",   # up to 49 employees
    "prices.PAY-SLIP-DEV": "66.00",
    "prices.PAY-SLIP-ATT": "68.00",
    "prices.PAY-EXPENSE": "18.00",
    "prices.FIN-CUSTINV": "45.00",
    "prices.FIN-ASSET": "3.50",
    "prices.FIN-ADD-ACCESS": "2500.00",
    "prices.EPR-INV-CODED": "34.00",
    "connection_fees.payroll": "75000.00",
    "connection_fees.finance": "60000.00",
    "default_vat_rate": "25",
}


def check_assumed_prices(path: Path | None = None) -> None:
    data = tomllib.loads((path or TARIFFS / "standard-2012-06.toml").read_text(encoding="utf-8"))
    base = data["base_fees"]
    actual = {
        "base_fees.payroll.fixed": base["payroll"]["fixed"],
        "base_fees.payroll.variable.rate": base["payroll"]["variable"]["rate"],
        "base_fees.finance.fixed": base["finance"]["fixed"],
        "base_fees.finance.variable.tiers": "/".join(
            t["rate"] for t in base["finance"]["variable"]["tiers"]),
        "base_fees.eprocurement.fixed": base["eprocurement"]["fixed"],
        "base_fees.eprocurement.variable.bands.0": base["eprocurement"]["variable"]["bands"][0]["amount"],
        **{f"prices.{code}": price for code, price in data["prices"].items()},
        **{f"connection_fees.{area}": fee for area, fee in data["connection_fees"].items()},
        "default_vat_rate": data["default_vat_rate"],
    }
    changed = {key: (value, actual.get(key)) for key, value in ASSUMED_2012_06.items()
               if actual.get(key) != value}
    assert not changed, ("tariffs/standard-2012-06.toml was recalibrated; the hand-worked "
                         f"amounts of these tests assume other prices (assumed, now): {changed}")


def set_price(path: Path, code: str, price: str) -> None:
    """Change one `CODE = "price"` line of a price-list file."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf'(?m)^{re.escape(code)} = "[^"]*"', f'{code} = "{price}"', text)
    assert count == 1, code
    path.write_text(new, encoding="utf-8")


def orgnr(nine_digits: str) -> str:
    """A valid organisation number NNNNNN-NNNN: nine digits plus their Luhn check digit."""
    assert len(nine_digits) == 9 and nine_digits.isdigit()
    return f"{nine_digits[:6]}-{nine_digits[6:]}{luhn.calc_check_digit(nine_digits)}"


# Every agency of the database tests, by name. A name means one agency across
# the suite: one organisation number and one setup (a test may change an
# agency of the world, as an agencies file would, but never reuses its name
# for another). All numbers sort after ORG_C, so an agency added to the world
# is invoiced after Alfa, Beta and Gamma.
ORG_A = orgnr("202100000")  # 202100-0001 Alfaverket, the world (above)
ORG_B = orgnr("202100001")  # 202100-0019 Betaverket, the world
ORG_C = orgnr("202100002")  # 202100-0027 Gammaverket, the world
ORG_D = orgnr("202100003")  # 202100-0035 Deltaverket: joins after a run (test_corrections)
ORG_ZETA = orgnr("202100004")  # 202100-0043 Zetaverket: connects 2012-10-10 (test_billing_run)
ORG_E = orgnr("202100005")  # 202100-0050 Epsilonverket: every kind of line, EPSILON below
ORG_ETA = orgnr("202100006")  # 202100-0068 Etaverket: every field of a file (test_imports_agencies)
ORG_THETA = orgnr("202100007")  # 202100-0076 Thetaverket: history for estimates (test_quote)
ORG_JOTA = orgnr("202100008")  # 202100-0084 Jotaverket: a series without versions (test_billing_run)
ORG_UNKNOWN = orgnr("202100009")  # 202100-0092 valid, never imported
ORG_KAPPA = orgnr("202100010")  # 202100-0100 Kappaverket: Kammarkollegiet's series (test_billing_run)
ORG_LAMBDA = orgnr("202100011")  # 202100-0118 Lambdaverket: finance from 2012-11-24 (test_billing_run)
ORG_MY = orgnr("202100012")  # 202100-0126 Myverket: agreed prices (test_audit_trace)
ORG_NY = orgnr("202100013")  # 202100-0134 Nyverket: 10 employees, payroll (test_corrections)
ORG_XI = orgnr("202100014")  # 202100-0142 Xiverket: payroll only (test_corrections)
ORG_OMIKRON = orgnr("202100015")  # 202100-0159 Omikronverket (test_persistence_roundtrip)
ORG_RHO = orgnr("202100016")  # 202100-0167 Rhoverket: an equal share with Sigmaverket (test_imports_passthrough)
ORG_SIGMA = orgnr("202100017")  # 202100-0175 Sigmaverket: an equal share with Rhoverket (test_imports_passthrough)

# Every kind of line: a connection fee and an agreed connection item, proration
# (connected mid-month), an agreed price, graduated tiers, a subscription from
# the 10th, a discount, hours with decimals, pass-through amounts at 6, 12, 0 %.
EPSILON = f"""
[[agencies]]
organisation_number = "{ORG_E}"
name = "Epsilonverket"
address = {{ street = "Box 1001", postal_code = "103 11", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 250 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-11-16
  buyer_reference = "E-1"
  agreed_prices = {{ PAY-ADD-DEDUCT = "8.00" }}
  connection_items = [ {{ description = "Integration mot ekonomisystem", amount = "45000.00", on = 2012-11-20 }} ]

  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-07-01
  subscriptions = [ {{ service = "FIN-ADD-ACCESS", from = 2012-11-10 }} ]

  [[agencies.discounts]]
  percent = "20"
  parts = ["base_fixed", "base_variable"]
  area = "finance"
  from = "2012-11"
  to = "2012-12"
  reason = "Eget ekonomisystem"
"""


VOLUME_HEADER = "period,organisation_number,service,quantity,source,reference"
AMOUNTS_HEADER = ("period,organisation_number,area,description,amount,vat_rate,supplier,reference,"
                  "vat_exemption_code,vat_exemption_reason")
# The two exemption columns of a pass-through amount at 0 %: postage re-invoiced at cost.
POSTAGE = "VATEX-EU-132-1A,Undantaget från skatteplikt: posttjänster"

WORLD_AGENCIES = f"""\
[[agencies]]
organisation_number = "{ORG_A}"
name = "Alfaverket"
address = {{ street = "Box 1002", postal_code = "103 12", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 1 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "A-100"

[[agencies]]
organisation_number = "{ORG_B}"
name = "Betaverket"
address = {{ street = "Box 1003", postal_code = "103 13", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 2 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01
  buyer_reference = "B-200"

  [[agencies.agreements]]
  area = "finance"
  connected_on = 2012-07-01
  buyer_reference = "B-200"

[[agencies]]
organisation_number = "{ORG_C}"
name = "Gammaverket"
address = {{ street = "Box 1004", postal_code = "103 14", city = "Stockholm" }}
sizes = [ {{ from = 2012-06-01, employees = 4 }} ]

  [[agencies.agreements]]
  area = "payroll"
  connected_on = 2012-06-01

  [[agencies.agreements]]
  area = "eprocurement"
  connected_on = 2012-08-01
  services = ["EPR-INV-CODED", "EPR-ORDER"]
"""

_PAYROLL_C = ('sizes = [ { from = 2012-06-01, employees = 4 } ]\n\n'
              '  [[agencies.agreements]]\n  area = "payroll"\n  connected_on = 2012-06-01\n')


def with_gamma_reference(text: str = WORLD_AGENCIES) -> str:
    """The world with a buyer reference on Gammaverket's payroll agreement
    ("C-300"), which an e-invoice needs (BT-10)."""
    assert text.count(_PAYROLL_C) == 1
    return text.replace(_PAYROLL_C, _PAYROLL_C + '  buyer_reference = "C-300"\n')


# One file per month; line numbers in comments (the header is line 1).
WORLD_VOLUMES = {
    "2012-11": [
        f"2012-11,{ORG_A},PAY-SLIP-DEV,3,Palasso,",          # line 2
        f"2012-11,{ORG_B},PAY-SLIP-DEV,5,Palasso,",          # line 3
        f"2012-11,{ORG_B},FIN-CUSTINV,30,Agresso,",          # line 4
        f"2012-11,{ORG_B},FIN-ASSET,200,Agresso,",           # line 5
        f"2012-11,{ORG_C},PAY-SLIP-ATT,8,Palasso,",          # line 6
        f"2012-11,{ORG_C},EPR-INV-CODED,7,Proceedo,",        # line 7
    ],
    "2012-12": [
        f"2012-12,{ORG_A},PAY-SLIP-DEV,4,Palasso,",
        f"2012-12,{ORG_B},PAY-SLIP-DEV,6,Palasso,",
        f"2012-12,{ORG_B},FIN-ASSET,201,Agresso,",
        f"2012-12,{ORG_C},EPR-INV-CODED,9,Proceedo,",
    ],
}


# The world's December differs from its November on purpose (usage dropped,
# a service gone): billed deliberately past the guards of audit/volume_guards.py.
WORLD_CHANGES = Override(("all",), "the test world's usage changes from month to month")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_volumes(directory: Path, name: str, rows: list[str],
                  header: str = VOLUME_HEADER) -> Path:
    return write(directory, name, "\n".join([header, *rows]) + "\n")


def write_amounts(directory: Path, name: str, rows: list[str],
                  header: str = AMOUNTS_HEADER) -> Path:
    """A pass-through amounts file."""
    return write(directory, name, "\n".join([header, *rows]) + "\n")


def copy_tariffs(directory: Path) -> Path:
    """A private copy of the real tariffs directory, for tests that change it."""
    target = directory / "tariffs"
    shutil.copytree(TARIFFS, target)
    return target


@dataclass
class World:
    agencies: Path
    volumes: dict[str, Path] = field(default_factory=dict)
    issued: dict[str, tuple] = field(default_factory=dict)  # month -> invoices, by billed()


def load_world(session: Session, tmp_path: Path, months: tuple[str, ...] = ("2012-11",),
               agencies_text: str = WORLD_AGENCIES, tariffs: Path = TARIFFS) -> World:
    """Tariffs, the three agencies and the volumes of ``months``, in the caller's transaction."""
    load_tariffs(session, tariffs)
    world = World(write(tmp_path, "agencies.toml", agencies_text))
    import_agencies(session, world.agencies)
    for month in months:
        world.volumes[month] = write_volumes(tmp_path, f"volumes-{month}.csv", WORLD_VOLUMES[month])
        import_volumes(session, world.volumes[month])
    return world


def setup_world(engine: sa.Engine, tmp_path: Path, **kwargs) -> World:
    """load_world in a committed transaction of its own."""
    with Session(engine) as session, session.begin():
        return load_world(session, tmp_path, **kwargs)


def billed(engine: sa.Engine, tmp_path: Path, months: tuple[str, ...] = ("2012-11",),
           volumes: Path | None = None, amounts: Path | None = None, **kwargs) -> World:
    """setup_world, a further ``volumes`` file and a pass-through ``amounts``
    file if given, then each of ``months`` billed in order, each in its own
    transaction, on the 5th of the month after (2012-11 on 2012-12-05:
    invoices 1 A, 2 B, 3 C, then those of any agencies added)."""
    world = setup_world(engine, tmp_path, months=months, **kwargs)
    if volumes is not None:
        with Session(engine) as session, session.begin():
            import_volumes(session, volumes)
    if amounts is not None:
        with Session(engine) as session, session.begin():
            import_pass_through(session, amounts)
    for month in months:
        period = Month.parse(month)
        with Session(engine) as session, session.begin():
            world.issued[month] = run_month(session, period, period.next().first_day.replace(day=5),
                                            WORLD_CHANGES).invoices
    return world


def correct_alfaverket_payslips(engine: sa.Engine, tmp_path: Path,
                                reason: str = "en lönespecifikation saknades") -> Path:
    """Alfaverket's November payslips corrected 3 -> 4 (the volumes only, not the month): corrected.csv."""
    corrected = write_volumes(tmp_path, "corrected.csv", [f"2012-11,{ORG_A},PAY-SLIP-DEV,4,Palasso,"])
    with Session(engine) as session, session.begin():
        correct_volumes(session, corrected, reason)
    return corrected


def billed_and_corrected(engine: sa.Engine, tmp_path: Path) -> Correction:
    """The world billed for 2012-11, Alfaverket's payslips corrected 3 -> 4 and
    the month corrected on 2012-12-20: credit note 4 credits 1, invoice 5 replaces it."""
    billed(engine, tmp_path)
    correct_alfaverket_payslips(engine, tmp_path)
    with Session(engine) as session, session.begin():
        return correct_month(session, Month(2012, 11), date(2012, 12, 20))


def dump(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table, ordered: to show that a refused action changed nothing."""
    result = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            result[table.name] = [tuple(row) for row in
                                  connection.execute(sa.select(table).order_by(*order))]
    return result


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table))
                .scalar_one() for table in Base.metadata.sorted_tables}


def scalar(engine: sa.Engine, statement) -> object:
    with engine.connect() as connection:
        return connection.execute(statement).scalar()
