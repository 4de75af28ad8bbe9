"""Craftsman profile pages: thin views over the people selectors, rules and actions.

Every view finds its profile through `persons_visible_to`, so a profile outside the user's
scope answers 404 exactly like one that does not exist, partials and POSTs included. The
record and attachment partials return the refreshed block (see `jiangxin.people.sections`),
and fall back to full pages and redirects without htmx.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.core.actions import do_reveal_personal_data
from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.masking import mask_numbers_in
from jiangxin.people import actions, export, forms, rules, selectors
from jiangxin.people.files import attachment_response
from jiangxin.people.models import Person
from jiangxin.people.sections import (
    KINDS,
    SectionOptions,
    attachments_section,
    edit_state,
    record_section,
    record_sections,
)

PAGE_SIZE = 50
REVEALABLE = ("id_number", "phone")


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _list_crumb() -> dict[str, str]:
    return {"label": _("Craftsman profiles"), "url": reverse("people:list")}


def _person_crumb(person: Person) -> dict[str, str]:
    return {"label": person.name, "url": reverse("people:detail", args=[person.pk])}


def _locked_message() -> str:
    return _(
        "This profile is part of a submitted nomination and cannot change until the "
        "nomination is returned for correction."
    )


def _visible_person(request: AuthedHttpRequest, pk: int) -> Person:
    visible = selectors.person_detail_queryset(selectors.persons_visible_to(request.user))
    return get_object_or_404(visible, pk=pk)


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    return response


# --- List, lookup, export -------------------------------------------------------------------


def _id_number_in_address(request: AuthedHttpRequest) -> HttpResponseBase | None:
    """An ID number typed into the name search is neither searched nor shown again (every
    page repeats its own address): send the user to the address without it."""
    if not forms.looks_like_id_number(request.GET.get("q")):
        return None
    messages.info(
        request,
        _(
            "To find a profile by ID number, use “Find by ID number”: numbers are never "
            "sent in a page address."
        ),
    )
    params = request.GET.copy()
    params.pop("q")
    params.pop("page", None)
    query = params.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)


def _filtered(request: AuthedHttpRequest) -> tuple[forms.PersonFilterForm, Any]:
    """The list's filter form and the filtered queryset."""
    visible = selectors.persons_visible_to(request.user)
    filter_form = forms.PersonFilterForm(
        request.GET or None, employers=selectors.employers_with_people(visible)
    )
    qs = visible
    if filter_form.is_valid():
        values = filter_form.cleaned_data
        if values["q"]:
            qs = qs.filter(name__icontains=values["q"].strip())
        if values["employer"]:
            qs = qs.filter(employer=values["employer"])
        if values["skill_level"]:
            qs = qs.filter(skill_level=values["skill_level"])
        if values["gender"]:
            qs = qs.filter(gender=values["gender"])
    return filter_form, selectors.person_list_queryset(qs).order_by("name", "id")


def _list_response(
    request: AuthedHttpRequest, lookup_form: forms.IdLookupForm | None = None
) -> HttpResponse:
    filter_form, qs = _filtered(request)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "people/person_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "lookup_form": lookup_form or forms.IdLookupForm(prefix="lookup"),
            "export_url": reverse("people:export") if rules.can_export_people(request.user) else "",
            "can_create": rules.can_create_person(request.user),
            "breadcrumbs": [{"label": _("Craftsman profiles")}],
        },
    )
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_http_methods(["GET", "POST"])
def person_list(request: AuthedHttpRequest) -> HttpResponseBase:
    """The list (GET, with filters) and the exact lookup by ID number (POST, so the number
    never enters an address)."""
    _require(rules.can_view_people(request.user))
    if request.method == "POST":
        return _lookup(request)
    return _id_number_in_address(request) or _list_response(request)


def _lookup(request: AuthedHttpRequest) -> HttpResponseBase:
    """Exact lookup by ID number, inside the user's scope only.

    A number that belongs to a profile outside the scope gets exactly the answer of a
    number that belongs to nobody.
    """
    form = forms.IdLookupForm(request.POST, prefix="lookup")
    if form.is_valid():
        candidate = selectors.find_person_by_id_number(form.cleaned_data["id_number"])
        visible = selectors.persons_visible_to(request.user)
        if candidate is not None and visible.filter(pk=candidate.pk).exists():
            return redirect("people:detail", pk=candidate.pk)
        form.add_error("id_number", _("No profile in your scope has this ID number."))
    return _no_store(_list_response(request, lookup_form=form))


