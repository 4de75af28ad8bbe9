"""The person, record and evidence steps of the nomination form.

They embed the craftsman profile's own forms and blocks (jiangxin.people.forms and
jiangxin.people.sections), so the profile is kept in one place whichever page edits it; the
record and evidence steps refresh their eligibility and evidence panels when the embedded
blocks announce a change (HX-Trigger events from the people app).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.nominations import actions
from jiangxin.nominations import forms as nomination_forms
from jiangxin.nominations.eligibility import evaluate
from jiangxin.nominations.models import Evidence, Nomination
from jiangxin.orgs.models import Organization
from jiangxin.people import actions as people_actions
from jiangxin.people import forms as people_forms
from jiangxin.people import selectors as people_selectors
from jiangxin.people.models import Person
from jiangxin.people.sections import SectionOptions, attachments_section, record_sections

Step = Nomination.Step


def _views() -> Any:
    from jiangxin.nominations import views

    return views


def _employers(request: AuthedHttpRequest, n: Nomination) -> QuerySet[Organization]:
    """Employers the person may have for this unit: the unit's enterprise (an enterprise
    union's parent) or the enterprise itself and the enterprises under it."""
    unit = n.nominating_unit
    related = Q(path__startswith=unit.path)
    if unit.kind == Organization.Kind.ENTERPRISE_UNION:
        related |= Q(path=unit.path[: -Organization.steplen])
    return people_selectors.employers_for(request.user).filter(related).order_by("path")


def _person_form(request: AuthedHttpRequest, n: Nomination) -> people_forms.PersonCreateForm:
    employers = _employers(request, n)
    data = request.POST if request.method == "POST" else None
    employer = None
    raw = data.get("employer") if data else None
    if raw and raw.isdigit():
        employer = employers.filter(pk=int(raw)).first()
    initial: dict[str, Any] = dict(n.draft_data.get(Step.PERSON, {}))
    if employer is None and len(employers) == 1:
        employer = employers[0]
        initial.setdefault("employer", employer.pk)
    unions = people_selectors.unions_for(request.user, employer).order_by("path")
    if n.nominating_unit.kind == "enterprise_union":
        initial.setdefault("union", n.nominating_unit.pk)
    form = people_forms.PersonCreateForm(data, employers=employers, unions=unions, initial=initial)
    return form


