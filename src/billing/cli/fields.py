"""The command line's names for the domain's fields.

The core and the services name the field a data error is about as the domain
does (``issue_date``, ``period``); they know nothing of the command line. A
user reads the option or argument they typed, so the commands print a data
error with these names instead. A problem located in a file keeps its field:
that is the file's own column or key, written as in the file.
"""

from __future__ import annotations

from dataclasses import replace

from billing.errors import BillingError, DataError, Problem

FLAGS = {
    # billing run, correct, credit, audit trace, invoice pdf
    "period": "YYYY-MM",
    "number": "NUMBER",
    "issue_date": "--date",
    "reason": "--reason",
    "organisation_number": "--agency",
    "allow_missing": "--allow-missing",
    "drop_threshold": "--drop-threshold",
    # audit, whatif
    "first_period": "--from",
    "last_period": "--to",
    "threshold": "--threshold",
    "sample_size": "--sample",
    # quote
    "employees": "--employees",
    "areas": "--area",
    "months": "--years",
    "volumes": "--volume",
    "subscriptions": "--subscription",
    "connection_items": "--connection-item",
    "price_list_id": "--tariff-id",
    "estimate": "--estimate",
    # verify
    "pinned_head": "--expect-head",
    # payments, reminders
    "payment": "PAYMENT",
    "document": "DOCUMENT",
    "application": "APPLICATION",
    "amount": "--amount",
    "days": "--days",
    "interval": "--interval",
    # prices plan
    "plan": "--plan",
    "costs": "--costs",
    "start": "--start",
    "target_year": "--target-year",
    "step": "--step",
    # billing users
    "name": "NAME",
    "password": "the password",
    "token": "--revoke",
}


def as_typed(problem: Problem) -> Problem:
    """The problem with its field named as on the command line."""
    if problem.file is not None or problem.field not in FLAGS:
        return problem
    return replace(problem, field=FLAGS[problem.field])


def user_message(error: BillingError) -> str:
    """The error as the user reads it: a data error's fields named as typed."""
    if not isinstance(error, DataError):
        return str(error)
    return str(DataError([as_typed(p) for p in error.problems]))
