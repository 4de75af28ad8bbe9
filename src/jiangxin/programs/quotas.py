"""Quota arithmetic: the suggested apportionment and the cap on nominations.

Suggested apportionment — the largest remainder method (Hamilton's method):

1. each organization's exact share is ``target × weight / sum of weights``;
2. each gets the whole part of its share;
3. the slots still left (fewer than the number of organizations) go one each to the
   organizations with the largest fractional parts; ties go to the larger weight, then to the
   organization listed first.

Example: 7 slots by weights 10, 20, 30 give exact shares 1.17, 2.33 and 3.5; the whole parts
1, 2, 3 leave one slot, which goes to the largest fraction (0.5): the result is 1, 2, 4.

The result always sums to the target exactly (when some weight is positive). Weights are what
the officer enters: workforce, past cohorts, or anything else that should drive the split.

Cap: an organization may put forward ``floor(slots × recommendation ratio)`` nominations
(e.g. 7 slots at 1.5 → 10).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def largest_remainder(target: int, weights: Sequence[tuple[K, Decimal]]) -> dict[K, int]:
    """Split `target` slots in proportion to `weights` (a list of (key, weight) pairs)."""
    if target < 0:
        raise ValueError("the target cannot be negative")
    if any(w < 0 for _, w in weights):
        raise ValueError("weights cannot be negative")
    total = sum((Fraction(w) for _, w in weights), Fraction(0))
    if not weights or total == 0:
        raise ValueError("at least one weight must be positive")
    shares = [(key, Fraction(target) * Fraction(w) / total, Fraction(w)) for key, w in weights]
    result = {key: math.floor(share) for key, share, _ in shares}
    left = target - sum(result.values())
    order = sorted(
        range(len(shares)),
        key=lambda i: (-(shares[i][1] - math.floor(shares[i][1])), -shares[i][2], i),
    )
    for i in order[:left]:
        result[shares[i][0]] += 1
    return result


def cap_for(slots: int, ratio: Decimal) -> int:
    """How many nominations an organization with `slots` may put forward."""
    return int((Decimal(slots) * ratio).to_integral_value(rounding=ROUND_FLOOR))
