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
    # Expert review: scoring (网审)
    "review.scoring_due": Kind(
        _("Online review ends in %(days)s day(s): %(campaign)s"),
        _(
            "The online review of %(campaign)s ends on %(ends)s. %(count)s of your score "
            "sheet(s) are not submitted yet."
        ),
    ),
    "review.scoring_overdue": Kind(
        _("Score sheets overdue: %(campaign)s"),
        _(
            "The online review of %(campaign)s was due on %(ends)s. %(count)s of your score "
            "sheet(s) are not submitted yet; please submit them as soon as you can."
        ),
    ),
    "review.scoring_reminder": Kind(
        _("Reminder from the program officer: %(campaign)s"),
        _(
            "%(count)s of your score sheet(s) in %(campaign)s are not submitted yet. The "
            "online review ends on %(ends)s."
        ),
    ),
    "review.sheet_reopened": Kind(
        _("Score sheet reopened: %(nominee)s"),
        _(
            "A program officer reopened your score sheet for %(nominee)s in %(campaign)s: "
            "%(reason)s. Please check it and submit it again."
        ),
    ),
    # Expert review: pool, invitations and conflicts of interest
    "review.invitation": Kind(
        _("Invitation to review: %(campaign)s"),
        _(
            "%(issuer)s invites you to review the nominations of %(campaign)s as an expert. "
            "The online review ends on %(ends)s. Please accept or decline through the link in "
            "the email we sent you (valid until %(expires)s)."
        ),
    ),
    "review.invitation_reminder": Kind(
        _("Please answer the invitation: %(campaign)s"),
        _(
            "You have not answered the invitation of %(issuer)s to review %(campaign)s yet. "
            "A new link was emailed to you (valid until %(expires)s); earlier links no longer "
            "work."
        ),
    ),
    "review.invitation_withdrawn": Kind(
        _("Invitation withdrawn: %(campaign)s"),
        _("The invitation to review %(campaign)s was withdrawn: %(reason)s"),
    ),
    "review.invitation_accepted": Kind(
        _("Invitation accepted: %(expert)s"),
        _("%(expert)s accepted the invitation to review %(campaign)s."),
    ),
    "review.invitation_declined": Kind(
        _("Invitation declined: %(expert)s"),
        _(
            "%(expert)s declined the invitation to review %(campaign)s: %(reason)s. Invite "
            "another expert in their place."
        ),
    ),
    "review.avoidance_requested": Kind(
        _("Experts to avoid: %(number)s %(person)s"),
        _(
            "%(unit)s asks that %(expert)s (%(employer)s) does not review %(person)s "
            "(%(number)s) in %(campaign)s: %(reason)s. Matching experts in the pools: "
            "%(matched)s."
        ),
    ),
    "review.conflict_on_assignment": Kind(
        _("Conflict of interest on an assignment: %(number)s"),
        _(
            "A conflict of interest was recorded between %(expert)s and %(person)s "
            "(%(number)s), who are assigned to each other in %(campaign)s. The expert no "
            "longer sees the nomination; assign a replacement."
        ),
    ),
    # Expert review: final approval (审定)
    "nomination.selected": Kind(
        _("Selected: %(number)s %(person)s"),
        _(
            "%(person)s (%(number)s) from %(unit)s was selected in the final approval of "
            "%(campaign)s. The public notice follows."
        ),
    ),
    "nomination.not_selected": Kind(
        _("Not selected: %(number)s %(person)s"),
        _("%(person)s (%(number)s) from %(unit)s was not selected in %(campaign)s: %(reason)s"),
    ),
    # Publication (公布)
    "publication.published": Kind(
        _("Published: %(title)s"),
        _(
            "The list of %(campaign)s has been published on the portal. Cultivation of the "
            "published craftsmen begins."
        ),
    ),
    "publication.documents_ready": Kind(
        _("Documents ready: %(number)s"),
        _("The PDF and the Excel list of %(number)s (%(campaign)s) are ready and attached."),
    ),
    "publication.documents_failed": Kind(
        _("Documents not made: %(number)s"),
        _(
            "The PDF and the Excel list of %(number)s (%(campaign)s) could not be made. Open "
            "the publication to try again."
        ),
    ),
    # Public notice and objections (公示 / 异议)
    "objection.received": Kind(
        _("Objection received: %(receipt)s"),
        _("An objection (%(receipt)s) to %(nominee)s was received on %(notice)s."),
    ),
    "objection.assigned": Kind(
        _("Objection to investigate: %(receipt)s"),
        _("The objection %(receipt)s on %(notice)s was given to you to investigate."),
    ),
    "objection.explanation_requested": Kind(
        _("Written explanation requested: %(nominee)s"),
        _(
            "During %(notice)s the handlers ask your unit for a written explanation about "
            "%(nominee)s, by %(due)s."
        ),
    ),
    "objection.explanation_answered": Kind(
        _("Explanation received: %(receipt)s"),
        _("%(unit)s answered the request for a written explanation (objection %(receipt)s)."),
    ),
    "objection.founded": Kind(
        _("Objection founded: %(receipt)s"),
        _(
            "The objection %(receipt)s to %(nominee)s on %(notice)s was found founded. Decide "
            "on the disqualification."
        ),
    ),
    "nomination.disqualified": Kind(
        _("Disqualified: %(number)s %(person)s"),
        _("%(person)s (%(number)s) was disqualified in %(campaign)s: %(reason)s"),
    ),
    # Expert review: assignment (网审)
    "review.assigned": Kind(
        _("Nominations to review: %(campaign)s"),
        _(
            "%(count)s nomination(s) of %(campaign)s were assigned to you for the online "
            "review, which ends on %(ends)s."
        ),
    ),
    "review.recused": Kind(
        _("An expert recused: %(number)s"),
        _(
            "%(expert)s recused from %(number)s in %(campaign)s: %(reason)s. Start a "
            "replacement run to assign another expert."
        ),
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
