"""The audit report for people (terminal, HTML) and for tools (CSV, JSON)."""

from __future__ import annotations

import html
from decimal import Decimal

from rich.console import Group
from rich.table import Table
from rich.text import Text

from billing.audit.findings import Status
from billing.audit.report import AuditReport
from billing.money import format_sek

# Styled, not markup: the command line's consoles read no markup in what they print.
_MARK = {Status.PASSED: ("godkänd", "green"), Status.FAILED: ("underkänd", "red"),
         Status.NOTED: ("att granska", "yellow")}
MAX_SHOWN = 20


def summary(report: AuditReport) -> Group:
    table = Table("Kontroll", "Resultat", "Fynd", title=f"Fakturagranskning {report.first}-{report.last}")
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


def as_html(report: AuditReport) -> str:
    """One self-contained file: inline style and an inline SVG chart, nothing fetched."""
    e = html.escape
    colour = {Status.PASSED: "#2e7d32", Status.FAILED: "#c62828", Status.NOTED: "#b26a00"}
    label = {Status.PASSED: "godkänd", Status.FAILED: "underkänd", Status.NOTED: "att granska"}
    summary_rows = "".join(
        f"<tr><td>{e(c.title)}</td><td style='color:{colour[c.status]}'><b>{label[c.status]}</b></td>"
        f"<td class=n>{len(c.findings)}</td></tr>" for c in report.checks)
    sections = []
    for c in report.checks:
        body = ""
        if c.findings:
            body += "<table><tr><th>Dokument</th><th>Rad</th><th>Fynd</th></tr>" + "".join(
                f"<tr><td>{f.document or '-'}</td><td>{f.line or '-'}</td><td>{e(f.message)}</td></tr>"
                for f in c.findings) + "</table>"
        if c.rows:
            keys = list(dict.fromkeys(k for row in c.rows for k in row))
            body += "<table><tr>" + "".join(f"<th>{e(k)}</th>" for k in keys) + "</tr>" + "".join(
                "<tr>" + "".join(f"<td>{e(_text(k, row.get(k)))}</td>" for k in keys) + "</tr>"
                for row in c.rows) + "</table>"
        sections.append(f"<h2>{e(c.title)}</h2>{body or '<p>Inga fynd.</p>'}")
    revenue = next((c for c in report.checks if c.name == "revenue"), None)
    chart = _chart([r for r in revenue.rows if "recovery_percent" in r]) if revenue else ""
    verdict = "Alla kontroller godkända." if report.passed else "Minst en kontroll är underkänd."
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Fakturagranskning {report.first}-{report.last}</title>
<style>body{{font-family:sans-serif;margin:2em;color:#222}} table{{border-collapse:collapse;margin:.5em 0 1.5em}}
th,td{{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}} td.n{{text-align:right}}
th{{background:#eee}}</style></head><body>
<h1>Fakturagranskning {report.first}-{report.last}</h1>
<p><b>{verdict}</b> Stickprovets seed: {report.seed}.</p>
<table><tr><th>Kontroll</th><th>Resultat</th><th>Fynd</th></tr>{summary_rows}</table>
{chart}
{''.join(sections)}
</body></html>
"""


_MONEY = {"amount", "revenue", "cost", "net"}


def _text(key: str, value: object) -> str:
    """Money in kronor and öre; other numbers (volumes, per cent) as they are."""
    if isinstance(value, Decimal):
        return format_sek(value) if key in _MONEY else str(value).replace(".", ",")
    return "" if value is None else str(value)


def _chart(rows: list[dict]) -> str:
    """Revenue against cost per area, as bars in SVG."""
    if not rows:
        return ""
    top = max([r["revenue"] for r in rows] + [r["cost"] or Decimal(0) for r in rows]) or Decimal(1)
    bars = []
    for index, row in enumerate(rows):
        y = 30 + index * 60
        for offset, (name, value, fill) in enumerate((("intäkt", row["revenue"], "#1565c0"),
                                                       ("kostnad", row["cost"] or Decimal(0), "#9e9e9e"))):
            width = int(Decimal(500) * value / top)
            bars.append(f"<rect x='160' y='{y + offset * 22}' width='{width}' height='18' fill='{fill}'/>"
                        f"<text x='{165 + width}' y='{y + 14 + offset * 22}' font-size='12'>"
                        f"{name} {html.escape(format_sek(value))}</text>")
        bars.append(f"<text x='0' y='{y + 24}' font-size='13'>{html.escape(row['area'])}</text>")
    height = 40 + 60 * len(rows)
    return (f"<h2>Intäkter mot kostnader per område</h2><svg xmlns='http://www.w3.org/2000/svg' "
            f"width='860' height='{height}'>{''.join(bars)}</svg>")
