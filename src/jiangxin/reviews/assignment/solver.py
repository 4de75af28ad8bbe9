"""The assignment problem as a min-cost flow (pure numpy + OR-Tools; no Django).

Given an affinity matrix A (nominations × experts), give every nomination i exactly k_i
experts and every expert j at most L_j nominations, never on a forbidden pair (a conflict, a
forbid, -inf/NaN affinity), maximising the total affinity.

The network (`solve`)::

    source ──k_i──▶ N_i ──1, cost −a_ij──▶ E_j ══ L_j parallel unit arcs, convex costs ══▶ sink

solved with `SimpleMinCostFlow.solve_max_flow_with_min_cost`: the maximum flow is Σ k_i
exactly when the problem is feasible, and its cost is then the optimum.

What is exact and what is a choice:

- *Costs are integers.* Affinities are rounded to quanta of 1/`scale` (default 1/1000), and
  the solver maximises the total of the rounded affinities **exactly** (a transportation
  problem with integral data: its constraint matrix is totally unimodular, so the min-cost
  flow optimum *is* the LP optimum; bench/assignment.py checks this against GLOP). Pairs
  whose affinities differ by less than half a quantum count as equal; the rounding changes
  the reported (unrounded) total by at most Σk/(2·scale).
- *Load balancing is an exact tie-break, not a trade-off.* Each expert's arc to the sink is
  split into unit arcs whose costs 1, 3, 5, … (2t−1 for the expert's t-th nomination, counting
  `base_load` and pins) sum to the square of the load; pair costs are multiplied by
  B = 2·max(base_load + capacity), which exceeds any marginal load cost. Every elementary
  cycle of the residual network changes at most two experts' loads by ±1, so a cycle that
  loses one affinity quantum costs at least B − (B − 1) > 0: the optimum keeps the maximum
  rounded total affinity and, among the assignments reaching it, minimises Σ load²
  (the most even spread). `balance=False` drops the tie-break.
- *"At least m_i experts from a set" (e.g. outside the nominee's province) is exact.* Each
  N_i splits into O_i (arcs to the experts of the set) and I_i (arcs to the others), with
  N_i→O_i capacity k_i and N_i→I_i capacity k_i − m_i: at most k_i − m_i units go inside, so
  at least m_i go outside. The sets O and I are disjoint, so each pair keeps one arc and the
  network stays a network (still totally unimodular, still exact). Only one such constraint
  family fits a flow; several overlapping ones would need an integer program.
- *Pins* are forced pairs: they reduce k_i, L_j (and m_i when the pinned expert counts
  towards it) and are added back to the answer; *forbids* remove arcs.
- *Infeasibility is named.* Before building, Hall-type counting bounds are checked for every
  nomination, every group (e.g. industry division), every outside group and the whole
  problem: a set of nominations needing D reviews whose available experts can give at most
  S = Σ_j min(L_j, #eligible nominations of the set for j) < D cannot be served. If all pass
  and the flow still falls short, the minimum cut found from the residual network names the
  nominations that cannot be served and the experts they share.

*Large problems are solved on a candidate set, with the same optimum* (`Sparse`, used by
default above `SPARSE_MIN_PAIRS` eligible pairs). Few of the n × m pairs can matter: the
network is first built on each nomination's best experts (overall and from the outside set)
and each expert's best nominations, plus a bypass arc N_i → sink per nomination so that it is
always feasible. After each solve, node potentials π of the restricted optimum are computed
(shortest distances in its residual network, Bellman–Ford), and every pair left out is
priced: its reduced cost is (top − q_ij)·B + π(tail) − π(E_j). If none is negative and no
bypass is used, every residual arc of the whole network has a non-negative reduced cost, so
it has no negative cycle: the flow is an optimum of the whole network, with the same total
affinity and the same Σ load² as solving the whole network gives. Otherwise the most
negative pairs (and near-misses within a margin) are brought in and the network is solved
again. The bypass first costs little (2·c_max + 1, so that it is priced away quickly); if it
is still used when nothing prices in, its cost is raised above that of any simple path
(nodes · c_max + 1), after which a flow that still uses it proves the problem infeasible; the
whole network is then solved to name the bottleneck by the minimum cut. On the stress
benchmark (25,000 × 2,000) this solves about 0.9 M arcs three times instead of 50 M once.

The solve itself cannot be interrupted; `should_cancel` is asked between the phases (check,
build, solve, extract) and between the rounds of the candidate-set method, and `Cancelled`
raised.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

#: Affinity quanta per unit of affinity: costs are integers.
SCALE = 1000
#: Largest pair cost the solver accepts (OR-Tools scales costs by the node count internally).
MAX_COST = 2**40

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.floating[Any]]

ProgressCallback = Callable[[str, float], None]
CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """`should_cancel` answered True between two phases."""


class Kind:
    """What a `Bottleneck` is about."""

    TOTAL = "total"  # all the nominations together
    GROUP = "group"  # the nominations of one group (e.g. an industry division)
    NOMINATION = "nomination"  # one nomination: fewer eligible experts than k
    OUTSIDE_GROUP = "outside_group"  # a group's "outside" share (e.g. outside the province)
    OUTSIDE_NOMINATION = "outside_nomination"  # one nomination's "outside" share
    PINS_NOMINATION = "pins_nomination"  # more pins on a nomination than k (or no room left)
    PINS_EXPERT = "pins_expert"  # more pins on an expert than L
    CUT = "cut"  # a set found by the minimum cut


@dataclass(frozen=True)
class Bottleneck:
    """A set of nominations whose demand exceeds what their available experts can supply.

    `label` names the group or nomination (for a cut: its most common group, with
    `other_groups` further groups among its nominations). `k` and `max_load` are the common
    values among the set's nominations and experts, None when they differ.
    """

    kind: str
    label: str
    n_nominations: int
    n_experts: int
    demand: int
    supply: int
    k: int | None = None
    max_load: int | None = None
    other_groups: int = 0

    @property
    def deficit(self) -> int:
        return self.demand - self.supply

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "n_nominations": self.n_nominations,
            "n_experts": self.n_experts,
            "demand": self.demand,
            "supply": self.supply,
            "k": self.k,
            "max_load": self.max_load,
            "other_groups": self.other_groups,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Bottleneck:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    def describe(self) -> str:
        """A plain English sentence (benchmarks and logs; pages translate `as_dict`)."""
        if self.kind in (Kind.NOMINATION, Kind.PINS_NOMINATION):
            return (
                f"{self.label}: {self.n_experts} eligible experts for k = {self.k}"
                if self.kind == Kind.NOMINATION
                else f"{self.label}: the pins leave no valid choice (k = {self.k})"
            )
        if self.kind == Kind.PINS_EXPERT:
            return f"{self.label}: pinned to {self.demand} nominations, L = {self.supply}"
        outside = " from outside" if self.kind.startswith("outside") else ""
        limits = f"with k = {self.k}" if self.k is not None else f"needing {self.demand}"
        if self.max_load is not None:
            limits += f" and L = {self.max_load}"
        else:
            limits += f" (at most {self.supply} between them)"
        label = self.label or "All nominations"
        if self.other_groups:
            label += f" (+{self.other_groups} more)"
        return (
            f"{label}: {self.n_experts} available experts{outside} for "
            f"{self.n_nominations} nominations {limits}"
        )


@dataclass
class Solution:
    """The answer of `solve` (or `greedy`). Pair arrays are aligned: pair p assigns expert
    `experts[p]` to nomination `nominations[p]` with `affinity[p]` (`pinned[p]` if forced)."""

    status: str
    nominations: IntArray
    experts: IntArray
    affinity: FloatArray
    pinned: BoolArray
    #: Nominations assigned to each expert by this solve (pins included, `base_load` not).
    loads: IntArray
    total_affinity: float
    min_affinity: float | None
    #: Σ of the rounded affinities (quanta of 1/scale): what the flow maximises.
    scaled_total: int
    shortfall: int = 0
    bottlenecks: list[Bottleneck] = field(default_factory=list)
    #: Arcs of the network solved last (for the candidate-set method, the restricted one).
    n_arcs: int = 0
    #: Eligible pairs, and the pairs the final network held (all of them without the
    #: candidate-set method).
    n_pairs: int = 0
    n_candidates: int = 0
    #: Restricted solves of the candidate-set method (0: the whole network was solved).
    rounds: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    HEURISTIC = "heuristic"

    @property
    def feasible(self) -> bool:
        return self.status != self.INFEASIBLE

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.nominations.tolist(), self.experts.tolist(), strict=True))


@dataclass
class _Prepared:
    """The validated inputs, after pins are taken out."""

    n: int
    m: int
    affinity: FloatArray
    quanta: IntArray
    allowed: BoolArray  # eligible, not pinned, expert with room, nomination with need
    k: IntArray  # remaining need per nomination
    capacity: IntArray  # remaining room per expert
    outside: BoolArray | None
    min_outside: IntArray  # remaining outside need per nomination
    base_load: IntArray  # load counted for balancing (base + pins)
    pin_noms: IntArray
    pin_exps: IntArray
    bottlenecks: list[Bottleneck]


def _as_vector(value: int | npt.ArrayLike, size: int, name: str) -> IntArray:
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(size, int(arr))
    if arr.shape != (size,):
        raise ValueError(f"{name} must be a scalar or have length {size}")
    out = arr.astype(np.int64)
    if (out < 0).any():
        raise ValueError(f"{name} must not be negative")
    return out


def _common(values: IntArray) -> int | None:
    if values.size == 0:
        return None
    first = int(values[0])
    return first if bool((values == first).all()) else None


def _pairs_array(pairs: Iterable[tuple[int, int]], n: int, m: int, name: str) -> IntArray:
    arr = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    inside = (arr[:, 0] >= 0) & (arr[:, 0] < n) & (arr[:, 1] >= 0) & (arr[:, 1] < m)
    if not inside.all():
        raise ValueError(f"{name} refer to a nomination or expert outside the problem")
    return arr


def _prepare(
    affinity: npt.ArrayLike,
    k: int | npt.ArrayLike,
    capacity: int | npt.ArrayLike,
    *,
    allowed: npt.ArrayLike | None,
    pins: Iterable[tuple[int, int]],
    forbids: Iterable[tuple[int, int]],
    outside: npt.ArrayLike | None,
    min_outside: int | npt.ArrayLike,
    base_load: npt.ArrayLike | None,
    scale: int,
    names: Sequence[str] | None,
    expert_names: Sequence[str] | None,
) -> _Prepared:
    aff = np.asarray(affinity)
    if aff.dtype not in (np.float32, np.float64):
        aff = aff.astype(np.float64)
    if aff.ndim != 2:
        raise ValueError("affinity must be a matrix (nominations × experts)")
    n, m = aff.shape
    ok = np.isfinite(aff)
    if allowed is not None:
        mask = np.asarray(allowed, dtype=bool)
        if mask.shape != (n, m):
            raise ValueError("allowed must have the shape of affinity")
        ok &= mask
    forbid_arr = _pairs_array(forbids, n, m, "forbids")
    if forbid_arr.size:
        ok[forbid_arr[:, 0], forbid_arr[:, 1]] = False
    k_vec = _as_vector(k, n, "k")
    cap = _as_vector(capacity, m, "capacity")
    base = np.zeros(m, np.int64) if base_load is None else _as_vector(base_load, m, "base_load")
    out_mask: BoolArray | None = None
    m_vec = np.zeros(n, np.int64)
    if outside is not None:
        out_mask = np.asarray(outside, dtype=bool)
        if out_mask.shape != (n, m):
            raise ValueError("outside must have the shape of affinity")
        m_vec = np.minimum(_as_vector(min_outside, n, "min_outside"), k_vec)
        if not m_vec.any():
            out_mask = None

    quanta = np.zeros((n, m), np.int64)
    np.rint(np.where(ok, aff, 0.0) * scale, out=quanta, casting="unsafe")

    bottlenecks: list[Bottleneck] = []
    pin_arr = _pairs_array(pins, n, m, "pins")
    if pin_arr.size:
        if len({(int(a), int(b)) for a, b in pin_arr}) != len(pin_arr):
            raise ValueError("a pair is pinned twice")
        if not ok[pin_arr[:, 0], pin_arr[:, 1]].all():
            raise ValueError("a pinned pair is forbidden (conflict, forbid or no affinity)")
        ok[pin_arr[:, 0], pin_arr[:, 1]] = False
        per_nom = np.bincount(pin_arr[:, 0], minlength=n)
        per_exp = np.bincount(pin_arr[:, 1], minlength=m)
        if out_mask is not None:
            per_nom_out = np.bincount(
                pin_arr[:, 0], weights=out_mask[pin_arr[:, 0], pin_arr[:, 1]], minlength=n
            ).astype(np.int64)
            m_vec = np.maximum(m_vec - per_nom_out, 0)
        k_vec = k_vec - per_nom
        cap = cap - per_exp
        for i in np.flatnonzero((k_vec < 0) | (m_vec > np.maximum(k_vec, 0))):
            k_orig = int(k_vec[i] + per_nom[i])
            bottlenecks.append(
                Bottleneck(
                    Kind.PINS_NOMINATION,
                    names[int(i)] if names else f"#{i}",
                    n_nominations=1,
                    n_experts=int(per_nom[i]),
                    demand=int(per_nom[i] + m_vec[i]),
                    supply=k_orig,
                    k=k_orig,
                )
            )
        for j in np.flatnonzero(cap < 0):
            cap_orig = int(cap[j] + per_exp[j])
            bottlenecks.append(
                Bottleneck(
                    Kind.PINS_EXPERT,
                    expert_names[int(j)] if expert_names else f"#{j}",
                    n_nominations=int(per_exp[j]),
                    n_experts=1,
                    demand=int(per_exp[j]),
                    supply=cap_orig,
                    max_load=cap_orig,
                )
            )
        k_vec = np.maximum(k_vec, 0)
        cap = np.maximum(cap, 0)
        base = base + per_exp
    ok &= (cap > 0)[None, :]
    ok &= (k_vec > 0)[:, None]
    if ok.any():
        span = int(quanta[ok].max() - quanta[ok].min())
        if span * 2 * int((base + cap).max()) > MAX_COST:
            raise ValueError("affinity range too large for integer costs; lower the scale")
    return _Prepared(
        n=n,
        m=m,
        affinity=aff,
        quanta=quanta,
        allowed=ok,
        k=k_vec,
        capacity=cap,
        outside=out_mask,
        min_outside=m_vec,
        base_load=base,
        pin_noms=pin_arr[:, 0].copy(),
        pin_exps=pin_arr[:, 1].copy(),
        bottlenecks=bottlenecks,
    )


# --- Infeasibility: counting bounds ---------------------------------------------------------


def _group_codes(labels: Sequence[str] | None, n: int) -> tuple[IntArray, list[str]]:
    if labels is None:
        return np.zeros(n, np.int64), [""]
    if len(labels) != n:
        raise ValueError("one group label per nomination")
    names = sorted(set(labels))
    index = {name: code for code, name in enumerate(names)}
    return np.array([index[label] for label in labels], dtype=np.int64), names


def _per_group_counts(mask: BoolArray, codes: IntArray, n_groups: int) -> IntArray:
    """counts[g, j] = number of nominations of group g eligible for expert j."""
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    present = np.unique(sorted_codes)
    starts = np.searchsorted(sorted_codes, present)
    counts = np.zeros((n_groups, mask.shape[1]), np.int64)
    if present.size:
        counts[present] = np.add.reduceat(
            mask[order].view(np.uint8), starts, axis=0, dtype=np.int64
        )
    return counts


def _counting_bottlenecks(
    p: _Prepared,
    groups: Sequence[str] | None,
    outside_groups: Sequence[str] | None,
    names: Sequence[str] | None,
) -> list[Bottleneck]:
    found: list[Bottleneck] = []
    need = p.k > 0
    if not need.any():
        return found
    eligible = p.allowed.sum(axis=1)
    for i in np.flatnonzero(need & (eligible < p.k)):
        found.append(
            Bottleneck(
                Kind.NOMINATION,
                names[int(i)] if names else f"#{i}",
                1,
                int(eligible[i]),
                int(p.k[i]),
                int(eligible[i]),
                k=int(p.k[i]),
            )
        )
    outside_ok = p.allowed & p.outside if p.outside is not None else None
    if outside_ok is not None:
        eligible_out = outside_ok.sum(axis=1)
        for i in np.flatnonzero((p.min_outside > 0) & (eligible_out < p.min_outside)):
            found.append(
                Bottleneck(
                    Kind.OUTSIDE_NOMINATION,
                    names[int(i)] if names else f"#{i}",
                    1,
                    int(eligible_out[i]),
                    int(p.min_outside[i]),
                    int(eligible_out[i]),
                    k=int(p.min_outside[i]),
                )
            )

    def check(
        mask: BoolArray, demand_per: IntArray, labels: Sequence[str] | None, kind: str
    ) -> None:
        codes, label_names = _group_codes(labels, p.n)
        counts = _per_group_counts(mask, codes, len(label_names))
        supply = np.minimum(counts, p.capacity[None, :]).sum(axis=1)
        demand = np.bincount(codes, weights=demand_per, minlength=len(label_names)).astype(np.int64)
        for g in np.flatnonzero(demand > supply):
            members = (codes == g) & (demand_per > 0)
            experts = counts[g] > 0
            found.append(
                Bottleneck(
                    kind,
                    label_names[g],
                    int(members.sum()),
                    int(experts.sum()),
                    int(demand[g]),
                    int(supply[g]),
                    k=_common(demand_per[members]),
                    max_load=_common(p.capacity[experts]),
                )
            )

    check(p.allowed, p.k, None, Kind.TOTAL)
    if groups is not None:
        check(p.allowed, p.k, groups, Kind.GROUP)
    if outside_ok is not None:
        check(outside_ok, p.min_outside, None, Kind.OUTSIDE_GROUP)
        if outside_groups is not None:
            check(outside_ok, p.min_outside, outside_groups, Kind.OUTSIDE_GROUP)
    return found


_KIND_ORDER = {
    Kind.PINS_NOMINATION: 0,
    Kind.PINS_EXPERT: 0,
    Kind.NOMINATION: 1,
    Kind.OUTSIDE_NOMINATION: 1,
    Kind.GROUP: 2,
    Kind.OUTSIDE_GROUP: 2,
    Kind.CUT: 3,
    Kind.TOTAL: 4,
}


def rank_bottlenecks(found: Iterable[Bottleneck]) -> list[Bottleneck]:
    """Worst first: the largest deficit; among equal deficits the most specific set (one
    nomination, then a group, then the whole problem), then the smallest."""
    return sorted(
        found, key=lambda b: (-b.deficit, _KIND_ORDER.get(b.kind, 9), b.n_nominations, b.label)
    )


# --- The flow ---------------------------------------------------------------------------------


@dataclass
class _Network:
    flow: min_cost_flow.SimpleMinCostFlow
    pair_noms: npt.NDArray[np.int32]
    pair_exps: npt.NDArray[np.int32]
    pair_tails: npt.NDArray[np.int32]
    n_pairs: int
    source: int
    sink: int
    demand: int
    first_source_arc: int
    first_split_arc: int  # N→O arcs, then N→I arcs (when the outside gadget is on)
    expert0: int  # node of the first expert
    n_nodes: int
    #: Every arc's tail, head, unit cost and capacity, in OR-Tools' arc order (kept only
    #: for the candidate-set method, which needs the residual network).
    arcs: tuple[IntArray, IntArray, IntArray, IntArray] | None = None
    first_bypass_arc: int | None = None


def _top(p: _Prepared) -> int:
    """The largest rounded affinity of an eligible pair: pair costs are (top − quanta)·B ≥ 0."""
    if not p.allowed.any():
        return 0
    return int(p.quanta.max(where=p.allowed, initial=np.iinfo(np.int64).min))


def _balance_weight(p: _Prepared, balance: bool) -> int:
    """B = 2·max(base_load + capacity): the pair-cost multiplier of the exact tie-break."""
    total_load = p.base_load + p.capacity
    weight = 2 * int(total_load.max()) if balance and total_load.size else 1
    return max(weight, 1)


def _build(
    p: _Prepared,
    balance: bool,
    *,
    top: int,
    pairs: IntArray | None = None,
    bypass_cost: int | None = None,
    keep_arcs: bool = False,
) -> _Network:
    """The network on `pairs` (flat indices into n × m; default every eligible pair).

    `bypass_cost` adds an arc N_i → sink of capacity k_i at that cost per unit: a restricted
    network is then always feasible, and a flow that uses no bypass is a flow of the real one.
    """
    n, m = p.n, p.m
    gadget = p.outside is not None
    # Nodes: N_i, then (gadget) O_i and I_i, then experts, source, sink.
    expert0 = 3 * n if gadget else n
    source = expert0 + m
    sink = source + 1
    weight = _balance_weight(p, balance)

    flat = np.flatnonzero(p.allowed.ravel()) if pairs is None else pairs
    pair_noms = (flat // m).astype(np.int32)
    pair_exps = (flat % m).astype(np.int32)
    quanta = p.quanta.ravel()[flat]
    del flat
    costs = (top - quanta) * weight
    del quanta
    if p.outside is not None:
        is_out = p.outside[pair_noms, pair_exps]
        pair_tails = np.where(is_out, pair_noms + n, pair_noms + 2 * n).astype(np.int32)
        del is_out
    else:
        pair_tails = pair_noms
    flow = min_cost_flow.SimpleMinCostFlow()
    kept: list[tuple[Any, Any, Any, Any]] = []

    def add(tails: Any, heads: Any, capacities: Any, unit_costs: Any) -> None:
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, unit_costs)
        if keep_arcs:
            kept.append((tails, heads, capacities, unit_costs))

    n_pairs = int(pair_noms.size)
    if n_pairs:
        add(
            pair_tails,
            (pair_exps + expert0).astype(np.int32),
            np.ones(n_pairs, np.int64),
            costs,
        )
    del costs

    # Experts → sink: unit arcs costing 2t−1 for the t-th nomination in total (Σ = load²).
    experts = np.flatnonzero(p.capacity > 0)
    if balance:
        reps = p.capacity[experts]
        owner = np.repeat(experts, reps)
        starts = np.cumsum(reps) - reps
        step = np.arange(int(reps.sum()), dtype=np.int64) - np.repeat(starts, reps) + 1
        marginal = 2 * (p.base_load[owner] + step) - 1
        if owner.size:
            add(
                (owner + expert0).astype(np.int32),
                np.full(owner.size, sink, np.int32),
                np.ones(owner.size, np.int64),
                marginal.astype(np.int64),
            )
    elif experts.size:
        add(
            (experts + expert0).astype(np.int32),
            np.full(experts.size, sink, np.int32),
            p.capacity[experts].astype(np.int64),
            np.zeros(experts.size, np.int64),
        )

    first_source_arc = flow.num_arcs()
    noms = np.arange(n, dtype=np.int32)
    add(np.full(n, source, np.int32), noms, p.k.astype(np.int64), np.zeros(n, np.int64))
    first_split_arc = flow.num_arcs()
    if gadget:
        add(
            np.concatenate([noms, noms]),
            np.concatenate([noms + n, noms + 2 * n]).astype(np.int32),
            np.concatenate([p.k, p.k - p.min_outside]).astype(np.int64),
            np.zeros(2 * n, np.int64),
        )
    first_bypass_arc = None
    if bypass_cost is not None:
        first_bypass_arc = flow.num_arcs()
        add(noms, np.full(n, sink, np.int32), p.k.astype(np.int64), np.full(n, bypass_cost))
    demand = int(p.k.sum())
    flow.set_nodes_supplies(
        np.array([source, sink], np.int32), np.array([demand, -demand], np.int64)
    )
    arcs = None
    if keep_arcs:
        arcs = (
            np.concatenate([np.asarray(a[0], np.int64) for a in kept]),
            np.concatenate([np.asarray(a[1], np.int64) for a in kept]),
            np.concatenate([np.asarray(a[3], np.int64) for a in kept]),
            np.concatenate([np.asarray(a[2], np.int64) for a in kept]),
        )
    return _Network(
        flow=flow,
        pair_noms=pair_noms,
        pair_exps=pair_exps,
        pair_tails=pair_tails,
        n_pairs=n_pairs,
        source=source,
        sink=sink,
        demand=demand,
        first_source_arc=first_source_arc,
        first_split_arc=first_split_arc,
        expert0=expert0,
        n_nodes=sink + 1,
        arcs=arcs,
        first_bypass_arc=first_bypass_arc,
    )


def _cut_bottleneck(
    p: _Prepared, net: _Network, used: BoolArray, groups: Sequence[str] | None
) -> Bottleneck:
    """The nominations reachable from the source in the residual network at maximum flow:
    every arc leaving them is saturated, so their experts cannot give them more."""
    n, m = p.n, p.m
    gadget = p.outside is not None
    f = net.flow
    source_flow = f.flows(np.arange(net.first_source_arc, net.first_source_arc + n, dtype=np.int32))
    # Reached tails of pair arcs: N_i (no gadget), or N_i, O_i = n + i and I_i = 2n + i.
    reached = np.zeros(3 * n if gadget else n, bool)
    reached[:n] = source_flow < p.k  # source → N_i is residual
    reach_e = np.zeros(m, bool)
    if gadget:
        split = f.flows(np.arange(net.first_split_arc, net.first_split_arc + 2 * n, dtype=np.int32))
        forward = split < np.concatenate([p.k, p.k - p.min_outside])  # N_i → O_i / I_i
        backward = split > 0  # O_i / I_i → N_i
    while True:
        before = int(reached.sum()) + int(reach_e.sum())
        if gadget:
            reached[n:] |= np.concatenate([reached[:n], reached[:n]]) & forward
            back = reached[n:] & backward
            reached[:n] |= back[:n] | back[n:]
        # An unused pair arc leads from its tail to the expert, a used one back.
        reach_e[net.pair_exps[reached[net.pair_tails] & ~used]] = True
        reached[net.pair_tails[reach_e[net.pair_exps] & used]] = True
        if int(reached.sum()) + int(reach_e.sum()) == before:
            break
    reach_n = reached[:n]
    members = reach_n & (p.k > 0)
    label, others = "", 0
    if groups is not None and members.any():
        counts = Counter(groups[int(i)] for i in np.flatnonzero(members))
        label = counts.most_common(1)[0][0]
        others = len(counts) - 1
    demand = int(p.k[members].sum())
    supply = int(source_flow[members].sum())
    return Bottleneck(
        Kind.CUT,
        label,
        int(members.sum()),
        int(reach_e.sum()),
        demand,
        supply,
        k=_common(p.k[members]),
        max_load=_common(p.capacity[reach_e]),
        other_groups=others,
    )


# --- The candidate-set method (large problems) --------------------------------------------


@dataclass(frozen=True)
class Sparse:
    """Settings of the candidate-set method (module docstring). The defaults suit campaigns
    and the stress benchmark; the tests use tiny values to force many pricing rounds."""

    #: Each nomination's best experts by affinity.
    per_nomination: int = 20
    #: Each expert's best nominations (None: the largest remaining L).
    per_expert: int | None = None
    #: Each nomination's best experts of the "outside" set (None: the largest m_i, plus 2).
    per_outside: int | None = None
    #: Pricing also brings in arcs whose reduced cost is below this many affinity quanta
    #: (times B): near-misses that would otherwise cost another round.
    margin: int = 20
    #: At most this many arcs brought in per nomination and round (the most negative first).
    per_round: int = 40
    #: After this many rounds the full network is solved instead.
    max_rounds: int = 30


#: `solve` uses the candidate-set method by default above this many eligible pairs.
SPARSE_MIN_PAIRS = 200_000
#: OR-Tools multiplies costs by the node count; keep the product well inside int64.
_COST_PRODUCT_LIMIT = 2**62
#: Below every rounded affinity: marks the pairs a candidate choice must not pick.
_NO_PAIR = np.iinfo(np.int64).min


def _best_in_rows(values: IntArray, count: int) -> IntArray:
    """Column indices of each row's `count` largest values (ties broken arbitrarily)."""
    width = values.shape[1]
    if count >= width:
        return np.broadcast_to(np.arange(width), values.shape)
    return np.argpartition(values, width - count, axis=1)[:, width - count :]


