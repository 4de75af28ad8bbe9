"""The pure solver: feasibility, optimality against brute force, the balancing tie-break, the
outside-the-province gadget, pins and forbids, the bottleneck diagnosis, cancellation, and
the affinity parts (no database)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiangxin.reviews.assignment import affinity as aff
from jiangxin.reviews.assignment import solver
from jiangxin.reviews.assignment.solver import Kind


def check_valid(sol, k, cap, allowed, *, pins=(), outside=None, min_outside=0):  # type: ignore[no-untyped-def]
    n, m = allowed.shape
    k = np.broadcast_to(k, (n,))
    cap = np.broadcast_to(cap, (m,))
    pairs = sol.pairs()
    assert len(set(pairs)) == len(pairs), "a pair twice"
    per_nom = np.bincount(sol.nominations, minlength=n)
    assert (per_nom == k).all(), "every nomination gets exactly k"
    assert (np.bincount(sol.experts, minlength=m) <= cap).all(), "no expert over L"
    for i, j in pairs:
        assert allowed[i, j] or (i, j) in pins, "never across a conflict or forbid"
    for pin in pins:
        assert pin in pairs
    if outside is not None:
        for i in range(n):
            assert sum(outside[i, j] for a, j in pairs if a == i) >= min_outside


def brute_force(quanta, k, cap, allowed, *, pins=(), outside=None, min_outside=0, base=None):  # type: ignore[no-untyped-def]
    """Every assignment, by enumeration: (best total, least Σ load² among the best) or None."""
    n, m = quanta.shape
    base = np.zeros(m, int) if base is None else base
    choices = []
    for i in range(n):
        forced = {j for a, j in pins if a == i}
        free = [j for j in range(m) if allowed[i, j] and j not in forced]
        options = []
        for combo in itertools.combinations(free, k - len(forced)):
            chosen = set(combo) | forced
            if outside is not None and sum(outside[i, j] for j in chosen) < min_outside:
                continue
            options.append(tuple(sorted(chosen)))
        choices.append(options)
    best = None
    for pick in itertools.product(*choices):
        loads = np.zeros(m, int)
        total = 0
        for i, experts in enumerate(pick):
            for j in experts:
                loads[j] += 1
                total += int(quanta[i, j])
        if (loads > cap).any():
            continue
        spread = int(((loads + base) ** 2).sum())
        key = (total, -spread)
        if best is None or key > best:
            best = key
    return None if best is None else (best[0], -best[1])


@st.composite
def instances(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 4))
    k = draw(st.integers(1, min(2, m)))
    cap = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    # Few distinct values: ties are common, so the balancing tie-break matters.
    values = draw(st.lists(st.integers(0, 4), min_size=n * m, max_size=n * m))
    # Negative affinities too: the solver must not assume them non-negative.
    offset = draw(st.sampled_from([0.0, -0.5]))
    affinity = np.array(values, float).reshape(n, m) / 4 + offset
    mask = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    allowed = ~np.array(mask).reshape(n, m) | (np.arange(n * m).reshape(n, m) % 3 == 0)
    base = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)))
    use_outside = draw(st.booleans())
    outside = None
    if use_outside:
        flags = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
        outside = np.array(flags).reshape(n, m)
    pins = []
    if draw(st.booleans()):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, m - 1))
        if allowed[i, j]:
            pins = [(i, j)]
    return affinity, k, cap, allowed, base, outside, pins


#: The candidate-set method at its most starved: one candidate per nomination, one arc
#: brought in per nomination and round, so that bypass, pricing and rounds all do the work.
STARVED = solver.Sparse(per_nomination=1, per_expert=0, per_outside=0, margin=0, per_round=1)


@pytest.mark.parametrize("sparse", [False, STARVED], ids=["full", "candidates"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances())
def test_feasibility_and_optimality_match_brute_force(sparse, instance):  # type: ignore[no-untyped-def]
    affinity, k, cap, allowed, base, outside, pins = instance
    quanta = np.rint(affinity * solver.SCALE).astype(int)
    min_outside = 1 if outside is not None else 0
    sol = solver.solve(
        affinity,
        k,
        cap,
        allowed=allowed,
        base_load=base,
        outside=outside,
        min_outside=min_outside,
        pins=pins,
        sparse=sparse,
    )
    expected = brute_force(
        quanta, k, cap, allowed, pins=pins, outside=outside, min_outside=min_outside, base=base
    )
    if expected is None:
        assert sol.status == solver.Solution.INFEASIBLE
        assert sol.bottlenecks and sol.bottlenecks[0].deficit > 0
        assert sol.shortfall > 0
        return
    assert sol.status == solver.Solution.OPTIMAL
    check_valid(sol, k, cap, allowed, pins=pins, outside=outside, min_outside=min_outside)
    best_total, least_spread = expected
    assert sol.scaled_total == best_total  # optimal affinity
    # ...and, among the optimal assignments, the most even load (the exact tie-break).
    assert int(((sol.loads + base) ** 2).sum()) == least_spread


@settings(max_examples=100, deadline=None)
@given(instances())
def test_greedy_is_valid_and_never_beats_the_flow(instance):  # type: ignore[no-untyped-def]
    affinity, k, cap, allowed, _base, outside, _pins = instance
    min_outside = 1 if outside is not None else 0
    greedy = solver.greedy(
        affinity, k, cap, allowed=allowed, outside=outside, min_outside=min_outside
    )
    flow = solver.solve(affinity, k, cap, allowed=allowed, outside=outside, min_outside=min_outside)
    if greedy.status == solver.Solution.HEURISTIC:
        check_valid(greedy, k, cap, allowed, outside=outside, min_outside=min_outside)
        assert flow.feasible and greedy.scaled_total <= flow.scaled_total


def test_conflicts_never_assigned_exactly_k_and_at_most_l():
    rng = np.random.default_rng(7)
    affinity = rng.random((40, 12))
    allowed = rng.random((40, 12)) > 0.2
    sol = solver.solve(affinity, 3, 12, allowed=allowed)
    assert sol.status == solver.Solution.OPTIMAL
    check_valid(sol, 3, 12, allowed)
    # Conflicts as -inf affinity work the same way.
    marked = np.where(allowed, affinity, -np.inf)
    again = solver.solve(marked, 3, 12)
    assert again.pairs() == sol.pairs()


def test_infeasibility_names_the_bottleneck_group():
    rng = np.random.default_rng(1)
    allowed = np.ones((40, 20), bool)
    allowed[:30, 4:] = False  # the car makers can only have experts 0–3
    groups = ["C36 汽车制造业"] * 30 + ["C31 黑色金属冶炼和压延加工业"] * 10
    sol = solver.solve(rng.random((40, 20)), 3, 10, allowed=allowed, groups=groups)
    assert sol.status == solver.Solution.INFEASIBLE
    top = sol.bottlenecks[0]
    assert top.kind == Kind.GROUP and top.label == "C36 汽车制造业"
    assert (top.n_experts, top.n_nominations, top.demand, top.supply) == (4, 30, 90, 40)
    assert (
        top.describe()
        == "C36 汽车制造业: 4 available experts for 30 nominations with k = 3 and L = 10"
    )


def test_infeasibility_names_a_nomination_with_too_few_eligible_experts():
    allowed = np.ones((3, 5), bool)
    allowed[1, 1:] = False
    sol = solver.solve(np.ones((3, 5)), 2, 5, allowed=allowed, names=["N1", "N2", "N3"])
    top = sol.bottlenecks[0]
    assert (top.kind, top.label, top.n_experts, top.k) == (Kind.NOMINATION, "N2", 1, 2)
    assert top.describe() == "N2: 1 eligible experts for k = 2"


def test_infeasibility_overall_capacity():
    sol = solver.solve(np.ones((10, 3)), 2, 5)
    top = sol.bottlenecks[0]
    assert top.kind == Kind.TOTAL and (top.demand, top.supply) == (20, 15)
    assert (
        top.describe()
        == "All nominations: 3 available experts for 10 nominations with k = 2 and L = 5"
    )


def test_infeasibility_found_by_the_cut_when_no_group_shows_it():
    # Nominations 0–2 (two groups) share experts 0 and 1 of capacity 1 each.
    allowed = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]], bool)
    sol = solver.solve(np.ones((4, 4)), 1, 1, allowed=allowed, groups=["x", "y", "x", "z"])
    top = sol.bottlenecks[0]
    assert top.kind == Kind.CUT
    assert (top.n_nominations, top.n_experts, top.demand, top.supply) == (3, 2, 3, 2)
    assert top.label == "x" and top.other_groups == 1


def test_the_candidate_set_method_needs_rounds_and_matches_the_full_network():
    # Tight capacity (k·n = 90 of 100 places) and experts that everyone prefers: the best
    # few experts per nomination cannot carry the load, so the first restricted solve leans
    # on the bypass and pricing must bring arcs in.
    rng = np.random.default_rng(7)
    n, m = 30, 20
    popularity = np.linspace(1.0, 0.2, m)
    affinity = np.clip(popularity[None, :] + 0.3 * rng.random((n, m)), 0, None)
    allowed = rng.random((n, m)) > 0.1
    outside = rng.random((n, m)) > 0.5
    common = dict(allowed=allowed, outside=outside, min_outside=1, base_load=rng.integers(0, 3, m))
    full = solver.solve(affinity, 3, 5, sparse=False, **common)
    assert full.status == solver.Solution.OPTIMAL and full.rounds == 0
    for cfg in (solver.Sparse(per_nomination=3, per_expert=0, per_round=2), STARVED):
        sol = solver.solve(affinity, 3, 5, sparse=cfg, **common)
        assert sol.status == solver.Solution.OPTIMAL
        assert sol.rounds >= 2 and sol.n_candidates < sol.n_pairs == int(allowed.sum())
        check_valid(sol, 3, 5, allowed, outside=outside, min_outside=1)
        assert sol.scaled_total == full.scaled_total
        loads = common["base_load"]
        assert ((sol.loads + loads) ** 2).sum() == ((full.loads + loads) ** 2).sum()


def test_the_candidate_set_method_raises_the_bypass_cost_for_a_long_chain():
    # N0 can only take E1, everyone's favourite E_i is also their neighbour's option: the
    # only full assignment shifts N1…N5 one expert along (E_i+1, affinity 0), a chain that
    # costs more than the cheap bypass. The method must raise the bypass cost and grow the
    # chain round by round, not give up and solve the whole network (rounds would be 0).
    n = 6
    affinity = np.full((n, n + 1), -np.inf)
    affinity[0, 1] = 1
    for i in range(1, n):
        affinity[i, i] = 1
        affinity[i, i + 1] = 0
    sol = solver.solve(affinity, 1, 1, sparse=STARVED)
    assert sol.status == solver.Solution.OPTIMAL and sol.rounds > 2
    assert sol.pairs() == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]


def test_the_candidate_set_method_is_the_default_above_the_threshold(monkeypatch):  # type: ignore[no-untyped-def]
    affinity = np.random.default_rng(3).random((30, 10))
    assert solver.solve(affinity, 2, 8).rounds == 0
    monkeypatch.setattr(solver, "SPARSE_MIN_PAIRS", 100)
    sol = solver.solve(affinity, 2, 8)
    assert (
        sol.rounds >= 1
        and sol.scaled_total == solver.solve(affinity, 2, 8, sparse=False).scaled_total
    )


def test_the_candidate_set_method_hands_infeasibility_to_the_full_network():
    # As in the cut test above: only the minimum cut of the whole network shows it.
    allowed = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]], bool)
    sol = solver.solve(
        np.ones((4, 4)), 1, 1, allowed=allowed, groups=["x", "y", "x", "z"], sparse=STARVED
    )
    assert sol.status == solver.Solution.INFEASIBLE and sol.shortfall == 1
    top = sol.bottlenecks[0]
    assert top.kind == Kind.CUT and (top.n_nominations, top.demand, top.supply) == (3, 3, 2)


def test_outside_province_gadget():
    affinity = np.array([[1.0, 1.0, 0.1], [1.0, 1.0, 0.1]])
    outside = np.array([[False, False, True], [False, False, True]])
    sol = solver.solve(affinity, 2, 2, outside=outside, min_outside=1)
    check_valid(sol, 2, 2, np.ones((2, 3), bool), outside=outside, min_outside=1)
    assert sol.loads[2] == 2
    # Without it, the better in-province experts take everything.
    assert solver.solve(affinity, 2, 2).loads[2] == 0
    # Nobody outside with room: named.
    sol = solver.solve(
        affinity, 2, [2, 2, 1], outside=outside, min_outside=1, outside_groups=["河北", "河北"]
    )
    assert sol.status == solver.Solution.INFEASIBLE
    assert sol.bottlenecks[0].kind == Kind.OUTSIDE_GROUP


def test_pins_and_forbids():
    affinity = np.array([[0.9, 0.1], [0.9, 0.1]])
    sol = solver.solve(affinity, 1, 1, pins=[(0, 1)])
    assert sol.pairs() == [(0, 1), (1, 0)] and sol.pinned.tolist() == [True, False]
    sol = solver.solve(affinity, 1, 1, forbids=[(1, 0)])
    assert sol.pairs() == [(0, 0), (1, 1)]
    with pytest.raises(ValueError, match="pinned pair is forbidden"):
        solver.solve(affinity, 1, 1, pins=[(0, 0)], forbids=[(0, 0)])
    sol = solver.solve(np.ones((1, 3)), 1, 1, pins=[(0, 0), (0, 1)], names=["N1"])
    assert sol.bottlenecks[0].kind == Kind.PINS_NOMINATION
    sol = solver.solve(np.ones((2, 2)), 1, 1, pins=[(0, 0), (1, 0)], expert_names=["甲", "乙"])
    assert sol.bottlenecks[0].kind == Kind.PINS_EXPERT and sol.bottlenecks[0].label == "甲"


def test_balancing_spreads_equal_affinity_and_counts_existing_load():
    sol = solver.solve(np.ones((6, 4)), 2, 6)
    assert sol.loads.tolist() == [3, 3, 3, 3]
    assert solver.solve(np.ones((6, 4)), 2, 6, balance=False).loads.max() >= 3
    sol = solver.solve(np.ones((6, 4)), 2, 6, base_load=[4, 0, 0, 0])
    assert sol.loads.tolist() == [0, 4, 4, 4]
    # Balance never costs affinity: a better expert still gets everything they can take.
    sol = solver.solve(np.array([[0.9, 0.5, 0.5]] * 4), 1, 4)
    assert sol.loads.tolist() == [4, 0, 0]


def test_rounding_makes_near_ties_equal():
    affinity = np.array([[0.5001, 0.5002]] * 4)
    sol = solver.solve(affinity, 1, 4)
    assert sorted(sol.loads.tolist()) == [2, 2]
    assert sol.scaled_total == 4 * 500


def test_cancel_between_phases_and_progress():
    phases = []
    sol = solver.solve(np.ones((3, 3)), 1, 1, progress=lambda phase, f: phases.append(phase))
    assert sol.feasible and phases == ["check", "build", "solve", "extract", "done"]
    calls = iter([False, False, True])
    with pytest.raises(solver.Cancelled):
        solver.solve(np.ones((3, 3)), 1, 1, should_cancel=lambda: next(calls))


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        solver.solve(np.ones(3), 1, 1)
    with pytest.raises(ValueError):
        solver.solve(np.ones((2, 2)), [1, 1, 1], 1)
    with pytest.raises(ValueError):
        solver.solve(np.ones((2, 2)), 1, -1)
    with pytest.raises(ValueError):
        solver.solve(np.ones((2, 2)), 1, 1, pins=[(5, 0)])


def test_empty_problems():
    sol = solver.solve(np.zeros((0, 3)), 2, 1)
    assert sol.status == solver.Solution.OPTIMAL and sol.pairs() == []
    sol = solver.solve(np.zeros((2, 0)), 1, 1)
    assert sol.status == solver.Solution.INFEASIBLE


# --- Affinity ------------------------------------------------------------------------------


def test_affinity_parts():
    division = aff.code_match(["36", None, "31"], [{"36"}, {"31", "36"}])
    assert division.tolist() == [[True, True], [False, False], [False, True]]
    hits = aff.keyword_hits(["焊接与数控加工", "钳工"], [["焊接", "数控"], ["钳工"], []])
    assert hits.tolist() == [[2, 0, 0], [0, 1, 0]]
    sim = aff.tfidf_cosine(["汽车焊接工艺", "数控机床"], ["汽车焊接工艺", "面包烘焙"])
    assert sim[0, 0] == pytest.approx(1.0) and sim[1, 1] == 0.0 and 0 <= sim[1, 0] < 0.5
    score = aff.combine(
        division=np.array([[True, False]]),
        section=np.array([[True, True]]),
        occupation=np.array([[True, False]]),
        skill_hits=np.array([[3, 1]]),
        text=np.array([[1.0, 0.0]]),
    )
    assert score[0, 0] == pytest.approx(1.0)
    assert score[0, 1] == pytest.approx(aff.W_SECTION + aff.W_SKILL / 2)