@require_GET
def person_export(request: AuthedHttpRequest) -> HttpResponseBase:
    _require(rules.can_export_people(request.user))
    if _id_number_in_address(request):
        return redirect("people:list")
    filter_form, qs = _filtered(request)
    if filter_form.is_bound and not filter_form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('people:list')}?{request.GET.urlencode()}")
    lines = filter_form.filter_lines()
    result = export.build_people_workbook(
        qs, filter_lines=lines, generated_by=request.user.get_username()
    )
    record_event(
        "person.exported",
        actor=request.user,
        summary={"filters": dict(lines), "rows": result.rows, "truncated": result.truncated},
    )
    return FileResponse(
        result.file,
        as_attachment=True,
        filename=export.export_filename(),
        content_type=export.XLSX_CONTENT_TYPE,
    )


# --- Create and edit ----------------------------------------------------------------------


def _chosen_employer(request: AuthedHttpRequest, employers: Any, raw: str | None) -> Any:
    try:
        return employers.filter(pk=int(raw or "")).first()
    except ValueError:
        return None


def _create_form(request: AuthedHttpRequest) -> forms.PersonCreateForm:
    user = request.user
    employers = selectors.employers_for(user).order_by("path")
    data = request.POST if request.method == "POST" else None
    employer = _chosen_employer(request, employers, data.get("employer") if data else None)
    initial: dict[str, Any] = {}
    if employer is None and data is None:
        only = list(employers[:2])
        if len(only) == 1:
            employer = only[0]
            initial["employer"] = employer.pk
    unions = selectors.unions_for(user, employer).order_by("path")
    if employer is not None and data is None:
        own = list(unions[:2])
        if len(own) == 1:
            initial["union"] = own[0].pk
    form = forms.PersonCreateForm(data, employers=employers, unions=unions, initial=initial)
    form.fields["employer"].widget.attrs.update(
        {
            "hx-get": reverse("people:union_field"),
            "hx-target": "#union-field",
            "hx-swap": "outerHTML",
            "hx-trigger": "change",
        }
    )
    return form


def _take_over(request: AuthedHttpRequest, form: forms.PersonCreateForm) -> Person:
    """The "this person now works for us" flow: move the profile, then apply the answers
    given (blank answers leave the profile's values alone)."""
    data = form.cleaned_data
    with transaction.atomic():
        person = actions.do_move_person(
            acting_user=request.user,
            id_number=data["id_number"],
            name=data["name"],
            employer_id=data["employer"].pk,
        )
        changes = {k: v for k, v in form.profile_fields().items() if v not in (None, "")}
        if changes:
            person = actions.do_update_person(
                acting_user=request.user, person_id=person.pk, changes=changes
            )
    return person


@require_http_methods(["GET", "POST"])
def person_create(request: AuthedHttpRequest) -> HttpResponseBase:
    _require(rules.can_create_person(request.user))
    form = _create_form(request)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "take_over" in request.POST:
            try:
                person = _take_over(request, form)
            except DomainError as exc:
                form.add_error(None, exc.message)
                context["offer_move"] = True
            else:
                messages.success(
                    request,
                    _(
                        "The profile is now kept by your unit, with its whole record. Check "
                        "the details below."
                    ),
                )
                return redirect("people:edit", pk=person.pk)
        else:
            try:
                person = actions.do_create_person(
                    acting_user=request.user,
                    id_number=data["id_number"],
                    name=data["name"],
                    employer_id=data["employer"].pk,
                    fields=form.profile_fields(),
                )
            except DomainError as exc:
                if exc.rule == "people.duplicate_id":
                    context.update(_duplicate(request, form, data["id_number"]))
                elif exc.rule in ("people.union_outside", "people.union_scope"):
                    form.add_error("union", exc.message)
                else:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("The profile was created."))
                return redirect("people:detail", pk=person.pk)
    response = render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "fieldsets": _fieldsets(form),
            "title": _("New craftsman profile"),
            "cancel_url": reverse("people:list"),
            "breadcrumbs": [_list_crumb(), {"label": _("New profile")}],
            **context,
        },
    )
    return _no_store(response)


