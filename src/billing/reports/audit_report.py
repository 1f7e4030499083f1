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

# Styled, not markup: the command line's consoles read no markup in what they print.
_MARK = {Status.PASSED: ("godkänd", "green"), Status.FAILED: ("underkänd", "red"),
         Status.NOTED: ("att granska", "yellow")}
MAX_SHOWN = 20


def summary(report: AuditReport, recovery_threshold: Decimal = RECOVERY_THRESHOLD) -> Group:
    table = Table("Kontroll", "Resultat", "Fynd", title=report_title(report.first, report.last))
    for check in report.checks:
        table.add_row(check.title, Text(*_MARK[check.status]), str(len(check.findings)))
    parts: list = [table]
    for check in report.checks:
        if check.findings and check.name != "revenue":
            detail = Table("Dokument", "Rad", "Fynd", title=check.title, title_justify="left")
            for f in check.findings[:MAX_SHOWN]:
                detail.add_row(str(f.document or "-"), str(f.line or "-"), f.message)
            if len(check.findings) > MAX_SHOWN:
                detail.add_row("", "", f"... {len(check.findings) - MAX_SHOWN} more (see --format csv/json/html)")
            parts.append(detail)
    shortfall = flagged_areas(report, recovery_threshold)
    if shortfall:
        parts.append(Text(f"Kostnadstäckning under {swedish.percent_as_given(recovery_threshold)}: " + ", ".join(
            f"{r.area} {swedish.percent(r.percent)}" for r in shortfall) + ".", style="yellow"))
    parts.append(f"Stickprovets seed: {report.seed} (ge --seed {report.seed} för samma urval).")
    parts.append(Text("Alla kontroller godkända.", style="green") if report.passed
                 else Text("Minst en kontroll är underkänd.", style="red"))
    return Group(*parts)


FINDING_FIELDS = ("check", "status", "document", "line", "message")


def finding_rows(report: AuditReport) -> list[dict]:
    return [{"check": c.name, "status": str(c.status), "document": f.document, "line": f.line,
             "message": f.message} for c in report.checks for f in c.findings]


def as_json(report: AuditReport) -> dict:
    return {"first": str(report.first), "last": str(report.last), "seed": report.seed,
            "passed": report.passed,
            "checks": [{"name": c.name, "title": c.title, "status": str(c.status),
                        "findings": [{"document": f.document, "line": f.line, "message": f.message}
                                     for f in c.findings],
                        "rows": list(c.rows)} for c in report.checks]}


def as_html(report: AuditReport, recovery_threshold: Decimal = RECOVERY_THRESHOLD) -> str:
    """One self-contained page (reports/audit_page.py): inline style and SVG charts, nothing fetched."""
    return audit_html(report, recovery_threshold)
