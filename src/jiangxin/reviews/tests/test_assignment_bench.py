"""bench/assignment.py's generator and report on a tiny instance (a smoke test, not timed):
the flow's total equals the LP bound (total unimodularity) and beats or ties the greedy."""

from __future__ import annotations

import numpy as np

from bench import assignment as bench


def test_tiny_instances_solve_with_gap_zero():
    for spec in (
        bench.Spec("tiny-structured", 40, 12, 3, 12, True, 0.02, True),
        bench.Spec("tiny-random", 30, 10, 2, 8, False, 0.05, False),
    ):
        inst = bench.generate(spec, seed=1)
        again = bench.generate(spec, seed=1)
        assert np.array_equal(inst.affinity, again.affinity)  # seeded
        assert inst.affinity.shape == (spec.n, spec.m)
        assert float(inst.affinity.min()) >= 0 and float(inst.affinity.max()) <= 1
        report = bench.measure(spec, seed=1, with_lp=True)
        assert report["status"] == "optimal"
        assert report["gap"] == 0
        assert report["greedy"] <= report["total"]
        assert report["full_same"] and report["rounds"] == 0  # small: the whole network
