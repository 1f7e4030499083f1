"""The audit report for people (terminal, HTML) and for tools (CSV, JSON)."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.table import Table
from rich.text import Text

from billing.audit.findings import Status
from billing.audit.report import AuditReport
from billing.reports import swedish
from billing.reports.audit_page import RECOVERY_THRESHOLD, audit_html, flagged_areas, report_title
from billing.reports.wrapped_text import WrappedText, number_width

# Styled, not markup: the command line's consoles read no markup in what they print.
_MARK = {Status.PASSED: ("godkänd", "green"), Status.FAILED: ("underkänd", "red"),
         Status.NOTED: ("att granska", "yellow")}
MAX_SHOWN = 20


def summary(report: AuditReport, recovery_threshold: Decimal = RECOVERY_THRESHOLD) -> Group:
    """For the terminal: print it with cli/width.print_fitted, which widens a
    table rather than cut a number (each text column's min_width is its widest
    number, and its cells wrap between words, never inside a number)."""
    titles = [check.title for check in report.checks]
    table = Table(title=report_title(report.first, report.last))
    table.add_column("Kontroll", min_width=number_width(titles))
    table.add_column("Resultat", no_wrap=True)
    _whole(table, "Fynd")
    for check in report.checks:
        table.add_row(WrappedText(check.title), Text(*_MARK[check.status]), str(len(check.findings)))
    parts: list = [table]
    for check in report.checks:
        if check.findings and check.name != "revenue":
            shown = [f.message for f in check.findings[:MAX_SHOWN]]
            if len(check.findings) > MAX_SHOWN:
                shown.append(f"... {len(check.findings) - MAX_SHOWN} till (se --format csv/json/html)")
            detail = Table(title=WrappedText(check.title), title_justify="left")
            _whole(_whole(detail, "Dokument"), "Rad")
            detail.add_column("Fynd", min_width=number_width(shown))
            for f, message in zip(check.findings[:MAX_SHOWN], shown):
                detail.add_row(str(f.document or "-"), str(f.line or "-"), WrappedText(message))
            if len(shown) > MAX_SHOWN:
                detail.add_row("", "", WrappedText(shown[-1]))
            parts.append(detail)
    shortfall = flagged_areas(report, recovery_threshold)
    if shortfall:
        parts.append(WrappedText(f"Kostnadstäckning under {swedish.percent_as_given(recovery_threshold)}: "
                                 + ", ".join(f"{r.area} {swedish.percent(r.percent)}" for r in shortfall) + ".",
                                 style="yellow"))
    parts.append(WrappedText(f"Stickprovets seed: {report.seed} (ge --seed {report.seed} för samma urval)."))
    parts.append(WrappedText("Alla kontroller godkända.", style="green") if report.passed
                 else WrappedText("Minst en kontroll är underkänd.", style="red"))
    return Group(*parts)


def _whole(table: Table, header: str) -> Table:
    """A column of numbers: never wrapped or cut (cli/width.py keeps it whole)."""
    table.add_column(header, justify="right", no_wrap=True, overflow="fold")
    return table


FINDING_FIELDS = ("check", "status", "code", "document", "line", "message")


def finding_rows(report: AuditReport) -> list[dict]:
    return [{"check": c.name, "status": str(c.status), "code": f.code, "document": f.document, "line": f.line,
             "message": f.message} for c in report.checks for f in c.findings]


def as_json(report: AuditReport) -> dict:
    return {"first": str(report.first), "last": str(report.last), "seed": report.seed,
            "passed": report.passed,
            "checks": [{"name": c.name, "title": c.title, "status": str(c.status),
                        "findings": [{"code": f.code, "document": f.document, "line": f.line,
                                      "message": f.message}
                                     for f in c.findings],
                        "rows": list(c.rows)} for c in report.checks]}


def as_html(report: AuditReport, recovery_threshold: Decimal = RECOVERY_THRESHOLD) -> str:
    """One self-contained page (reports/audit_page.py): inline style and SVG charts, nothing fetched."""
    return audit_html(report, recovery_threshold)
