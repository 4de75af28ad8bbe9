"""Dashboard panels per role: real numbers from the data each role can see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts import rules
from jiangxin.accounts.models import Role

if TYPE_CHECKING:
    from jiangxin.accounts.models import User


@dataclass
class Stat:
    label: str | Promise
    value: int | str
    url: str = ""


@dataclass
class Panel:
    title: str | Promise
    subtitle: str = ""
    stats: list[Stat] = field(default_factory=list)


def dashboard_for(user: User) -> list[Panel]:
    """One panel per role the user holds (in a stable order)."""
    from django.urls import reverse

    from jiangxin.core.models import AuditEvent
    from jiangxin.orgs import selectors as org_selectors

    panels: list[Panel] = []
    nominations_shown = False
    roles = rules.roles_of(user)
    grants = rules.active_grants(user)
    for role in Role:
        if role.value not in roles:
            continue
        on = ", ".join(g.organization.display_name for g in grants if g.role == role.value)
        panel = Panel(title=role.label, subtitle=on)
        if role in rules.OFFICER_ROLES:
            orgs = org_selectors.organizations_managed_by(user)
            users = org_selectors.users_visible_to(user)
            panel.stats = [
                Stat(_("Organizations in my scope"), orgs.count(), reverse("orgs:list")),
                Stat(_("Enterprises in my scope"), orgs.filter(kind="enterprise").count()),
                Stat(_("Users in my scope"), users.count(), reverse("orgs:user_list")),
            ]
            from jiangxin.programs.dashboard import program_stats

            panel.stats += program_stats(user, role)
            if role == Role.PROGRAM_OFFICER:
                from jiangxin.reviews.pool import pool_stats

                panel.stats += pool_stats(user)
                from jiangxin.reviews.assignment.dashboard import assignment_stats

                panel.stats += assignment_stats(user)
                from jiangxin.reviews.panel import panel_stats

                panel.stats += panel_stats(user)
                from jiangxin.portal.dashboard import portal_stats

                panel.stats += portal_stats(user)
                from jiangxin.cultivation.dashboard import cultivation_stats

                panel.stats += cultivation_stats(user)
        elif role == Role.SYSTEM_ADMIN:
            from jiangxin.core.models import CalendarYear
            from jiangxin.orgs.models import Organization

            panel.stats = [
                Stat(_("Organizations"), Organization.objects.count(), reverse("orgs:list")),
                Stat(
                    _("Announced calendar years entered"),
                    CalendarYear.objects.count(),
                    reverse("core:calendar"),
                ),
            ]
        elif role == Role.SECURITY_ADMIN:
            from axes.models import AccessAttempt
            from django.conf import settings

            users = org_selectors.users_visible_to(user)
            panel.stats = [
                Stat(
                    _("Active users"),
                    users.filter(is_active=True).count(),
                    reverse("orgs:user_list"),
                ),
                Stat(
                    _("Locked usernames"),
                    AccessAttempt.objects.filter(
                        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
                    ).count(),
                ),
                Stat(_("Active role grants"), org_selectors.grants_visible_to(user).count()),
            ]
        elif role == Role.AUDIT_ADMIN:
            since = timezone.now() - timedelta(days=1)
            week = timezone.now() - timedelta(days=7)
            panel.stats = [
                Stat(
                    _("Audit events in the last 24 hours"),
                    AuditEvent.objects.filter(occurred_at__gte=since).count(),
                    reverse("core:audit_list"),
                ),
                Stat(
                    _("Denied or failed in the last 7 days"),
                    AuditEvent.objects.filter(occurred_at__gte=week)
                    .exclude(outcome="success")
                    .count(),
                ),
                Stat(_("Audit events in total"), AuditEvent.objects.count()),
            ]
        else:
            panel.stats = [
                Stat(_("Organizations I act for"), sum(1 for g in grants if g.role == role.value))
            ]
            if role == Role.EXPERT:
                from jiangxin.reviews.scoring_selectors import expert_stats

                panel.stats += expert_stats(user)
                from jiangxin.reviews.pool import invitation_stats

                panel.stats += invitation_stats(user)
        if role in (Role.UNIT_CLERK, *rules.OFFICER_ROLES) and not nominations_shown:
            from jiangxin.nominations.dashboard import nomination_stats
            from jiangxin.notices.dashboard import notice_stats

            panel.stats += nomination_stats(user)  # once, on the first panel it fits
            panel.stats += notice_stats(user)
            nominations_shown = True
        if role == Role.UNIT_CLERK:
            from jiangxin.people.selectors import persons_visible_to

            panel.stats.append(
                Stat(
                    _("Craftsman profiles in my scope"),
                    persons_visible_to(user).count(),
                    reverse("people:list"),
                )
            )
        panels.append(panel)
    return panels
