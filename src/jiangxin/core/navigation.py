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
    from jiangxin.people import rules as people_rules

    if people_rules.can_view_people(user):
        entries.append(("people:list", _("Craftsman profiles"), "person-vcard"))
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
