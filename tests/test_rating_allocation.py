"""Allocation of a sub-supplier invoice across agencies: exact to the öre, largest remainder."""

from __future__ import annotations

from decimal import Decimal

import pytest
from factories import D
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.rating.allocation import allocate


def test_three_way_split_of_100_by_equal_weights():
    # 100.00 / 3 = 33.333...; floored: 33.33 x 3 = 99.99, so 1 öre is left over.
    # All three remainders are equal (0.00333...), ties go by key: "a" sorts first -> 33.34.
    shares = allocate(D("100.00"), {"c": D(1), "a": D(1), "b": D(1)})
    assert shares == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert sum(shares.values()) == D("100.00")


def test_tie_rule_is_by_key_not_by_insertion_order():
    one = allocate(D("100.00"), {"x": D(1), "y": D(1), "z": D(1)})
    other = allocate(D("100.00"), {"z": D(1), "y": D(1), "x": D(1)})
    assert one == other == {"x": D("33.34"), "y": D("33.33"), "z": D("33.33")}


def test_proportional_split():
    # 1 000.00 by 1:3 -> 250.00 and 750.00, exact
    assert allocate(D("1000.00"), {"a": D(1), "b": D(3)}) == {"a": D("250.00"), "b": D("750.00")}


def test_largest_remainder_gets_the_leftover_ore():
    # 10.00 by 1, 2, 4 (sum 7): exact 1.428571..., 2.857142..., 5.714285...
    # floored 1.42 + 2.85 + 5.71 = 9.98: 2 öre left over
    # remainders: a 0.008571..., b 0.007142..., c 0.004285... -> a and b get one öre each
    shares = allocate(D("10.00"), {"a": D(1), "b": D(2), "c": D(4)})
    assert shares == {"a": D("1.43"), "b": D("2.86"), "c": D("5.71")}


def test_largest_remainder_wins_over_the_key_order():
    # 1.00 by 1, 2 (sum 3): exact a 0.333..., b 0.666...; floored 0.33 + 0.66 = 0.99
    # remainders: a 0.00333..., b 0.00666... -> b gets the öre although "a" sorts first
    shares = allocate(D("1.00"), {"a": D(1), "b": D(2)})
    assert shares == {"a": D("0.33"), "b": D("0.67")}


def test_negative_total_mirrors_the_positive_one():
    # A credit must reverse its debit agency by agency: -100.00 by 1,1,1 gives the
    # shares of +100.00 (33.34, 33.33, 33.33: the extra öre to key a) negated.
    shares = allocate(D("-100.00"), {"a": D(1), "b": D(1), "c": D(1)})
    assert shares == {"a": D("-33.34"), "b": D("-33.33"), "c": D("-33.33")}
    assert sum(shares.values()) == D("-100.00")


def test_employees_as_weights():
    # 812 345.67 by 210 and 90 employees (sum 300):
    # 812 345.67 x 210/300 = 568 641.969 -> floor 568 641.96, remainder 0.009
    # 812 345.67 x  90/300 = 243 703.701 -> floor 243 703.70, remainder 0.001
    # floored sum 812 345.66: 1 öre left over -> the first (larger remainder)
    shares = allocate(D("812345.67"), {"202100-1234": D(210), "202132-6364": D(90)})
    assert shares == {"202100-1234": D("568641.97"), "202132-6364": D("243703.70")}


def test_zero_weights_get_nothing_allocated():
    shares = allocate(D("10.00"), {"a": D(1), "b": D(0)})
    assert shares["a"] == D("10.00")
    assert shares.get("b", D("0")) == D("0")


@pytest.mark.parametrize(("total", "weights", "message"), [
    (D("10.005"), {"a": D(1)}, "whole öre"),
    (D("10.00"), {"a": D(1), "b": D(-1)}, "negative"),
    (D("10.00"), {"a": D(0)}, "every weight is zero"),
    (D("10.00"), {}, "every weight is zero"),
])
def test_refuses_what_cannot_be_allocated(total, weights, message):
    with pytest.raises(ValueError, match=message):
        allocate(total, weights)


@settings(max_examples=300, deadline=None)
@given(total_ore=st.integers(min_value=-10**11, max_value=10**11),
       weights=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=12))
def test_shares_add_up_exactly_and_stay_within_one_ore(total_ore, weights):
    total = Decimal(total_ore) / 100  # whole öre, exact
    keyed = {f"agency-{i:02d}": Decimal(w) for i, w in enumerate(weights)}
    shares = allocate(total, keyed)
    assert set(shares) == set(keyed)
    assert sum(shares.values(), Decimal(0)) == total
    weight_sum = sum(weights)
    for key, share in shares.items():
        assert share == share.quantize(Decimal("0.01"))
        # |share - total x w / sum| < 0.01  <=>  |share x sum - total x w| < 0.01 x sum (exact in integers of öre)
        difference = abs(int(share * 100) * weight_sum - total_ore * int(keyed[key]))
        assert difference < weight_sum


@settings(max_examples=100, deadline=None)
@given(total_ore=st.integers(min_value=0, max_value=10**9),
       weights=st.lists(st.integers(min_value=1, max_value=1000), min_size=2, max_size=8))
def test_allocation_is_reproducible(total_ore, weights):
    total = Decimal(total_ore) / 100
    keyed = {f"k{i}": Decimal(w) for i, w in enumerate(weights)}
    reversed_order = dict(reversed(list(keyed.items())))
    assert allocate(total, keyed) == allocate(total, reversed_order)
