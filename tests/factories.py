"""Small builders of domain values for the pure tests (no files, no database).

Each builder has plain defaults so a test states only what matters to it. The
defaults, used by many tests, are spelled out here once:

- catalogue(): a handful of real services of tariffs/catalogue.toml (codes,
  tiers and charges as there);
- price_list(): series "standard", valid from 2012-06-01, VAT 25 %, and
  base fees: payroll fixed 3 000.00 + 30.00 per employee,
  finance fixed 8 000.00 + tiers (1-100 at 120.00, 101-1000 at 70.00, then 45.00),
  eprocurement fixed 1 500.00 + bands (<=49: 500.00, <=199: 1 500.00, else 4 000.00);
  prices of PRICES, hourly rates of HOURLY_RATES, connection fees of CONNECTION_FEES;
- agency(): NAME with organisation number ORG, 100 employees since 2012-01-01,
  and the agreements given (default: one payroll agreement connected 2012-06-01).
  It is the one generic agency of the pure tests, each test stating the setup
  it needs; an agency with a name of its own also has a number of its own
  (OTHER_ORG is Arbetsdomstolen, BAD_CHECK_DIGIT_ORG Felsiffermyndigheten).
- document(): issued invoice 1 of ORG "Testmyndigheten" for 2012-11, dated
  2012-12-05, due 2013-01-04, with the lines given (default: one line, 2 x
  50.00 = 100.00 at 25 %: net 100.00, VAT 25.00, payable 125);
- head(): that document's header (agency id 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from billing.domain.agency import (Agency, Agreement, ConnectionItem, Discount, FeePart, SizeChange,
                                   Subscription)
from billing.domain.catalogue import Catalogue, Charge, Service, ServiceArea, Tier
from billing.domain.tariff import (Band, BaseFee, GraduatedTiers, PerEmployee, PriceList, RateTier,
                                   SizeBands)
from billing.domain.vat_exemption import VatExemption
from billing.domain.volume import PassThroughCharge, VolumeRecord
from billing.invoicing.document import AgencyDocument, DocumentKind, Invoice
from billing.invoicing.in_force import DocumentHead
from billing.invoicing.totals import compute_totals
from billing.period import Month
from billing.rating.lines import RatedLine
from billing.rating.rater import RatingContext, rate_agency_month

PAYROLL = ServiceArea.PAYROLL
FINANCE = ServiceArea.FINANCE
EPROCUREMENT = ServiceArea.EPROCUREMENT

# Valid organisation numbers (Luhn check digit), and one with a wrong check digit.
ORG = "202132-6364"
NAME = "Testmyndigheten"  # the agency of ORG
OTHER_ORG = "202182-0200"  # Arbetsdomstolen
BAD_CHECK_DIGIT_ORG = "202132-6365"  # Felsiffermyndigheten


def D(text: str | int) -> Decimal:
    """A Decimal from a string or int only: a float here is a test bug."""
    assert isinstance(text, (str, int)) and not isinstance(text, bool), text
    return Decimal(text)


def M(text: str) -> Month:
    return Month.parse(text)


# --- catalogue --------------------------------------------------------------

def service(code: str, area: ServiceArea, tier: Tier, charge: Charge, *, unit: str = "st",
            unit_code: str = "H87", rate_class: str | None = None,
            requires_any: tuple[str, ...] = ()) -> Service:
    return Service(code=code, area=area, tier=tier, charge=charge, name=f"Tjänst {code}",
                   unit=unit, unit_code=unit_code, rate_class=rate_class,
                   requires_any=requires_any)


def _hourly(code: str, area: ServiceArea, rate_class: str) -> Service:
    return service(code, area, Tier.SPECIAL, Charge.HOURLY, unit="tim", unit_code="HUR",
                   rate_class=rate_class)


def _subscription(code: str, area: ServiceArea) -> Service:
    return service(code, area, Tier.ADDITIONAL, Charge.SUBSCRIPTION, unit="mån", unit_code="MON")


SERVICES = (
    service("PAY-SLIP-DEV", PAYROLL, Tier.BASIC, Charge.PER_UNIT),
    service("PAY-SLIP-ATT", PAYROLL, Tier.BASIC, Charge.PER_UNIT),
    service("PAY-ADD-DEDUCT", PAYROLL, Tier.ADDITIONAL, Charge.PER_UNIT),
    _hourly("PAY-SPEC-STATS", PAYROLL, "specialist"),
    _hourly("PAY-SPEC-CONSULT", PAYROLL, "handlaggare"),
    service("FIN-CUSTINV", FINANCE, Tier.BASIC, Charge.PER_UNIT),
    _subscription("FIN-ADD-ACCESS", FINANCE),
    service("FIN-ADD-SUPPORT", FINANCE, Tier.ADDITIONAL, Charge.PER_UNIT),
    service("EPR-INV-CODED", EPROCUREMENT, Tier.BASIC, Charge.PER_UNIT),
    service("EPR-ORDER", EPROCUREMENT, Tier.BASIC, Charge.PER_UNIT,
            requires_any=("EPR-INV-CODED",)),
)


def catalogue(*extra: Service) -> Catalogue:
    return Catalogue(SERVICES + extra)


# --- price lists ------------------------------------------------------------

def per_employee(rate: str) -> PerEmployee:
    return PerEmployee(D(rate))


def bands(*limits: tuple[int | None, str]) -> SizeBands:
    """bands((49, "500.00"), (None, "9000.00"))"""
    return SizeBands(tuple(Band(up_to, D(amount)) for up_to, amount in limits))


def tiers(*limits: tuple[int | None, str]) -> GraduatedTiers:
    """tiers((100, "120.00"), (None, "60.00"))"""
    return GraduatedTiers(tuple(RateTier(up_to, D(rate)) for up_to, rate in limits))


def base_fee(fixed: str, variable) -> BaseFee:
    return BaseFee(D(fixed), variable)


BASE_FEES = {
    PAYROLL: base_fee("3000.00", per_employee("30.00")),
    FINANCE: base_fee("8000.00", tiers((100, "120.00"), (1000, "70.00"), (None, "45.00"))),
    EPROCUREMENT: base_fee("1500.00", bands((49, "500.00"), (199, "1500.00"), (None, "4000.00"))),
}
PRICES = {
    "PAY-SLIP-DEV": "62.00", "PAY-SLIP-ATT": "68.00", "PAY-ADD-DEDUCT": "25.00",
    "FIN-CUSTINV": "45.00", "FIN-ADD-ACCESS": "2500.00", "FIN-ADD-SUPPORT": "650.00",
    "EPR-INV-CODED": "26.00", "EPR-ORDER": "9.50",
}
HOURLY_RATES = {"specialist": "1100.00", "handlaggare": "750.00"}
CONNECTION_FEES = {PAYROLL: "75000.00", FINANCE: "60000.00", EPROCUREMENT: "40000.00"}


# The exemption a 0 % item or amount of these factories states unless told otherwise.
EXEMPTION = VatExemption("VATEX-EU-132-1A", "Undantaget från skatteplikt: posttjänster")


def price_list(id: str = "standard-2012-06", *, series: str = "standard",
               valid_from: date = date(2012, 6, 1),
               base_fees: dict[ServiceArea, BaseFee] | None = None,
               prices: dict[str, str] | None = None,
               hourly_rates: dict[str, str] | None = None,
               connection_fees: dict[ServiceArea, str] | None = None,
               vat_rates: dict[str, str] | None = None,
               default_vat_rate: str = "25",
               vat_exemptions: dict[str, VatExemption] | None = None) -> PriceList:
    """A price list; an item at 0 % has EXEMPTION unless ``vat_exemptions`` says otherwise."""
    return PriceList(
        id=id, series=series, currency="SEK", valid_from=valid_from,
        base_fees=dict(BASE_FEES if base_fees is None else base_fees),
        prices={k: D(v) for k, v in (PRICES if prices is None else prices).items()},
        hourly_rates={k: D(v) for k, v in (HOURLY_RATES if hourly_rates is None else hourly_rates).items()},
        connection_fees={k: D(v) for k, v in
                         (CONNECTION_FEES if connection_fees is None else connection_fees).items()},
        default_vat_rate=D(default_vat_rate),
        vat_rates={k: D(v) for k, v in (vat_rates or {}).items()},
        vat_exemptions=(vat_exemptions if vat_exemptions is not None
                        else {k: EXEMPTION for k, v in (vat_rates or {}).items() if D(v) == 0}))


# --- agencies ---------------------------------------------------------------

def agreement(area: ServiceArea = PAYROLL, connected_on: date = date(2012, 6, 1), *,
              ends_on: date | None = None, services: Sequence[str] | None = None,
              agreed_prices: dict[str, str] | None = None,
              subscriptions: Iterable[Subscription] = (),
              connection_items: Iterable[ConnectionItem] = (),
              **extra) -> Agreement:
    return Agreement(
        area=area, connected_on=connected_on, ends_on=ends_on,
        services=None if services is None else tuple(services),
        agreed_prices=tuple(sorted((k, D(v)) for k, v in (agreed_prices or {}).items())),
        subscriptions=tuple(subscriptions), connection_items=tuple(connection_items), **extra)


def subscription(code: str, start: date, end: date | None = None) -> Subscription:
    return Subscription(code, start, end)


def connection_item(description: str, amount: str, on: date | None = None) -> ConnectionItem:
    return ConnectionItem(description, D(amount), on)


def discount(percent: str, parts: Iterable[FeePart], start: str, end: str,
             area: ServiceArea | None = None, reason: str = "eget system") -> Discount:
    return Discount(D(percent), frozenset(parts), M(start), M(end), area, reason)


def agency(*agreements: Agreement, employees: int = 100,
           sizes: Sequence[tuple[date, int]] | None = None,
           discounts: Iterable[Discount] = (), org: str = ORG,
           name: str = NAME) -> Agency:
    if sizes is None:
        sizes = [(date(2012, 1, 1), employees)]
    return Agency(organisation_number=org, name=name,
                  sizes=tuple(SizeChange(day, n) for day, n in sizes),
                  agreements=agreements or (agreement(),), discounts=tuple(discounts))


# --- usage ------------------------------------------------------------------

def volume(service_code: str, quantity: str | int, *, id: int | None = None,
           period: str = "2012-11", org: str = ORG, reference: str = "") -> VolumeRecord:
    return VolumeRecord(id, M(period), org, service_code, D(quantity), "test", reference)


def pass_through(amount: str, *, area: ServiceArea = PAYROLL, vat_rate: str = "25",
                 id: int | None = None, period: str = "2012-11", description: str = "Systemtjänst",
                 supplier: str = "Skatteverket", reference: str = "SKV-1",
                 vat_exemption: VatExemption | None = None) -> PassThroughCharge:
    """A charge; at 0 % with EXEMPTION unless ``vat_exemption`` is given."""
    if vat_exemption is None and D(vat_rate) == 0:
        vat_exemption = EXEMPTION
    return PassThroughCharge(id, M(period), ORG, area, description, D(amount), D(vat_rate),
                             supplier, reference, vat_exemption)


# --- rating -----------------------------------------------------------------

def rate(month: str, the_agency: Agency, volumes: Sequence[VolumeRecord] = (),
         charges: Sequence[PassThroughCharge] = (), *,
         price_lists: Sequence[PriceList] | None = None,
         the_catalogue: Catalogue | None = None) -> tuple[RatedLine, ...]:
    ctx = RatingContext(M(month), the_catalogue or catalogue(),
                        tuple(price_lists) if price_lists is not None else (price_list(),))
    return rate_agency_month(ctx, the_agency, volumes, charges)


def lines_of(lines: Iterable[RatedLine], part: FeePart | None = None, *,
             area: ServiceArea | None = None, service_code: str | None = None) -> list[RatedLine]:
    return [line for line in lines
            if (part is None or line.part is part)
            and (area is None or line.area is area)
            and (service_code is None or line.service_code == service_code)]


def one_line(lines: Iterable[RatedLine], part: FeePart | None = None, *,
             area: ServiceArea | None = None, service_code: str | None = None) -> RatedLine:
    found = lines_of(lines, part, area=area, service_code=service_code)
    assert len(found) == 1, f"expected one {part} line in {area}/{service_code}, got {found}"
    return found[0]


# --- issued documents -------------------------------------------------------

ISSUED_ON = date(2012, 12, 5)
DUE_ON = date(2013, 1, 4)  # 30 days later


def document_line(quantity: str | int = 2, unit_price: str = "50.00", *, amount: str | None = None,
                  area: ServiceArea = PAYROLL, part: FeePart = FeePart.TRANSACTION,
                  service_code: str = "PAY-SLIP-DEV", vat_rate: str = "25",
                  volume_record_ids: tuple[int, ...] = ()) -> RatedLine:
    """A line as issued; its amount is quantity x unit price unless given."""
    return RatedLine(area=area, part=part, description=f"Tjänst {service_code}", quantity=D(quantity),
                     unit="st", unit_code="H87", unit_price=D(unit_price),
                     amount=D(amount) if amount is not None else D(quantity) * D(unit_price),
                     vat_rate=D(vat_rate), price_list_id="standard-2012-06", service_code=service_code,
                     volume_record_ids=volume_record_ids)


def document(*lines: RatedLine, number: int | None = 1, kind: DocumentKind = DocumentKind.INVOICE,
             org: str = ORG, name: str = NAME, period: str = "2012-11",
             issue_date: date = ISSUED_ON, due_date: date = DUE_ON, credits: int | None = None,
             replaces: int | None = None, reason: str = "") -> Invoice:
    """An issued document with the totals its lines give."""
    lines = lines or (document_line(),)
    return Invoice(number=number, organisation_number=org, agency_name=name, buyer_reference="REF-1",
                   period=M(period), issue_date=issue_date, due_date=due_date, currency="SEK",
                   lines=tuple(lines), totals=compute_totals((l.amount, l.vat_rate) for l in lines),
                   kind=kind, credits=credits, replaces=replaces, reason=reason)


def issued(the_document: Invoice, agency_id: int = 1) -> AgencyDocument:
    return AgencyDocument(agency_id, the_document)


def head(number: int, *, kind: DocumentKind = DocumentKind.INVOICE, agency_id: int = 1, org: str = ORG,
         name: str = NAME, period: str = "2012-11", payable: str = "125",
         issue_date: date = ISSUED_ON, due_date: date = DUE_ON, credits: int | None = None,
         replaces: int | None = None) -> DocumentHead:
    return DocumentHead(number, kind, agency_id, org, name, M(period), issue_date, due_date, D(payable),
                        credits, replaces)
