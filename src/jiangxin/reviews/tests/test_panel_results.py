"""The panel's results as pure functions of the votes: thresholds, abstentions, recusals,
the tie-break at the quota line and the run-off (no database)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from jiangxin.reviews.panel import EntryInput, compute_results, quorum, required_agrees

MEMBERS = frozenset(range(1, 10))  # nine members present


def entry(
    entry_id: int,
    agree: int,
    disagree: int = 0,
    abstain: int = 0,
    *,
    z: float | None = None,
    voters: frozenset[int] = MEMBERS,
    runoff: Sequence[int] = (),
) -> EntryInput:
    """An entry whose members voting cast `agree`, `disagree`, `abstain` (the rest missing);
    `runoff[r]` agree votes in run-off round r + 1 (the others disagree)."""
    members = sorted(voters)
    choices = ["agree"] * agree + ["disagree"] * disagree + ["abstain"] * abstain
    rounds = {
        r: {m: ("agree" if i < n else "disagree") for i, m in enumerate(members)}
        for r, n in enumerate(runoff, start=1)
    }
    return EntryInput(
        entry_id=entry_id,
        rank=entry_id,
        z=100.0 - entry_id if z is None else z,
        voters=voters,
        votes=dict(zip(members, choices, strict=False)),
        runoff_votes=rounds,
    )


def results(entries: Sequence[EntryInput], quota: int = 3):  # type: ignore[no-untyped-def]
    return compute_results(entries, numerator=2, denominator=3, quota=quota)


# --- Thresholds -------------------------------------------------------------------------------


def test_two_thirds_of_nine_present_needs_six():
    assert required_agrees(9, 2, 3) == 6
    out = results([entry(1, 6, 3), entry(2, 5, 4)]).by_entry
    assert out[1].passed and out[1].required == 6
    assert out[2].passed is False


def test_a_recusal_leaves_eight_voting_which_still_needs_six():
    eight = MEMBERS - {9}
    assert required_agrees(8, 2, 3) == 6  # 16/3 = 5.33 → 6
    out = results([entry(1, 6, 2, voters=eight), entry(2, 5, 3, voters=eight)]).by_entry
    assert out[1].voters == 8 and out[1].required == 6 and out[1].passed
    assert out[2].passed is False


def test_two_recusals_leave_seven_voting_who_need_five():
    seven = MEMBERS - {8, 9}
    out = results([entry(1, 5, 2, voters=seven)]).by_entry
    assert out[1].required == 5 and out[1].passed


def test_abstentions_count_as_present_and_not_agreeing():
    out = results([entry(1, 5, 0, 4), entry(2, 6, 0, 3)]).by_entry
    assert out[1].abstain == 4 and out[1].voters == 9 and out[1].required == 6
    assert out[1].passed is False  # five agree, four abstain: not two thirds of nine
    assert out[2].passed is True


def test_exact_fraction_passes_and_other_thresholds():
    assert required_agrees(6, 2, 3) == 4
    assert required_agrees(9, 1, 2) == 5  # a simple majority of nine
    assert required_agrees(10, 1, 2) == 5
    assert required_agrees(0, 2, 3) == 1  # nobody voting can never pass


def test_missing_votes_leave_the_result_open():
    res = results([entry(1, 6, 2)])  # one of nine has not voted
    assert not res.complete
    assert res.by_entry[1].passed is None and res.by_entry[1].missing == 1
    assert res.approved == []


def test_votes_of_members_not_voting_are_ignored():
    e = entry(1, 6, 3)
    stray = EntryInput(
        entry_id=1,
        rank=1,
        z=1.0,
        voters=MEMBERS - {1},
        votes=e.votes,  # member 1 voted, then was recused
    )
    out = results([stray]).by_entry[1]
    assert out.voters == 8 and out.agree == 5 and out.passed is False


def test_quorum_is_two_thirds_and_never_fewer_than_three():
    assert quorum(9) == 6
    assert quorum(10) == 7
    assert quorum(4) == 3
    assert quorum(3) == 3
    assert quorum(2) == 2


# --- Order and tie-break ----------------------------------------------------------------------


def test_more_pass_than_the_quota_the_agree_count_decides():
    res = results([entry(1, 6, 3), entry(2, 9), entry(3, 7, 2), entry(4, 8, 1)])
    assert [o.entry_id for o in res.passed] == [2, 4, 3, 1]
    assert [o.entry_id for o in res.approved] == [2, 4, 3]
    assert res.by_entry[1].position == 4 and not res.by_entry[1].within_quota


def test_equal_agree_counts_at_the_line_go_to_the_better_online_score():
    res = results([entry(1, 9), entry(2, 9), entry(3, 7, 2, z=80.0), entry(4, 7, 2, z=85.0)])
    assert [o.entry_id for o in res.approved] == [1, 2, 4]
    assert res.by_entry[3].position == 4 and not res.by_entry[3].within_quota
    assert not res.runoff_pending


def test_scores_equal_to_two_decimals_at_the_line_need_a_run_off():
    tied = [entry(1, 9), entry(2, 9), entry(3, 7, 2, z=80.001), entry(4, 7, 2, z=80.004)]
    res = results(tied)
    assert res.runoff_pending and res.runoff_round == 1
    assert sorted(res.runoff_entries) == [3, 4] and res.runoff_slots == 1
    # Only the places before the tie are certain.
    assert [o.entry_id for o in res.approved] == [1, 2]
    assert res.by_entry[3].in_runoff and res.by_entry[4].in_runoff


def test_the_run_off_decides_the_last_place():
    res = results(
        [
            entry(1, 9),
            entry(2, 9),
            entry(3, 7, 2, z=80.0, runoff=[6]),
            entry(4, 7, 2, z=80.0, runoff=[4]),
        ]
    )
    assert not res.runoff_pending
    assert [o.entry_id for o in res.approved] == [1, 2, 3]
    assert res.by_entry[3].runoff == [6] and res.by_entry[4].runoff == [4]


def test_an_undecided_run_off_goes_to_another_round():
    tied = [
        entry(1, 9),
        entry(2, 7, 2, z=80.0, runoff=[5, 7]),
        entry(3, 7, 2, z=80.0, runoff=[5, 3]),
        entry(4, 7, 2, z=80.0, runoff=[2]),
    ]
    res = results(tied)
    # Round 1 (5, 5, 2) leaves entry 4 out; 2 and 3 both fit: round 2 is not needed.
    assert not res.runoff_pending
    assert [o.entry_id for o in res.approved] == [1, 2, 3]
    tied[1] = entry(2, 7, 2, z=80.0, runoff=[5])
    tied[2] = entry(3, 7, 2, z=80.0, runoff=[5])
    tied[3] = entry(4, 7, 2, z=80.0, runoff=[7])
    res = results(tied, quota=2)
    # Round 1 puts entry 4 first among the three; one place is left for it: decided.
    assert [o.entry_id for o in res.approved] == [1, 4]
    res = results(tied, quota=3)
    # Two places for three nominees: 4 takes one, 2 and 3 tie for the other → round 2.
    assert res.runoff_round == 2 and sorted(res.runoff_entries) == [2, 3]
    assert res.runoff_slots == 1
    assert [o.entry_id for o in res.approved] == [1, 4]


def test_ties_away_from_the_line_need_no_run_off():
    res = results([entry(1, 9, z=80.0), entry(2, 9, z=80.0), entry(3, 7, 2), entry(4, 6, 3)])
    assert not res.runoff_pending
    assert [o.entry_id for o in res.approved] == [1, 2, 3]


def test_fewer_pass_than_the_quota():
    res = results([entry(1, 9), entry(2, 3, 6), entry(3, 6, 3)], quota=3)
    assert [o.entry_id for o in res.approved] == [1, 3]
    assert not res.runoff_pending


# --- Invariants on random votes ---------------------------------------------------------------


@st.composite
def panels(draw):  # type: ignore[no-untyped-def]
    members = draw(st.integers(min_value=3, max_value=11))
    quota = draw(st.integers(min_value=1, max_value=6))
    count = draw(st.integers(min_value=1, max_value=10))
    entries = []
    for i in range(1, count + 1):
        recused = draw(st.sets(st.integers(min_value=1, max_value=members), max_size=2))
        voters = frozenset(range(1, members + 1)) - recused
        choices = draw(
            st.lists(
                st.sampled_from(["agree", "disagree", "abstain"]),
                min_size=len(voters),
                max_size=len(voters),
            )
        )
        rounds = draw(st.integers(min_value=0, max_value=2))
        runoff = {
            r: {m: draw(st.sampled_from(["agree", "disagree", "abstain"])) for m in sorted(voters)}
            for r in range(1, rounds + 1)
        }
        z = draw(st.sampled_from([70.0, 75.0, 75.001, 80.0]))
        entries.append(
            EntryInput(
                entry_id=i,
                rank=i,
                z=z,
                voters=voters,
                votes=dict(zip(sorted(voters), choices, strict=True)),
                runoff_votes=runoff,
            )
        )
    return entries, quota


@given(panels(), st.sampled_from([(2, 3), (1, 2), (3, 4)]))
def test_the_approved_list_never_exceeds_the_quota(case, threshold):  # type: ignore[no-untyped-def]
    entries, quota = case
    res = compute_results(entries, numerator=threshold[0], denominator=threshold[1], quota=quota)
    approved = res.approved
    assert res.complete
    assert len(approved) <= quota
    # Only passed nominees are approved, each with enough agree votes.
    assert all(o.passed and o.agree >= o.required for o in approved)
    # Nobody left out has more agree votes than someone approved.
    left_out = [o for o in res.outcomes if o.passed and not o.within_quota]
    if approved and left_out:
        assert max(o.agree for o in left_out) <= min(o.agree for o in approved)
    # Without a pending run-off, the list is full whenever enough passed.
    passed = [o for o in res.outcomes if o.passed]
    if not res.runoff_pending:
        assert len(approved) == min(quota, len(passed))
    else:
        assert len(approved) + res.runoff_slots == quota
        assert len(res.runoff_entries) > res.runoff_slots
    # Positions are 1..n over the passed.
    assert sorted(o.position for o in passed) == list(range(1, len(passed) + 1))
