"""What a price plan says in words (Swedish, for the terminal and the page):
every assumption it rests on, and its answer per area."""

from __future__ import annotations

from decimal import Decimal

from billing.domain.catalogue import ServiceArea
from billing.money import round_percent
from billing.planning.inputs import Balance, EfficiencyBasis, Method
from billing.planning.outcome import first_balance
from billing.planning.plan import PricePlan
from billing.reports import swedish

MULTIPLIER_PLACES = Decimal("0.0001")


def unit_name(unit: ServiceArea | None) -> str:
    return "Hela myndigheten" if unit is None else unit.label


def parameter_text(plan: PricePlan, unit: ServiceArea | None) -> str:
    """The multiplier as a change in per cent ("+23,4 %"), or the yearly index."""
    assert plan.solution is not None
    value = plan.solution.parameters[unit]
    if plan.setup.target.method is Method.MULTIPLIER:
        change = round_percent(value - 1, Decimal(1))
        return f"multiplikator {swedish.number(value.quantize(MULTIPLIER_PLACES))} ({'+' if change >= 0 else ''}{swedish.percent(change)})"
    change = round_percent(value, Decimal(1))
    return f"årligt index {'+' if change >= 0 else ''}{swedish.percent(change)} per år"


def verdicts(plan: PricePlan) -> list[str]:
    """One sentence per area (or for the centre): what it needs, or how far off it is."""
    setup, rows = plan.setup, list(plan.rows)
    target = setup.target.year
    lines = []
    for unit in setup.units:
        end = next(r for r in rows if r.year == target and r.area is unit)
        balanced = first_balance(rows, unit)
        when = f", i balans från och med {balanced}" if balanced is not None else ""
        if plan.solution is None:
            state = "når målet" if end.accumulated >= 0 else "når inte målet"
            lines.append(f"{unit_name(unit)}: {state}: ackumulerat resultat "
                         f"{swedish.kronor(end.accumulated)} vid utgången av {target}{when}.")
        elif plan.solution.met[unit]:
            lines.append(f"{unit_name(unit)}: {parameter_text(plan, unit)} ger ackumulerat resultat "
                         f"{swedish.kronor(end.accumulated)} vid utgången av {target}{when}.")
        else:
            lines.append(f"{unit_name(unit)}: målet kan inte nås inom gränsen ({parameter_text(plan, unit)}); "
                         f"bästa möjliga ger ackumulerat resultat {swedish.kronor(end.accumulated)} "
                         f"vid utgången av {target}.")
    return lines


def assumptions(plan: PricePlan, plan_file: str, costs_file: str) -> list[str]:
    setup = plan.setup
    target = setup.target
    years = f"{setup.years[0]}–{setup.years[-1]}"
    start = setup.start
    if plan.solution is None:
        checked = plan.price_lists[0]
        first = (f"Prislista som prövas: {checked.id} (serie {checked.series}), för alla prognosår; "
                 "inget räknas fram.")
    else:
        first = (f"Utgångsprislista: {start.id} (serie {start.series}, gäller från "
                 f"{start.valid_from.isoformat()}).")
    text = [
        first,
        f"Anslutningsplan: {plan_file}; kostnadsprognos: {costs_file}; prognosår {years}.",
        f"Mål: ackumulerat resultat minst 0 vid utgången av {target.year}, "
        + ("för varje område för sig." if target.balance is Balance.AREA else "för myndigheten som helhet."),
        "Ingående ackumulerat resultat: " + "; ".join(
            f"{a.short_label} {swedish.kronor(v)}" for a, v in setup.opening.items()) + ".",
    ]
    if plan.solution is not None:
        text += _method_text(plan)
    text += [
        "Intäkterna räknas med samma debiteringsmotor som fakturorna: summan av de beräknade "
        "kundmånaderna för de planerade kunderna, utan moms och utan vidarefakturering.",
        "Planerade kunder: varje års antal myndigheter och anställda per område enligt planen; "
        "nya ansluter den 1 januari och betalar anslutningsavgift det året; storlekarna fördelas "
        "efter storleksprofilen " + ", ".join(swedish.number(w) for w in _profile(plan)) + ".",
        *(f"Namngiven kund: {n.name}, {n.employees} anställda, "
          f"{', '.join(a.short_label for a in n.areas)}, ansluter {n.connects.isoformat()}."
          for n in plan.connection_plan.named),
        "Volymerna per anställd och månad (hela styck, timmar på hundradelar) gäller varje "
        "planerad kund i området, också anslutningsmånaden:",
        *(f"  {code}: {rate.source}" for code, rate in plan.rates.items()),
        _efficiency_text(plan),
    ]
    return text


def _method_text(plan: PricePlan) -> list[str]:
    target = plan.setup.target
    if target.method is Method.MULTIPLIER:
        text = ["Metod: en multiplikator per "
                + ("område" if target.balance is Balance.AREA else "myndigheten")
                + " på styckpriser, grundavgifter (fast och rörlig del) och abonnemang"
                + (" och anslutningsavgifter" if target.include_connection else
                   "; anslutningsavgifterna oförändrade") + ", samma prislista alla år."]
    else:
        text = ["Metod: en prislista per år, utgångspriserna höjda med ett årligt index "
                "(första året en gång)"
                + ("; anslutningsavgifterna med." if target.include_connection else
                   "; anslutningsavgifterna oförändrade.")]
    if target.balance is Balance.AREA:
        text.append("Timpriser som flera områden delar lämnas oförändrade (inget enskilt områdes "
                    "multiplikator är deras).")
    text.append(f"Priserna avrundas till närmaste {swedish.number(target.step)} kr (hälften uppåt); "
                "sökningen görs på de avrundade priserna, så avrundningen kan inte ta ett år under "
                f"målet. Högsta tillåtna multiplikator: {swedish.number(target.max_multiplier)}.")
    return text


def _profile(plan: PricePlan) -> tuple[Decimal, ...]:
    return plan.connection_plan.size_profile


def _efficiency_text(plan: PricePlan) -> str:
    forecast = plan.forecast
    efficiency = forecast.efficiency
    basis = ("kostnad per betjänad anställd" if efficiency.basis is EfficiencyBasis.UNIT
             else "områdets kostnad")
    changes = "; ".join(f"{a.short_label} {swedish.number(efficiency.change(a))} %"
                        for a in plan.setup.areas)
    key = ("efter antal anställda som betjänas i området det året (årsredovisningens nyckel)"
           if forecast.key is None else "efter fördelningsnyckeln "
           + ", ".join(f"{a.short_label} {swedish.number(v)}" for a, v in forecast.key.items()))
    return (f"Kostnader: prognosens belopp där den anger dem; övriga år från året före med "
            f"måleffektiviteten, årlig förändring av {basis}: {changes}. Gemensamma kostnader "
            f"fördelas på områdena {key}.")
