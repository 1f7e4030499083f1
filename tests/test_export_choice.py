"""Which documents an export writes (billing.domain.exports), without a database:
number ranges as typed, the choice described, and the rule that a document
exported before is left out unless asked for again."""

from __future__ import annotations

from datetime import date

import pytest

from billing.domain.exports import DocumentChoice, NumberRange, choose, number_ranges, parse_numbers
from billing.period import Month


def test_numbers_as_typed():
    assert parse_numbers("12-40") == (NumberRange(12, 40),)
    assert parse_numbers("7") == (NumberRange(7, 7),)
    assert parse_numbers(" 12 - 40, 45,50-52 ") == (NumberRange(12, 40), NumberRange(45, 45), NumberRange(50, 52))
    assert [str(r) for r in parse_numbers("3-3,4-9")] == ["3", "4-9"]


@pytest.mark.parametrize("text, part", [("40-12", "'40-12'"), ("0", "'0'"), ("0-3", "'0-3'"), ("", "''"),
                                        ("1,,2", "''"), ("a", "'a'"), ("-3", "'-3'"), ("1.5", "'1.5'"),
                                        ("12-", "'12-'")])
def test_what_is_not_a_number_or_a_rising_range_is_named(text, part):
    with pytest.raises(ValueError, match=f"not a document number or a range such as 12-40: {part}"):
        parse_numbers(text)


def test_numbers_written_short():
    assert number_ranges([5, 1, 2, 3, 9, 10, 3]) == "1-3, 5, 9-10"
    assert number_ranges([4]) == "4" and number_ranges([]) == ""


def test_the_rule_exported_before_is_left_out_unless_asked_again():
    # 1-5 named; 1, 2 and 4 exported before in the format.
    new = choose([1, 2, 3, 4, 5], {1, 2, 4, 99}, again=False)
    assert (new.numbers, new.again, new.left_out, new.candidates) == ((3, 5), (), (1, 2, 4), 5)
    everything = choose([1, 2, 3, 4, 5], {1, 2, 4}, again=True)
    assert (everything.numbers, everything.again, everything.left_out) == ((1, 2, 3, 4, 5), (1, 2, 4), ())
    assert choose([], {1}, again=False).candidates == 0


def test_a_choice_described_and_logged():
    month = DocumentChoice(billed_for=Month(2012, 12))
    assert month.month_only and month.names_documents
    assert month.described() == "issued for 2012-12" and month.arguments() == {"period": "2012-12"}
    mixed = DocumentChoice(issued_in=Month(2013, 1), numbers=parse_numbers("12-40,45"),
                           since=date(2013, 1, 5), again=True)
    assert not mixed.month_only
    assert mixed.described() == "issued in 2013-01, numbered 12-40, 45, issued on or after 2013-01-05"
    assert mixed.arguments() == {"issued_in": "2013-01", "numbers": "12-40,45", "since": "2013-01-05",
                                 "all": "yes"}
    assert not DocumentChoice(again=True).names_documents
