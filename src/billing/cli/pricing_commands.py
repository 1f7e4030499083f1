"""``billing prices plan``: the prices that recover the centre's full cost by
a target year, from a connection plan and a cost forecast; or, with
``--check``, how far a given price list is from that. Reads only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import click
import typer

from billing.cli.context import console, emit, errors, fail, parse_month, read
from billing.cli.formats import FormatOption, OutputFormat, refuse
from billing.cli.tables import Column, Kind, Listing
from billing.cli.width import print_fitted
from billing.domain.catalogue import ServiceArea
from billing.planning.inputs import Balance, Method, Target
from billing.reports.tabular import to_csv, to_json

prices_app = typer.Typer(no_args_is_help=True, help="Price setting for full cost recovery: a multi-year price plan.")

_CHECK_REFUSES = ("draft", "list_id", "method", "step", "include_connection", "max_multiplier")


@prices_app.command("plan")
def plan(
        ctx: typer.Context,
        plan_file: Annotated[Path, typer.Option("--plan", metavar="FILE", help="The connection plan (TOML).")],
        costs_file: Annotated[Path, typer.Option("--costs", metavar="FILE", help="The cost forecast (TOML).")],
        start: Annotated[str | None, typer.Option(
            metavar="ID|FILE", help="The price list to start from: a stored id or a file (default: the "
                                    "standard list in force on 1 January of the first year).")] = None,
        target_year: Annotated[int, typer.Option(metavar="YEAR", help="Accumulated result at least 0 at the end of this year.")] = 2019,
        balance: Annotated[Balance, typer.Option(help="Each area on its own, or the centre as a whole.")] = Balance.AREA,
        method: Annotated[Method, typer.Option(
            help="One multiplier on the starting prices, or a price list per year with a yearly index.")] = Method.MULTIPLIER,
        step: Annotated[str, typer.Option(metavar="KRONOR", help="Prices are rounded to this step, in kronor.")] = "1",
        include_connection: Annotated[bool, typer.Option(
            "--include-connection", help="Scale the connection fees too.")] = False,
        max_multiplier: Annotated[str, typer.Option(
            metavar="N", help="No price more than this many times the starting price.")] = "10",
        list_id: Annotated[str | None, typer.Option(
            "--id", metavar="ID", help="The draft list's id (default: plan-FIRST_YEAR; with --method index, "
                              "plan-YEAR for each year).")] = None,
        draft: Annotated[Path | None, typer.Option(
            metavar="DIR", help="Write the draft price list(s) into this directory.")] = None,
        check: Annotated[Path | None, typer.Option(
            metavar="TARIFF", help="Evaluate this price-list file against the plan instead.")] = None,
        history_from: Annotated[str | None, typer.Option(metavar="YYYY-MM", help="Volume history from (YYYY-MM).")] = None,
        history_to: Annotated[str | None, typer.Option(metavar="YYYY-MM", help="Volume history to (YYYY-MM).")] = None,
        output_format: FormatOption = OutputFormat.TABLE,
        html: Annotated[Path | None, typer.Option(metavar="FILE", help="Also save the plan as an HTML report.")] = None,
) -> None:
    """Prices that reach full cost recovery by the target year: revenue, cost,
    result and accumulated result per year and area. Changes nothing."""
    from billing.files.tariff_toml import price_list_toml
    from billing.reports.price_plan_page import plan_html, plan_rows
    from billing.reports.price_plan_text import assumptions, verdicts
    from billing.services.price_plan import price_plan
    if check is not None:
        refuse(ctx, _CHECK_REFUSES, "--check evaluates the given list as it is")
    target = Target(target_year, balance, method, _decimal(step, "--step"), include_connection,
                    _decimal(max_multiplier, "--max-multiplier"))
    window = (parse_month(history_from) if history_from else None,
              parse_month(history_to) if history_to else None)
    result = read(lambda s: price_plan(s, plan_file, costs_file, target, start, list_id, *window, check))
    said = assumptions(result, str(plan_file), str(costs_file))
    written = []
    if draft is not None:
        for price_list in result.price_lists:
            path = draft / f"{price_list.id}.toml"
            try:
                draft.mkdir(parents=True, exist_ok=True)
                path.write_text(price_list_toml(price_list, _header(said)), encoding="utf-8")
            except OSError as exc:
                fail(f"cannot write the draft price list to {path}: {exc.strerror or exc}")
            written.append(path)
    if html is not None:
        try:
            html.write_text(plan_html(result, said), encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the report to {html}: {exc.strerror or exc}")
    rows = plan_rows(result)
    if output_format is OutputFormat.CSV:
        emit(to_csv(rows))
    elif output_format is OutputFormat.JSON:
        emit(to_json(_json(result, rows, verdicts(result), said, written)))
    else:
        _print(result, rows, verdicts(result), written)
    for path in written:
        errors.print(f"Draft price list written to {path}.")  # stderr: stdout may be CSV or JSON
    if html is not None:
        errors.print(f"Report saved as {html}.")
    if result.solution is not None and not all(result.solution.met.values()):
        raise typer.Exit(1)


def _decimal(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise click.BadParameter(f"not a number: {text!r}", param_hint=option) from None
    if not value.is_finite() or value <= 0:
        raise click.BadParameter(f"must be a number above zero: {text!r}", param_hint=option)
    return value


def _header(said: list[str]) -> list[str]:
    return ["UTKAST från billing prices plan: en prislista som ännu inte är beslutad.", "",
            *said]


def _print(result, rows: list[dict], said: list[str], written: list[Path]) -> None:
    from billing.reports import swedish

    setup = result.setup
    what = (f"Kontroll av {result.price_lists[0].id}" if result.solution is None
            else f"Prisplan från {setup.start.id}")
    listing = Listing(
        f"{what}: {setup.years[0]}–{setup.years[-1]}, mål {setup.target.year}",
        (Column("year", "År", Kind.CODE), Column("area", "Område"),
         Column("revenue", "Intäkter", Kind.AMOUNT), Column("connection", "därav anslutning", Kind.AMOUNT),
         Column("cost", "Kostnad", Kind.AMOUNT), Column("result", "Resultat", Kind.AMOUNT),
         Column("accumulated", "Ackumulerat", Kind.AMOUNT),
         Column("recovery_percent", "Täckning", Kind.QUANTITY, label=swedish.percent, missing="–")),
        tuple({**row, "area": _short(row["area"])} for row in rows))
    print_fitted(console, listing.table())
    for line in said:
        console.print(line)
    if written:
        console.print("Utkast: " + ", ".join(str(p) for p in written))
    console.print("Nothing was issued or changed.")


def _short(area: str) -> str:
    return "Hela myndigheten" if area == "centre" else ServiceArea(area).short_label


def _json(result, rows: list[dict], said: list[str], assumptions: list[str], written: list[Path]) -> dict:
    solution = result.solution
    return {
        "start": result.setup.start.id,
        "checked": result.price_lists[0].id if solution is None else None,
        "target_year": result.setup.target.year,
        "balance": str(result.setup.target.balance),
        "method": str(result.setup.target.method),
        "step": result.setup.target.step,
        "parameters": None if solution is None else [
            {"area": "centre" if unit is None else str(unit), "value": value, "met": solution.met[unit]}
            for unit, value in solution.parameters.items()],
        "drafts": [p.id for p in result.price_lists] if solution is not None else [],
        "written": [str(p) for p in written],
        "verdicts": said,
        "assumptions": assumptions,
        "volume_rates": [{"service": r.service, "per_employee": r.per_employee, "source": r.source}
                         for r in result.rates.values()],
        "rows": rows,
    }
