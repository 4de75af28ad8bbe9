"""View counts: no database write per view; batches written in one UPDATE."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiangxin.portal.cache import HIT_HEADER
from jiangxin.portal.counter import view_counter
from jiangxin.portal.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _article_writes(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "portal_article"')
    ]


@override_settings(JIANGXIN_PORTAL_VIEW_FLUSH_EVERY=100, JIANGXIN_PORTAL_VIEW_FLUSH_SECONDS=3600)
def test_views_are_counted_without_a_write_per_view(client, world, editor) -> None:
    article = make_article(editor)
    url = reverse("portal:article", args=[article.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(5):
            response = client.get(url)
            assert response[HIT_HEADER] == "hit"  # served from the cache, and still counted
    assert _article_writes(ctx) == []
    assert view_counter.pending() == {article.pk: 6}
    with CaptureQueriesContext(connection) as ctx:
        assert view_counter.flush() == 6
    assert len(_article_writes(ctx)) == 1
    article.refresh_from_db()
    assert article.view_count == 6


@override_settings(JIANGXIN_PORTAL_VIEW_FLUSH_EVERY=4, JIANGXIN_PORTAL_VIEW_FLUSH_SECONDS=3600)
def test_a_batch_is_written_every_n_views_in_one_update(client, world, editor) -> None:
    first, second = make_article(editor), make_article(editor)
    with CaptureQueriesContext(connection) as ctx:
        for article in (first, second, first, second, first):
            client.get(reverse("portal:article", args=[article.pk]))
    # Four views, two articles: one UPDATE for both; the fifth view waits for the next batch.
    assert len(_article_writes(ctx)) == 1
    counts = dict(
        Article.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "view_count")
    )
    assert counts == {first.pk: 2, second.pk: 2}
    assert view_counter.pending() == {first.pk: 1}


def test_missing_articles_and_head_requests_count_nothing(client, world, editor) -> None:
    draft = make_article(editor, publish=False)
    assert client.get(reverse("portal:article", args=[draft.pk])).status_code == 404
    article = make_article(editor)
    client.head(reverse("portal:article", args=[article.pk]))
    assert view_counter.pending() == {}


@override_settings(JIANGXIN_PORTAL_VIEW_FLUSH_EVERY=100, JIANGXIN_PORTAL_VIEW_FLUSH_SECONDS=0)
def test_a_batch_is_written_when_it_is_old_enough(client, world, editor) -> None:
    article = make_article(editor)
    client.get(reverse("portal:article", args=[article.pk]))
    article.refresh_from_db()
    assert article.view_count == 1
