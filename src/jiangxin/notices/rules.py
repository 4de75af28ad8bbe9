"""Permission decisions of the public notice and the objections.

- A campaign's notices are prepared, opened and closed by the program officers of its issuing
  organization (`programs.rules.can_manage_campaign`); they also name the objection handlers
  (`CampaignStaff.Duty.OBJECTION_HANDLER`), disqualify a nominee on a founded objection and
  promote the next-ranked nominee.
- Objections are seen by those program officers and the named handlers; only the **named
  handlers** see who filed one (program officers without the duty see "redacted"), and each
  view of an identity is audited. Handlers triage; the handler assigned investigates,
  concludes and replies.
- The nominee's unit (its preparers: unit clerks and the officers above it) sees and answers
  the explanation requests addressed to it, never the objection or its complainant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin.accounts import rules as account_rules
from jiangxin.accounts.models import Role
from jiangxin.people import rules as people_rules
from jiangxin.programs import rules as program_rules
from jiangxin.programs.models import Campaign, CampaignStaff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User
    from jiangxin.notices.models import ExplanationRequest, Objection, PublicNotice

    AnyUser = User | AnonymousUser

HANDLER = CampaignStaff.Duty.OBJECTION_HANDLER


def can_manage_notices(user: AnyUser, campaign: Campaign) -> bool:
    return program_rules.can_manage_campaign(user, campaign)


def is_named_handler(user: AnyUser, campaign_id: int) -> bool:
    """Named for the campaign's objection handling by its program officers."""
    return (
        user.is_authenticated
        and CampaignStaff.objects.filter(
            campaign_id=campaign_id, user_id=user.pk, duty=HANDLER
        ).exists()
    )


def can_view_objections(user: AnyUser, campaign: Campaign) -> bool:
    return can_manage_notices(user, campaign) or is_named_handler(user, campaign.pk)


def can_see_complainant(user: AnyUser, campaign_id: int) -> bool:
    """Only the named handlers ever see who filed an objection (each view audited)."""
    return is_named_handler(user, campaign_id)


def can_list_notices(user: AnyUser) -> bool:
    """Who has the notices page: program officers and anyone named to handle objections."""
    if account_rules.has_role(user, Role.PROGRAM_OFFICER):
        return True
    return (
        user.is_authenticated
        and CampaignStaff.objects.filter(user_id=user.pk, duty=HANDLER).exists()
    )


def can_name_handlers(user: AnyUser, campaign: Campaign) -> bool:
    return campaign.status != Campaign.Status.CLOSED and can_manage_notices(user, campaign)


# --- The notice -------------------------------------------------------------------------------


def can_edit_notice(user: AnyUser, notice: PublicNotice) -> bool:
    return notice.status == "draft" and can_manage_notices(user, notice.campaign)


def can_schedule_notice(user: AnyUser, notice: PublicNotice) -> bool:
    return notice.status == "draft" and can_manage_notices(user, notice.campaign)


def can_unschedule_notice(user: AnyUser, notice: PublicNotice) -> bool:
    return notice.status == "scheduled" and can_manage_notices(user, notice.campaign)


def can_close_notice(user: AnyUser, notice: PublicNotice) -> bool:
    return notice.status == "open" and can_manage_notices(user, notice.campaign)


# --- Objections -------------------------------------------------------------------------------


def can_triage(user: AnyUser, objection: Objection) -> bool:
    return objection.status == "received" and is_named_handler(user, objection.notice.campaign_id)


def can_assign(user: AnyUser, objection: Objection) -> bool:
    return objection.status in ("received", "investigating") and can_view_objections(
        user, objection.notice.campaign
    )


def can_investigate(user: AnyUser, objection: Objection) -> bool:
    """Notes, files, explanation requests and the conclusion: the handler assigned."""
    return (
        objection.status == "investigating"
        and objection.assigned_to_id == user.pk
        and is_named_handler(user, objection.notice.campaign_id)
    )


def can_reply(user: AnyUser, objection: Objection) -> bool:
    if objection.status not in ("concluded", "not_admitted") or objection.replied_at:
        return False
    if not is_named_handler(user, objection.notice.campaign_id):
        return False
    return objection.assigned_to_id in (None, user.pk)


def can_disqualify(user: AnyUser, objection: Objection) -> bool:
    return (
        objection.status == "concluded"
        and objection.conclusion == "founded"
        and not objection.entry.is_disqualified
        and can_manage_notices(user, objection.notice.campaign)
    )


def can_answer_explanation(user: AnyUser, request: ExplanationRequest) -> bool:
    return (
        request.answered_at is None
        and request.objection.status == "investigating"
        and people_rules.can_prepare_at(user, request.unit)
    )


def can_list_explanation_requests(user: AnyUser) -> bool:
    return account_rules.has_role(user, *people_rules.PREPARER_ROLES)


def has_explanation_requests(user: AnyUser) -> bool:
    """Whether the sidebar offers the explanation requests (only to units that have some)."""
    if not can_list_explanation_requests(user):
        return False
    from jiangxin.notices.selectors import explanation_requests_for

    return explanation_requests_for(user).exists()
