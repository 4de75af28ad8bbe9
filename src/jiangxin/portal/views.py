"""The public portal (no login) and its editors' pages (program officers).

Public pages are served to anonymous visitors from the shared page cache (`cache.py`); they
never ask for a CSRF token or a session, so one copy serves everyone. Editors' pages are
ordinary signed-in pages: 404 for anyone who is not an editor, or for an article outside the
editor's organizations.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.people.files import content_disposition
from jiangxin.portal import actions, elder, feeds, forms, rules, selectors
from jiangxin.portal.cache import cache_public_page
from jiangxin.portal.counter import view_counter
from jiangxin.portal.models import Article, ArticleAttachment

PAGE_SIZE = 20
HOME_ITEMS = 8

C = Article.Category


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _category(value: str) -> C:
    try:
        return C(value)
    except ValueError as exc:
        raise Http404 from exc


def _listing(qs: Any) -> Any:
    """What a list shows: no body, and the notice (for its "open for objections" badge)."""
    return qs.defer("body").select_related("notice")


# --- Public pages -------------------------------------------------------------------------


@login_not_required
@require_safe
@cache_public_page()
def home(request: HttpRequest) -> HttpResponse:
    public = selectors.public_articles()
    sections = [
        {
            "category": value,
            "label": label,
            "url": reverse("portal:category", args=[value]),
            "articles": list(_listing(public.filter(category=value))[:HOME_ITEMS]),
        }
        for value, label in C.choices
    ]
    by_key = {s["category"]: s for s in sections}
    return render(
        request,
        "portal/home.html",
        {
            "current_notices": by_key[C.PUBLIC_NOTICE],
            "latest": by_key[C.NOTICE],
            "other_sections": [by_key[C.POLICY], by_key[C.RESULTS], by_key[C.STORIES]],
            "portal_column": "home",
        },
    )


@login_not_required
@require_safe
@cache_public_page(params=("page",))
def category(request: HttpRequest, category: str) -> HttpResponse:
    column = _category(category)
    qs = _listing(selectors.public_articles().filter(category=column))
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/category.html",
        {
            "column": column,
            "column_label": column.label,
            "page_obj": page_obj,
            "portal_column": column.value,
            "breadcrumbs": [{"label": column.label}],
        },
    )


def _article_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    article = get_object_or_404(
        selectors.public_articles()
        .select_related("notice", "campaign")
        .prefetch_related(Prefetch("attachments", queryset=ArticleAttachment.objects.all())),
        pk=pk,
    )
    column = C(article.category)
    return {
        "article": article,
        "column_label": column.label,
        "related": selectors.related_articles(article),
        "portal_column": column.value,
        "absolute_url": settings.JIANGXIN_SITE_URL + reverse("portal:article", args=[pk]),
        "breadcrumbs": [
            {"label": column.label, "url": reverse("portal:category", args=[column.value])},
            {"label": article.title},
        ],
    }


@cache_public_page()
def _article_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "portal/article.html", _article_context(request, pk))


@login_not_required
@require_safe
def article(request: HttpRequest, pk: int) -> HttpResponse:
    response = _article_page(request, pk)
    # Counted here, outside the cache, so that a page served from the cache counts too; a
    # missing or withdrawn article raised 404 above and counts nothing.
    if request.method == "GET":
        view_counter.hit(pk)
    return response


@login_not_required
@require_safe
@cache_public_page()
def article_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "portal/article_print.html", _article_context(request, pk))


@login_not_required
@require_safe
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    item = get_object_or_404(
        ArticleAttachment.objects.filter(article__in=selectors.public_articles()),
        pk=attachment_pk,
        article_id=pk,
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    suffix = "." + item.file.name.rsplit(".", 1)[-1].lower() if "." in item.file.name else ""
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition(item.original_name, suffix)
    response["X-Content-Type-Options"] = "nosniff"
    # Public files; short-lived so that a withdrawal takes effect soon in browsers too.
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_not_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    query = ""
    column = ""
    page_obj = None
    too_short = False
    if form.is_valid():
        query = selectors.normalise_query(form.cleaned_data["q"])
        column = form.cleaned_data["category"]
        if query:
            too_short = len(query.replace(" ", "")) < selectors.MIN_QUERY_LENGTH
            qs = selectors.search_public_articles(query, column).only(
                "id", "title", "summary", "body", "body_format", "category", "published_at",
                "source",
            )  # fmt: skip
            page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "query": query,
            "column": column,
            "page_obj": page_obj,
            "too_short": too_short,
            "min_length": selectors.MIN_QUERY_LENGTH,
            "portal_column": "",
            "breadcrumbs": [{"label": _("Search")}],
        },
    )


@login_not_required
@require_safe
@cache_public_page()
def feed_index(request: HttpRequest) -> HttpResponse:
    channels = [("all", _("All channels")), *C.choices]
    return render(
        request,
        "portal/feeds.html",
        {"channels": channels, "portal_column": "", "breadcrumbs": [{"label": _("RSS feeds")}]},
    )


@login_not_required
@require_safe
@cache_public_page()
def feed_rss(request: HttpRequest, category: str) -> HttpResponse:
    return feeds.ArticleRssFeed()(request, category=category)


@login_not_required
@require_safe
@cache_public_page()
def feed_atom(request: HttpRequest, category: str) -> HttpResponse:
    return feeds.ArticleAtomFeed()(request, category=category)


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


def _no_store(response: HttpResponseRedirect) -> HttpResponseRedirect:
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_safe
def elder_mode(request: HttpRequest) -> HttpResponseRedirect:
    """Turn elder mode on (?on=1) or off (?on=0) and go back to the page (a plain link)."""
    response = HttpResponseRedirect(_safe_next(request))
    if request.GET.get("on") == "1":
        response.set_cookie(
            elder.COOKIE_NAME,
            "1",
            max_age=elder.COOKIE_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(elder.COOKIE_NAME, samesite="Lax")
    return _no_store(response)


@login_not_required
@require_safe
def language(request: HttpRequest) -> HttpResponseRedirect:
    """Switch the language with a plain link (the public pages carry no CSRF token, so the
    signed-in shell's POST form would make them uncacheable); a preference, not a change of
    anyone's data."""
    response = HttpResponseRedirect(_safe_next(request))
    code = request.GET.get("language", "")
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return _no_store(response)


# --- Editors' pages -----------------------------------------------------------------------


def _manage_crumb() -> dict[str, str]:
    return {"label": _("Portal articles"), "url": reverse("portal:manage_list")}


def _editable(request: AuthedHttpRequest, pk: int) -> Article:
    _require(rules.can_edit_portal(request.user))
    return get_object_or_404(selectors.articles_editable_by(request.user), pk=pk)


@require_http_methods(["GET"])
def manage_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_edit_portal(request.user))
    qs = selectors.articles_editable_by(request.user).order_by("-updated_at", "-id")
    filter_form = forms.ArticleFilterForm(request.GET or None)
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(title__icontains=data["q"]))
        if data["category"]:
            qs = qs.filter(category=data["category"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
    qs = qs.defer("body")
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter_form": filter_form,
        "page_obj": page_obj,
        "now": timezone.now(),
        "breadcrumbs": [{"label": _("Portal articles")}],
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "portal/manage_list.html#results", context)
    return render(request, "portal/manage_list.html", context)


#: The rich-text toolbar: (command of portal_editor.js, Bootstrap icon, label).
EDITOR_BUTTONS = [
    ("bold", "type-bold", gettext_lazy("Bold")),
    ("italic", "type-italic", gettext_lazy("Italic")),
    ("h2", "type-h2", gettext_lazy("Heading")),
    ("h3", "type-h3", gettext_lazy("Subheading")),
    ("ul", "list-ul", gettext_lazy("Bulleted list")),
    ("ol", "list-ol", gettext_lazy("Numbered list")),
    ("quote", "quote", gettext_lazy("Quotation")),
    ("link", "link-45deg", gettext_lazy("Insert or remove a link")),
    ("clear", "eraser", gettext_lazy("Clear formatting")),
    ("undo", "arrow-counterclockwise", gettext_lazy("Undo")),
    ("redo", "arrow-clockwise", gettext_lazy("Redo")),
]
TOGGLE_COMMANDS = frozenset({"bold", "italic", "h2", "h3", "ul", "ol", "quote", "link"})


def _article_form_page(
    request: AuthedHttpRequest, form: forms.ArticleForm, article: Article | None
) -> HttpResponse:
    title = _("Edit article") if article else _("New article")
    crumbs: list[dict[str, Any]] = [_manage_crumb()]
    if article:
        crumbs.append(
            {"label": article.title, "url": reverse("portal:manage_detail", args=[article.pk])}
        )
    crumbs.append({"label": title})
    return render(
        request,
        "portal/manage_form.html",
        {
            "form": form,
            "article": article,
            "title": title,
            "editor_buttons": EDITOR_BUTTONS,
            "toggle_commands": TOGGLE_COMMANDS,
            "breadcrumbs": crumbs,
        },
    )


@require_http_methods(["GET", "POST"])
def manage_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_edit_portal(request.user))
    orgs = rules.editor_orgs(request.user)
    initial = {"category": request.GET.get("category", "")}
    form = forms.ArticleForm(request.POST or None, initial=initial, source_orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            article = actions.do_create_article(acting_user=request.user, fields=form.to_fields())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The draft was saved. It is not public yet."))
            return redirect("portal:manage_detail", pk=article.pk)
    return _article_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def manage_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = _editable(request, pk)
    orgs = rules.editor_orgs(request.user)
    if article.source_org and article.source_org not in orgs:
        orgs.append(article.source_org)
    form = forms.ArticleForm(
        request.POST or None,
        initial=forms.ArticleForm.initial_for(article),
        source_orgs=orgs,
        fixed_category=bool(article.notice_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_article(
                acting_user=request.user, article_id=article.pk, fields=form.to_fields()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The article was saved."))
            return redirect("portal:manage_detail", pk=article.pk)
    return _article_form_page(request, form, article)


def _detail_page(
    request: AuthedHttpRequest,
    article: Article,
    *,
    publish_form: forms.PublishForm | None = None,
    withdraw_form: forms.WithdrawForm | None = None,
    attachment_form: forms.AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    S = Article.Status
    public = article.is_public
    can_publish = article.status in (S.DRAFT, S.WITHDRAWN) or (
        article.status == S.SCHEDULED and not public
    )
    return render(
        request,
        "portal/manage_detail.html",
        {
            "article": article,
            "attachments": list(article.attachments.all()),
            "is_public": public,
            "can_publish": can_publish,
            "can_schedule": can_publish and article.status != S.WITHDRAWN,
            "can_withdraw": (public or article.status == S.SCHEDULED) and not article.notice_id,
            "publish_form": publish_form or forms.PublishForm(),
            "withdraw_form": withdraw_form or forms.WithdrawForm(),
            "attachment_form": attachment_form or forms.AttachmentForm(),
            "breadcrumbs": [_manage_crumb(), {"label": article.title}],
        },
        status=status,
    )


@require_http_methods(["GET"])
def manage_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _editable(request, pk))


@require_POST
def manage_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = _editable(request, pk)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            article = actions.do_publish_article(
                acting_user=request.user,
                article_id=article.pk,
                publish_at=form.cleaned_data["publish_at"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if article.status == Article.Status.SCHEDULED:
                messages.success(request, _("The article is scheduled for publication."))
            else:
                messages.success(request, _("The article is published on the portal."))
            return redirect("portal:manage_detail", pk=article.pk)
    return _detail_page(request, article, publish_form=form, status=422)


@require_POST
def manage_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = _editable(request, pk)
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            article = actions.do_withdraw_article(
                acting_user=request.user, article_id=article.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The article was taken off the portal."))
            return redirect("portal:manage_detail", pk=article.pk)
    return _detail_page(request, article, withdraw_form=form, status=422)


@require_POST
def manage_attachment_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = _editable(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.do_add_article_attachment(
                acting_user=request.user,
                article_id=article.pk,
                name=upload.name,
                stream=upload,
                size=upload.size,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The attachment was added."))
            return redirect("portal:manage_detail", pk=article.pk)
    return _detail_page(request, article, attachment_form=form, status=422)


@require_POST
def manage_attachment_remove(
    request: AuthedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    article = _editable(request, pk)
    item = get_object_or_404(article.attachments.all(), pk=attachment_pk)
    try:
        actions.do_remove_article_attachment(acting_user=request.user, attachment_id=item.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The attachment was removed."))
    return redirect("portal:manage_detail", pk=article.pk)


@require_http_methods(["GET"])
def freshness(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_see_freshness_report(request.user))
    report = selectors.column_freshness()
    return render(
        request,
        "portal/freshness.html",
        {
            "report": report,
            "attention": sum(1 for row in report if row.needs_attention),
            "breadcrumbs": [_manage_crumb(), {"label": _("Column freshness")}],
        },
    )
