"""The demo's national campaign is played through the whole expert review into its notice."""

from __future__ import annotations

from collections import Counter

import pytest

from jiangxin.core.models import AuditEvent
from jiangxin.nominations.models import Nomination
from jiangxin.notices.models import PublicNotice
from jiangxin.programs.models import Campaign
from jiangxin.reviews.models import (
    Assignment,
    AssignmentRun,
    Conflict,
    FinalApproval,
    Invitation,
    PanelMeeting,
    ScoreSheet,
    Vote,
)


@pytest.mark.django_db
def test_the_national_demo_campaign_is_reviewed_approved_and_in_its_notice(
    django_capture_on_commit_callbacks,
):
    from jiangxin.core.demo import build_demo
    from jiangxin.nominations.demo import build_selection_demo

    build_demo()
    with django_capture_on_commit_callbacks(execute=True):
        selection = build_selection_demo()
    campaign = selection.national
    assert campaign is not None
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLIC_NOTICE

    # The pool: one expert declined and was replaced; conflicts from every source.
    invitations = Counter(
        Invitation.objects.filter(campaign=campaign).values_list("status", flat=True)
    )
    assert invitations == {"accepted": 10, "declined": 1}
    assert Invitation.objects.filter(campaign=campaign, replaces__isnull=False).count() == 1
    sources = set(Conflict.objects.filter(campaign=campaign).values_list("source", flat=True))
    assert sources == {"computed", "expert", "unit", "officer"}

    # The assignment: exactly k active experts per nomination, none across a conflict, a
    # replacement run after the recusal.
    k = campaign.policy_version.reviewers_per_nomination
    active = Assignment.objects.filter(campaign=campaign, status=Assignment.Status.ACTIVE)
    per_nomination = Counter(active.values_list("nomination_id", flat=True))
    assert len(per_nomination) == 7 and set(per_nomination.values()) == {k}
    pairs = set(active.values_list("nomination_id", "expert_id"))
    conflicted = set(
        Conflict.objects.filter(campaign=campaign).values_list("nomination_id", "expert_id")
    )
    assert len(conflicted) >= 6 and not pairs & conflicted
    assert Assignment.objects.filter(campaign=campaign, status="recused").count() == 1
    runs = AssignmentRun.objects.filter(campaign=campaign, status=AssignmentRun.Status.EXECUTED)
    assert sorted(runs.values_list("is_replacement", flat=True)) == [False, True]

    # The sheets: every active one submitted, the recused expert's draft left, one sheet
    # reopened by the officer and submitted again.
    sheets = Counter(
        ScoreSheet.objects.filter(assignment__campaign=campaign).values_list(
            "assignment__status", "status"
        )
    )
    assert sheets == {("active", "submitted"): 5 * 7, ("recused", "draft"): 1}
    assert AuditEvent.objects.filter(action="review.sheet_reopened").count() == 1
    resubmitted = AuditEvent.objects.filter(action="review.sheet_submitted").values_list(
        "summary", flat=True
    )
    assert sum(1 for s in resubmitted if s.get("resubmitted")) == 1

    # The panel met, voted; one nominee did not pass; the approved list is within the quota.
    meeting = PanelMeeting.objects.get(campaign=campaign)
    assert meeting.status == PanelMeeting.Status.CLOSED
    assert Vote.objects.filter(entry__meeting=meeting).exists()
    approval = FinalApproval.objects.get(campaign=campaign)
    assert 0 < len(approval.approved) <= campaign.target
    statuses = Counter(
        Nomination.objects.filter(campaign=campaign).values_list("status", flat=True)
    )
    assert statuses["in_notice"] == len(approval.approved) == 6
    assert statuses["not_selected"] == 1

    # The notice is open today, with objections in several states.
    notice = PublicNotice.objects.get(campaign=campaign, kind="main")
    assert notice.status == PublicNotice.Status.OPEN
    assert set(notice.objections.values_list("status", flat=True)) == {
        "received",
        "investigating",
        "concluded",
        "not_admitted",
    }

    # Idempotent.
    assert build_selection_demo().national == campaign
    assert Assignment.objects.filter(campaign=campaign).count() == 5 * 7 + 1
