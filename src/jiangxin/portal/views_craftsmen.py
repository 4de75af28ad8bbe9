"""The craftsman pages (工匠风采): public list and pages (no login), and the officers' editor.

Public pages read only `jiangxin.portal.craftsmen.PublicCraftsman` objects; they are served
from the portal's page cache like the other public pages, which the editor's actions
invalidate. Include `urlpatterns` in the portal URLconf (namespace "portal").
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from jiangxin.core.collation import stroke_key
from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.cultivation import rules as cultivation_rules
from jiangxin.cultivation.models import CraftsmanProfile
from jiangxin.people.models import Person
from jiangxin.portal import craftsmen
from jiangxin.portal.cache import cache_public_page
from jiangxin.portal.forms_craftsmen import (
    CraftsmanFilterForm,
    HighlightsForm,
    PhotoForm,
    StoryLinkForm,
)
from jiangxin.portal.models import Article

PAGE_SIZE = 24
MANAGE_PAGE_SIZE = 50
FILTER_PARAMS = ("q", "tier", "year", "province", "occupation", "page")


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _public_crumb() -> dict[str, str]:
    return {"label": _("Craftsmen"), "url": reverse("portal:craftsmen")}


# --- Public pages ---------------------------------------------------------------------------


@login_not_required
@require_safe
@cache_public_page(params=FILTER_PARAMS)
def craftsmen_list(request: HttpRequest) -> HttpResponse:
    form = CraftsmanFilterForm(request.GET or None, choices=craftsmen.filter_choices())
    ids = craftsmen.public_person_ids(form.filters())
    page_obj = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/craftsmen/list.html",
        {
            "filter_form": form,
            "page_obj": page_obj,
            "cards": craftsmen.public_cards(list(page_obj.object_list)),
            "filtered": bool(request.GET.keys() - {"page"}),
            "portal_column": Article.Category.STORIES.value,
            "breadcrumbs": [{"label": _("Craftsmen")}],
        },
    )


@login_not_required
@require_safe
@cache_public_page()
def craftsman_detail(request: HttpRequest, pk: int) -> HttpResponse:
    craftsman = craftsmen.public_craftsman(pk)
    if craftsman is None:
        raise Http404
    return render(
        request,
        "portal/craftsmen/detail.html",
        {
            "craftsman": craftsman,
            "portal_column": Article.Category.STORIES.value,
            "breadcrumbs": [_public_crumb(), {"label": craftsman.name}],
        },
    )


@login_not_required
@require_safe
def craftsman_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, public only while the person's page is and the photo's consent stands."""
    profile = craftsmen.public_photo(pk)
    if profile is None:
        raise Http404
    try:
        handle = profile.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=profile.photo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    # Short-lived, so that a removed photo or a withdrawn consent takes effect soon.
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- The editor (program officers) ----------------------------------------------------------


def _manage_crumb() -> dict[str, str]:
    return {"label": _("Craftsman pages"), "url": reverse("portal:craftsmen_manage")}


@require_GET
def craftsmen_manage(request: AuthedHttpRequest) -> HttpResponse:
    _require(cultivation_rules.can_edit_craftsman_pages(request.user))
    qs = craftsmen.craftsmen_editable_by(request.user)
    query = " ".join(request.GET.get("q", "").split())[:50]
    if query:
        qs = qs.filter(name__icontains=query)
    pairs = sorted(qs.values_list("pk", "name"), key=lambda pair: stroke_key(pair[1]))
    page_obj = Paginator([pk for pk, _name in pairs], MANAGE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/craftsmen/manage_list.html",
        {
            "page_obj": page_obj,
            "rows": craftsmen.editor_rows(list(page_obj.object_list)),
            "query": query,
            "breadcrumbs": [{"label": _("Craftsman pages")}],
        },
    )


def _editable_person(request: AuthedHttpRequest, pk: int) -> Person:
    return get_object_or_404(
        craftsmen.craftsmen_editable_by(request.user).select_related("employer"), pk=pk
    )


