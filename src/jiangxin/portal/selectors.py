"""Reads of the portal: what the public sees, what an editor may edit, search, freshness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Count, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts import rules as account_rules
from jiangxin.portal import rules
from jiangxin.portal.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from jiangxin.accounts.models import User

S = Article.Status
C = Article.Category

#: Query words shorter than this are not searched (one Chinese character matches everything).
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100


def public_articles(now: dt.datetime | None = None) -> QuerySet[Article]:
    """Articles the public sees now: published, or scheduled for a moment that has come
    (so a scheduled article appears on time even before `publish_due_articles` runs)."""
    now = now or timezone.now()
    return Article.objects.filter(status__in=[S.PUBLISHED, S.SCHEDULED], published_at__lte=now)


def articles_editable_by(user: User | AnonymousUser) -> QuerySet[Article]:
    """Articles an editor may edit: those of the organizations under their editor grants."""
    if not rules.can_edit_portal(user):
        return Article.objects.none()
    orgs = rules.editor_orgs(user)
    scope = account_rules.subtree_q([org.path for org in orgs], field="source_org__path")
    if any(org.depth == 1 for org in orgs):
        scope |= Q(source_org__isnull=True)
    return Article.objects.filter(scope).select_related("source_org", "created_by")


def related_articles(article: Article, limit: int = 5) -> list[Article]:
    """Other public articles of the same campaign first, then of the same channel."""
    base = public_articles().exclude(pk=article.pk).defer("body").select_related("notice")
    related: list[Article] = []
    if article.campaign_id:
        related = list(base.filter(campaign_id=article.campaign_id)[:limit])
    if len(related) < limit:
        related += list(
            base.filter(category=article.category).exclude(pk__in=[a.pk for a in related])[
                : limit - len(related)
            ]
        )
    return related


def normalise_query(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


def search_public_articles(query: str, category: str = "") -> QuerySet[Article]:
    """Public articles whose title or text holds every word of `query`, title matches first.

    Substring matching, because Chinese has no spaces between words for a full-text parser
    to split on (PostgreSQL's parsers treat a run of Chinese characters as one word). On
    PostgreSQL a pg_trgm GIN index on title and body (migration 0004) serves these
    `ILIKE '%…%'` filters; SQLite scans, which is fine at a portal's size.
    """
    words = [w for w in normalise_query(query).split(" ") if w]
    if not words or len("".join(words)) < MIN_QUERY_LENGTH:
        return Article.objects.none()
    qs = public_articles()
    if category:
        qs = qs.filter(category=category)
    in_title = Q()
    for word in words:
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
        in_title &= Q(title__icontains=word)
    title_match = Case(
        When(in_title, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return qs.annotate(title_match=title_match).order_by("-title_match", "-published_at", "-id")


# --- Column freshness (栏目更新情况) --------------------------------------------------------

#: Columns of news and notices must be updated at least every two weeks (动态、要闻类栏目);
#: every column at least every six months; an empty column is a fault of its own. These are
#: the thresholds of the State Council's government-website inspection (政府网站检查指标).
DYNAMIC_COLUMNS = frozenset({C.NOTICE, C.STORIES})
DYNAMIC_MAX_AGE = dt.timedelta(days=14)
ANY_MAX_AGE = dt.timedelta(days=183)


@dataclass(frozen=True)
class ColumnFreshness:
    category: str
    label: StrOrPromise
    published: int
    last_published_at: dt.datetime | None
    days_since: int | None
    dynamic: bool
    state: str  # "ok", "stale" (2 weeks, dynamic columns), "dormant" (6 months), "empty"

    @property
    def state_label(self) -> StrOrPromise:
        return {
            "ok": _("Up to date"),
            "stale": _("Not updated for over 2 weeks"),
            "dormant": _("Not updated for over 6 months"),
            "empty": _("Empty column"),
        }[self.state]

    @property
    def needs_attention(self) -> bool:
        return self.state != "ok"


def column_freshness(now: dt.datetime | None = None) -> list[ColumnFreshness]:
    """Each channel's public articles and last publication, with its state (one query)."""
    now = now or timezone.now()
    rows = {
        row["category"]: row
        for row in public_articles(now)
        .order_by()
        .values("category")
        .annotate(n=Count("id"), last=Max("published_at"))
    }
    report = []
    for value, label in C.choices:
        row = rows.get(value)
        last = row["last"] if row else None
        dynamic = value in DYNAMIC_COLUMNS
        if last is None:
            state = "empty"
        elif now - last > ANY_MAX_AGE:
            state = "dormant"
        elif dynamic and now - last > DYNAMIC_MAX_AGE:
            state = "stale"
        else:
            state = "ok"
        report.append(
            ColumnFreshness(
                category=value,
                label=label,
                published=row["n"] if row else 0,
                last_published_at=last,
                days_since=(now - last).days if last else None,
                dynamic=dynamic,
                state=state,
            )
        )
    return report
