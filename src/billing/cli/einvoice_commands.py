"""E-invoices: the Peppol BIS Billing 3.0 export of a month, and its validation
against the official rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billing.cli.context import centre_details, console, fail
from billing.cli.exporting import (AllOption, NumbersOption, SinceOption, document_choice, export_in_transaction,
                                   for_what, nothing_written, say_what_was_left_out)
from billing.cli.progress import progress_bars
from billing.plural import counted

CentreOption = Annotated[Path | None, typer.Option(
    "--centre", help="The centre's details (seller, bankgiro); default the centre setting.")]


def export_peppol(out: Annotated[Path, typer.Option("--out", help="Directory to write the files in.")],
                  period: Annotated[str | None, typer.Argument(
                      metavar="[YYYY-MM]", help="The month billed; with neither --numbers nor --since, "
                                                "required.", show_default=False)] = None,
                  everything: AllOption = False, numbers: NumbersOption = None, since: SinceOption = None,
                  centre: CentreOption = None) -> None:
    """One Peppol BIS Billing 3.0 file (UBL Invoice or CreditNote) per document
    issued for the month and not yet exported in Peppol; nothing is written if
    any document cannot be exported. Each document written is recorded."""
    from billing.services.outputs import export_peppol as export
    month, choice = document_choice(period, everything, numbers, since)
    seller = centre_details(centre).seller
    with progress_bars() as progress:
        result = export_in_transaction(lambda session: export(session, choice, out, seller, progress))
    if nothing_written(result):
        return
    console.print(f"{counted(len(result.paths), 'Peppol BIS Billing 3.0 file')} for {for_what(month, result)} in "
                  f"{out}: {counted(result.invoices, 'invoice')}, "
                  f"{counted(result.credit_notes, 'credit note')}.",
                  highlight=False)
    say_what_was_left_out(result)


def validate_einvoice(directory: Annotated[Path, typer.Argument(help="Directory of exported .xml files.")],
                      rules: Annotated[Path, typer.Option(
                          "--rules", help="Directory of the official rules compiled to XSLT "
                                          "(.xsl/.xslt): EN 16931 UBL and PEPPOL-EN16931-UBL; "
                                          "and/or the UBL 2.1 schema as xsd/maindoc/ and "
                                          "xsd/common/.")]) -> None:
    """Validate every document of DIRECTORY against the UBL 2.1 schema in RULES/xsd
    (if there) and run every rule file of RULES over it; exit status 1 on any
    fatal finding."""
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
            line = f"  {level} {finding.rule_id} [{finding.rules}] {finding.text}  at {finding.where}"
            console.print(line, highlight=False, soft_wrap=True)
    checks = []
    if report.stylesheets:
        names = ", ".join(p.name for p in report.stylesheets)
        checks.append(f"{counted(len(report.stylesheets), 'rule file')} ({names})")
    if report.schema is not None:
        checks.append(f"the UBL 2.1 schema ({report.schema})")
    console.print(f"{counted(len(report.files), 'file')} checked with {' and '.join(checks)}: "
                  f"{report.fatal_count} fatal, {counted(report.warning_count, 'warning')}.", highlight=False)
    if not report.passed:
        raise typer.Exit(1)
