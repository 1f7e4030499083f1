"""The invoice audit: `billing audit YYYY-MM [--to YYYY-MM]` and `billing audit trace NUMBER`."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from billing.cli.context import console, emit, fail, parse_month, read
from billing.money import format_sek
from billing.reports.tabular import to_csv, to_json


class AuditFormat(StrEnum):
    TABLE = "table"
    HTML = "html"
    CSV = "csv"
    JSON = "json"


def audit(target: Annotated[str, typer.Argument(metavar="YYYY-MM | trace",
                                                help="The first month to audit, or 'trace'.")],
          number: Annotated[int | None, typer.Argument(help="With trace: the document number.")] = None,
          to: Annotated[str | None, typer.Option(help="Last month of a range (YYYY-MM).")] = None,
          threshold: Annotated[Decimal, typer.Option(parser=Decimal, metavar="PERCENT", help="Variance threshold, per cent.")] = Decimal(30),
          sample: Annotated[int, typer.Option(help="Invoices in the sample.")] = 5,
          seed: Annotated[int | None, typer.Option(help="The sample's seed, to draw it again.")] = None,
          costs: Annotated[Path | None, typer.Option(help="CSV or .xlsx of cost per area and month.")] = None,
          sheet: Annotated[str | None, typer.Option(metavar="NAME", help="The sheet of a --costs workbook; without it, its only sheet.")] = None,
          recovery_threshold: Annotated[Decimal, typer.Option(
              parser=Decimal, metavar="PERCENT",
              help="With --costs: flag areas recovering less of their cost.")] = Decimal(100),
          output_format: Annotated[AuditFormat, typer.Option("--format")] = AuditFormat.TABLE,
          out: Annotated[Path | None, typer.Option(help="Write the report to this file.")] = None) -> None:
    """Check issued invoices: re-rating, arithmetic, completeness, numbering,
    integrity, variance, a sample and revenue. Exit status 1 when a check fails.
    Changes nothing."""
    if target == "trace":
        if number is None:
            raise typer.BadParameter("billing audit trace NUMBER")
        return _trace(number)
    from billing.reports.audit_report import FINDING_FIELDS, as_html, as_json, finding_rows, summary
    from billing.services.audit import run_audit
    if not recovery_threshold.is_finite() or recovery_threshold < 0:
        raise typer.BadParameter(f"a percentage, 0 or more, not {recovery_threshold}",
                                 param_hint="--recovery-threshold")
    first = parse_month(target)
    last = parse_month(to) if to else first
    report = read(lambda s: run_audit(s, first, last, threshold, sample, seed, costs, sheet))
    text = {AuditFormat.HTML: lambda: as_html(report, recovery_threshold), AuditFormat.CSV: lambda: to_csv(finding_rows(report), FINDING_FIELDS),
            AuditFormat.JSON: lambda: to_json(as_json(report))}.get(output_format)
    if text is None:
        console.print(summary(report, recovery_threshold))
    elif out is not None:
        try:
            out.write_text(text(), encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the report to {out}: {exc.strerror or exc}")
        console.print(f"Audit report written to {out}: {'passed' if report.passed else 'FAILED'}.")
    else:
        emit(text())
    if not report.passed:
        raise typer.Exit(1)


def _trace(number: int) -> None:
    from billing.services.trace import trace_document
    doc, lines = read(lambda s: trace_document(s, number))
    console.print(Text(f"Dokument {doc.number}", style="bold"), f"({doc.kind.label.lower()}), {doc.agency_name} "
                  f"{doc.organisation_number}, {doc.period}, att betala {format_sek(doc.totals.payable)}")
    for traced in lines:
        line = traced.line
        table = Table("Underlag", "Uppgifter", title=(
            f"Rad {traced.line_no}: {line.description} — {line.quantity} x {line.unit_price} = "
            f"{format_sek(line.amount)}"), title_justify="left")
        table.add_row("Prislista", traced.price_item)
        for basis in traced.basis:
            table.add_row("Volympost" if "volume_record" in basis else "Vidarefakturering",
                          ", ".join(f"{k}={v}" for k, v in basis.items() if v not in (None, "")))
        console.print(table)
