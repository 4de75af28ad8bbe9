"""Calibration of the online review: totals, z-score and robust normalization, the ranking with
its ties, near ties and disagreement flags — on hand-computed examples, and from the database."""

from __future__ import annotations

import itertools
import random

import pytest

from jiangxin.reviews import calibration
from jiangxin.reviews.calibration import DimensionSpec, SheetScores, compute

#: One dimension of 0–100 with weight 1, so a sheet's total is its score.
ONE = [DimensionSpec(id=1, weight=1.0, score_min=0, score_max=100)]
A, B, C, D = 101, 102, 103, 104


def sheets(table: dict[int, dict[int, int]]) -> list[SheetScores]:
    """{expert: {nomination: total}} as sheets of the one-dimension policy."""
    return [
        SheetScores(expert_id=e, nomination_id=n, scores={1: total})
        for e, row in table.items()
        for n, total in row.items()
    ]


#: Expert 1 is strict, expert 2 lenient, expert 3 in between; all three score all four.
EXAMPLE = {
    1: {A: 67, B: 61, C: 59, D: 53},
    2: {A: 87, B: 99, C: 71, D: 83},
    3: {A: 71, B: 63, C: 77, D: 69},
}


def test_hand_computed_example() -> None:
    """The example worked by hand.

    Raw means: A (67+87+71)/3 = 75, B (61+99+63)/3 = 74.3333, C (59+71+77)/3 = 69,
    D (53+83+69)/3 = 68.3333.

    z-score. Expert means and population standard deviations:
      E1 mean 60, deviations +7 +1 −1 −7, sd = √((49+1+1+49)/4) = √25 = 5;
      E2 mean 85, deviations +2 +14 −14 −2, sd = √((4+196+196+4)/4) = √100 = 10;
      E3 mean 70, deviations +1 −7 +7 −1, sd = 5.
    Standard scores (t − mean)/sd:
      A: E1 +1.4, E2 +0.2, E3 +0.2 → mean +0.6
      B: E1 +0.2, E2 +1.4, E3 −1.4 → mean +0.0667 (= 0.2/3)
      C: E1 −0.2, E2 −1.4, E3 +1.4 → mean −0.0667
      D: E1 −1.4, E2 −0.2, E3 −0.2 → mean −0.6
    The review's totals: 12 values summing 860, so M = 71.6667; Σt² = 63500, so
    S² = 63500/12 − M² = 5291.6667 − 5136.1111 = 155.5556 and S = 12.4722.
    Each adjusted total is M + S·z, and their mean is M + S·(mean z):
      A 71.6667 + 0.6 × 12.4722 = 79.1500; B 71.6667 + 12.4722/15 = 72.4981;
      C 71.6667 − 0.8315 = 70.8352; D 71.6667 − 7.4833 = 64.1834.

    Robust. Expert medians and MADs (median absolute deviation × 1.4826):
      E1 median (61+59)/2 = 60, |dev| 7 1 1 7 → median 4 → MAD 5.9304;
      E2 median (87+83)/2 = 85, |dev| 2 14 14 2 → median 8 → MAD 11.8608;
      E3 median (71+69)/2 = 70, |dev| 1 7 7 1 → median 4 → MAD 5.9304.
    The review: sorted totals 53 59 61 63 67 69 71 71 77 83 87 99 → median 70; |t − 70| sorted
    1 1 1 3 7 7 9 11 13 17 17 29 → median 8 → MAD 11.8608.
    Adjusted = 70 + 11.8608 × (t − median_e)/MAD_e, i.e. 70 + 2(t − 60) for E1,
    70 + (t − 85) for E2 and 70 + 2(t − 70) for E3:
      A: 84, 72, 72 → 76;  B: 72, 84, 56 → 70.6667;  C: 68, 56, 84 → 69.3333;
      D: 56, 68, 68 → 64.

    Spreads (range of raw totals) A 20, B 38, C 18, D 30; the threshold is 20% of 100 = 20:
    A (exactly at it), B and D are disagreements, C is not.
    """
    results = {r.nomination_id: r for r in compute(sheets(EXAMPLE), ONE)}
    expected = {
        A: (75.0, 79.15, 76.0, 20, True),
        B: (74.3333, 72.4981, 70.6667, 38, True),
        C: (69.0, 70.8352, 69.3333, 18, False),
        D: (68.3333, 64.1834, 64.0, 30, True),
    }
    for nomination, (raw, z, robust, spread, disagreement) in expected.items():
        r = results[nomination]
        assert r.experts == 3
        assert r.raw == pytest.approx(raw, abs=5e-5)
        assert r.z == pytest.approx(z, abs=5e-5)
        assert r.robust == pytest.approx(robust, abs=5e-5)
        assert r.spread == spread
        assert r.disagreement is disagreement
    assert [results[n].rank for n in (A, B, C, D)] == [1, 2, 3, 4]
    assert {m: results[B].ranks[m] for m in calibration.METHODS} == {"raw": 2, "z": 2, "robust": 2}


