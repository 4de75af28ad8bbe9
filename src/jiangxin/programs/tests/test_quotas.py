"""Quota arithmetic: the largest remainder apportionment and the cap on nominations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiangxin.programs.quotas import cap_for, largest_remainder

D = Decimal


def test_documented_example() -> None:
    # quotas.py: 7 slots by weights 10, 20, 30 → 1, 2, 4.
    assert largest_remainder(7, [("a", D(10)), ("b", D(20)), ("c", D(30))]) == {
        "a": 1,
        "b": 2,
        "c": 4,
    }


def test_exact_shares_need_no_remainder() -> None:
    assert largest_remainder(10, [("a", D(5)), ("b", D(3)), ("c", D(2))]) == {
        "a": 5,
        "b": 3,
        "c": 2,
    }


def test_ties_go_to_the_larger_weight_then_to_the_first_listed() -> None:
    # Equal weights, equal fractions: the organization listed first gets the extra slot.
    assert largest_remainder(10, [("a", D(1)), ("b", D(1)), ("c", D(1))]) == {
        "a": 4,
        "b": 3,
        "c": 3,
    }
    assert largest_remainder(10, [("c", D(1)), ("b", D(1)), ("a", D(1))]) == {
        "c": 4,
        "b": 3,
        "a": 3,
    }
    # No tie: target 3 by weights 1 and 3 → 0.75 and 2.25, the larger fraction wins.
    assert largest_remainder(3, [("small", D(1)), ("big", D(3))]) == {"small": 1, "big": 2}
    # Fractions tie at .5 (target 2 by weights 1 and 3 → 0.5 and 1.5): the larger weight wins.
    assert largest_remainder(2, [("small", D(1)), ("big", D(3))]) == {"small": 0, "big": 2}


def test_zero_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        largest_remainder(5, [("a", D(0)), ("b", D(0))])
    with pytest.raises(ValueError, match="positive"):
        largest_remainder(5, [])
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(5, [("a", D(-1)), ("b", D(3))])
    with pytest.raises(ValueError, match="negative"):
        largest_remainder(-1, [("a", D(1))])


def test_a_zero_weight_among_positive_ones_gets_nothing() -> None:
    assert largest_remainder(5, [("a", D(0)), ("b", D(2))]) == {"a": 0, "b": 5}


weights = st.lists(
    st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
).filter(lambda ws: any(w > 0 for w in ws))


@given(target=st.integers(min_value=0, max_value=10_000), ws=weights)
def test_largest_remainder_always_sums_to_the_target(target: int, ws: list[Decimal]) -> None:
    result = largest_remainder(target, list(enumerate(ws)))
    assert sum(result.values()) == target
    total = sum(ws)
    for key, weight in enumerate(ws):
        exact = Decimal(target) * weight / total
        # Hamilton: each gets the floor of its share or one more, never anything else.
        assert exact - 1 < result[key] <= exact + 1
        assert result[key] >= 0
        if weight == 0:
            assert result[key] == 0


@pytest.mark.parametrize(
    ("slots", "ratio", "cap"),
    [
        (7, D("1.50"), 10),  # the documented example: floor(10.5)
        (10, D("1.50"), 15),
        (1, D("1.50"), 1),
        (0, D("1.50"), 0),
        (3, D("1.00"), 3),
        (3, D("1.34"), 4),
    ],
)
def test_cap_for(slots: int, ratio: Decimal, cap: int) -> None:
    assert cap_for(slots, ratio) == cap
