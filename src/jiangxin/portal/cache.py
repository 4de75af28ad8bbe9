"""The page cache of anonymous visitors, shared by every app server (Django's cache framework
on the database cache of settings.CACHES).

- Only anonymous GET/HEAD requests are served from and stored in the cache; a request that
  carries flash messages is not (the page would have to show and then clear them).
- A response is stored only if it is a plain 200 that sets no cookie and asked for no CSRF
  token or session change, so a page with a form (and its token) is never shared.
- One copy per path, allowed query parameters, language and elder mode. Other query
  parameters are not cached at all, so nobody can fill the cache with made-up URLs.
- Invalidation is by generation: every entry records the generation it was rendered under,
  and `invalidate_portal_cache()` starts a new one, after the commit that changed an article
  (so no request can store what it read before the change under the new generation). Old
  entries are then ignored and age out.
- An entry never outlives the next scheduled publication, so a scheduled article appears on
  time even before `publish_due_articles` has run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation

from jiangxin.portal.elder import is_elder_mode

GENERATION_KEY = "portal:generation"
HIT_HEADER = "X-Portal-Cache"

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def invalidate_portal_cache() -> None:
    """Start a new generation: every cached portal page is stale from now on."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def invalidate_portal_cache_on_commit() -> None:
    """Invalidate once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(invalidate_portal_cache)


def invalidate_on_article_change(**kwargs: Any) -> None:
    """Receiver of post_save/post_delete of articles and their attachments (apps.py)."""
    invalidate_portal_cache_on_commit()


def _current_generation(found: dict[str, Any]) -> int:
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        if not cache.add(GENERATION_KEY, generation, timeout=None):  # another request won
            generation = cache.get(GENERATION_KEY, generation)
    return int(generation)


def _request_key(request: HttpRequest, params: Iterable[str]) -> str | None:
    """The cache key of this request, or None when it must not use the cache."""
    if request.method not in ("GET", "HEAD"):
        return None
    if request.user.is_authenticated:
        return None
    if CookieStorage.cookie_name in request.COOKIES:
        return None
    allowed = set(params)
    if any(name not in allowed for name in request.GET):
        return None
    query = "&".join(
        f"{name}={value}" for name in sorted(allowed) for value in request.GET.getlist(name)
    )
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:40]
    mode = "elder" if is_elder_mode(request) else "std"
    return f"portal:page:{digest}:{translation.get_language()}:{mode}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _timeout() -> int:
    """The configured lifetime, cut short by the next scheduled publication."""
    from jiangxin.portal.models import Article

    timeout = settings.JIANGXIN_PORTAL_CACHE_SECONDS
    next_at = (
        Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if next_at is not None:
        timeout = min(timeout, max(1, int((next_at - timezone.now()).total_seconds()) + 1))
    return timeout


def cache_public_page(params: Iterable[str] = ()) -> Callable[[View], View]:
    """Serve anonymous visitors from the shared page cache (see the module docstring).

    `params` are the query parameters that select different pages (e.g. "page"); a request
    with any other parameter bypasses the cache.
    """
    allowed = tuple(params)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = _request_key(request, allowed)
            if key is None:
                return view(request, *args, **kwargs)
            found = cache.get_many([GENERATION_KEY, key])
            generation = _current_generation(found)
            entry = found.get(key)
            if entry is not None and entry["generation"] == generation:
                cached = HttpResponse(entry["content"], status=entry["status"])
                for header, value in entry["headers"]:
                    cached[header] = value
                cached[HIT_HEADER] = "hit"
                return cached
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponse) and _storable(request, response):
                cache.set(
                    key,
                    {
                        "generation": generation,
                        "status": response.status_code,
                        "content": response.content,
                        "headers": list(response.items()),
                    },
                    _timeout(),
                )
                response[HIT_HEADER] = "miss"
            return response

        return wrapped  # type: ignore[return-value]

    return decorator
