"""Assignment of experts to nominations for the online review (网审).

parse → preview → execute, as HotCRP does bulk assignment:

- `affinity`: pure numpy features and weights (industry, occupation group, skill-domain
  keywords, character-bigram TF-IDF similarity) giving each (nomination, expert) pair a score
  in [0, 1];
- `solver`: the pure optimisation (no Django): a min-cost flow solved by OR-Tools, with the
  load-balancing tie-break, the "outside the province" gadget, pins and forbids, the
  infeasibility diagnosis naming the bottleneck, and a greedy baseline for the benchmark;
- `problem`: builds a solver problem from the database (accepted invitations, loads,
  conflicts) and maps its answer back to rows;
- `actions`: every write (start, cancel, pin, forbid, re-solve, execute, discard, recuse,
  replacement runs); `tasks`: the background solve.
"""