def test_calibration_removes_leniency_and_marks_the_tie() -> None:
    """A strict expert scores X1 60 and X2 70; a lenient one Y1 80 and Y2 90 (alone each).

    Raw, the lenient expert's nominees lead. M = 75, S = √((225+25+25+225)/4) = √125 =
    11.1803; each expert has mean ±5 around their own mean and sd 5, so X2 and Y2 both become
    75 + 11.1803 = 86.1803, and X1 and Y1 75 − 11.1803 = 63.8197: two ties. Within a tie the
    order falls back on the raw mean (Y2 before X2)."""
    x1, x2, y1, y2 = 1, 2, 3, 4
    results = compute(sheets({10: {x1: 60, x2: 70}, 20: {y1: 80, y2: 90}}), ONE)
    by_id = {r.nomination_id: r for r in results}
    assert by_id[x2].z == by_id[y2].z == pytest.approx(86.1803, abs=5e-5)
    assert by_id[x1].z == by_id[y1].z == pytest.approx(63.8197, abs=5e-5)
    assert [r.nomination_id for r in results] == [y2, x2, y1, x1]
    assert all(r.tie for r in results)
    # The raw ranking has no tie: 90, 80, 70, 60.
    assert [r.ranks["raw"] for r in (by_id[y2], by_id[y1], by_id[x2], by_id[x1])] == [1, 2, 3, 4]
    assert not any(r.ties["raw"] or r.near_ties["raw"] for r in results)


def test_a_recompute_and_any_input_order_give_the_same_ranking() -> None:
    base = sheets(EXAMPLE) + sheets({4: {A: 80, C: 62}})
    first = compute(base, ONE, numbers={A: "N-1", B: "N-2", C: "N-3", D: "N-4"})
    again = compute(list(base), ONE, numbers={A: "N-1", B: "N-2", C: "N-3", D: "N-4"})
    assert first == again
    rng = random.Random(20260615)
    for _ in range(20):
        shuffled = list(base)
        rng.shuffle(shuffled)
        assert compute(shuffled, ONE, numbers={A: "N-1", B: "N-2", C: "N-3", D: "N-4"}) == first
    assert calibration.ranking_digest(first) == calibration.ranking_digest(again)


def test_ties_and_near_ties() -> None:
    """Values equal to 2 decimals are a tie; neighbours less than 0.5 points apart a near tie
    (the same two experts score everyone, so every method orders as the raw means do)."""
    # Raw totals alone: the same two experts score everyone, so z and raw order agree.
    table = {1: {A: 80, B: 80, C: 79, D: 70}, 2: {A: 80, B: 80, C: 79, D: 70}}
    results = {r.nomination_id: r for r in compute(sheets(table), ONE)}
    assert results[A].ties["raw"] and results[B].ties["raw"]
    # C is 1 point below B: neither a tie nor near (0.5 points).
    assert not results[C].ties["raw"] and not results[C].near_ties["raw"]
    near = {1: {A: 80, B: 79, C: 70}, 2: {A: 80, B: 80, C: 70}, 3: {A: 80, B: 80, C: 70}}
    results = {r.nomination_id: r for r in compute(sheets(near), ONE)}
    assert results[A].raw == 80 and results[B].raw == 79.6667
    assert results[A].near_ties["raw"] and results[B].near_ties["raw"]
    assert not results[A].ties["raw"]
    assert not results[C].near_ties["raw"]


