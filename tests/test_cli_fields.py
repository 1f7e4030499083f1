"""Data errors name the domain's fields; the command line shows the option or
argument the user typed (cli/fields.py), and a file's own fields as they are."""

from __future__ import annotations

import re
from pathlib import Path

from billing.cli.fields import FLAGS, user_message
from billing.errors import AlreadyDone, DataError, Problem

SRC = Path(__file__).resolve().parents[1] / "src" / "billing"


def test_a_domain_field_is_shown_as_the_option_typed():
    error = DataError.single("a credit note needs a reason (--reason)", field="reason")
    # A problem without a file reads " [field]: message", indented by two.
    assert str(error).endswith("\n   [reason]: a credit note needs a reason (--reason)")
    assert user_message(error) == ("1 problem found, nothing was changed:\n"
                                   "   [--reason]: a credit note needs a reason (--reason)")


def test_every_problem_is_translated_and_nothing_else_changes():
    error = DataError([Problem("the size must be at least 1 employee, not 0", field="employees"),
                       Problem("unknown service X", field="volumes"),
                       Problem("2012-12 has never been billed", field="period"),
                       Problem("no document number 9", field="number")])
    assert user_message(error) == "\n".join([
        "4 problems found, nothing was changed:",
        "   [--employees]: the size must be at least 1 employee, not 0",
        "   [--volume]: unknown service X",
        "   [YYYY-MM]: 2012-12 has never been billed",
        "   [NUMBER]: no document number 9"])


def test_a_problem_in_a_file_keeps_the_files_field():
    # "period" and "organisation_number" are columns of a volume file too: there
    # they name the column, not the command's argument.
    error = DataError([Problem("not a month", "v.csv", 3, "period"),
                       Problem("unknown agency 202100-0092", "v.csv", 4, "organisation_number")])
    assert user_message(error) == str(error)
    assert "v.csv:3 [period]: not a month" in user_message(error)


def test_other_errors_and_unnamed_fields_read_as_they_are():
    assert user_message(AlreadyDone("2012-11 is already billed")) == "2012-11 is already billed"
    error = DataError([Problem("no price list in force"), Problem("odd", field="something_else")])
    assert user_message(error) == str(error)


def test_the_core_and_services_name_only_domain_fields_each_with_its_flag():
    # Every field named outside the file readers (whose fields are the files'
    # own keys and columns) and the command line itself.
    used = set()
    for path in SRC.rglob("*.py"):
        if path.parent.name not in ("files", "cli"):
            used |= set(re.findall(r'field="([^"]*)"', path.read_text(encoding="utf-8")))
    assert used, "the pattern no longer finds the fields"
    assert not [f for f in used if f.startswith("-") or not f.islower()]
    assert used <= FLAGS.keys(), used - FLAGS.keys()
    # One flag per field, and no flag that two fields would share.
    assert len(set(FLAGS.values())) == len(FLAGS)
