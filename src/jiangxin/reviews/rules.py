"""Permission decisions of the expert review (each stage adds its own below).

- The review of a campaign is run by the program officers of its issuing organization
  (`programs.rules.can_manage_campaign`).
- An expert pool belongs to an issuing organization; its program officers keep it.
- Experts act only on their own invitations and active, conflict-free assignments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.programs import rules as program_rules

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.nominations.models import Nomination
    from jiangxin.programs.models import Campaign
    from jiangxin.reviews.models import Assignment, ScoreSheet

    AnyUser = User | AnonymousUser


def can_manage_review(user: AnyUser, campaign: Campaign) -> bool:
    return program_rules.can_manage_campaign(user, campaign)


def can_manage_pools(user: AnyUser) -> bool:
    return account_rules.has_role(user, Role.PROGRAM_OFFICER)


def is_expert(user: AnyUser) -> bool:
    return account_rules.has_role(user, Role.EXPERT)


# --- Expert pool, invitations and conflicts of interest (pool stage) --------------------------


def invitable_statuses() -> frozenset[str]:
    """Campaign statuses in which experts may be invited: from the format check (to line the
    experts up early) until the online review closes."""
    from jiangxin.programs.models import Campaign

    return frozenset({Campaign.Status.FORMAT_CHECK, Campaign.Status.ONLINE_REVIEW})


def conflict_statuses() -> frozenset[str]:
    """Campaign statuses in which conflicts of interest are declared and recorded: from the
    format check until the panel meeting ends (the panel's recusals read them too)."""
    from jiangxin.programs.models import Campaign

    return frozenset(
        {
            Campaign.Status.FORMAT_CHECK,
            Campaign.Status.ONLINE_REVIEW,
            Campaign.Status.PANEL_MEETING,
        }
    )


def avoidance_statuses() -> frozenset[str]:
    """Campaign statuses in which a nominee's unit may ask for experts to avoid: once the
    nomination is on its way up and until the online review closes."""
    from jiangxin.programs.models import Campaign

    return frozenset(
        {
            Campaign.Status.DEPLOYED,
            Campaign.Status.RECOMMENDATION_CLOSED,
            Campaign.Status.FORMAT_CHECK,
            Campaign.Status.ONLINE_REVIEW,
        }
    )


def can_manage_expert(user: AnyUser, pool_path: str) -> bool:
    """Edit, deactivate and invite an expert of the pool at `pool_path` (an organization's
    materialized path): program officers whose grant covers the pool's organization."""
    return any(
        pool_path.startswith(p) for p in account_rules.grant_paths(user, [Role.PROGRAM_OFFICER])
    )


def can_invite_experts(user: AnyUser, campaign: Campaign) -> bool:
    return can_manage_review(user, campaign) and campaign.status in invitable_statuses()


def can_view_conflicts(user: AnyUser, campaign: Campaign) -> bool:
    """The conflict report of a campaign: its program officers, in any status."""
    return can_manage_review(user, campaign)


def can_record_conflicts(user: AnyUser, campaign: Campaign) -> bool:
    """Record (or remove) a declared conflict, and recompute the computed ones."""
    return can_manage_review(user, campaign) and campaign.status in conflict_statuses()


def can_request_avoidance(user: AnyUser, nomination: Nomination) -> bool:
    """The nominee's unit (its preparers) asks for experts to avoid, with a reason."""
    from jiangxin.nominations import rules as nomination_rules
    from jiangxin.nominations.models import Nomination

    return (
        nomination.status
        not in (Nomination.Status.DRAFT, Nomination.Status.WITHDRAWN, Nomination.Status.REJECTED)
        and nomination.campaign.status in avoidance_statuses()
        and nomination_rules.can_prepare_at(user, nomination.nominating_unit)
    )


# --- Panel meeting and final approval (会评, 审定) ----------------------------------------------


def can_list_panels(user: AnyUser) -> bool:
    """The list of panel meetings and approvals: program officers (each sees the campaigns of
    the organizations they run)."""
    return account_rules.has_role(user, Role.PROGRAM_OFFICER)


def can_run_panel(user: AnyUser, campaign: Campaign) -> bool:
    """See the panel meeting, its results and the approval of a campaign: its program
    officers (they, or the one acting as secretary, record everything)."""
    return can_manage_review(user, campaign)


def can_edit_panel(user: AnyUser, campaign: Campaign, meeting_status: str | None) -> bool:
    """Change the meeting (set it up, seat members, record votes, close it)."""
    from jiangxin.programs.models import Campaign

    return (
        can_manage_review(user, campaign)
        and campaign.status == Campaign.Status.PANEL_MEETING
        and meeting_status != "closed"
    )


def can_approve_final(user: AnyUser, campaign: Campaign, approved: bool) -> bool:
    from jiangxin.programs.models import Campaign

    return (
        can_manage_review(user, campaign)
        and campaign.status == Campaign.Status.FINAL_APPROVAL
        and not approved
    )


# --- Online review: scoring (网审) ---------------------------------------------------------------

#: Campaign statuses from the online review on: their review pages exist, and their
#: assignments stay visible to the officers (read-only after the online review).
CAMPAIGN_REVIEWED_STATUSES = (
    "online_review",
    "panel_meeting",
    "final_approval",
    "public_notice",
    "published",
    "cultivating",
    "closed",
)


def can_open_my_reviews(user: AnyUser) -> bool:
    return is_expert(user)


def can_follow_online_reviews(user: AnyUser) -> bool:
    """Who has the list of campaigns in online review (program officers)."""
    return account_rules.has_role(user, Role.PROGRAM_OFFICER)


def can_edit_sheet(user: AnyUser, assignment: Assignment, sheet: ScoreSheet | None) -> bool:
    """A page decision on an assignment already found through `assignments_for_expert`: the
    online review is open and the sheet is not submitted (the actions check everything)."""
    return (
        assignment.campaign.status == "online_review"
        and assignment.status == "active"
        and (sheet is None or sheet.status != "submitted")
        and is_expert(user)
    )


def _review_open(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status == "online_review" and can_manage_review(user, campaign)


def can_reopen_sheets(user: AnyUser, campaign: Campaign) -> bool:
    return _review_open(user, campaign)


def can_remind_experts(user: AnyUser, campaign: Campaign) -> bool:
    return _review_open(user, campaign)


def can_close_online_review(user: AnyUser, campaign: Campaign) -> bool:
    return _review_open(user, campaign)


# --- Online review: assignment of experts (网审) -------------------------------------------------


def can_list_assignments(user: AnyUser) -> bool:
    """Who has the list of campaigns to assign experts in (program officers)."""
    return account_rules.has_role(user, Role.PROGRAM_OFFICER)


def can_view_assignment(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status in CAMPAIGN_REVIEWED_STATUSES and can_manage_review(user, campaign)


def can_assign_experts(user: AnyUser, campaign: Campaign) -> bool:
    """Start, pin, forbid, execute, recuse and replace (the actions check everything)."""
    return campaign.status == "online_review" and can_manage_review(user, campaign)
