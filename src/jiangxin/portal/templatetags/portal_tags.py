"""The public site's shell and article rendering.

`portal_shell` is computed here rather than in a context processor so that every page that
extends "portal/public_base.html" (the notices' and the craftsman pages too) gets it without
its view doing anything. A view may set `portal_column` (a category value, or "home") in its
context to mark the current channel; otherwise the channel is taken from the URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info, gettext

from jiangxin.portal.elder import is_elder_mode
from jiangxin.portal.models import Article
from jiangxin.portal.sanitize import html_to_text, sanitize_html

register = template.Library()


def _html_lang(code: str) -> str:
    return "zh-CN" if code == "zh-hans" else code


def _toggle_url(name: str, next_path: str, **params: str) -> str:
    return reverse(name) + "?" + urlencode({**params, "next": next_path})


@register.simple_tag(takes_context=True)
def portal_shell(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    next_path = request.get_full_path() if request is not None else reverse("portal:home")
    current_language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    home = reverse("portal:home")
    channels: list[dict[str, Any]] = [{"key": "home", "url": home, "label": gettext("Home")}]
    channels += [
        {"key": value, "url": reverse("portal:category", args=[value]), "label": label}
        for value, label in Article.Category.choices
    ]
    column = context.get("portal_column")
    if column is None and request is not None:
        column = "home" if request.path == home else None
        for item in channels[1:]:
            if request.path.startswith(item["url"]):
                column = item["key"]
    for item in channels:
        item["active"] = item["key"] == column
    languages = [
        {
            "name": get_language_info(code)["name_local"],
            "html_lang": _html_lang(code),
            "current": code == current_language,
            "url": _toggle_url("portal:language", next_path, language=code),
        }
        for code, _name in settings.LANGUAGES
    ]
    elder = request is not None and is_elder_mode(request)
    return {
        "site_name": settings.JIANGXIN_SITE_NAME,
        "site_domain": urlsplit(settings.JIANGXIN_SITE_URL).netloc,
        "site_code": settings.JIANGXIN_PORTAL_SITE_CODE,
        "sponsor": settings.JIANGXIN_PORTAL_SPONSOR,
        "address": settings.JIANGXIN_PORTAL_ADDRESS,
        "phone": settings.JIANGXIN_PORTAL_PHONE,
        "icp": settings.JIANGXIN_PORTAL_ICP,
        "psb": settings.JIANGXIN_PORTAL_PSB,
        "elder": elder,
        "elder_toggle_url": _toggle_url("portal:elder_mode", next_path, on="0" if elder else "1"),
        "languages": languages,
        "channels": channels,
        "query": request.GET.get("q", "")[:100] if request is not None else "",
    }


@register.filter
def article_body(article: Article) -> SafeString:
    """The article's text as HTML: sanitised HTML, or plain text with its line breaks."""
    if article.body_format == Article.BodyFormat.HTML:
        return mark_safe(sanitize_html(article.body))  # noqa: S308 - sanitised just now
    return linebreaks_filter(article.body, autoescape=True)


@register.filter
def article_description(article: Article, length: int = 120) -> str:
    """A one-line description: the summary, or the start of the text."""
    if article.summary:
        return article.summary
    text = (
        html_to_text(article.body)
        if article.body_format == Article.BodyFormat.HTML
        else " ".join(article.body.split())
    )
    return text if len(text) <= length else text[:length].rstrip() + "…"
