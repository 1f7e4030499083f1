"""The invoice audit: `billing audit YYYY-MM [--to YYYY-MM]` and `billing audit trace NUMBER`."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from billing.cli.context import console, emit, fail, parse_month, read
from billing.cli.formats import refuse
from billing.cli.progress import progress_bars
from billing.cli.width import print_fitted
from billing.reports.tabular import to_csv, to_json


class AuditFormat(StrEnum):
    TABLE = "table"
    HTML = "html"
    CSV = "csv"
    JSON = "json"


# The options of the audit of months, which 'audit trace' has no use for.
_AUDIT_ONLY = ("to", "threshold", "sample", "seed", "costs", "recovery_threshold")


def audit(ctx: typer.Context,
          target: Annotated[str, typer.Argument(metavar="YYYY-MM | trace",
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
          out: Annotated[Path | None, typer.Option(
              help="Write the report (html, csv or json) to this file.")] = None) -> None:
    """Check issued invoices: re-rating, arithmetic, completeness, numbering,
    integrity, variance, a sample and revenue. Exit status 1 when a check fails.
    Changes nothing. 'audit trace NUMBER' traces one document (table, csv or json)."""
    if out is not None and output_format is AuditFormat.TABLE:
        refuse(ctx, ["out"], "the table is for the terminal: give --format html, csv or json to write "
                             "a file (or redirect the table with '> FILE')")
    if target == "trace":
        if number is None:
            raise typer.BadParameter("billing audit trace NUMBER")
        refuse(ctx, _AUDIT_ONLY, "these options are for the audit of a month, not for 'audit trace'")
        if output_format is AuditFormat.HTML:
            refuse(ctx, ["output_format"], "'audit trace' writes table, csv or json, not html")
        return _trace(number, output_format, out)
    refuse(ctx, ["number"], "only 'audit trace' takes a document number")
    from billing.reports.audit_report import FINDING_FIELDS, as_html, as_json, finding_rows, summary
    from billing.services.audit import run_audit
    if not recovery_threshold.is_finite() or recovery_threshold < 0:
        raise typer.BadParameter(f"a percentage, 0 or more, not {recovery_threshold}",
                                 param_hint="--recovery-threshold")
    first = parse_month(target)
    last = parse_month(to) if to else first
    with progress_bars() as progress:
        report = read(lambda s: run_audit(s, first, last, threshold, sample, seed, costs,
                                          costs_sheet=sheet, progress=progress))
    text = {AuditFormat.HTML: lambda: as_html(report, recovery_threshold), AuditFormat.CSV: lambda: to_csv(finding_rows(report), FINDING_FIELDS),
            AuditFormat.JSON: lambda: to_json(as_json(report))}.get(output_format)
    if text is None:
        print_fitted(console, summary(report, recovery_threshold))
    elif out is not None:
        _write(out, text())
        console.print(f"Audit report written to {out}: {'passed' if report.passed else 'FAILED'}.")
    else:
        emit(text())
    if not report.passed:
        raise typer.Exit(1)


def _write(out: Path, text: str) -> None:
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write the report to {out}: {exc.strerror or exc}")


def _trace(number: int, output_format: AuditFormat, out: Path | None) -> None:
    from billing.cli.trace_view import TRACE_FIELDS, print_trace, trace_data, trace_rows
    from billing.services.trace import trace_document
    doc, lines = read(lambda s: trace_document(s, number))
    if output_format is AuditFormat.TABLE:
        print_trace(console, doc, lines)
        return
    text = (to_csv(trace_rows(doc, lines), TRACE_FIELDS) if output_format is AuditFormat.CSV
            else to_json(trace_data(doc, lines)))
    if out is None:
        emit(text)
    else:
        _write(out, text)
        console.print(f"Trace of document {number} written to {out}.")
