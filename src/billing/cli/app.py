"""The ``billing`` command line. Each command owns its transaction: it either
completes or leaves the database as it was.

A command's module is imported only when that command runs (issue 14, W1):
``COMMANDS`` below names, for each top-level command or group, where it lives
("module:attribute", a command function or a ``typer.Typer`` group), its help
panel and the one-line summary that ``billing --help`` lists. Adding a
command is one line there, in the place it should be listed::

    Command("users", "billing.cli.users_commands:users_app", DATA, "Users of the web and the API, and their tokens."),

The summary is the command's docstring's first paragraph on one line (for a
group, its ``help``); tests/test_cli_registry.py checks that each entry
agrees with what it names, so ``--help`` never goes stale. A group that other
modules add commands to is named by the module that completes it (``export``
by export_commands, ``invoice`` by pdf_commands), so that importing the
target gives the whole group.
"""

from __future__ import annotations

import inspect
from collections.abc import MutableMapping
from importlib import import_module
from pathlib import Path
from typing import Annotated, NamedTuple

import click
import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from billing.cli.context import fail, state
from billing.cli.diagnostics import configure_logging
from billing.errors import BillingError

# Help panels and commands in the order of the month's work.
MONTHLY, CORRECTIONS, OUTPUTS, PAYMENTS, PRICING, CONTROL, DATA = (
    "Monthly run", "Corrections", "Outputs", "Receivables and payments", "Pricing",
    "Audit and control", "Data and setup")


class Command(NamedTuple):
    """One top-level command or group of the command line."""

    name: str
    target: str  # "module:attribute": a command function or a typer.Typer group
    panel: str
    summary: str


# In the order they are listed.
COMMANDS = (
    Command("volumes", "billing.cli.data_commands:volumes_app", MONTHLY, "Monthly volume records."),
    Command("passthrough", "billing.cli.data_commands:passthrough_app", MONTHLY,
            "Re-invoiced system services (vidarefakturering)."),
    Command("run", "billing.cli.billing_commands:run", MONTHLY,
            "Bill a month in arrears: one invoice per agency, all issued or none. Refused while an earlier "
            "month is unbilled, or when the month's volumes look missing (none at all, an agency without its "
            "basic services, a service falling by more than the threshold) unless allowed on purpose."),
    # billing_commands' groups, with "pdf" added by pdf_commands.
    Command("invoices", "billing.cli.pdf_commands:invoices_app", MONTHLY, "Issued invoices and credit notes."),
    Command("invoice", "billing.cli.pdf_commands:invoice_app", MONTHLY, "One issued invoice or credit note."),
    Command("correct", "billing.cli.billing_commands:correct", CORRECTIONS,
            "Re-rate a billed month: a credit note and a new invoice for each agency whose charges changed; "
            "nothing for the others."),
    Command("credit", "billing.cli.billing_commands:credit", CORRECTIONS, "A full credit note for one invoice."),
    Command("credit-balance", "billing.cli.billing_commands:credit_balance", CORRECTIONS,
            "Issue a month that nets to a credit for one agency (held back by the run or a correction) as a "
            "credit note; its invoice in force, if any, is credited first."),
    Command("export", "billing.cli.export_commands:export_app", OUTPUTS, "Issued documents for other systems."),
    Command("validate-einvoice", "billing.cli.einvoice_commands:validate_einvoice", OUTPUTS,
            "Validate every document of DIRECTORY against the UBL 2.1 schema in RULES/xsd (if there) and run "
            "every rule file of RULES over it; exit status 1 on any fatal finding."),
    Command("payments", "billing.cli.receivables_commands:payments_app", PAYMENTS,
            "Incoming payments: imported from the bank, applied, assigned, refunded."),
    Command("receivables", "billing.cli.receivables_commands:receivables", PAYMENTS,
            "Open items per agency, with an ageing summary (kundreskontra)."),
    Command("reminders", "billing.cli.receivables_commands:reminders", PAYMENTS,
            "Payment reminders: a PDF per agency with its overdue items, OCR and bankgiro."),
    Command("tariffs", "billing.cli.data_commands:tariffs_app", PRICING, "The service catalogue and price lists."),
    Command("quote", "billing.cli.quote_commands:quote", PRICING,
            "Price a prospective agency: annual, extraordinary and one-off cost, VAT apart."),
    Command("whatif", "billing.cli.quote_commands:whatif", PRICING,
            "Re-rate the recorded volumes of existing agencies under a draft price list; per agency and area: "
            "current, draft, difference. Changes nothing."),
    Command("prices", "billing.cli.pricing_commands:prices_app", PRICING,
            "Price setting for full cost recovery: a multi-year price plan."),
    Command("audit", "billing.cli.audit_commands:audit", CONTROL,
            "Check issued invoices: re-rating, arithmetic, completeness, numbering, integrity, variance, a "
            "sample and revenue. Exit status 1 when a check fails. Changes nothing. 'audit trace NUMBER' "
            "traces one document (table, csv or json)."),
    Command("verify", "billing.cli.control_commands:verify", CONTROL,
            "Recompute every document's seal and the chain, and the journal over documents, billing runs and "
            "events; list what was changed, deleted or inserted after it was written. Exit status 1 when "
            "anything is found."),
    Command("log", "billing.cli.control_commands:log", CONTROL,
            "The event log: every action that changed state, with time, user and arguments."),
    Command("agencies", "billing.cli.data_commands:agencies_app", DATA, "Customer agencies and their agreements."),
    Command("users", "billing.cli.users_commands:users_app", DATA, "Users of the web and the API, and their tokens."),
    Command("serve", "billing.cli.users_commands:serve", DATA,
            "Serve the customer web and the JSON API (/api/v1) on the database, with uvicorn."),
    Command("db", "billing.cli.control_commands:db_app", DATA, "The database schema."),
    Command("config", "billing.cli.config_command:config", DATA,
            "Show the effective settings and where each came from (passwords masked), and the database in use."),
)
_BY_NAME = {entry.name: entry for entry in COMMANDS}