def _use_or_create_person(
    request: AuthedHttpRequest, n: Nomination, form: people_forms.PersonCreateForm
) -> Person | None:
    """Create the profile, or use the existing one with this ID number and name (in the
    user's scope), or take it over from another unit when asked; None with form errors."""
    data = form.cleaned_data
    visible = people_selectors.persons_visible_to(request.user)
    existing = people_selectors.find_person_by_id_number(data["id_number"])
    if existing is not None and visible.filter(pk=existing.pk).exists():
        if existing.name != data["name"]:
            form.add_error(
                "name",
                _("The profile with this ID number is in the name of %(name)s.")
                % {"name": existing.name},
            )
            return None
        return existing
    try:
        if existing is not None:
            if "take_over" not in request.POST:
                form.add_error(
                    "id_number",
                    _(
                        "A profile with this ID number is kept by another unit. If the person "
                        "now works for you, tick “This person now works for us” and submit again."
                    ),
                )
                return None
            with transaction.atomic():
                person = people_actions.do_move_person(
                    acting_user=request.user,
                    id_number=data["id_number"],
                    name=data["name"],
                    employer_id=data["employer"].pk,
                )
            return person
        return people_actions.do_create_person(
            acting_user=request.user,
            id_number=data["id_number"],
            name=data["name"],
            employer_id=data["employer"].pk,
            fields=form.profile_fields(),
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


def _step_person(request: AuthedHttpRequest, n: Nomination) -> HttpResponse:
    views = _views()
    step = Step.PERSON
    if n.person_id is not None:
        return _step_person_edit(request, n)
    form = _person_form(request, n)
    offer_take_over = False
    if request.method == "POST":
        if request.POST.get("action") == "save_draft":
            return views._save_draft_and_leave(request, n, step)
        if form.is_valid():
            person = _use_or_create_person(request, n, form)
            if person is not None:
                try:
                    actions.do_set_person(
                        acting_user=request.user, nomination_id=n.pk, person_id=person.pk
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    return redirect(views._next_url(n, step))
            offer_take_over = "id_number" in form.errors
        views._keep_invalid(request, n, step)
    return views._render_step(
        request,
        "nominations/step_person.html",
        views._step_context(
            request,
            n,
            step,
            form=form,
            fieldsets=_fieldsets(form),
            offer_take_over=offer_take_over,
        ),
    )


def _fieldsets(form: Any) -> list[dict[str, Any]]:
    sets = []
    for legend, names in people_forms.PROFILE_FIELDSETS:
        fields = [form[name] for name in names if name in form.fields]
        if fields:
            sets.append({"legend": legend, "fields": fields})
    return sets


def _step_person_edit(request: AuthedHttpRequest, n: Nomination) -> HttpResponse:
    """The person is chosen: keep their profile up to date here, or nominate someone else."""
    views = _views()
    step = Step.PERSON
    person = get_object_or_404(people_selectors.persons_visible_to(request.user), pk=n.person_id)
    unions = people_selectors.unions_for(request.user, person.employer).order_by("path")
    form = people_forms.PersonEditForm(
        request.POST if request.method == "POST" else None, instance=person, unions=unions
    )
    if request.method == "POST":
        if request.POST.get("action") == "change_person":
            try:
                actions.do_clear_person(acting_user=request.user, nomination_id=n.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("nominations:step", pk=n.pk, step=step)
        if request.POST.get("action") == "save_draft":
            return views._save_draft_and_leave(request, n, step)
        if form.is_valid():
            try:
                people_actions.do_update_person(
                    acting_user=request.user, person_id=person.pk, changes=form.changes()
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                actions.do_complete_person_step(acting_user=request.user, nomination_id=n.pk)
                return redirect(views._next_url(n, step))
        views._keep_invalid(request, n, step)
    return views._render_step(
        request,
        "nominations/step_person_edit.html",
        views._step_context(request, n, step, form=form, fieldsets=_fieldsets(form), person=person),
    )


def _record_context(request: AuthedHttpRequest, n: Nomination, person: Person) -> dict[str, Any]:
    options = SectionOptions(return_url=request.get_full_path(), heading_level=3)
    return {
        "person": person,
        "record_sections": record_sections(person, user=request.user, options=options),
        "verdicts": _views().verdict_rows(n, evaluate(n)),
    }


def _require_person(request: AuthedHttpRequest, n: Nomination) -> Person | None:
    if n.person_id is None:
        return None
    return get_object_or_404(people_selectors.persons_visible_to(request.user), pk=n.person_id)


def _profile_step(
    request: AuthedHttpRequest,
    n: Nomination,
    step: str,
    template: str,
    context: Callable[[AuthedHttpRequest, Nomination, Person], dict[str, Any]],
    complete: Callable[..., Nomination],
) -> HttpResponse:
    """A step whose content is saved in the profile as it is entered (record, evidence):
    continuing only records that the step was passed."""
    views = _views()
    person = _require_person(request, n)
    if person is None:
        messages.info(request, _("Choose the person first."))
        return redirect("nominations:step", pk=n.pk, step=Step.PERSON)
    if request.method == "POST":
        complete(acting_user=request.user, nomination_id=n.pk)
        if request.POST.get("action") == "save_draft":
            messages.success(request, _("Your answers on this step were saved as a draft."))
            return redirect("nominations:detail", pk=n.pk)
        return redirect(views._next_url(n, step))
    return views._render_step(
        request, template, views._step_context(request, n, step, **context(request, n, person))
    )


def _step_record(request: AuthedHttpRequest, n: Nomination) -> HttpResponse:
    return _profile_step(
        request,
        n,
        Step.RECORD,
        "nominations/step_record.html",
        _record_context,
        actions.do_complete_record_step,
    )


def _evidence_context(request: AuthedHttpRequest, n: Nomination, person: Person) -> dict[str, Any]:
    options = SectionOptions(return_url=request.get_full_path(), heading_level=3)
    dimensions = n.campaign.policy_version.dimensions.order_by("order")
    attachments = person.attachments.order_by("-created_at", "-id")
    newest = attachments.first()
    return {
        "person": person,
        "attachments_section": attachments_section(person, user=request.user, options=options),
        "evidence_form": nomination_forms.EvidenceForm(
            attachments=attachments,
            dimensions=dimensions,
            initial={"attachment": newest.pk if newest else None},
        ),
        "evidence_rows": _evidence_rows(n),
    }


def _evidence_rows(n: Nomination) -> list[dict[str, Any]]:
    items = list(n.evidence.select_related("attachment", "dimension"))
    rows = []
    for dim in [None, *n.campaign.policy_version.dimensions.order_by("order")]:
        linked = [e for e in items if e.dimension_id == (dim.pk if dim else None)]
        rows.append({"dimension": dim, "items": linked})
    return rows


def _step_evidence(request: AuthedHttpRequest, n: Nomination) -> HttpResponse:
    return _profile_step(
        request,
        n,
        Step.EVIDENCE,
        "nominations/step_evidence.html",
        _evidence_context,
        actions.do_complete_evidence_step,
    )


STEP_VIEWS: dict[str, Callable[[AuthedHttpRequest, Nomination], HttpResponse]] = {
    Step.PERSON: _step_person,
    Step.RECORD: _step_record,
    Step.EVIDENCE: _step_evidence,
}


# --- Panels refreshed in place ---------------------------------------------------------------


@require_GET
def eligibility_panel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The live eligibility verdicts of a draft (htmx, after the record changes)."""
    n = _views()._editable(request, pk)
    return render(
        request,
        "nominations/_verdicts.html",
        {"verdicts": _views().verdict_rows(n, evaluate(n))},
    )


def _evidence_panel(request: AuthedHttpRequest, n: Nomination, **extra: Any) -> HttpResponse:
    person = _require_person(request, n)
    if person is None:
        return HttpResponse(status=204)
    context = _evidence_context(request, n, person)
    context.update(nomination=n, **extra)
    return render(request, "nominations/_evidence_panel.html", context)


@require_GET
def evidence_panel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _evidence_panel(request, _views()._editable(request, pk))


@require_POST
def evidence_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    views = _views()
    n = views._editable(request, pk)
    person = _require_person(request, n)
    if person is None:
        return redirect("nominations:step", pk=n.pk, step=Step.PERSON)
    form = nomination_forms.EvidenceForm(
        request.POST,
        attachments=person.attachments.all(),
        dimensions=n.campaign.policy_version.dimensions.all(),
    )
    error = ""
    if form.is_valid():
        try:
            actions.do_add_evidence(
                acting_user=request.user,
                nomination_id=n.pk,
                attachment_id=form.cleaned_data["attachment"].pk,
                dimension_id=form.cleaned_data["dimension"].pk
                if form.cleaned_data["dimension"]
                else None,
                caption=form.cleaned_data["caption"],
            )
        except DomainError as exc:
            error = str(exc.message)
    else:
        error = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
    if request.htmx:
        return _evidence_panel(request, n, evidence_error=error)
    if error:
        messages.error(request, error)
    return redirect("nominations:step", pk=n.pk, step=Step.EVIDENCE)


@require_POST
def evidence_remove(request: AuthedHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    views = _views()
    n = views._editable(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, nomination=n)
    try:
        actions.do_remove_evidence(
            acting_user=request.user, nomination_id=n.pk, evidence_id=evidence.pk
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.htmx:
        return _evidence_panel(request, n)
    return redirect(reverse("nominations:step", args=[n.pk, Step.EVIDENCE]))
