"""What each kind of notification says. Texts are rendered in the reader's language when shown
(and in the site's default language, Simplified Chinese, in email)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    title: str | Promise
    body: str | Promise


KINDS: dict[str, Kind] = {
    "campaign.deployed": Kind(
        _("New campaign: %(campaign)s"),
        _(
            "%(campaign)s has been deployed. Your organization may put forward up to %(cap)s "
            "nominations (allocation: %(slots)s). Recommendation closes on %(closes)s."
        ),
    ),
    "campaign.closing_soon": Kind(
        _("Recommendation closes in %(days)s day(s): %(campaign)s"),
        _(
            "Recommendation for %(campaign)s closes on %(closes)s. %(count)s nomination(s) "
            "in your care still need action."
        ),
    ),
    "nomination.awaiting_endorsement": Kind(
        _("Awaiting your endorsement: %(number)s %(person)s"),
        _(
            "%(unit)s put forward %(person)s (%(number)s) in %(campaign)s. Please endorse it or "
            "return it."
        ),
    ),
    "nomination.returned": Kind(
        _("Returned for correction: %(number)s %(person)s"),
        _("%(org)s returned the nomination of %(person)s (%(number)s): %(comment)s"),
    ),
    "nomination.format_check_returned": Kind(
        _("Correct by %(deadline)s: %(number)s %(person)s"),
        _(
            "The format check returned the nomination of %(person)s (%(number)s) for "
            "correction by %(deadline)s: %(comment)s"
        ),
    ),
    "nomination.accepted": Kind(
        _("Accepted in the format check: %(number)s %(person)s"),
        _("The nomination of %(person)s (%(number)s) passed the format check."),
    ),
    "nomination.rejected": Kind(
        _("Rejected in the format check: %(number)s %(person)s"),
        _("The nomination of %(person)s (%(number)s) was rejected: %(reason)s"),
    ),
    "nomination.endorsed_to_campaign": Kind(
        _("Received for the format check: %(number)s %(person)s"),
        _(
            "%(person)s (%(number)s) from %(unit)s was endorsed by every level and awaits the "
            "format check."
        ),
    ),
    "nomination.withdrawn": Kind(
        _("Withdrawn: %(number)s %(person)s"),
        _("The nomination of %(person)s (%(number)s) was withdrawn: %(reason)s"),
    ),
}


def render(kind: str, params: dict[str, Any]) -> tuple[str, str]:
    """The title and body of a notification in the active language."""
    spec = KINDS.get(kind)
    if spec is None:
        return kind, ""
    safe = {k: ("" if v is None else v) for k, v in params.items()}
    try:
        return str(spec.title) % safe, str(spec.body) % safe
    except (KeyError, TypeError, ValueError):
        # A notification stored before its text changed: show what can be shown.
        return str(spec.title), ""
