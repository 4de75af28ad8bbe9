"""The public objection form (no login), in the public-form pattern: one question group per
page, a check-your-answers page, then a confirmation with the receipt number (受理编号).

What the visitor types is kept in a sealed draft found through a random token in a cookie, so
going back and forth, an error on a page or a wrong captcha never loses an answer; full ID and
telephone numbers are never sent back to the browser (they come back masked, the typed value
sealed in a hidden input). Rate limits per client address and per telephone answer 429 with a
message in the visitor's language (Simplified Chinese by default).
"""

from __future__ import annotations

from typing import Any

from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiangxin.core.errors import DomainError
from jiangxin.core.masking import mask_id_number, mask_numbers_in, mask_phone
from jiangxin.notices import actions, forms, ratelimit, selectors
from jiangxin.notices.captcha import speak
from jiangxin.notices.models import (
    NoticeEntry,
    Objection,
    ObjectionDraft,
    ObjectionFile,
    PublicNotice,
)

COOKIE = "jx_objection"
COOKIE_PATH = "/notices/"
STEPS = ("who", "details", "facts", "evidence", "check")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def article_url(notice: PublicNotice) -> str:
    """The notice's page on the portal (its article), or the portal's notices channel."""
    from jiangxin.portal.models import Article

    article_id = Article.objects.filter(notice=notice).values_list("pk", flat=True).first()
    if article_id is None:
        return reverse("portal:category", args=["public_notice"])
    return reverse("portal:article", args=[article_id])


def _crumbs(notice: PublicNotice, *more: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("Public notices"), "url": reverse("portal:category", args=["public_notice"])},
        {"label": notice.title, "url": article_url(notice)},
        *more,
    ]


def _context(notice: PublicNotice, entry: NoticeEntry, **extra: Any) -> dict[str, Any]:
    return {
        "notice": notice,
        "entry": entry,
        "portal_column": "public_notice",
        "late": notice.period_over,
        "breadcrumbs": _crumbs(notice, {"label": _("Object to a listed nominee")}),
        **extra,
    }


def _client(request: HttpRequest) -> str:
    # REMOTE_ADDR only: the proxy delivers the client's address there (see the README).
    return str(request.META.get("REMOTE_ADDR", ""))


