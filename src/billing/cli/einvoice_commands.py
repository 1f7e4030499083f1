"""E-invoices: the Peppol BIS Billing 3.0 export of a month, and its validation
against the official rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billing.cli.context import centre_details, console, fail, parse_month, read
from billing.cli.progress import progress_bars
from billing.plural import counted

CentreOption = Annotated[Path | None, typer.Option(
    "--centre", help="The centre's details (seller, bankgiro); default the centre setting.")]


def export_peppol(period: Annotated[str, typer.Argument(metavar="YYYY-MM")],
                  out: Annotated[Path, typer.Option("--out", help="Directory to write the files in.")],
                  centre: CentreOption = None) -> None:
    """One Peppol BIS Billing 3.0 file (UBL Invoice or CreditNote) per document
    issued for the month; nothing is written if any document cannot be exported."""
    from billing.services.outputs import export_peppol as export
    month = parse_month(period)
    seller = centre_details(centre).seller
    with progress_bars() as progress:
        result = read(lambda session: export(session, month, out, seller, progress))
    if not result.paths:
        console.print(f"No documents issued for {month}: nothing written.")
        return
    console.print(f"{counted(len(result.paths), 'Peppol BIS Billing 3.0 file')} for {month} in "
                  f"{out}: {counted(result.invoices, 'invoice')}, "
                  f"{counted(result.credit_notes, 'credit note')}.",
                  highlight=False)


def validate_einvoice(directory: Annotated[Path, typer.Argument(help="Directory of exported .xml files.")],
                      rules: Annotated[Path, typer.Option(
                          "--rules", help="Directory of the official rules compiled to XSLT "
                                          "(.xsl/.xslt): EN 16931 UBL and PEPPOL-EN16931-UBL.")]) -> None:
    """Run every rule file of RULES over every document of DIRECTORY; exit status 1
    on any fatal finding."""
    from billing.einvoice.validation import validate_directory
    from billing.errors import BillingError
    try:
        report = validate_directory(directory, rules)
    except BillingError as error:
        fail(str(error))
        return
    for file in report.files:
        status = ("ok" if not file.findings
                  else f"{len(file.fatal)} fatal, {counted(len(file.warnings), 'warning')}")
        console.print(f"{file.path.name}: {status}", highlight=False)
        for finding in sorted(file.findings, key=lambda f: (not f.fatal, f.rules, f.rule_id)):
            level = "fatal" if finding.fatal else "warning"
            line = f"  {level} {finding.rule_id} [{finding.rules}] {finding.text}  at {finding.location}"
            console.print(line, highlight=False, soft_wrap=True)
    names = ", ".join(p.name for p in report.stylesheets)
    console.print(f"{counted(len(report.files), 'file')} checked with "
                  f"{counted(len(report.stylesheets), 'rule file')} "
                  f"({names}): {report.fatal_count} fatal, {counted(report.warning_count, 'warning')}.",
                  highlight=False)
    if not report.passed:
        raise typer.Exit(1)
