"""The sidebar: built from permission decisions, never from role names in templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts import rules


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    icon: str
    active: bool = False


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    entries: list[tuple[str, str | Promise, str]] = [
        ("core:dashboard", _("Dashboard"), "speedometer2")
    ]
    from jiangxin.programs import rules as program_rules

    if program_rules.can_list_campaigns(user):
        entries.append(("programs:campaign_list", _("Campaigns"), "flag"))
    if program_rules.can_read_policies(user):
        entries.append(("programs:policy_list", _("Policy versions"), "journal-bookmark"))
    from jiangxin.nominations import rules as nomination_rules

    if nomination_rules.can_list_nominations(user):
        entries.append(("nominations:list", _("Nominations"), "file-earmark-person"))
    from jiangxin.reviews import rules as review_rules

    if review_rules.can_open_my_reviews(user):
        entries.append(("reviews:scoring_mine", _("My reviews"), "clipboard-check"))
    if review_rules.can_list_assignments(user):
        entries.append(("reviews:assignment_index", _("Expert assignment"), "diagram-2"))
    if review_rules.can_follow_online_reviews(user):
        entries.append(("reviews:scoring_campaigns", _("Online review"), "clipboard-data"))
    if review_rules.can_list_panels(user):
        entries.append(("reviews:panel_index", _("Panel meetings"), "people-fill"))
    if review_rules.can_manage_pools(user):
        entries.append(("reviews:pool_list", _("Expert pool"), "person-badge"))
    if review_rules.is_expert(user):
        entries.append(("reviews:pool_my_invitations", _("My review invitations"), "envelope-open"))
    from jiangxin.notices import rules as notice_rules

    if notice_rules.can_list_notices(user):
        entries.append(("notices:list", _("Public notices"), "megaphone"))
    if notice_rules.has_explanation_requests(user):
        entries.append(("notices:explanation_list", _("Explanation requests"), "chat-left-text"))
    from jiangxin.people import rules as people_rules

    if people_rules.can_view_people(user):
        entries.append(("people:list", _("Craftsman profiles"), "person-vcard"))
    from jiangxin.portal import rules as portal_rules

    if portal_rules.can_edit_portal(user):
        entries.append(("portal:manage_list", _("Portal"), "globe"))
    from jiangxin.cultivation import rules as cultivation_rules

    if cultivation_rules.can_edit_craftsman_pages(user):
        entries.append(("portal:craftsmen_manage", _("Craftsman pages"), "stars"))
    if rules.can_manage_organizations(user):
        entries.append(("orgs:list", _("Organizations"), "diagram-3"))
    if rules.can_manage_users(user):
        entries.append(("orgs:user_list", _("Users and roles"), "people"))
    if rules.can_manage_calendar(user):
        entries.append(("core:calendar", _("Working-day calendar"), "calendar3"))
    if rules.can_read_audit_log(user):
        entries.append(("core:audit_list", _("Audit log"), "journal-text"))
    entries.append(("accounts:security", _("My account security"), "shield-lock"))
    path = request.path
    items = []
    for name, label, icon in entries:
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(url=url, label=label, icon=icon, active=active))
    return items