def test_a_tie_is_what_the_reader_sees_as_equal() -> None:
    """Ties compare the values as shown, to 2 decimals with halves rounded up."""
    assert calibration.shown(80.125) == calibration.shown(80.1250)
    assert str(calibration.shown(80.125)) == "80.13"
    assert str(calibration.shown(2.675)) == "2.68"  # round(2.675, 2) would give 2.67
    a = calibration.NominationResult(1, 2, 80.004, 80.004, 80.004, 0, False)
    b = calibration.NominationResult(2, 2, 80.001, 80.001, 80.001, 0, False)
    calibration.rank([a, b])
    assert a.tie and b.tie


@pytest.mark.parametrize(("spread", "flagged"), [(19, False), (20, True), (21, True)])
def test_disagreement_flag_at_the_threshold(spread: int, flagged: bool) -> None:
    # Five dimensions of 0–20, weight 1: the total ranges over 100 points, the threshold is 20.
    dims = [DimensionSpec(id=i, weight=1.0, score_min=0, score_max=20) for i in range(1, 6)]
    low = {1: 10, 2: 10, 3: 10, 4: 10, 5: 10}
    high = dict(low)
    high[1] += min(spread, 10)
    high[2] += spread - min(spread, 10)
    result = compute(
        [SheetScores(1, A, low), SheetScores(2, A, high), SheetScores(1, B, high)], dims
    )
    by_id = {r.nomination_id: r for r in result}
    assert by_id[A].spread == spread
    assert by_id[A].disagreement is flagged


def test_weights_count_in_the_total_and_the_threshold() -> None:
    dims = [
        DimensionSpec(id=1, weight=2.0, score_min=0, score_max=10),
        DimensionSpec(id=2, weight=0.5, score_min=0, score_max=20),
    ]
    assert calibration.sheet_total({1: 7, 2: 12}, dims) == 20.0
    assert calibration.total_range(dims) == 30.0
    # Spread 6 = 20% of 30: flagged.
    result = compute([SheetScores(1, A, {1: 7, 2: 12}), SheetScores(2, A, {1: 10, 2: 12})], dims)
    assert result[0].spread == 6 and result[0].disagreement


def test_an_expert_with_one_sheet_is_shifted_to_the_review_centre() -> None:
    """Expert 9 scored only B (95): with one sheet there is no spread to divide by, so the
    sheet counts as the review's centre — M under z, the median under the robust method."""
    table = {1: {A: 60, B: 70, C: 80}, 9: {B: 95}}
    results = {r.nomination_id: r for r in compute(sheets(table), ONE)}
    totals = [60, 70, 80, 95]
    mean = sum(totals) / 4  # 76.25
    median = (70 + 80) / 2  # 75
    # B's two sheets: expert 1 (z = 0, so the value M) and expert 9 (M).
    assert results[B].z == pytest.approx(mean, abs=5e-5)
    assert results[B].robust == pytest.approx(median, abs=5e-5)
    assert results[B].experts == 2 and results[B].spread == 25


def test_an_expert_whose_totals_are_all_equal_is_shifted_only() -> None:
    table = {1: {A: 70, B: 70, C: 70}, 2: {A: 90, B: 80, C: 70}}
    results = {r.nomination_id: r for r in compute(sheets(table), ONE)}
    # Expert 1 moves every total to M = 75 (the mean of 70, 70, 70, 90, 80, 70).
    assert all(r.experts == 2 for r in results.values())
    assert results[A].z > results[B].z > results[C].z


def test_no_sheet_no_ranking() -> None:
    assert compute([], ONE) == []


def test_every_permutation_of_the_experts_ids_keeps_the_values() -> None:
    """Renumbering the experts changes nothing but the order the sheets are read in."""
    reference = {r.nomination_id: (r.raw, r.z, r.robust) for r in compute(sheets(EXAMPLE), ONE)}
    for order in itertools.permutations([1, 2, 3]):
        renamed = {new: EXAMPLE[old] for new, old in zip((7, 8, 9), order, strict=True)}
        values = {r.nomination_id: (r.raw, r.z, r.robust) for r in compute(sheets(renamed), ONE)}
        assert values == reference
