"""Panel meeting (会评) pages, for the program officers of the campaign's issuing organization
(anyone else gets 404, on every page, partial, POST and export):

- the list of campaigns at or past the panel meeting;
- the panel page: set-up (the shortlist drawn from the ranking), meeting details, members and
  presence, the shortlist with ranks, disagreement flags, discussed toggles (htmx), recusals,
  the results computed live from the votes, the minutes and the close;
- the vote grid (every nominee × every member present, with run-off rounds when needed);
- the Excel export of the results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.programs import selectors as program_selectors
from jiangxin.programs.models import Campaign
from jiangxin.reviews import panel, rules
from jiangxin.reviews.forms_panel import (
    AddEntryForm,
    AddMemberForm,
    MeetingDetailsForm,
    MinutesForm,
    PresenceForm,
    RecusalForm,
)
from jiangxin.reviews.models import PanelMeeting, PanelMember, Recusal, ShortlistEntry, Vote

#: Campaign statuses from the panel meeting on (the list shows these).
FROM_PANEL = (
    Campaign.Status.PANEL_MEETING,
    Campaign.Status.FINAL_APPROVAL,
    Campaign.Status.PUBLIC_NOTICE,
    Campaign.Status.PUBLISHED,
    Campaign.Status.CULTIVATING,
    Campaign.Status.CLOSED,
)


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def managed_campaign(request: AuthedHttpRequest, pk: int) -> Campaign:
    """The campaign, if the user runs its review (404 otherwise, exactly as if missing)."""
    campaign = get_object_or_404(
        program_selectors.campaigns_visible_to(request.user).select_related(
            "policy_version", "issuing_org"
        ),
        pk=pk,
    )
    _require(rules.can_run_panel(request.user, campaign))
    return campaign


def _meeting(campaign: Campaign) -> PanelMeeting | None:
    meeting = PanelMeeting.objects.filter(campaign=campaign).select_related("chair").first()
    if meeting is not None:
        meeting.campaign = campaign
    return meeting


def _meeting_or_404(campaign: Campaign) -> PanelMeeting:
    meeting = _meeting(campaign)
    if meeting is None:
        raise Http404
    return meeting


def panels_crumb() -> dict[str, str]:
    return {"label": _("Panel meetings"), "url": reverse("reviews:panel_index")}


def campaign_crumbs(campaign: Campaign, *tail: dict[str, str]) -> list[dict[str, str]]:
    return [
        panels_crumb(),
        {"label": campaign.name, "url": reverse("reviews:panel_detail", args=[campaign.pk])},
        *tail,
    ]


def member_name(member: PanelMember) -> str:
    return member.user.full_name or member.user.get_username()


def nominee_label(entry: ShortlistEntry) -> str:
    person = entry.nomination.person
    return f"{entry.nomination.number} {person.name if person else ''}".strip()


# --- The list ---------------------------------------------------------------------------------


@require_GET
def panel_index(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_list_panels(request.user))
    campaigns = [
        c
        for c in program_selectors.campaigns_visible_to(request.user)
        .filter(status__in=FROM_PANEL)
        .select_related("issuing_org", "panel_meeting", "final_approval")
        .order_by("-year", "tier", "pk")
        if rules.can_run_panel(request.user, c)
    ]
    rows = [
        {
            "campaign": c,
            "meeting": getattr(c, "panel_meeting", None),
            "approval": getattr(c, "final_approval", None),
        }
        for c in campaigns
    ]
    return render(
        request,
        "reviews/panel/index.html",
        {"rows": rows, "breadcrumbs": [{"label": _("Panel meetings")}]},
    )


# --- The panel page ---------------------------------------------------------------------------


def _entry_rows(state: panel.MeetingState) -> list[dict[str, Any]]:
    outcomes = state.results.by_entry
    names = {m.pk: member_name(m) for m in state.members}
    return [
        {
            "entry": e,
            "label": nominee_label(e),
            "outcome": outcomes[e.pk],
            "recusals": [
                {"recusal": r, "member": names.get(member_id, "")}
                for member_id, r in sorted(state.recusals.get(e.pk, {}).items())
            ],
        }
        for e in state.entries
    ]


def _flagged_candidates(campaign: Campaign, meeting: PanelMeeting) -> list[tuple[int, str]]:
    """Nominations outside the shortlist the officer may add (flagged in the ranking)."""
    shortlisted = set(meeting.shortlist.values_list("nomination_id", flat=True))
    flagged = [
        r
        for r in panel.reviewed_ranking(campaign)
        if panel.is_flagged(r) and r.nomination_id not in shortlisted
    ]
    from jiangxin.nominations.models import Nomination

    labels = {
        n.pk: f"{n.number} {n.person.name if n.person else ''}"
        for n in Nomination.objects.filter(
            pk__in=[r.nomination_id for r in flagged]
        ).select_related("person")
    }
    out = []
    for r in flagged:
        reasons = []
        if r.disagreement:
            reasons.append(_("experts disagreed"))
        if r.tie:
            reasons.append(_("tie"))
        elif r.near_tie:
            reasons.append(_("near tie"))
        out.append(
            (
                r.nomination_id,
                _("#%(rank)s %(label)s (%(why)s)")
                % {"rank": r.rank, "label": labels[r.nomination_id], "why": ", ".join(reasons)},
            )
        )
    return out


def _forms(
    campaign: Campaign, meeting: PanelMeeting, state: panel.MeetingState, bound: dict[str, Any]
) -> dict[str, Any]:
    """Every form of the panel page: `bound` ones (after a refused POST) replace the blank."""
    seated = {m.user_id for m in state.members}
    member_choices = [(m.pk, member_name(m)) for m in state.members]
    present_choices = [(m.pk, member_name(m)) for m in state.present]
    forms: dict[str, Any] = {
        "details_form": MeetingDetailsForm(
            prefix="details",
            initial={
                "held_on": meeting.held_on,
                "location": meeting.location,
                "chair": meeting.chair_id,
            },
            chairs=[(m.user_id, member_name(m)) for m in state.members],
        ),
        "entry_form": AddEntryForm(
            prefix="entry", candidates=_flagged_candidates(campaign, meeting)
        ),
        "member_form": AddMemberForm(
            prefix="member",
            candidates=[
                (u.pk, u.full_name or u.get_username())
                for u in panel.member_candidates(campaign)
                if u.pk not in seated
            ],
        ),
        "presence_form": PresenceForm(
            prefix="presence",
            members=member_choices,
            initial={"present": [m.pk for m in state.present]},
        ),
        "recusal_form": RecusalForm(
            prefix="recusal",
            entries=[(e.pk, nominee_label(e)) for e in state.entries],
            members=present_choices,
        ),
        "minutes_form": MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes}),
    }
    forms.update(bound)
    return forms


def _panel_page(
    request: AuthedHttpRequest, campaign: Campaign, *, status: int = 200, **bound: Any
) -> HttpResponse:
    meeting = _meeting(campaign)
    can_edit = rules.can_edit_panel(request.user, campaign, meeting.status if meeting else None)
    context: dict[str, Any] = {
        "campaign": campaign,
        "meeting": meeting,
        "can_edit": can_edit,
        "breadcrumbs": [panels_crumb(), {"label": campaign.name}],
        "approval_url": reverse("reviews:approval_detail", args=[campaign.pk])
        if campaign.status not in (Campaign.Status.PANEL_MEETING,)
        else "",
    }
    if meeting is None:
        ranking = (
            panel.reviewed_ranking(campaign)
            if campaign.status == Campaign.Status.PANEL_MEETING
            else []
        )
        size = panel.shortlist_size(campaign, len(ranking))
        context.update(
            {
                "ranking_count": len(ranking),
                "shortlist_size": size,
                "wanted_size": panel.shortlist_size(campaign, 10**9),
                "setup_form": bound.get("setup_form") or MeetingDetailsForm(prefix="details"),
                "can_set_up": can_edit and size > 0,
            }
        )
        return render(request, "reviews/panel/setup.html", context, status=status)
    state = panel.meeting_state(meeting)
    context.update(
        {
            "state": state,
            "results": state.results,
            "rows": _entry_rows(state),
            "quorum": panel.quorum(len(state.members)),
            "present_count": len(state.present),
            "close_problems": panel.close_problems(state) if can_edit else [],
            "is_planned": meeting.status == PanelMeeting.Status.PLANNED,
            "in_session": meeting.status == PanelMeeting.Status.IN_SESSION,
            "runoff_started": state.runoff_started,
            **(_forms(campaign, meeting, state, bound) if can_edit else {}),
        }
    )
    return render(request, "reviews/panel/detail.html", context, status=status)


@require_GET
def panel_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _panel_page(request, managed_campaign(request, pk))


def _back(campaign: Campaign, anchor: str = "") -> HttpResponse:
    url = reverse("reviews:panel_detail", args=[campaign.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _editable(request: AuthedHttpRequest, pk: int) -> tuple[Campaign, PanelMeeting | None]:
    campaign = managed_campaign(request, pk)
    meeting = _meeting(campaign)
    _require(rules.can_edit_panel(request.user, campaign, meeting.status if meeting else None))
    return campaign, meeting


def _meeting_post(request: AuthedHttpRequest, pk: int) -> tuple[Campaign, PanelMeeting]:
    campaign, meeting = _editable(request, pk)
    if meeting is None:
        raise Http404
    return campaign, meeting


def _submit(
    request: AuthedHttpRequest,
    campaign: Campaign,
    form: Any,
    act: Callable[[dict[str, Any]], object],
    *,
    done: str,
    anchor: str,
    key: str,
) -> HttpResponse:
    """Run `act` with the form's data: back to the page with `done` said, or the page again
    with the form (as `key`) showing the refusal, nothing typed lost."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return _back(campaign, anchor)
    return _panel_page(request, campaign, **{key: form})