def _duplicate(request: AuthedHttpRequest, form: forms.PersonCreateForm, number: str) -> dict:
    """Explain a duplicate ID number: link to the profile if the user may see it, otherwise
    offer the take-over (saying nothing of who keeps the profile now)."""
    existing = selectors.find_person_by_id_number(number)
    visible = selectors.persons_visible_to(request.user)
    if existing is not None and visible.filter(pk=existing.pk).exists():
        form.add_error("id_number", _("A profile with this ID number already exists."))
        return {"existing_person": existing}
    form.add_error("id_number", _("A profile with this ID number already exists in another unit."))
    return {"offer_move": True}


def _fieldsets(form: Any) -> list[dict[str, Any]]:
    sets = []
    for legend, names in forms.PROFILE_FIELDSETS:
        fields = [form[n] for n in names if n in form.fields]
        if fields:
            sets.append({"legend": legend, "fields": fields})
    return sets


@require_GET
def union_field(request: AuthedHttpRequest) -> HttpResponse:
    """The union select for the employer chosen on the create form (htmx)."""
    _require(rules.can_create_person(request.user))
    employers = selectors.employers_for(request.user)
    employer = _chosen_employer(request, employers, request.GET.get("employer"))
    unions = selectors.unions_for(request.user, employer).order_by("path")
    initial = {}
    own = list(unions[:2]) if employer is not None else []
    if len(own) == 1:
        initial["union"] = own[0].pk
    form = forms.PersonCreateForm(employers=employers, unions=unions, initial=initial)
    return render(request, "people/includes/union_field.html", {"field": form["union"]})


@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    person = _visible_person(request, pk)
    _require(rules.can_edit_person(request.user, person))
    if rules.is_person_locked(person):
        messages.error(request, _locked_message())
        return redirect("people:detail", pk=person.pk)
    unions = selectors.unions_for(request.user, person.employer).order_by("path")
    form = forms.PersonEditForm(request.POST or None, instance=person, unions=unions)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_person(
                acting_user=request.user, person_id=person.pk, changes=form.changes()
            )
        except DomainError as exc:
            if exc.rule in ("people.union_outside", "people.union_scope"):
                form.add_error("union", exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people:detail", pk=person.pk)
    response = render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "fieldsets": _fieldsets(form),
            "title": _("Edit the profile of %(name)s") % {"name": person.name},
            "cancel_url": reverse("people:detail", args=[person.pk]),
            "breadcrumbs": [_list_crumb(), _person_crumb(person), {"label": _("Edit")}],
        },
    )
    return _no_store(response)


# --- The profile page -----------------------------------------------------------------------