def _candidates(p: _Prepared, cfg: Sparse, chunk: int = 1024) -> BoolArray:
    """The starting pair set: each nomination's best experts (overall and from the outside
    set) and each expert's best nominations, among the eligible pairs."""
    n, m = p.n, p.m
    mask = np.zeros((n, m), bool)
    if not n or not m:
        return mask
    per_expert = int(p.capacity.max()) if cfg.per_expert is None else cfg.per_expert
    per_expert = min(per_expert, n)
    if per_expert > 0:
        for a in range(0, m, 128):
            b = min(a + 128, m)
            block = np.ascontiguousarray(np.where(p.allowed[:, a:b], p.quanta[:, a:b], _NO_PAIR).T)
            rows = _best_in_rows(block, per_expert)
            mask[rows, np.arange(a, b)[:, None]] = True
    per_outside = 0
    if p.outside is not None:
        per_outside = int(p.min_outside.max()) + 2 if cfg.per_outside is None else cfg.per_outside
    rows_all = np.arange(n)
    for a in range(0, n, chunk):
        b = min(a + chunk, n)
        rows = rows_all[a:b, None]
        q = np.where(p.allowed[a:b], p.quanta[a:b], _NO_PAIR)
        if cfg.per_nomination > 0:
            mask[rows, _best_in_rows(q, min(cfg.per_nomination, m))] = True
        if p.outside is not None and per_outside > 0:
            q_out = np.where(p.outside[a:b], q, _NO_PAIR)
            mask[rows, _best_in_rows(q_out, min(per_outside, m))] = True
    mask &= p.allowed
    return mask