def _too_many(request: HttpRequest, limited: ratelimit.Limited) -> HttpResponse:
    response = render(
        request,
        "notices/public/rate_limited.html",
        {
            "portal_column": "public_notice",
            "minutes": max(1, (limited.retry_after + 59) // 60),
            "by_phone": limited.name == "submit_per_phone",
        },
        status=429,
    )
    response["Retry-After"] = str(limited.retry_after)
    return _private(response)


# --- Start --------------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def objection_start(request: HttpRequest, notice_pk: int, entry_pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.public_notices(), pk=notice_pk)
    entry = get_object_or_404(
        selectors.objectable_entries(notice).filter(disqualified_at__isnull=True), pk=entry_pk
    )
    open_ = actions.accepts_objections(notice)
    if request.method == "POST" and open_:
        limited = ratelimit.hit("start_per_ip", _client(request))
        if limited:
            return _too_many(request, limited)
        try:
            _draft, token = actions.do_start_objection(notice_id=notice.pk, entry_id=entry.pk)
        except DomainError:
            open_ = False
        else:
            response = redirect("notices:object_step", step="who")
            response.set_cookie(
                COOKIE,
                token,
                max_age=actions.DRAFT_HOURS * 3600,
                path=COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    return _private(
        render(request, "notices/public/start.html", _context(notice, entry, accepting=open_))
    )


# --- The steps ----------------------------------------------------------------------------------


def _draft(request: HttpRequest) -> ObjectionDraft | None:
    return actions.find_draft(request.COOKIES.get(COOKIE))


def _expired(request: HttpRequest) -> HttpResponse:
    return _private(
        render(
            request,
            "notices/public/expired.html",
            {
                "portal_column": "public_notice",
                "hours": actions.DRAFT_HOURS,
                "notices_url": reverse("portal:category", args=["public_notice"]),
            },
        )
    )


def _step_url(step: str, back_to_check: bool = False) -> str:
    url = reverse("notices:object_step", args=[step])
    return f"{url}?next=check" if back_to_check else url


def _next(request: HttpRequest, step: str) -> HttpResponse:
    if request.GET.get("next") == "check" or request.POST.get("next") == "check":
        return redirect("notices:object_step", step="check")
    return redirect("notices:object_step", step=STEPS[STEPS.index(step) + 1])


def _post(request: HttpRequest) -> Any:
    """The posted data on a POST, even when empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _typed(form: Any, names: tuple[str, ...]) -> dict[str, str]:
    """What was typed in `names`, valid or not (the real numbers behind masked inputs)."""
    return {name: str(form[name].data or "").strip() for name in names}


def _step_who(request: HttpRequest, draft: ObjectionDraft, data: dict[str, Any]) -> Any:
    form = forms.WhoForm(_post(request), initial={"kind": data.get("kind")})
    if request.method == "POST" and form.is_valid():
        actions.do_save_draft_answers(draft=draft, answers={"kind": form.cleaned_data["kind"]})
        return _next(request, "who")
    return {"form": form}


PERSON_FIELDS = ("name", "phone", "id_number")
UNIT_FIELDS = ("unit_name", "contact_name", "phone")


def _step_details(request: HttpRequest, draft: ObjectionDraft, data: dict[str, Any]) -> Any:
    kind = data.get("kind")
    if kind not in Objection.ComplainantKind.values:
        return redirect("notices:object_step", step="who")
    post = request.POST if request.method == "POST" else None
    letter = draft.files.filter(kind=ObjectionFile.Kind.SEAL_LETTER).first()
    form: forms.PersonDetailsForm | forms.UnitDetailsForm
    if kind == Objection.ComplainantKind.PERSON:
        names = PERSON_FIELDS
        form = forms.PersonDetailsForm(post, initial={n: data.get(n, "") for n in names})
    else:
        names = UNIT_FIELDS
        form = forms.UnitDetailsForm(
            post,
            request.FILES or None,
            initial={n: data.get(n, "") for n in names},
            has_letter=letter is not None,
        )
    if request.method == "POST":
        # Keep everything typed, even with errors on the page.
        actions.do_save_draft_answers(draft=draft, answers=_typed(form, names))
        if form.is_valid():
            upload = form.cleaned_data.get("seal_letter")
            try:
                if upload:
                    actions.do_add_draft_file(
                        draft=draft,
                        kind=ObjectionFile.Kind.SEAL_LETTER,
                        name=upload.name,
                        stream=upload,
                        size=upload.size,
                    )
            except DomainError as exc:
                form.add_error("seal_letter", exc.message)
            else:
                actions.do_save_draft_answers(
                    draft=draft, answers={n: form.cleaned_data[n] for n in names}
                )
                return _next(request, "details")
    return {"form": form, "kind": kind, "letter": letter}


def _step_facts(request: HttpRequest, draft: ObjectionDraft, data: dict[str, Any]) -> Any:
    form = forms.FactsForm(_post(request), initial={"facts": data.get("facts", "")})
    if request.method == "POST":
        actions.do_save_draft_answers(draft=draft, answers=_typed(form, ("facts",)))
        if form.is_valid():
            actions.do_save_draft_answers(draft=draft, answers=form.cleaned_data)
            return _next(request, "facts")
    return {"form": form}


def _step_evidence(request: HttpRequest, draft: ObjectionDraft, data: dict[str, Any]) -> Any:
    form = forms.EvidenceForm()
    if request.method == "POST":
        what = request.POST.get("action", "continue")
        if what == "remove" and request.POST.get("file", "").isdigit():
            try:
                actions.do_remove_draft_file(draft=draft, file_id=int(request.POST["file"]))
            except ObjectionFile.DoesNotExist as exc:
                raise Http404 from exc
            return redirect(request.get_full_path())
        if what == "upload":
            form = forms.EvidenceForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    actions.do_add_draft_file(
                        draft=draft,
                        kind=ObjectionFile.Kind.EVIDENCE,
                        name=upload.name,
                        stream=upload,
                        size=upload.size,
                    )
                except DomainError as exc:
                    form.add_error("file", exc.message)
                else:
                    return redirect(request.get_full_path())
        else:
            return _next(request, "evidence")
    files = list(draft.files.filter(kind=ObjectionFile.Kind.EVIDENCE))
    for f in files:
        f.shown_name = mask_numbers_in(f.original_name)  # type: ignore[attr-defined]
    return {"form": form, "files": files}


def _answers(draft: ObjectionDraft, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-your-answers rows: question, answer (numbers masked), the page to change it."""
    person = data.get("kind") == Objection.ComplainantKind.PERSON
    kinds = dict(Objection.ComplainantKind.choices)
    rows: list[dict[str, Any]] = [
        {
            "label": _("Who is objecting?"),
            "value": kinds.get(data.get("kind", ""), "—"),
            "step": "who",
        }
    ]
    if person:
        rows += [
            {"label": _("Your full name"), "value": data.get("name", ""), "step": "details"},
            {"label": _("Telephone"), "value": mask_phone(data.get("phone")), "step": "details"},
            {
                "label": _("ID number"),
                "value": mask_id_number(data.get("id_number")),
                "step": "details",
            },
        ]
    elif data.get("kind"):
        letter = draft.files.filter(kind=ObjectionFile.Kind.SEAL_LETTER).first()
        rows += [
            {"label": _("Name of the unit"), "value": data.get("unit_name", ""), "step": "details"},
            {
                "label": _("Contact person"),
                "value": data.get("contact_name", ""),
                "step": "details",
            },
            {"label": _("Telephone"), "value": mask_phone(data.get("phone")), "step": "details"},
            {
                "label": _("Letter under the unit's seal"),
                "value": mask_numbers_in(letter.original_name) if letter else "",
                "step": "details",
            },
        ]
    rows.append(
        {
            "label": _("The facts of the objection"),
            "value": data.get("facts", ""),
            "step": "facts",
            "long": True,
        }
    )
    files = [
        mask_numbers_in(f.original_name)
        for f in draft.files.filter(kind=ObjectionFile.Kind.EVIDENCE)
    ]
    rows.append(
        {"label": _("Evidence"), "value": "、".join(files) or _("None"), "step": "evidence"}
    )
    for row in rows:
        row["url"] = _step_url(row["step"], True)
    return rows


def _step_check(request: HttpRequest, draft: ObjectionDraft, data: dict[str, Any]) -> Any:
    form = forms.CheckForm(_post(request))
    problems = actions.draft_problems(draft)
    if request.method == "POST":
        limited = ratelimit.hit("submit_per_ip", _client(request))
        if limited:
            return _too_many(request, limited)
        if form.is_valid():
            if problems:
                return redirect("notices:object_step", step=problems[0][0])
            limited = ratelimit.hit("submit_per_phone", ratelimit.phone_subject(data["phone"]))
            if limited:
                return _too_many(request, limited)
            try:
                actions.do_file_objection(draft_id=draft.pk)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("notices:object_done")
        # A wrong answer used up the captcha: a new one is drawn, the declaration stays.
    return {
        "form": form,
        "answers": _answers(draft, data),
        "problems": [{"message": m, "url": _step_url(s)} for s, m in problems],
    }


_STEP_VIEWS = {
    "who": _step_who,
    "details": _step_details,
    "facts": _step_facts,
    "evidence": _step_evidence,
    "check": _step_check,
}

_STEP_TITLES = {
    "who": gettext_lazy("Who is objecting?"),
    "details": gettext_lazy("Your details"),
    "facts": gettext_lazy("The facts"),
    "evidence": gettext_lazy("Evidence"),
    "check": gettext_lazy("Check your answers before sending"),
}


@login_not_required
@require_http_methods(["GET", "POST"])
def objection_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in _STEP_VIEWS:
        raise Http404
    draft = _draft(request)
    if draft is None:
        return _expired(request)
    if draft.objection_id is not None:
        return redirect("notices:object_done")
    notice = draft.notice
    if not actions.accepts_objections(notice):
        return _expired(request)
    data = actions.draft_data(draft)
    result = _STEP_VIEWS[step](request, draft, data)
    if isinstance(result, HttpResponse):
        return result
    index = STEPS.index(step)
    titles = {s: str(_STEP_TITLES[s]) for s in STEPS}
    context = _context(
        notice,
        draft.entry,
        step=step,
        step_title=titles[step],
        step_number=index + 1,
        step_count=len(STEPS),
        back_url=(
            reverse("notices:object_step", args=["check"])
            if request.GET.get("next") == "check"
            else (_step_url(STEPS[index - 1]) if index else "")
        ),
        back_to_check=request.GET.get("next") == "check",
        **result,
    )
    context["breadcrumbs"] = _crumbs(notice, {"label": titles[step]})
    return _private(render(request, f"notices/public/step_{step}.html", context))


@login_not_required
@require_GET
def objection_done(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None or draft.objection_id is None:
        return _expired(request)
    objection = Objection.objects.select_related("notice", "entry").get(pk=draft.objection_id)
    token = actions.draft_data(draft).get("status_token", "")
    status_url = request.build_absolute_uri(reverse("notices:objection_status", args=[token]))
    return _private(
        render(
            request,
            "notices/public/done.html",
            {
                **_context(objection.notice, objection.entry),
                "objection": objection,
                "status_url": status_url,
                "breadcrumbs": _crumbs(objection.notice, {"label": _("Objection received")}),
            },
        )
    )


@login_not_required
@require_GET
def objection_status(request: HttpRequest, token: str) -> HttpResponse:
    """The complainant's private page: where the objection stands, and the reply."""
    objection = actions.find_objection_by_token(token)
    if objection is None:
        raise Http404
    response = render(
        request,
        "notices/public/status.html",
        {
            "objection": objection,
            "notice": objection.notice,
            "portal_column": "public_notice",
            "stage": _public_stage(objection),
            "breadcrumbs": [
                {"label": _("Objection %(receipt)s") % {"receipt": objection.receipt_number}}
            ],
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    return _private(response)


def _public_stage(objection: Objection) -> str:
    """Where the objection stands, as the complainant is told."""
    if objection.status == Objection.Status.RECEIVED:
        return _("Received; it is being examined.")
    if objection.status == Objection.Status.INVESTIGATING:
        return _("Under investigation.")
    if objection.replied_at:
        return _("Handled: the reply is below.")
    return _("Handled; the reply will follow.")


# --- Captcha: the picture and the spoken alternative -------------------------------------------


@login_not_required
@require_GET
def captcha_image(request: HttpRequest, key: str, scale: int = 1) -> HttpResponse:
    """django-simple-captcha's picture, public; an unknown or expired key answers 404."""
    from captcha import views as captcha_views

    if not CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).exists():
        raise Http404
    return _private(captcha_views.captcha_image(request, key, scale=scale))


@login_not_required
@require_GET
def captcha_audio(request: HttpRequest, key: str) -> HttpResponse:
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is None:
        raise Http404
    audio = speak(store.challenge)
    if audio is None:
        raise Http404
    response = HttpResponse(audio, content_type="audio/wav")
    response["Content-Disposition"] = 'inline; filename="captcha.wav"'
    return _private(response)