def _detail_context(request: AuthedHttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    from jiangxin.nominations.selectors import nominations_visible_to

    user = request.user
    state = edit_state(user, person)
    may_keep, locked = state
    nominations = (
        nominations_visible_to(user)
        .filter(person=person)
        .select_related("campaign")
        .order_by("-campaign__year", "-created_at")
    )
    return {
        "person": person,
        "may_keep": may_keep,
        "locked": locked,
        "can_edit": may_keep and not locked,
        "can_reveal": rules.can_reveal_person_data(user, person),
        "reveal_forms": {f: forms.RevealForm(prefix=f) for f in REVEALABLE},
        "revealed": {},
        "record_sections": record_sections(person, user=user, state=state),
        "attachments_section": attachments_section(person, user=user, state=state),
        "nominations": nominations,
        "breadcrumbs": [_list_crumb(), {"label": person.name}],
        **extra,
    }


@require_GET
def person_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    return render(request, "people/person_detail.html", _detail_context(request, person))


@require_POST
def person_reveal(request: AuthedHttpRequest, pk: int, field: str) -> HttpResponseBase:
    """Show one full personal number once, with the reason audited."""
    person = _visible_person(request, pk)
    _require(field in REVEALABLE)
    form = forms.RevealForm(request.POST, prefix=field)
    revealed: dict[str, str] = {}
    if form.is_valid():
        try:
            revealed[field] = do_reveal_personal_data(
                acting_user=request.user,
                obj=person,
                field_name=field,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    reveal_forms = {f: forms.RevealForm(prefix=f) for f in REVEALABLE}
    reveal_forms[field] = form
    context = _detail_context(request, person, reveal_forms=reveal_forms, revealed=revealed)
    template = "people/person_detail.html"
    if request.htmx:
        template += "#identity"
    return _no_store(render(request, template, context))


# --- Record sections (partials) -------------------------------------------------------------


def _record_person(request: AuthedHttpRequest, person_id: int, kind: str) -> Person:
    if kind not in KINDS:
        raise Http404
    return _visible_person(request, person_id)


def _after_change(
    request: AuthedHttpRequest, person: Person, dom_id: str, options: SectionOptions
) -> HttpResponseBase:
    """Where a plain (non-htmx) submission goes once done."""
    return redirect(options.return_url or reverse("people:detail", args=[person.pk]) + f"#{dom_id}")


#: htmx events sent with a block that changed, so a page embedding other parts that depend
#: on the record (e.g. the nomination's evidence list) can refresh them:
#: ``hx-trigger="people:attachments-changed from:body"``.
RECORD_CHANGED = "people:record-changed"
ATTACHMENTS_CHANGED = "people:attachments-changed"


def _section_response(
    request: AuthedHttpRequest,
    person: Person,
    section: Any,
    *,
    status: int = 200,
    changed: bool = False,
) -> HttpResponse:
    """The block alone for htmx; otherwise a page holding just the block."""
    if request.htmx:
        attachments = section.dom_id == "attachments"
        template = (
            "people/includes/attachments_section.html"
            if attachments
            else "people/includes/record_section.html"
        )
        response = render(request, template, {"section": section}, status=status)
        if changed:
            event = ATTACHMENTS_CHANGED if attachments else RECORD_CHANGED
            response["HX-Trigger"] = json.dumps(
                {event: {"person": person.pk, "kind": getattr(section, "kind", "attachment")}}
            )
        return response
    return render(
        request,
        "people/section_page.html",
        {
            "section": section,
            "person": person,
            "breadcrumbs": [_list_crumb(), _person_crumb(person), {"label": section.title}],
        },
        status=status,
    )


def _record_error(form: forms._RecordForm, exc: DomainError) -> None:
    form.add_error(form.rule_fields.get(exc.rule), exc.message)


@require_GET
def record_section_view(request: AuthedHttpRequest, person_id: int, kind: str) -> HttpResponseBase:
    person = _record_person(request, person_id, kind)
    options = SectionOptions.from_request(request)
    if not request.htmx:
        return _after_change(request, person, f"record-{kind}", options)
    section = record_section(person, kind, user=request.user, options=options)
    return _section_response(request, person, section)


@require_http_methods(["GET", "POST"])
def record_add(request: AuthedHttpRequest, person_id: int, kind: str) -> HttpResponseBase:
    person = _record_person(request, person_id, kind)
    _require(rules.can_edit_person(request.user, person))
    options = SectionOptions.from_request(request)
    state = edit_state(request.user, person)
    if state[1]:
        section = record_section(
            person,
            kind,
            user=request.user,
            options=options,
            state=state,
            error=_locked_message(),
        )
        return _section_response(request, person, section)
    form = forms.RECORD_FORMS[kind](request.POST or None, prefix=kind)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_record(
                acting_user=request.user,
                person_id=person.pk,
                kind=kind,
                fields=form.record_fields(),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except DomainError as exc:
            _record_error(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("The entry was added."))
                return _after_change(request, person, f"record-{kind}", options)
            section = record_section(
                person,
                kind,
                user=request.user,
                options=options,
                state=state,
                message=_("The entry was added."),
            )
            return _section_response(request, person, section, changed=True)
    section = record_section(
        person, kind, user=request.user, options=options, state=state, form=form
    )
    return _section_response(request, person, section)


@require_http_methods(["GET", "POST"])
def record_edit(
    request: AuthedHttpRequest, person_id: int, kind: str, record_id: int
) -> HttpResponseBase:
    person = _record_person(request, person_id, kind)
    _require(rules.can_edit_person(request.user, person))
    row = get_object_or_404(KINDS[kind].model._default_manager.filter(person=person), pk=record_id)
    options = SectionOptions.from_request(request)
    state = edit_state(request.user, person)
    if state[1]:
        section = record_section(
            person,
            kind,
            user=request.user,
            options=options,
            state=state,
            error=_locked_message(),
        )
        return _section_response(request, person, section)
    form = forms.RECORD_FORMS[kind](request.POST or None, instance=row, prefix=f"{kind}-{row.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_record(
                acting_user=request.user,
                person_id=person.pk,
                kind=kind,
                fields=form.record_fields(),
                record_id=row.pk,
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except DomainError as exc:
            _record_error(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("The changes were saved."))
                return _after_change(request, person, f"record-{kind}", options)
            section = record_section(
                person,
                kind,
                user=request.user,
                options=options,
                state=state,
                message=_("The changes were saved."),
            )
            return _section_response(request, person, section, changed=True)
    section = record_section(
        person,
        kind,
        user=request.user,
        options=options,
        state=state,
        form=form,
        editing=row.pk,
    )
    return _section_response(request, person, section)


@require_POST
def record_delete(
    request: AuthedHttpRequest, person_id: int, kind: str, record_id: int
) -> HttpResponseBase:
    person = _record_person(request, person_id, kind)
    _require(rules.can_edit_person(request.user, person))
    row = get_object_or_404(KINDS[kind].model._default_manager.filter(person=person), pk=record_id)
    options = SectionOptions.from_request(request)
    message, error = "", ""
    try:
        actions.do_delete_record(
            acting_user=request.user, person_id=person.pk, kind=kind, record_id=row.pk
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except DomainError as exc:
        error = str(exc.message)
    else:
        message = _("The entry was deleted.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return _after_change(request, person, f"record-{kind}", options)
    section = record_section(
        person, kind, user=request.user, options=options, message=message, error=error
    )
    return _section_response(request, person, section, changed=not error)


# --- Attachments ----------------------------------------------------------------------------


@require_GET
def attachments_section_view(request: AuthedHttpRequest, person_id: int) -> HttpResponseBase:
    person = _visible_person(request, person_id)
    options = SectionOptions.from_request(request)
    if not request.htmx:
        return _after_change(request, person, "attachments", options)
    section = attachments_section(person, user=request.user, options=options)
    return _section_response(request, person, section)


@require_POST
def attachment_upload(request: AuthedHttpRequest, person_id: int) -> HttpResponseBase:
    person = _visible_person(request, person_id)
    _require(rules.can_edit_person(request.user, person))
    options = SectionOptions.from_request(request)
    form = forms.AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.do_upload_attachment(
                acting_user=request.user,
                person_id=person.pk,
                name=upload.name,
                stream=upload,
                size=upload.size,
                description=form.cleaned_data["description"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.add_error(
                "file" if exc.rule.startswith("upload.") else None,
                mask_numbers_in(str(exc.message)),
            )
        else:
            message = _("“%(name)s” was uploaded.") % {"name": mask_numbers_in(upload.name)}
            if not request.htmx:
                messages.success(request, message)
                return _after_change(request, person, "attachments", options)
            section = attachments_section(
                person, user=request.user, options=options, message=message
            )
            return _section_response(request, person, section, changed=True)
    section = attachments_section(person, user=request.user, options=options, form=form)
    return _section_response(request, person, section)


@require_POST
def attachment_delete(request: AuthedHttpRequest, person_id: int, pk: int) -> HttpResponseBase:
    person = _visible_person(request, person_id)
    _require(rules.can_edit_person(request.user, person))
    attachment = get_object_or_404(person.attachments.all(), pk=pk)
    options = SectionOptions.from_request(request)
    message, error = "", ""
    try:
        actions.do_delete_attachment(
            acting_user=request.user, person_id=person.pk, attachment_id=attachment.pk
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except DomainError as exc:
        error = str(exc.message)
    else:
        message = _("“%(name)s” was deleted.") % {"name": mask_numbers_in(attachment.original_name)}
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return _after_change(request, person, "attachments", options)
    section = attachments_section(
        person, user=request.user, options=options, message=message, error=error
    )
    return _section_response(request, person, section, changed=not error)


@require_GET
def attachment_download(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    attachment = get_object_or_404(
        selectors.attachments_visible_to(request.user).select_related("person"), pk=pk
    )
    response = attachment_response(attachment)
    record_event(
        "person.attachment_downloaded",
        actor=request.user,
        obj=attachment.person,
        summary={"attachment": attachment.pk, "name": mask_numbers_in(attachment.original_name)},
    )
    return response
