"""Signed-in pages of the public notice: the officer's notice pages, the objection handlers'
pages and the nominee unit's explanation requests. Thin views over the selectors, rules and
actions; anything outside the user's scope answers 404, for pages, POSTs and downloads alike.

Confidentiality: the complainant's identity is rendered only for the handlers named for the
campaign, and every page that shows it records an audit event. Program officers without the
duty see "redacted"; the nominee's unit never reaches the objection at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.accounts.models import User
from jiangxin.core.actions import do_reveal_personal_data
from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.masking import mask_id_number, mask_numbers_in, mask_phone
from jiangxin.notices import actions, forms, rules, selectors
from jiangxin.notices.models import (
    ExplanationRequest,
    NoticeEntry,
    Objection,
    ObjectionFile,
    PublicNotice,
)
from jiangxin.notices.promotion import promotion_candidate
from jiangxin.notices.public_views import article_url
from jiangxin.people.files import content_disposition
from jiangxin.people.forms import RevealForm
from jiangxin.programs import selectors as program_selectors
from jiangxin.programs.models import Campaign, CampaignStaff
from jiangxin.programs.views import StaffPageText, staff_page

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 25


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _list_crumb() -> dict[str, str]:
    return {"label": _("Public notices"), "url": reverse("notices:list")}


def _notice_crumbs(notice: PublicNotice, *more: dict[str, str]) -> list[dict[str, str]]:
    return [
        _list_crumb(),
        {"label": notice.title, "url": reverse("notices:detail", args=[notice.pk])},
        *more,
    ]


def _upload(data: dict[str, Any], name: str) -> list[actions.Upload]:
    upload = data.get(name)
    return [(upload.name, upload, upload.size)] if upload else []


def _file_response(row: ObjectionFile) -> FileResponse:
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    suffix = PurePosixPath(row.file.name).suffix.lower()
    response = FileResponse(handle, as_attachment=True, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition(row.original_name, suffix)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Notices ----------------------------------------------------------------------------------


@require_GET
def notice_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_list_notices(request.user))
    open_q = Q(objections__status__in=Objection.OPEN_STATUSES)
    notices = (
        selectors.notices_visible_to(request.user)
        .annotate(
            n_entries=Count("entries", distinct=True),
            n_open=Count("objections", filter=open_q, distinct=True),
            n_objections=Count("objections", distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    page_obj = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    ready = [
        c
        for c in program_selectors.campaigns_visible_to(request.user)
        .filter(status=Campaign.Status.PUBLIC_NOTICE, final_approval__isnull=False)
        .exclude(public_notices__kind=PublicNotice.Kind.MAIN)
        .select_related("issuing_org")
        if rules.can_manage_notices(request.user, c)
    ]
    return render(
        request,
        "notices/notice_list.html",
        {"page_obj": page_obj, "ready": ready, "breadcrumbs": [{"label": _("Public notices")}]},
    )


@require_POST
def notice_create(request: AuthedHttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        program_selectors.campaigns_visible_to(request.user), pk=campaign_pk
    )
    _require(rules.can_manage_notices(request.user, campaign))
    try:
        notice = actions.do_create_notice(acting_user=request.user, campaign_id=campaign.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notices:list")
    messages.success(
        request, _("The notice was drafted. Approve each deeds summary, then schedule it.")
    )
    return redirect("notices:detail", pk=notice.pk)


def _visible_notice(request: AuthedHttpRequest, pk: int) -> PublicNotice:
    return get_object_or_404(selectors.notices_visible_to(request.user), pk=pk)


def _detail_context(
    request: AuthedHttpRequest, notice: PublicNotice, **extra: Any
) -> dict[str, Any]:
    user = request.user
    manage = rules.can_manage_notices(user, notice.campaign)
    can_edit = rules.can_edit_notice(user, notice)
    summary_forms: dict[int, Any] = extra.pop("summary_forms", {})
    entries = list(
        notice.entries.select_related(
            "nomination",
            "nomination__person",
            "nomination__person__employer",
            "nomination__nominating_unit",
            "summary_approved_by",
        ).order_by("position", "rank", "id")
    )
    rows = []
    labels = dict(forms.NoticeField.choices)
    for entry in entries:
        rows.append(
            {
                "entry": entry,
                "consent": [str(labels[c]) for c in entry.consent_fields if c in labels],
                "named": forms.NoticeField.NAME in entry.consent_fields,
                "form": summary_forms.get(entry.pk)
                or (
                    forms.SummaryForm(
                        initial={"text": entry.approved_summary}, prefix=f"e{entry.pk}"
                    )
                    if can_edit
                    else None
                ),
            }
        )
    counts = dict(
        notice.objections.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    disqualified = [e for e in entries if e.is_disqualified]
    promotions = {p.replaces_id: p for p in PublicNotice.objects.filter(replaces__in=disqualified)}
    promote_policy = actions.slot_policy(notice.campaign)
    candidate = (
        promotion_candidate(notice.campaign)
        if manage and promote_policy and any(e.pk not in promotions for e in disqualified)
        else None
    )
    return {
        "notice": notice,
        "rows": rows,
        "can_manage": manage,
        "can_edit": can_edit,
        "can_schedule": rules.can_schedule_notice(user, notice),
        "can_unschedule": rules.can_unschedule_notice(user, notice),
        "can_close": rules.can_close_notice(user, notice) and notice.period_over,
        "can_name_handlers": rules.can_name_handlers(user, notice.campaign),
        "problems": actions.notice_problems(notice) if notice.status == "draft" else [],
        "open_objections": actions.open_objections(notice).count()
        if notice.status == "open"
        else 0,
        "objection_counts": [
            {"label": label, "count": counts.get(value, 0)}
            for value, label in Objection.Status.choices
        ],
        "disqualified": [{"entry": e, "promotion": promotions.get(e.pk)} for e in disqualified],
        "promote_policy": promote_policy,
        "candidate": candidate,
        "article_url": article_url(notice) if notice.is_public else "",
        "publication_link": _publication_link(request, notice),
        "breadcrumbs": [_list_crumb(), {"label": notice.title}],
        **extra,
    }


def _publication_link(request: AuthedHttpRequest, notice: PublicNotice) -> dict[str, str] | None:
    """The entry point of publication (公布) once the main notice is closed."""
    if notice.kind != PublicNotice.Kind.MAIN or notice.status != PublicNotice.Status.CLOSED:
        return None
    from jiangxin.notices.views_publication import publication_link_for

    return publication_link_for(request.user, notice.campaign)


@require_GET
def notice_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = _visible_notice(request, pk)
    return render(request, "notices/notice_detail.html", _detail_context(request, notice))


@require_http_methods(["GET", "POST"])
def notice_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = _visible_notice(request, pk)
    _require(rules.can_edit_notice(request.user, notice))
    initial = {name: getattr(notice, name) for name in actions.NOTICE_FIELDS}
    form = forms.NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_notice(
                acting_user=request.user, notice_id=notice.pk, changes=form.cleaned_data
            )
        except DomainError as exc:
            form.add_error("starts_on" if exc.rule.startswith("calendar") else None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/notice_form.html",
        {
            "form": form,
            "notice": notice,
            "breadcrumbs": _notice_crumbs(notice, {"label": _("Edit")}),
        },
    )


def _entry(request: AuthedHttpRequest, pk: int) -> NoticeEntry:
    entry = get_object_or_404(
        NoticeEntry.objects.filter(
            notice__in=selectors.notices_visible_to(request.user)
        ).select_related("notice", "notice__campaign", "nomination", "nomination__person"),
        pk=pk,
    )
    return entry


@require_POST
def entry_summary(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    notice = entry.notice
    _require(rules.can_edit_notice(request.user, notice))
    form = forms.SummaryForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            actions.do_approve_summary(
                acting_user=request.user, entry_id=entry.pk, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(
                request,
                _("The deeds summary of %(name)s was approved.")
                % {"name": entry.nomination.person.name if entry.nomination.person else ""},
            )
            return redirect(reverse("notices:detail", args=[notice.pk]) + f"#entry-{entry.pk}")
    return render(
        request,
        "notices/notice_detail.html",
        _detail_context(request, notice, summary_forms={entry.pk: form}),
    )


@require_http_methods(["GET", "POST"])
def entry_consent(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    notice = entry.notice
    _require(rules.can_edit_notice(request.user, notice))
    form = forms.ConsentForm(
        request.POST or None,
        initial={"consent_fields": entry.consent_fields, "note": entry.consent_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_consent(
                acting_user=request.user,
                entry_id=entry.pk,
                fields=form.cleaned_data["consent_fields"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/entry_consent.html",
        {
            "form": form,
            "entry": entry,
            "notice": notice,
            "breadcrumbs": _notice_crumbs(notice, {"label": _("Record a consent")}),
        },
    )


@require_http_methods(["GET", "POST"])
def entry_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    notice = entry.notice
    _require(rules.can_edit_notice(request.user, notice))
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_from_notice(
                acting_user=request.user, entry_id=entry.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The nominee was taken off the notice."))
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/entry_withdraw.html",
        {
            "form": form,
            "entry": entry,
            "notice": notice,
            "breadcrumbs": _notice_crumbs(notice, {"label": _("Take off the notice")}),
        },
    )


def _notice_act(request: AuthedHttpRequest, pk: int, act: str) -> HttpResponse:
    notice = _visible_notice(request, pk)
    decision = {
        "schedule": rules.can_schedule_notice,
        "unschedule": rules.can_unschedule_notice,
        "close": rules.can_close_notice,
    }[act]
    _require(decision(request.user, notice))
    try:
        if act == "schedule":
            notice = actions.do_schedule_notice(acting_user=request.user, notice_id=notice.pk)
            text = (
                _("The notice is open.")
                if notice.status == "open"
                else _("The notice is scheduled: it opens by itself on %(date)s.")
                % {"date": notice.starts_on.isoformat()}
            )
        elif act == "unschedule":
            actions.do_unschedule_notice(acting_user=request.user, notice_id=notice.pk)
            text = _("The notice is a draft again.")
        else:
            actions.do_close_notice(acting_user=request.user, notice_id=notice.pk)
            text = _("The notice is closed; the listed nominees are confirmed.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, text)
    return redirect("notices:detail", pk=notice.pk)


@require_POST
def notice_schedule(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _notice_act(request, pk, "schedule")


@require_POST
def notice_unschedule(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _notice_act(request, pk, "unschedule")


@require_POST
def notice_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _notice_act(request, pk, "close")


@require_POST
def entry_promote(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    _require(rules.can_manage_notices(request.user, entry.notice.campaign))
    try:
        promotion = actions.do_promote_nominee(acting_user=request.user, entry_id=entry.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notices:detail", pk=entry.notice_id)
    messages.success(
        request,
        _("The next-ranked nominee was promoted. Approve the summary and schedule the notice."),
    )
    return redirect("notices:detail", pk=promotion.pk)


# --- Handlers of the campaign ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def campaign_handlers(request: AuthedHttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        program_selectors.campaigns_visible_to(request.user), pk=campaign_pk
    )
    _require(rules.can_name_handlers(request.user, campaign))
    return staff_page(
        request,
        campaign,
        duty=CampaignStaff.Duty.OBJECTION_HANDLER,
        text=StaffPageText(
            title=_("Objection handlers"),
            intro=_(
                "The people who handle the objections in %(campaign)s. Only they see who filed "
                "an objection (each view is recorded in the audit log). They must work for "
                "%(org)s or an organization under it."
            ),
            submit_label=_("Name to handle objections"),
            remove_confirm=_("Remove %(name)s from the objection handlers?"),
            named=_("The person was named to handle objections."),
            removed=_("The person no longer handles objections."),
            back_url=reverse("notices:list"),
            back_label=_("Back to the notices"),
        ),
        back=redirect("notices:handlers", campaign_pk=campaign.pk),
        breadcrumbs=[_list_crumb(), {"label": _("Objection handlers")}],
    )


# --- Objections -------------------------------------------------------------------------------


def _complainant(objection: Objection, identity: bool) -> dict[str, str]:
    """What a page may show of who filed the objection (masked numbers, or nothing)."""
    if not identity:
        return {"name": _("Redacted"), "redacted": "1"}
    return {
        "name": objection.complainant_name,
        "contact_name": objection.contact_name,
        "phone": mask_phone(objection.phone),
        "id_number": mask_id_number(objection.id_number),
        "redacted": "",
    }


@require_GET
def objection_list(request: AuthedHttpRequest, notice_pk: int) -> HttpResponse:
    notice = _visible_notice(request, notice_pk)
    _require(rules.can_view_objections(request.user, notice.campaign))
    qs = selectors.objections_visible_to(request.user).filter(notice=notice)
    filter_form = forms.ObjectionFilterForm(request.GET or None)
    if filter_form.is_valid():
        status = filter_form.cleaned_data["status"]
        if status == "open":
            qs = qs.filter(status__in=Objection.OPEN_STATUSES)
        elif status:
            qs = qs.filter(status=status)
        q = filter_form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(receipt_number__icontains=q) | Q(entry__public_name__icontains=q))
    page_obj = Paginator(qs.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    identity = rules.can_see_complainant(request.user, notice.campaign_id)
    shown = list(page_obj.object_list)
    for objection in shown:
        objection.shown = _complainant(objection, identity)
    if identity:
        actions.identity_viewed(request.user, shown, where="list")
    response = render(
        request,
        "notices/objection_list.html",
        {
            "notice": notice,
            "page_obj": page_obj,
            "objections": shown,
            "filter_form": filter_form,
            "breadcrumbs": _notice_crumbs(notice, {"label": _("Objections")}),
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    response["Cache-Control"] = "no-store"
    return response


def _objection(request: AuthedHttpRequest, pk: int) -> Objection:
    return get_object_or_404(selectors.objections_visible_to(request.user), pk=pk)


def _objection_context(
    request: AuthedHttpRequest, objection: Objection, **forms_: Any
) -> dict[str, Any]:
    user = request.user
    campaign = objection.notice.campaign
    identity = rules.can_see_complainant(user, campaign.pk)
    handlers = actions.handlers_of(campaign)
    files = list(objection.files.select_related("note", "explanation"))
    for f in files:
        f.shown_name = mask_numbers_in(f.original_name)  # type: ignore[attr-defined]
    complainant_files = [
        f for f in files if f.kind in (ObjectionFile.Kind.EVIDENCE, ObjectionFile.Kind.SEAL_LETTER)
    ]
    requests = list(objection.explanation_requests.select_related("unit", "requested_by"))
    for r in requests:
        r.shown_files = [f for f in files if f.explanation_id == r.pk]  # type: ignore[attr-defined]
    notes = list(objection.notes.select_related("author"))
    for n in notes:
        n.shown_files = [f for f in files if f.note_id == n.pk]  # type: ignore[attr-defined]
    can_triage = rules.can_triage(user, objection)
    can_investigate = rules.can_investigate(user, objection)
    can_reply = rules.can_reply(user, objection)
    return {
        "objection": objection,
        "notice": objection.notice,
        "entry": objection.entry,
        "complainant": _complainant(objection, identity),
        "identity": identity,
        "complainant_files": complainant_files if identity else [],
        "n_complainant_files": len(complainant_files),
        "notes": notes,
        "requests": requests,
        "events": list(objection.events.select_related("actor")),
        "handlers": handlers,
        "can_triage": can_triage,
        "can_assign": rules.can_assign(user, objection) and bool(handlers),
        "can_investigate": can_investigate,
        "can_reply": can_reply,
        "can_disqualify": rules.can_disqualify(user, objection),
        "can_reveal": identity and bool(objection.phone),
        "triage_form": forms_.get("triage_form")
        or (forms.TriageForm(handlers=handlers) if can_triage else None),
        "assign_form": forms_.get("assign_form")
        or forms.AssignForm(handlers=handlers, initial={"handler": objection.assigned_to_id}),
        "note_form": forms_.get("note_form") or (forms.NoteForm() if can_investigate else None),
        "explanation_form": forms_.get("explanation_form")
        or (forms.ExplanationRequestForm() if can_investigate else None),
        "conclusion_form": forms_.get("conclusion_form")
        or (forms.ConclusionForm() if can_investigate else None),
        "reply_form": forms_.get("reply_form") or (forms.ReplyForm() if can_reply else None),
        "reveal_form": forms_.get("reveal_form") or RevealForm(),
        "revealed_phone": forms_.get("revealed_phone", ""),
        "breadcrumbs": _notice_crumbs(
            objection.notice,
            {
                "label": _("Objections"),
                "url": reverse("notices:objection_list", args=[objection.notice_id]),
            },
            {"label": objection.receipt_number},
        ),
    }


def _render_objection(
    request: AuthedHttpRequest, objection: Objection, **forms_: Any
) -> HttpResponse:
    context = _objection_context(request, objection, **forms_)
    if context["identity"]:
        actions.identity_viewed(request.user, [objection], where="detail")
    response = render(request, "notices/objection_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def objection_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _render_objection(request, _objection(request, pk))


@dataclass(frozen=True)
class _Act:
    """One handling step posted from the objection page: who may, its form, the action."""

    decision: Callable[[User, Objection], bool]
    form_key: str
    make_form: Callable[[AuthedHttpRequest, Objection], Any]
    run: Callable[[AuthedHttpRequest, Objection, dict[str, Any]], Any]
    done: StrOrPromise


def _handlers_for(objection: Objection) -> list[User]:
    return actions.handlers_of(objection.notice.campaign)


_ACTS: dict[str, _Act] = {
    "triage": _Act(
        rules.can_triage,
        "triage_form",
        lambda r, o: forms.TriageForm(r.POST, handlers=_handlers_for(o)),
        lambda r, o, d: actions.do_triage_objection(
            acting_user=r.user,
            objection_id=o.pk,
            admit=d["decision"] == "admit",
            note=d["note"],
            handler_id=int(d["handler"]) if d["handler"] else None,
        ),
        gettext_lazy("The triage was recorded."),
    ),
    "assign": _Act(
        rules.can_assign,
        "assign_form",
        lambda r, o: forms.AssignForm(r.POST, handlers=_handlers_for(o)),
        lambda r, o, d: actions.do_assign_objection(
            acting_user=r.user, objection_id=o.pk, handler_id=int(d["handler"])
        ),
        gettext_lazy("The objection was assigned."),
    ),
    "note": _Act(
        rules.can_investigate,
        "note_form",
        lambda r, o: forms.NoteForm(r.POST, r.FILES),
        lambda r, o, d: actions.do_add_objection_note(
            acting_user=r.user, objection_id=o.pk, text=d["text"], uploads=_upload(d, "file")
        ),
        gettext_lazy("The note was added."),
    ),
    "explanation": _Act(
        rules.can_investigate,
        "explanation_form",
        lambda r, o: forms.ExplanationRequestForm(r.POST),
        lambda r, o, d: actions.do_request_explanation(
            acting_user=r.user, objection_id=o.pk, question=d["question"], due_on=d["due_on"]
        ),
        gettext_lazy("The unit was asked for a written explanation."),
    ),
    "conclude": _Act(
        rules.can_investigate,
        "conclusion_form",
        lambda r, o: forms.ConclusionForm(r.POST),
        lambda r, o, d: actions.do_conclude_objection(
            acting_user=r.user, objection_id=o.pk, conclusion=d["conclusion"], reasons=d["reasons"]
        ),
        gettext_lazy("The conclusion was recorded."),
    ),
    "reply": _Act(
        rules.can_reply,
        "reply_form",
        lambda r, o: forms.ReplyForm(r.POST),
        lambda r, o, d: actions.do_reply_to_complainant(
            acting_user=r.user, objection_id=o.pk, text=d["text"]
        ),
        gettext_lazy("The reply is on the complainant's status page."),
    ),
}


@require_POST
def objection_act(request: AuthedHttpRequest, pk: int, act: str) -> HttpResponse:
    """A handling step (triage, assignment, note, explanation request, conclusion, reply);
    errors come back on the objection page with everything typed."""
    step = _ACTS[act]
    objection = _objection(request, pk)
    _require(step.decision(request.user, objection))
    form = step.make_form(request, objection)
    if form.is_valid():
        try:
            step.run(request, objection, form.cleaned_data)
        except DomainError as exc:
            field = "file" if exc.rule.startswith("upload") and "file" in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, step.done)
            return redirect("notices:objection_detail", pk=objection.pk)
    return _render_objection(request, objection, **{step.form_key: form})


@require_POST
def objection_reveal_phone(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    objection = _objection(request, pk)
    _require(rules.can_see_complainant(request.user, objection.notice.campaign_id))
    form = RevealForm(request.POST)
    revealed = ""
    if form.is_valid():
        try:
            revealed = do_reveal_personal_data(
                acting_user=request.user,
                obj=objection,
                field_name="phone",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return _render_objection(request, objection, reveal_form=form, revealed_phone=revealed)


@require_http_methods(["GET", "POST"])
def objection_disqualify(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    objection = _objection(request, pk)
    _require(rules.can_disqualify(request.user, objection))
    cited = actions.disqualification_rules(objection.notice.campaign)
    form = forms.DisqualifyForm(request.POST or None, rules=cited)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_disqualify_nominee(
                acting_user=request.user,
                objection_id=objection.pk,
                rule_code=form.cleaned_data["rule_code"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The nominee was disqualified."))
            return redirect("notices:detail", pk=objection.notice_id)
    return render(
        request,
        "notices/objection_disqualify.html",
        {
            "form": form,
            "objection": objection,
            "entry": objection.entry,
            "promote_policy": actions.slot_policy(objection.notice.campaign),
            "breadcrumbs": _notice_crumbs(
                objection.notice,
                {
                    "label": objection.receipt_number,
                    "url": reverse("notices:objection_detail", args=[objection.pk]),
                },
                {"label": _("Disqualify")},
            ),
        },
    )


@require_GET
def objection_file(request: AuthedHttpRequest, pk: int, file_pk: int) -> FileResponse:
    objection = _objection(request, pk)
    row = get_object_or_404(ObjectionFile, pk=file_pk, objection=objection)
    if row.kind in (ObjectionFile.Kind.EVIDENCE, ObjectionFile.Kind.SEAL_LETTER):
        # The complainant's own files may identify them: named handlers only, audited.
        _require(rules.can_see_complainant(request.user, objection.notice.campaign_id))
        actions.identity_viewed(request.user, [objection], where=f"file:{row.pk}")
    return _file_response(row)


# --- Explanation requests (the nominee's unit) ------------------------------------------------


@require_GET
def explanation_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_list_explanation_requests(request.user))
    qs = selectors.explanation_requests_for(request.user).order_by("answered_at", "-requested_at")
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/explanation_list.html",
        {"page_obj": page_obj, "breadcrumbs": [{"label": _("Explanation requests")}]},
    )


@require_http_methods(["GET", "POST"])
def explanation_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item: ExplanationRequest = get_object_or_404(
        selectors.explanation_requests_for(request.user), pk=pk
    )
    can_answer = rules.can_answer_explanation(request.user, item)
    form = forms.ExplanationAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require(can_answer)
        if form.is_valid():
            try:
                actions.do_answer_explanation(
                    acting_user=request.user,
                    request_id=item.pk,
                    answer=form.cleaned_data["answer"],
                    uploads=_upload(form.cleaned_data, "file"),
                )
            except DomainError as exc:
                form.add_error("file" if exc.rule.startswith("upload") else None, exc.message)
            else:
                messages.success(request, _("The explanation was sent to the handlers."))
                return redirect("notices:explanation_detail", pk=item.pk)
    files = list(item.files.all())
    for f in files:
        f.shown_name = mask_numbers_in(f.original_name)  # type: ignore[attr-defined]
    return render(
        request,
        "notices/explanation_detail.html",
        {
            "item": item,
            "form": form if can_answer else None,
            "files": files,
            "breadcrumbs": [
                {"label": _("Explanation requests"), "url": reverse("notices:explanation_list")},
                {
                    "label": item.objection.entry.nomination.person.name
                    if item.objection.entry.nomination.person
                    else str(item.pk)
                },
            ],
        },
    )


@require_GET
def explanation_file(request: AuthedHttpRequest, pk: int, file_pk: int) -> FileResponse:
    item = get_object_or_404(selectors.explanation_requests_for(request.user), pk=pk)
    row = get_object_or_404(ObjectionFile, pk=file_pk, explanation=item)
    return _file_response(row)