def _potentials(
    arcs: tuple[IntArray, IntArray, IntArray, IntArray], n_nodes: int, flows: IntArray
) -> IntArray:
    """Node potentials π with c(u, v) + π(u) − π(v) ≥ 0 on every residual arc: shortest
    distances from a virtual root joined to every node at cost 0 (Bellman–Ford, vectorised;
    the residual network of an optimal flow has no negative cycle)."""
    tails, heads, costs, caps = arcs
    forward = flows < caps
    backward = flows > 0
    r_tail = np.concatenate([tails[forward], heads[backward]])
    r_head = np.concatenate([heads[forward], tails[backward]])
    r_cost = np.concatenate([costs[forward], -costs[backward]])
    order = np.argsort(r_head, kind="stable")
    r_tail, r_head, r_cost = r_tail[order], r_head[order], r_cost[order]
    dist = np.zeros(n_nodes, np.int64)
    if not r_head.size:
        return dist
    heads_present, starts = np.unique(r_head, return_index=True)
    for _ in range(n_nodes + 1):
        best = np.minimum.reduceat(dist[r_tail] + r_cost, starts)
        better = best < dist[heads_present]
        if not better.any():
            return dist
        dist[heads_present[better]] = best[better]
    raise RuntimeError("the residual network of the min-cost flow has a negative cycle")


