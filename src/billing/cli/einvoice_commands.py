"""E-invoices: the Peppol BIS Billing 3.0 export of a month, and its validation
against the official rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billing.cli.context import centre_details, console, fail
from billing.cli.exporting import (AllOption, NumbersOption, SinceOption, document_choice, export_in_transaction,
                                   for_what, nothing_written, say_what_was_left_out)

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
    result = export_in_transaction(lambda session: export(session, choice, out, seller))
    if nothing_written(result):
        return
    console.print(f"{len(result.paths)} Peppol BIS Billing 3.0 files for {for_what(month, result)} in "
                  f"{out}: {result.invoices} invoices, {result.credit_notes} credit notes.",
                  highlight=False)
    say_what_was_left_out(result)


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
        status = "ok" if not file.findings else f"{len(file.fatal)} fatal, {len(file.warnings)} warnings"
        console.print(f"{file.path.name}: {status}", highlight=False)
        for finding in sorted(file.findings, key=lambda f: (not f.fatal, f.rules, f.rule_id)):
            level = "fatal" if finding.fatal else "warning"
            line = f"  {level} {finding.rule_id} [{finding.rules}] {finding.text}  at {finding.location}"
            console.print(line, highlight=False, soft_wrap=True)
    names = ", ".join(p.name for p in report.stylesheets)
    console.print(f"{len(report.files)} files checked with {len(report.stylesheets)} rule files "
                  f"({names}): {report.fatal_count} fatal, {report.warning_count} warnings.",
                  highlight=False)
    if not report.passed:
        raise typer.Exit(1)
