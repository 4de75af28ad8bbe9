"""RSS 2.0 and Atom feeds of each channel ("all" for every channel)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from jiangxin.portal import selectors
from jiangxin.portal.models import Article
from jiangxin.portal.templatetags.portal_tags import article_description

FEED_ITEMS = 20
ALL = "all"


class ArticleRssFeed(Feed):
    def get_object(self, request: HttpRequest, category: str) -> str:
        if category != ALL and category not in Article.Category.values:
            raise Http404
        return category

    def _label(self, obj: str) -> str:
        return _("All channels") if obj == ALL else str(Article.Category(obj).label)

    def title(self, obj: str) -> str:
        return f"{self._label(obj)} - {settings.JIANGXIN_SITE_NAME}"

    def link(self, obj: str) -> str:
        return reverse("portal:home") if obj == ALL else reverse("portal:category", args=[obj])

    def description(self, obj: str) -> str:
        return _("The latest articles of %(channel)s on %(site)s.") % {
            "channel": self._label(obj),
            "site": settings.JIANGXIN_SITE_NAME,
        }

    def items(self, obj: str) -> list[Article]:
        qs = selectors.public_articles()
        if obj != ALL:
            qs = qs.filter(category=obj)
        return list(qs[:FEED_ITEMS])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return article_description(item, 200)

    def item_link(self, item: Article) -> str:
        return reverse("portal:article", args=[item.pk])

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.source

    def item_categories(self, item: Article) -> list[Any]:
        return [str(Article.Category(item.category).label)]


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: str) -> str:
        return self.description(obj)
