"""The anonymous page cache: shared, per language and elder mode, invalidated on publish."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jiangxin.portal import actions
from jiangxin.portal.cache import HIT_HEADER, invalidate_portal_cache
from jiangxin.portal.elder import COOKIE_NAME as ELDER_COOKIE
from jiangxin.portal.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HOME = "/portal/"


@pytest.fixture(autouse=True)
def _commit_callbacks_run(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Invalidation happens after the commit; inside a test transaction run it at once."""
    with django_capture_on_commit_callbacks(execute=True):
        yield


def test_the_second_anonymous_visit_is_served_from_the_cache(client, world, editor) -> None:
    make_article(editor, title="第一篇通知")
    first = client.get(HOME)
    assert first[HIT_HEADER] == "miss"
    second = client.get(HOME)
    assert second[HIT_HEADER] == "hit"
    assert second.content == first.content
    assert "第一篇通知" in second.content.decode()
    assert not second.cookies  # nothing personal in a shared page


def test_publishing_invalidates_the_cached_pages(
    client, world, editor, django_capture_on_commit_callbacks
) -> None:
    draft = make_article(editor, title="新发布的通知", publish=False)
    client.get(HOME)
    assert client.get(HOME)[HIT_HEADER] == "hit"
    assert "新发布的通知" not in client.get(HOME).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_publish_article(acting_user=editor, article_id=draft.pk)
    after = client.get(HOME)
    assert after[HIT_HEADER] == "miss"
    assert "新发布的通知" in after.content.decode()
    assert client.get(reverse("portal:article", args=[draft.pk])).status_code == 200


def test_withdrawing_removes_the_article_at_once(
    client, world, editor, django_capture_on_commit_callbacks
) -> None:
    article = make_article(editor, title="将被撤回的通知")
    url = reverse("portal:article", args=[article.pk])
    assert client.get(url).status_code == 200
    assert client.get(url)[HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_withdraw_article(acting_user=editor, article_id=article.pk, reason="有误")
    assert client.get(url).status_code == 404
    assert "将被撤回的通知" not in client.get(HOME).content.decode()


def test_an_article_written_by_another_app_invalidates_too(
    client, world, django_capture_on_commit_callbacks
) -> None:
    """E.g. a campaign's deployment notice, created with Article.objects.create()."""
    client.get(HOME)
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.create(
            category=Article.Category.NOTICE,
            title="部署通知",
            body="正文",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
    assert "部署通知" in client.get(HOME).content.decode()


def test_one_copy_per_language_and_elder_mode(client, world, editor) -> None:
    make_article(editor)
    assert client.get(HOME)[HIT_HEADER] == "miss"
    client.cookies[ELDER_COOKIE] = "1"
    elder = client.get(HOME)
    assert elder[HIT_HEADER] == "miss"
    assert 'class="portal elder"' in elder.content.decode()
    assert client.get(HOME)[HIT_HEADER] == "hit"
    client.cookies["jiangxin_language"] = "en"
    english = client.get(HOME)
    assert english[HIT_HEADER] == "miss"
    assert '<html lang="en"' in english.content.decode()


def test_signed_in_users_and_unknown_parameters_bypass_the_cache(client, world, editor) -> None:
    client.get(HOME)
    assert HIT_HEADER not in client.get(HOME + "?utm_source=x")
    client.force_login(editor)
    assert HIT_HEADER not in client.get(HOME)


def test_a_page_carrying_messages_is_not_shared(client, world) -> None:
    from django.contrib.messages.storage.cookie import CookieStorage

    client.get(HOME)
    client.cookies[CookieStorage.cookie_name] = "anything"
    assert HIT_HEADER not in client.get(HOME)


def test_pages_of_a_channel_are_cached_separately(client, world, editor) -> None:
    url = reverse("portal:category", args=["notice"])
    assert client.get(url)[HIT_HEADER] == "miss"
    assert client.get(url + "?page=2")[HIT_HEADER] == "miss"
    assert client.get(url + "?page=2")[HIT_HEADER] == "hit"


def test_a_scheduled_article_appears_on_time(client, world, editor) -> None:
    draft = make_article(editor, title="定时发布的通知", publish=False)
    at = timezone.now() + dt.timedelta(minutes=30)
    actions.do_publish_article(acting_user=editor, article_id=draft.pk, publish_at=at)
    assert "定时发布的通知" not in client.get(HOME).content.decode()
    assert client.get(HOME)[HIT_HEADER] == "hit"
    # The cached page expires at the scheduled moment, though nothing was published since.
    with time_machine.travel(at + dt.timedelta(seconds=5)):
        assert "定时发布的通知" in client.get(HOME).content.decode()


def test_invalidation_survives_a_cleared_generation(client, world, editor) -> None:
    client.get(HOME)
    invalidate_portal_cache()
    assert client.get(HOME)[HIT_HEADER] == "miss"


def test_a_page_with_a_csrf_token_or_a_cookie_is_never_stored(rf, world) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from jiangxin.portal.cache import cache_public_page

    calls = []

    @cache_public_page()
    def with_form(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    @cache_public_page()
    def with_cookie(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        response = HttpResponse("x")
        response.set_cookie("pref", "1")
        return response

    for view in (with_form, with_cookie):
        for _ in range(2):
            request = rf.get("/portal/form/" + view.__name__)
            request.user = AnonymousUser()
            assert HIT_HEADER not in view(request)
    assert len(calls) == 4  # rendered every time