def _edit_page(
    request: AuthedHttpRequest,
    person: Person,
    *,
    photo_form: PhotoForm | None = None,
    highlights_form: HighlightsForm | None = None,
    story_form: StoryLinkForm | None = None,
) -> HttpResponse:
    latest = craftsmen.governing_nomination(person.pk)
    if latest is None:  # pragma: no cover - craftsmen_editable_by found a published one
        raise Http404
    profile = CraftsmanProfile.objects.filter(person=person).first()
    linked = list(profile.stories.order_by("-published_at", "-id")) if profile else []
    linkable = craftsmen.stories_linkable_by(request.user).exclude(pk__in=[a.pk for a in linked])
    public = craftsmen.public_craftsman_card(person.pk)
    return render(
        request,
        "portal/craftsmen/edit.html",
        {
            "person": person,
            "latest": latest,
            "profile": profile,
            "public": public,
            "public_url": reverse("portal:craftsman", args=[person.pk]) if public else "",
            "photo_form": photo_form or PhotoForm(),
            "highlights_form": highlights_form
            or HighlightsForm(drafts=craftsmen.highlight_drafts(latest, profile)),
            "story_form": story_form or StoryLinkForm(queryset=linkable),
            "linked_stories": linked,
            "new_story_url": reverse("portal:manage_create") + "?category=stories",
            "breadcrumbs": [_manage_crumb(), {"label": person.name}],
        },
    )


@require_GET
def craftsman_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _edit_page(request, _editable_person(request, pk))


def _done(message: str, request: AuthedHttpRequest, person: Person) -> HttpResponse:
    messages.success(request, message)
    return redirect("portal:craftsman_edit", person.pk)


@require_POST
def craftsman_photo_save(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            craftsmen.do_save_craftsman_photo(
                acting_user=request.user,
                person_id=person.pk,
                name=upload.name,
                stream=upload,
                size=upload.size,
                consent_on=form.cleaned_data["consent_on"],
            )
        except DomainError as exc:
            form.add_error("photo", exc.message)
        else:
            return _done(_("The photo has been saved."), request, person)
    return _edit_page(request, person, photo_form=form)


@require_POST
def craftsman_photo_remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    try:
        craftsmen.do_remove_craftsman_photo(acting_user=request.user, person_id=person.pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:craftsman_edit", person.pk)
    return _done(_("The photo has been removed."), request, person)


@require_POST
def craftsman_highlights_save(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    latest = craftsmen.governing_nomination(person.pk)
    if latest is None:  # pragma: no cover - craftsmen_editable_by found a published one
        raise Http404
    profile = CraftsmanProfile.objects.filter(person=person).first()
    form = HighlightsForm(request.POST, drafts=craftsmen.highlight_drafts(latest, profile))
    if form.is_valid():
        try:
            craftsmen.do_save_craftsman_highlights(
                acting_user=request.user, person_id=person.pk, texts=form.texts()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(_("The highlights have been saved."), request, person)
    return _edit_page(request, person, highlights_form=form)


@require_POST
def craftsman_story_link(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    form = StoryLinkForm(request.POST, queryset=craftsmen.stories_linkable_by(request.user))
    if form.is_valid():
        try:
            craftsmen.do_link_craftsman_story(
                acting_user=request.user,
                person_id=person.pk,
                article_id=form.cleaned_data["article"].pk,
            )
        except DomainError as exc:
            form.add_error("article", exc.message)
        else:
            return _done(_("The story has been linked."), request, person)
    return _edit_page(request, person, story_form=form)


@require_POST
def craftsman_story_unlink(request: AuthedHttpRequest, pk: int, article_pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    profile = get_object_or_404(CraftsmanProfile, person=person)
    get_object_or_404(profile.stories.all(), pk=article_pk)
    try:
        craftsmen.do_unlink_craftsman_story(
            acting_user=request.user, person_id=person.pk, article_id=article_pk
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:craftsman_edit", person.pk)
    return _done(_("The story is no longer linked."), request, person)


urlpatterns = [
    # Public (no login)
    path("craftsmen/", craftsmen_list, name="craftsmen"),
    path("craftsmen/<int:pk>/", craftsman_detail, name="craftsman"),
    path("craftsmen/<int:pk>/photo/", craftsman_photo, name="craftsman_photo"),
    # Program officers
    path("craftsmen/manage/", craftsmen_manage, name="craftsmen_manage"),
    path("craftsmen/manage/<int:pk>/", craftsman_edit, name="craftsman_edit"),
    path("craftsmen/manage/<int:pk>/photo/", craftsman_photo_save, name="craftsman_photo_save"),
    path(
        "craftsmen/manage/<int:pk>/photo/remove/",
        craftsman_photo_remove,
        name="craftsman_photo_remove",
    ),
    path(
        "craftsmen/manage/<int:pk>/highlights/",
        craftsman_highlights_save,
        name="craftsman_highlights_save",
    ),
    path("craftsmen/manage/<int:pk>/stories/", craftsman_story_link, name="craftsman_story_link"),
    path(
        "craftsmen/manage/<int:pk>/stories/<int:article_pk>/remove/",
        craftsman_story_unlink,
        name="craftsman_story_unlink",
    ),
]