def _price(
    p: _Prepared,
    cand: BoolArray,
    net: _Network,
    dist: IntArray,
    *,
    top: int,
    weight: int,
    cfg: Sparse,
    chunk: int = 1024,
) -> tuple[IntArray, IntArray, int]:
    """The eligible pairs left out whose reduced cost (top − q)·B + π(tail) − π(E_j) is
    negative, or below the margin: (rows, columns) to bring in, at most `per_round` per
    nomination, the most negative first; and how many were negative."""
    n, m = p.n, p.m
    expert_pi = dist[net.expert0 : net.expert0 + m]
    threshold = cfg.margin * weight
    found_rows: list[IntArray] = []
    found_cols: list[IntArray] = []
    found_cost: list[IntArray] = []
    negative = 0
    for a in range(0, n, chunk):
        b = min(a + chunk, n)
        reduced = (top - p.quanta[a:b]) * weight - expert_pi[None, :]
        if p.outside is not None:
            reduced += np.where(
                p.outside[a:b], dist[n + a : n + b, None], dist[2 * n + a : 2 * n + b, None]
            )
        else:
            reduced += dist[a:b, None]
        rows, cols = np.nonzero((reduced < threshold) & p.allowed[a:b] & ~cand[a:b])
        if rows.size:
            values = reduced[rows, cols]
            negative += int((values < 0).sum())
            found_rows.append(rows + a)
            found_cols.append(cols)
            found_cost.append(values)
    if not found_rows:
        empty = np.zeros(0, np.int64)
        return empty, empty, 0
    rows = np.concatenate(found_rows)
    cols = np.concatenate(found_cols)
    values = np.concatenate(found_cost)
    order = np.lexsort((values, rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(rows.size) - np.searchsorted(rows, rows, side="left")
    keep = rank < cfg.per_round
    return rows[keep], cols[keep], negative


@dataclass
class _SparseResult:
    noms: IntArray
    exps: IntArray
    n_arcs: int
    rounds: int
    candidates: int


def _solve_sparse(
    p: _Prepared,
    balance: bool,
    cfg: Sparse,
    step: Callable[[str, float], None],
    timings: dict[str, float],
) -> _SparseResult | None:
    """Solve on a candidate set, price the pairs left out with the node potentials of the
    restricted optimum, bring in those that could improve it and solve again, until none can:
    then the restricted optimum is an optimum of the whole network. None when no flow without
    bypass was found (the problem is infeasible, or the rounds ran out): the caller then
    solves the whole network, which also names the bottleneck."""
    top = _top(p)
    weight = _balance_weight(p, balance)
    low = int(p.quanta.min(where=p.allowed, initial=top))
    # Every arc costs at most c_max: pairs (top − low)·B, load arcs 2·max(load) − 1 < B.
    c_max = (top - low) * weight + weight
    n_nodes = (3 * p.n if p.outside is not None else p.n) + p.m + 2
    # A cheap bypass first (any use of it is priced away in a round or two); then one that
    # costs more than any simple path, so that a flow using it proves infeasibility.
    bypass_costs = [2 * c_max + 1, n_nodes * c_max + 1]
    if bypass_costs[-1] * (n_nodes + 1) >= _COST_PRODUCT_LIMIT:
        return None
    t0 = time.perf_counter()
    cand = _candidates(p, cfg)
    timings["candidates"] = time.perf_counter() - t0
    level = 0
    for rounds in range(1, cfg.max_rounds + 1):
        step("solve", min(0.3 + 0.15 * rounds, 0.85))
        t0 = time.perf_counter()
        pairs = np.flatnonzero(cand.ravel())
        net = _build(
            p, balance, top=top, pairs=pairs, bypass_cost=bypass_costs[level], keep_arcs=True
        )
        timings["build"] = timings.get("build", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        status = net.flow.solve()
        timings["solve"] = timings.get("solve", 0.0) + time.perf_counter() - t0
        if status != net.flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed: {status}")
        if net.arcs is None or net.first_bypass_arc is None:
            raise RuntimeError("the restricted network was built without its arc arrays")
        t0 = time.perf_counter()
        flows = net.flow.flows(np.arange(net.flow.num_arcs(), dtype=np.int32))
        dist = _potentials(net.arcs, net.n_nodes, flows)
        rows, cols, negative = _price(p, cand, net, dist, top=top, weight=weight, cfg=cfg)
        timings["price"] = timings.get("price", 0.0) + time.perf_counter() - t0
        bypassed = int(flows[net.first_bypass_arc :].sum())
        if negative == 0:
            if bypassed == 0:
                used = flows[: net.n_pairs] > 0
                return _SparseResult(
                    noms=net.pair_noms[used].astype(np.int64),
                    exps=net.pair_exps[used].astype(np.int64),
                    n_arcs=int(net.flow.num_arcs()),
                    rounds=rounds,
                    candidates=int(pairs.size),
                )
            if level == len(bypass_costs) - 1:
                return None  # optimal with the bypass in use: no flow without it exists
            level += 1
        cand[rows, cols] = True
    return None


def _empty_solution(status: str, m: int, bottlenecks: list[Bottleneck], shortfall: int) -> Solution:
    none = np.zeros(0, np.int64)
    return Solution(
        status=status,
        nominations=none,
        experts=none,
        affinity=np.zeros(0),
        pinned=np.zeros(0, bool),
        loads=np.zeros(m, np.int64),
        total_affinity=0.0,
        min_affinity=None,
        scaled_total=0,
        shortfall=shortfall,
        bottlenecks=bottlenecks,
    )


def _finish(p: _Prepared, noms: IntArray, exps: IntArray, status: str, **extra: Any) -> Solution:
    all_noms = np.concatenate([p.pin_noms, noms]).astype(np.int64)
    all_exps = np.concatenate([p.pin_exps, exps]).astype(np.int64)
    pinned = np.concatenate([np.ones(p.pin_noms.size, bool), np.zeros(noms.size, bool)])
    order = np.lexsort((all_exps, all_noms))
    all_noms, all_exps, pinned = all_noms[order], all_exps[order], pinned[order]
    aff = p.affinity[all_noms, all_exps].astype(np.float64)
    quanta = p.quanta[all_noms, all_exps]
    return Solution(
        status=status,
        nominations=all_noms,
        experts=all_exps,
        affinity=aff,
        pinned=pinned,
        loads=np.bincount(all_exps, minlength=p.m).astype(np.int64),
        total_affinity=float(aff.sum()),
        min_affinity=float(aff.min()) if aff.size else None,
        scaled_total=int(quanta.sum()),
        **extra,
    )


def solve(
    affinity: npt.ArrayLike,
    k: int | npt.ArrayLike,
    capacity: int | npt.ArrayLike,
    *,
    allowed: npt.ArrayLike | None = None,
    pins: Iterable[tuple[int, int]] = (),
    forbids: Iterable[tuple[int, int]] = (),
    outside: npt.ArrayLike | None = None,
    min_outside: int | npt.ArrayLike = 0,
    base_load: npt.ArrayLike | None = None,
    balance: bool = True,
    scale: int = SCALE,
    groups: Sequence[str] | None = None,
    outside_groups: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    expert_names: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    sparse: Sparse | bool | None = None,
) -> Solution:
    """Solve the assignment exactly (see the module docstring for what "exactly" means).

    - `affinity`: n × m floats; -inf or NaN marks a pair that may never be assigned.
    - `k`: experts per nomination (scalar or per nomination); `capacity`: at most this many
      more nominations per expert; `base_load`: nominations an expert already has (counted
      by the balancing tie-break only).
    - `allowed`: an optional mask of eligible pairs (conflicts removed); `forbids`: pairs to
      leave out; `pins`: pairs to force.
    - `outside` with `min_outside`: at least that many of each nomination's experts must be
      among its `outside` experts.
    - `groups` / `outside_groups` / `names` / `expert_names`: labels used only to name a
      bottleneck when the problem is infeasible.
    - `sparse`: the candidate-set method (same optimum, far fewer arcs): None uses it above
      `SPARSE_MIN_PAIRS` eligible pairs, False never, True or a `Sparse` always.
    """
    timings: dict[str, float] = {}

    def step(phase: str, fraction: float) -> None:
        if should_cancel is not None and should_cancel():
            raise Cancelled
        if progress is not None:
            progress(phase, fraction)

    started = time.perf_counter()
    step("check", 0.0)
    p = _prepare(
        affinity,
        k,
        capacity,
        allowed=allowed,
        pins=pins,
        forbids=forbids,
        outside=outside,
        min_outside=min_outside,
        base_load=base_load,
        scale=scale,
        names=names,
        expert_names=expert_names,
    )
    found = p.bottlenecks + _counting_bottlenecks(p, groups, outside_groups, names)
    timings["check"] = time.perf_counter() - started
    if found:
        ranked = rank_bottlenecks(found)
        result = _empty_solution(Solution.INFEASIBLE, p.m, ranked, max(b.deficit for b in ranked))
        result.timings = timings
        return result

    n_pairs = int(p.allowed.sum())
    if sparse is None:
        sparse = n_pairs > SPARSE_MIN_PAIRS
    step("build", 0.1)
    if sparse is not False:
        cfg = sparse if isinstance(sparse, Sparse) else Sparse()
        found_sparse = _solve_sparse(p, balance, cfg, step, timings)
        if found_sparse is not None:
            step("extract", 0.9)
            t0 = time.perf_counter()
            result = _finish(
                p,
                found_sparse.noms,
                found_sparse.exps,
                Solution.OPTIMAL,
                n_arcs=found_sparse.n_arcs,
                n_pairs=n_pairs,
                n_candidates=found_sparse.candidates,
                rounds=found_sparse.rounds,
            )
            timings["extract"] = time.perf_counter() - t0
            result.timings = timings
            if progress is not None:
                progress("done", 1.0)
            return result

    t0 = time.perf_counter()
    net = _build(p, balance, top=_top(p))
    timings["build"] = timings.get("build", 0.0) + time.perf_counter() - t0

    step("solve", 0.3)
    t0 = time.perf_counter()
    status = net.flow.solve_max_flow_with_min_cost()
    timings["solve"] = timings.get("solve", 0.0) + time.perf_counter() - t0
    if status != net.flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")

    step("extract", 0.9)
    t0 = time.perf_counter()
    used = net.flow.flows(np.arange(net.n_pairs, dtype=np.int32)) > 0
    shortfall = net.demand - int(net.flow.maximum_flow())
    if shortfall:
        cut = _cut_bottleneck(p, net, used, groups)
        result = _empty_solution(Solution.INFEASIBLE, p.m, [cut], shortfall)
        result.n_arcs = int(net.flow.num_arcs())
        result.n_pairs = result.n_candidates = n_pairs
        timings["extract"] = time.perf_counter() - t0
        result.timings = timings
        return result
    noms = net.pair_noms[used].astype(np.int64)
    exps = net.pair_exps[used].astype(np.int64)
    result = _finish(
        p,
        noms,
        exps,
        Solution.OPTIMAL,
        n_arcs=int(net.flow.num_arcs()),
        n_pairs=n_pairs,
        n_candidates=n_pairs,
    )
    timings["extract"] = time.perf_counter() - t0
    result.timings = timings
    if progress is not None:
        progress("done", 1.0)
    return result


# --- The greedy baseline (for the benchmark) -------------------------------------------------


def greedy(
    affinity: npt.ArrayLike,
    k: int | npt.ArrayLike,
    capacity: int | npt.ArrayLike,
    *,
    allowed: npt.ArrayLike | None = None,
    outside: npt.ArrayLike | None = None,
    min_outside: int | npt.ArrayLike = 0,
    scale: int = SCALE,
) -> Solution:
    """The obvious heuristic: the most constrained nominations first (fewest eligible
    experts), each taking its best experts that still have room (its outside share first).
    It may fail to fill a nomination that the flow would fill (status `infeasible`, with
    `shortfall`)."""
    p = _prepare(
        affinity,
        k,
        capacity,
        allowed=allowed,
        pins=(),
        forbids=(),
        outside=outside,
        min_outside=min_outside,
        base_load=None,
        scale=scale,
        names=None,
        expert_names=None,
    )
    started = time.perf_counter()
    room = p.capacity.copy()
    order = np.argsort(p.allowed.sum(axis=1), kind="stable")
    chosen_noms: list[IntArray] = []
    chosen_exps: list[IntArray] = []
    shortfall = 0
    for i in order:
        need = int(p.k[i])
        if need == 0:
            continue
        row = np.where(p.allowed[i] & (room > 0), p.affinity[i], -np.inf)
        picks: list[int] = []
        if p.outside is not None and p.min_outside[i]:
            out_row = np.where(p.outside[i], row, -np.inf)
            picks += _best(out_row, int(p.min_outside[i]))
            row[picks] = -np.inf
            # At most k − m from inside the set, whatever the outside share got.
            inside_room = need - int(p.min_outside[i])
            for j in np.argsort(-row, kind="stable"):
                if len(picks) == need or not np.isfinite(row[j]):
                    break
                if not p.outside[i, j]:
                    if inside_room == 0:
                        continue
                    inside_room -= 1
                picks.append(int(j))
        else:
            picks += _best(row, need)
        shortfall += need - len(picks)
        if picks:
            sel = np.array(picks, np.int64)
            room[sel] -= 1
            chosen_noms.append(np.full(sel.size, i, np.int64))
            chosen_exps.append(sel)
    noms = np.concatenate(chosen_noms) if chosen_noms else np.zeros(0, np.int64)
    exps = np.concatenate(chosen_exps) if chosen_exps else np.zeros(0, np.int64)
    status = Solution.INFEASIBLE if shortfall else Solution.HEURISTIC
    result = _finish(p, noms, exps, status, shortfall=shortfall)
    result.timings = {"solve": time.perf_counter() - started}
    return result


def _best(row: FloatArray, count: int) -> list[int]:
    """Indices of the `count` largest finite entries (fewer if there are not enough)."""
    if count <= 0:
        return []
    finite = int(np.isfinite(row).sum())
    count = min(count, finite)
    if count == 0:
        return []
    top = np.argpartition(-row, count - 1)[:count]
    return [int(j) for j in top]