def _press(
    request: AuthedHttpRequest,
    campaign: Campaign,
    act: Callable[[], object],
    *,
    done: str,
    anchor: str,
) -> HttpResponse:
    """A button without a form: the refusal or `done` as a message, back to the page."""
    try:
        act()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(campaign, anchor)


@require_POST
def panel_setup(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _editable(request, pk)
    if meeting is not None:
        return _back(campaign)
    return _submit(
        request,
        campaign,
        MeetingDetailsForm(request.POST, prefix="details"),
        lambda data: panel.do_set_up_panel(
            acting_user=request.user,
            campaign_id=campaign.pk,
            held_on=data["held_on"],
            location=data["location"],
        ),
        done=_("The shortlist is drawn and the meeting planned."),
        anchor="",
        key="setup_form",
    )


@require_POST
def panel_details(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    members = PanelMember.objects.filter(meeting=meeting).select_related("user")
    return _submit(
        request,
        campaign,
        MeetingDetailsForm(
            request.POST, prefix="details", chairs=[(m.user_id, member_name(m)) for m in members]
        ),
        lambda data: panel.do_update_panel_details(
            acting_user=request.user,
            meeting_id=meeting.pk,
            held_on=data["held_on"],
            location=data["location"],
            chair_id=data.get("chair"),
        ),
        done=_("The meeting details are saved."),
        anchor="details",
        key="details_form",
    )


@require_POST
def panel_add_entry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    return _submit(
        request,
        campaign,
        AddEntryForm(
            request.POST, prefix="entry", candidates=_flagged_candidates(campaign, meeting)
        ),
        lambda data: panel.do_add_to_shortlist(
            acting_user=request.user,
            meeting_id=meeting.pk,
            nomination_id=data["nomination"],
            reason=data["reason"],
        ),
        done=_("The nomination is added to the shortlist."),
        anchor="shortlist",
        key="entry_form",
    )


@require_POST
def panel_add_member(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    seated = set(PanelMember.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    candidates = [
        (u.pk, u.full_name or u.get_username())
        for u in panel.member_candidates(campaign)
        if u.pk not in seated
    ]
    return _submit(
        request,
        campaign,
        AddMemberForm(request.POST, prefix="member", candidates=candidates),
        lambda data: panel.do_add_panel_member(
            acting_user=request.user, meeting_id=meeting.pk, user_id=data["user"]
        ),
        done=_("The member is seated."),
        anchor="members",
        key="member_form",
    )


@require_POST
def panel_remove_member(request: AuthedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    member = get_object_or_404(PanelMember, pk=member_pk, meeting=meeting)
    return _press(
        request,
        campaign,
        lambda: panel.do_remove_panel_member(
            acting_user=request.user, meeting_id=meeting.pk, member_id=member.pk
        ),
        done=_("The member is taken off the panel."),
        anchor="members",
    )


@require_POST
def panel_presence(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    members = PanelMember.objects.filter(meeting=meeting).select_related("user")
    return _submit(
        request,
        campaign,
        PresenceForm(
            request.POST, prefix="presence", members=[(m.pk, member_name(m)) for m in members]
        ),
        lambda data: panel.do_record_presence(
            acting_user=request.user, meeting_id=meeting.pk, present_member_ids=data["present"]
        ),
        done=_("Presence is recorded."),
        anchor="members",
        key="presence_form",
    )


@require_POST
def panel_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    return _press(
        request,
        campaign,
        lambda: panel.do_open_panel(acting_user=request.user, meeting_id=meeting.pk),
        done=_("The meeting is open."),
        anchor="",
    )


@require_POST
def panel_discussed(request: AuthedHttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    entry = get_object_or_404(ShortlistEntry, pk=entry_pk, meeting=meeting)
    error = ""
    try:
        panel.do_set_discussed(
            acting_user=request.user,
            entry_id=entry.pk,
            discussed=request.POST.get("discussed") == "1",
        )
    except DomainError as exc:
        error = str(exc.message)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back(campaign, f"entry-{entry.pk}")
    state = panel.meeting_state(meeting)
    row = next(r for r in _entry_rows(state) if r["entry"].pk == entry.pk)
    return render(
        request,
        "reviews/panel/detail.html#entry_row",
        {
            "campaign": campaign,
            "meeting": meeting,
            "row": row,
            "can_edit": True,
            "in_session": meeting.status == PanelMeeting.Status.IN_SESSION,
            "row_error": error,
        },
    )


@require_POST
def panel_recusal_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    state = panel.meeting_state(meeting)
    return _submit(
        request,
        campaign,
        RecusalForm(
            request.POST,
            prefix="recusal",
            entries=[(e.pk, nominee_label(e)) for e in state.entries],
            members=[(m.pk, member_name(m)) for m in state.present],
        ),
        lambda data: panel.do_declare_recusal(
            acting_user=request.user,
            entry_id=data["entry"],
            member_id=data["member"],
            reason=data["reason"],
        ),
        done=_("The recusal is recorded."),
        anchor="recusals",
        key="recusal_form",
    )


@require_POST
def panel_recusal_withdraw(request: AuthedHttpRequest, pk: int, recusal_pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    recusal = get_object_or_404(Recusal, pk=recusal_pk, entry__meeting=meeting)
    return _press(
        request,
        campaign,
        lambda: panel.do_withdraw_recusal(acting_user=request.user, recusal_id=recusal.pk),
        done=_("The recusal is withdrawn."),
        anchor="recusals",
    )


@require_POST
def panel_minutes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign, meeting = _meeting_post(request, pk)
    return _submit(
        request,
        campaign,
        MinutesForm(request.POST, prefix="minutes"),
        lambda data: panel.do_save_minutes(
            acting_user=request.user, meeting_id=meeting.pk, minutes=data["minutes"]
        ),
        done=_("The minutes are saved."),
        anchor="minutes",
        key="minutes_form",
    )


@require_POST
def panel_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    closed = _meeting(campaign)
    if closed is not None and closed.status == PanelMeeting.Status.CLOSED:
        return redirect("reviews:approval_detail", pk=campaign.pk)  # e.g. a second click
    campaign, meeting = _meeting_post(request, pk)
    try:
        panel.do_close_panel(acting_user=request.user, meeting_id=meeting.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(campaign, "close")
    messages.success(
        request, _("The panel meeting is closed; the results go to the final approval.")
    )
    return redirect("reviews:approval_detail", pk=campaign.pk)


# --- The vote grid ----------------------------------------------------------------------------


def _cell(entry_id: int, member_id: int) -> str:
    return f"v-{entry_id}-{member_id}"


def _ballot(
    state: panel.MeetingState, round_no: int, posted: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The ballot of a round: one row per nominee on it, one cell per member present."""
    if round_no == 0:
        on_ballot = list(state.entries)
    else:
        voted = {e for (e, _m, r) in state.votes if r == round_no}
        if round_no == state.results.runoff_round:
            voted |= set(state.results.runoff_entries)
        on_ballot = [e for e in state.entries if e.pk in voted]
    outcomes = state.results.by_entry
    rows = []
    for e in on_ballot:
        recused = state.recusals.get(e.pk, {})
        cells = []
        for m in state.present:
            vote = state.votes.get((e.pk, m.pk, round_no))
            name = _cell(e.pk, m.pk)
            cells.append(
                {
                    "member": m,
                    "name": name,
                    "recused": m.pk in recused,
                    "value": (posted or {}).get(name, vote.choice if vote else ""),
                }
            )
        rows.append(
            {"entry": e, "label": nominee_label(e), "outcome": outcomes[e.pk], "cells": cells}
        )
    return rows


def open_round(state: panel.MeetingState) -> int | None:
    """The round whose votes can be recorded now: the pending run-off, else the vote on the
    nominees until a run-off begins (None: no ballot is open)."""
    if state.meeting.status != PanelMeeting.Status.IN_SESSION:
        return None
    if state.results.runoff_pending:
        return state.results.runoff_round
    return None if state.runoff_started else 0


def _parse_ballot(data: Any, rows: list[dict[str, Any]]) -> tuple[dict[tuple[int, int], str], str]:
    """The votes typed in the ballot; a "fill" button (entry:choice) fills its row's blanks."""
    fill = str(data.get("fill", ""))
    fill_entry, _sep, fill_choice = fill.partition(":")
    votes: dict[tuple[int, int], str] = {}
    for row in rows:
        for cell in row["cells"]:
            if cell["recused"]:
                continue
            value = str(data.get(cell["name"], "")).strip()
            fills = fill_entry == str(row["entry"].pk) and fill_choice in Vote.Choice.values
            if not value and fills:
                value = fill_choice
            if value:
                votes[(row["entry"].pk, cell["member"].pk)] = value
    return votes, fill_entry


def _vote_page(
    request: AuthedHttpRequest,
    campaign: Campaign,
    meeting: PanelMeeting,
    *,
    posted: dict[str, str] | None = None,
    error: str = "",
) -> HttpResponse:
    state = panel.meeting_state(meeting)
    can_edit = rules.can_edit_panel(request.user, campaign, meeting.status)
    current = open_round(state) if can_edit else None
    rounds = sorted({0, *(r for (_e, _m, r) in state.votes), state.results.runoff_round})
    ballots = [
        {
            "round": r,
            "rows": _ballot(state, r, posted if r == current else None),
            "editable": r == current,
        }
        for r in rounds
    ]
    context = {
        "campaign": campaign,
        "meeting": meeting,
        "state": state,
        "results": state.results,
        "ballots": ballots,
        "choices": Vote.Choice.choices,
        "error": error,
        "breadcrumbs": campaign_crumbs(campaign, {"label": _("Votes")}),
    }
    return render(request, "reviews/panel/votes.html", context)


@require_http_methods(["GET", "POST"])
def panel_votes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    meeting = _meeting_or_404(campaign)
    if request.method == "GET":
        return _vote_page(request, campaign, meeting)
    _require(rules.can_edit_panel(request.user, campaign, meeting.status))
    state = panel.meeting_state(meeting)
    round_no = open_round(state)
    if round_no is None:
        return _vote_page(request, campaign, meeting, error=_("No ballot is open."))
    votes, fill_entry = _parse_ballot(request.POST, _ballot(state, round_no))
    try:
        saved = panel.do_record_votes(
            acting_user=request.user, meeting_id=meeting.pk, votes=votes, round_no=round_no
        )
    except DomainError as exc:
        posted = {k: str(v) for k, v in request.POST.items() if k.startswith("v-")}
        return _vote_page(request, campaign, meeting, posted=posted, error=str(exc.message))
    messages.success(
        request,
        _("Votes saved: %(created)s new, %(changed)s changed.")
        % {"created": saved.created, "changed": saved.changed},
    )
    url = reverse("reviews:panel_votes", args=[campaign.pk])
    return redirect(f"{url}#ballot-{round_no}-{fill_entry}" if fill_entry else url)


# --- Export -----------------------------------------------------------------------------------


@require_GET
def panel_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    from jiangxin.core.excel import dated_filename, xlsx_response
    from jiangxin.reviews.panel_export import results_workbook

    campaign = managed_campaign(request, pk)
    meeting = _meeting_or_404(campaign)
    file = results_workbook(campaign, panel.meeting_state(meeting))
    return xlsx_response(file, dated_filename(f"panel-results-{campaign.pk}"))


urlpatterns: list[URLPattern] = [
    path("panel/", panel_index, name="panel_index"),
    path("panel/campaigns/<int:pk>/", panel_detail, name="panel_detail"),
    path("panel/campaigns/<int:pk>/set-up/", panel_setup, name="panel_setup"),
    path("panel/campaigns/<int:pk>/details/", panel_details, name="panel_details"),
    path("panel/campaigns/<int:pk>/shortlist/add/", panel_add_entry, name="panel_add_entry"),
    path("panel/campaigns/<int:pk>/members/add/", panel_add_member, name="panel_add_member"),
    path(
        "panel/campaigns/<int:pk>/members/<int:member_pk>/remove/",
        panel_remove_member,
        name="panel_remove_member",
    ),
    path("panel/campaigns/<int:pk>/presence/", panel_presence, name="panel_presence"),
    path("panel/campaigns/<int:pk>/open/", panel_open, name="panel_open"),
    path(
        "panel/campaigns/<int:pk>/entries/<int:entry_pk>/discussed/",
        panel_discussed,
        name="panel_discussed",
    ),
    path("panel/campaigns/<int:pk>/recusals/add/", panel_recusal_add, name="panel_recusal_add"),
    path(
        "panel/campaigns/<int:pk>/recusals/<int:recusal_pk>/withdraw/",
        panel_recusal_withdraw,
        name="panel_recusal_withdraw",
    ),
    path("panel/campaigns/<int:pk>/votes/", panel_votes, name="panel_votes"),
    path("panel/campaigns/<int:pk>/minutes/", panel_minutes, name="panel_minutes"),
    path("panel/campaigns/<int:pk>/close/", panel_close, name="panel_close"),
    path("panel/campaigns/<int:pk>/export/", panel_export, name="panel_export"),
]