def target_of(entry: Command):
    """The command function or typer group an entry names (imports its module)."""
    module, attribute = entry.target.split(":")
    return getattr(import_module(module), attribute)


def summary_of(target) -> str:
    """What the list of commands shows for a command function or group: the
    docstring's (or help's) first paragraph on one line."""
    text = target.info.help if isinstance(target, typer.Typer) else inspect.getdoc(target)
    return " ".join(text.split("\n\n")[0].split())


def _one_line_summaries(group: click.Group) -> None:
    """A group's list of commands shows each docstring's first paragraph on one
    line: rich markup keeps the docstring's line breaks, which would break the
    summary mid-sentence in the list."""
    for command in group.commands.values():
        if command.short_help is None and command.help:
            command.short_help = " ".join(inspect.cleandoc(command.help).split("\n\n")[0].split())
        if isinstance(command, click.Group):
            _one_line_summaries(command)


class _Built(MutableMapping):
    """The group's commands by name, in the registry's order; a command is
    built (its module imported) when it is looked up, not when it is listed."""

    def __init__(self, build):
        self._build, self._built = build, {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._built:
            if name not in _BY_NAME:
                raise KeyError(name)
            self._built[name] = self._build(_BY_NAME[name])
        return self._built[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self):
        yield from _BY_NAME
        yield from (name for name in self._built if name not in _BY_NAME)

    def __len__(self) -> int:
        return len(_BY_NAME) + sum(name not in _BY_NAME for name in self._built)

    def __contains__(self, name) -> bool:
        return name in _BY_NAME or name in self._built


class _Commands(TyperGroup):
    """The top-level group: lists every command of ``COMMANDS``, panel by panel,
    in the month's order, and builds only the one that runs. The list of
    commands in ``--help`` is made of the registry's names and summaries."""

    def __init__(self, **attrs):
        super().__init__(**attrs)
        self.commands = _Built(self._build)
        self._listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = _BY_NAME.get(cmd_name)
        if self._listing and entry is not None:
            # What the help's list of commands reads: name, panel and summary.
            return TyperCommand(name=entry.name, short_help=entry.summary, rich_help_panel=entry.panel)
        return self.commands.get(cmd_name)

    def _build(self, entry: Command) -> click.Command:
        """The click command typer makes of the entry's target, as if it had
        been added to the app with its name and panel."""
        target, holder = target_of(entry), typer.Typer()
        options = {"pretty_exceptions_short": app.pretty_exceptions_short, "rich_markup_mode": app.rich_markup_mode}
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=entry.name, rich_help_panel=entry.panel)
            group = typer.main.get_group_from_info(holder.registered_groups[0],
                                                   suggest_commands=app.suggest_commands, **options)
            _one_line_summaries(group)
            return group
        holder.command(entry.name, rich_help_panel=entry.panel, short_help=summary_of(target))(target)
        return typer.main.get_command_from_info(holder.registered_commands[0], **options)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(cls=_Commands, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
                  help="Billing for a government shared-service centre.\n\nSettings come from the "
                       "options, else BILLING_* environment variables, else ./billing.toml, "
                       "~/.config/billing/billing.toml or /etc/billing/billing.toml: see 'billing config'.")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # a slow import, for this option only
        typer.echo(f"billing {version('billing')}")
        raise typer.Exit()


@app.callback()
def _options(
        database: Annotated[str | None, typer.Option(
            "--database-url", metavar="URL", show_default=False,
            help="The database [BILLING_DATABASE_URL; default sqlite:///billing.sqlite]")] = None,
        centre: Annotated[Path | None, typer.Option(
            "--centre", metavar="FILE", show_default=False,
            help="The centre's details and accounts [BILLING_CENTRE]")] = None,
        no_auto_upgrade: Annotated[bool, typer.Option(
            "--no-auto-upgrade", show_default=False,
            help="Never create or upgrade the schema: 'billing db upgrade' does "
                 "[BILLING_AUTO_UPGRADE=false]")] = False,
        verbose: Annotated[int, typer.Option(
            "--verbose", "-v", count=True, metavar="", show_default=False,
            help="Log each step to stderr; -vv the SQL too [BILLING_LOG_LEVEL]")] = 0,
        _show_version: Annotated[bool, typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    # Loaded here, not at import: 'billing --help' needs no settings (pydantic).
    from billing.settings import load_settings
    level = {0: None, 1: "INFO"}.get(verbose, "DEBUG")
    try:
        state["settings"] = load_settings(database_url=database, centre=centre,
                                          auto_upgrade=False if no_auto_upgrade else None,
                                          log_level=level)
    except BillingError as error:
        fail(str(error))
    configure_logging(state["settings"].settings.log_level)


def main() -> None:
    app()
