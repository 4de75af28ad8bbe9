"""The public pages (anonymous, no session, conventions of government websites) and the
editors' pages (program officers only; 404 for everyone else)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jiangxin.portal import actions
from jiangxin.portal.cache import invalidate_portal_cache
from jiangxin.portal.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

S = Article.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def policy(editor):  # type: ignore[no-untyped-def]
    return make_article(
        editor,
        category=Article.Category.POLICY,
        title="大国工匠人才培育工程实施办法",
        body="<h2>一、总则</h2><p>为培养造就更多大国工匠，制定本办法。</p>",
        summary="培育工程的目标与措施。",
        index_number="000013574/2025-00007",
        issuing_authority="中华全国总工会",
        document_number="总工发〔2025〕7号",
        written_on=timezone.localdate(),
    )


# --- Public pages -----------------------------------------------------------------------------


def test_public_pages_answer_anonymous_visitors_without_a_session(client, world, editor) -> None:
    article = policy(editor)
    urls = [
        reverse("portal:home"),
        reverse("portal:category", args=["policy"]),
        reverse("portal:article", args=[article.pk]),
        reverse("portal:article_print", args=[article.pk]),
        reverse("portal:search") + "?q=工匠",
        reverse("portal:feeds"),
        reverse("portal:feed_rss", args=["policy"]),
        reverse("portal:feed_atom", args=["all"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
    assert not Session.objects.exists()


def test_the_home_page_shows_each_channel(client, world, editor, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    for n in range(3):
        make_article(editor, title=f"通知公告{n}")
    policy(editor)
    make_article(editor, category=Article.Category.STORIES, title="焊花里的匠心")
    make_article(editor, title="草稿不公开", publish=False)
    invalidate_portal_cache()  # the cache's generation exists, as it does after the first visit
    # Five channel lists and the next scheduled moment, plus the cache's own bookkeeping.
    with django_assert_max_num_queries(14):
        body = client.get(reverse("portal:home")).content.decode()
    for text in ("通知公告0", "通知公告2", "大国工匠人才培育工程实施办法", "焊花里的匠心"):
        assert text in body
    assert "草稿不公开" not in body
    assert '<meta name="SiteName"' in body
    assert '<meta name="ColumnName" content="' in body


def test_footer_shows_the_configured_site_identity(client, world) -> None:
    with override_settings(
        JIANGXIN_PORTAL_SPONSOR="中华全国总工会",
        JIANGXIN_PORTAL_ADDRESS="北京市西城区复兴门外大街10号",
        JIANGXIN_PORTAL_PHONE="010-00000000",
        JIANGXIN_PORTAL_SITE_CODE="bm00000001",
        JIANGXIN_PORTAL_ICP="京ICP备00000000号",
        JIANGXIN_PORTAL_PSB="京公网安备00000000000000号",
    ):
        body = client.get(reverse("portal:search")).content.decode()
    for text in (
        "北京市西城区复兴门外大街10号",
        "010-00000000",
        "bm00000001",
        '<meta name="SiteIDCode" content="bm00000001">',
        'href="https://beian.miit.gov.cn/"',
        "京ICP备00000000号",
        "京公网安备00000000000000号",
    ):
        assert text in body


def test_a_channel_lists_its_public_articles_with_paging(
    client, world, editor, django_assert_max_num_queries
) -> None:
    for n in range(23):
        make_article(editor, title=f"通知第{n:02d}号")
    make_article(editor, category=Article.Category.RESULTS, title="结果公布一")
    url = reverse("portal:category", args=["notice"])
    invalidate_portal_cache()
    with django_assert_max_num_queries(14):
        first = client.get(url).content.decode()
    assert "通知第22号" in first and "结果公布一" not in first
    assert "通知第00号" not in first
    assert "通知第00号" in client.get(url + "?page=2").content.decode()
    assert client.get(reverse("portal:category", args=["nonsense"])).status_code == 404


def test_the_article_page_follows_the_conventions(client, world, editor) -> None:
    article = policy(editor)
    body = client.get(reverse("portal:article", args=[article.pk])).content.decode()
    assert '<meta name="ArticleTitle" content="大国工匠人才培育工程实施办法">' in body
    pub = timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M")
    assert f'<meta name="PubDate" content="{pub}">' in body
    assert '<meta name="ContentSource" content="中华全国总工会">' in body
    assert '<meta name="ColumnName" content="' in body
    assert 'class="policy-header"' in body
    for text in ("000013574/2025-00007", "总工发〔2025〕7号", "<h2>一、总则</h2>"):
        assert text in body
    assert reverse("portal:article_print", args=[article.pk]) in body


def test_a_plain_text_article_keeps_its_line_breaks_and_is_escaped(client, world) -> None:
    article = Article.objects.create(
        category=Article.Category.NOTICE,
        title="部署通知",
        body="各有关单位：\n现将有关事项通知如下。\n\n<script>alert(1)</script>",
        status=S.PUBLISHED,
        published_at=timezone.now(),
    )
    body = client.get(reverse("portal:article", args=[article.pk])).content.decode()
    assert "<p>各有关单位：<br>现将有关事项通知如下。</p>" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_html_marked_bodies_are_sanitised_when_shown(client, world) -> None:
    """Defence in depth: HTML that reached the table without the editor is cleaned too."""
    article = Article.objects.create(
        category=Article.Category.NOTICE,
        title="未经编辑器的正文",
        body='<p onclick="x()">正文</p><script>alert(1)</script>',
        body_format=Article.BodyFormat.HTML,
        status=S.PUBLISHED,
        published_at=timezone.now(),
    )
    body = client.get(reverse("portal:article", args=[article.pk])).content.decode()
    assert "<p>正文</p>" in body
    assert "alert(1)" not in body and "onclick" not in body


def test_drafts_scheduled_and_withdrawn_articles_are_not_public(client, world, editor) -> None:
    draft = make_article(editor, publish=False)
    scheduled = make_article(editor, publish=False)
    actions.do_publish_article(
        acting_user=editor,
        article_id=scheduled.pk,
        publish_at=timezone.now() + timezone.timedelta(days=1),
    )
    withdrawn = make_article(editor)
    actions.do_withdraw_article(acting_user=editor, article_id=withdrawn.pk, reason="有误")
    for article in (draft, scheduled, withdrawn):
        for name in ("portal:article", "portal:article_print"):
            assert client.get(reverse(name, args=[article.pk])).status_code == 404


def test_a_notice_article_includes_the_notice_block(client, world, editor) -> None:
    article = make_article(editor, category=Article.Category.PUBLIC_NOTICE)
    # Rendering with a notice set uses the notices app's block (an empty placeholder here).
    from django.template.loader import get_template

    source = get_template("portal/article.html").template.source
    assert '{% include "notices/_notice_block.html" with notice=article.notice %}' in source
    assert client.get(reverse("portal:article", args=[article.pk])).status_code == 200


def test_related_articles_and_attachments(client, world, editor) -> None:
    article = make_article(editor, title="主文章")
    make_article(editor, title="同栏目文章")
    make_article(editor, category=Article.Category.STORIES, title="其他栏目文章")
    attachment = actions.do_add_article_attachment(
        acting_user=editor,
        article_id=article.pk,
        name="附件一.pdf",
        stream=io.BytesIO(PDF),
        size=len(PDF),
    )
    body = client.get(reverse("portal:article", args=[article.pk])).content.decode()
    assert "同栏目文章" in body and "其他栏目文章" not in body
    url = reverse("portal:attachment", args=[article.pk, attachment.pk])
    assert url in body and "附件一.pdf" in body
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "filename*=UTF-8''%E9%99%84%E4%BB%B6%E4%B8%80.pdf" in download["Content-Disposition"]
    # Another article's id, or an article that is not public: 404.
    other = make_article(editor, publish=False)
    assert (
        client.get(reverse("portal:attachment", args=[other.pk, attachment.pk])).status_code == 404
    )


def test_search_finds_titles_and_text(client, world, editor) -> None:
    make_article(editor, title="关于举办研修班的通知", body="<p>地点在北京。</p>")
    make_article(editor, title="工匠学院开班", body="<p>研修班分三个阶段。</p>")
    make_article(editor, title="无关文章", body="<p>其他内容。</p>")
    make_article(editor, title="研修班草稿", publish=False)
    url = reverse("portal:search")
    body = client.get(url, {"q": "研修班"}).content.decode()
    assert "关于举办研修班的通知" in body and "工匠学院开班" in body
    assert "无关文章" not in body and "研修班草稿" not in body
    # The title match comes first.
    assert body.index("关于举办研修班的通知") < body.index("工匠学院开班")
    # Every word must match.
    both = client.get(url, {"q": "研修班 北京"}).content.decode()
    assert "关于举办研修班的通知" in both and "工匠学院开班" not in both
    # Filter by channel.
    assert (
        "工匠学院开班"
        not in client.get(url, {"q": "研修班", "category": "policy"}).content.decode()
    )
    # One character is not searched.
    assert "关于举办研修班的通知" not in client.get(url, {"q": "班"}).content.decode()


def test_feeds_are_valid_and_list_public_articles(client, world, editor) -> None:
    make_article(editor, title="订阅测试通知")
    make_article(editor, title="订阅草稿", publish=False)
    rss = client.get(reverse("portal:feed_rss", args=["notice"]))
    assert rss["Content-Type"].startswith("application/rss+xml")
    # Our own server's output, not untrusted XML.
    titles = [t.text for t in ET.fromstring(rss.content).iter("title")]  # noqa: S314
    assert "订阅测试通知" in titles and "订阅草稿" not in titles
    atom = client.get(reverse("portal:feed_atom", args=["all"]))
    assert atom["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(atom.content).findall("a:entry", ns)  # noqa: S314
    assert [e.find("a:title", ns).text for e in entries] == ["订阅测试通知"]  # type: ignore[union-attr]
    assert client.get(reverse("portal:feed_rss", args=["nonsense"])).status_code == 404


def test_elder_mode_persists_in_a_cookie_and_redirects_back_safely(client, world) -> None:
    url = reverse("portal:elder_mode")
    on = client.get(url, {"on": "1", "next": "/portal/c/policy/"})
    assert on.status_code == 302 and on["Location"] == "/portal/c/policy/"
    assert on.cookies["jiangxin_elder"].value == "1"
    assert on.cookies["jiangxin_elder"]["httponly"]
    page = client.get("/portal/c/policy/").content.decode()
    assert 'class="portal elder"' in page
    assert "on=0" in page  # the toggle now turns it off
    off = client.get(url, {"on": "0", "next": "https://evil.example/"})
    assert off["Location"] == reverse("portal:home")
    assert 'class="portal"' in client.get("/portal/").content.decode()


def test_the_language_link_sets_the_cookie(client, world) -> None:
    response = client.get(reverse("portal:language"), {"language": "en", "next": "/portal/"})
    assert response["Location"] == "/portal/"
    assert response.cookies["jiangxin_language"].value == "en"
    assert '<html lang="en"' in client.get("/portal/").content.decode()
    bad = client.get(reverse("portal:language"), {"language": "xx", "next": "//evil.example"})
    assert "jiangxin_language" not in bad.cookies or bad.cookies["jiangxin_language"].value != "xx"
    assert bad["Location"] == reverse("portal:home")


def test_the_print_version_has_no_navigation(client, world, editor) -> None:
    article = policy(editor)
    body = client.get(reverse("portal:article_print", args=[article.pk])).content.decode()
    assert "portal-nav" not in body
    assert 'class="policy-header"' in body
    assert "jiangxin/portal.js" in body


# --- Editors' pages ---------------------------------------------------------------------------

MANAGE = ["portal:manage_list", "portal:manage_create", "portal:freshness"]


@pytest.mark.parametrize(
    "role", ["hebei_officer", "sjz_officer", "hebei_clerk", "expert", "craftsman", "audit_admin"]
)
def test_editor_pages_are_404_for_everyone_but_editors(client, world, editor, role) -> None:
    article = make_article(editor)
    client.force_login(world.users[role])
    for name in MANAGE:
        assert client.get(reverse(name)).status_code == 404
    for name in ("portal:manage_detail", "portal:manage_edit"):
        assert client.get(reverse(name, args=[article.pk])).status_code == 404
    for name in ("portal:manage_publish", "portal:manage_withdraw", "portal:manage_attachment_add"):
        assert client.post(reverse(name, args=[article.pk]), {"reason": "x"}).status_code == 404
    article.refresh_from_db()
    assert article.status == S.PUBLISHED


def test_an_editor_sees_only_the_articles_of_their_organizations(
    client, world, editor, hebei_editor, django_assert_max_num_queries
) -> None:
    national = make_article(editor, title="全国总工会的文章")
    for n in range(5):
        make_article(hebei_editor, org=world.hebei, title=f"河北的文章{n}")
    client.force_login(hebei_editor)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("portal:manage_list")).content.decode()
    assert "河北的文章4" in body and "全国总工会的文章" not in body
    assert client.get(reverse("portal:manage_detail", args=[national.pk])).status_code == 404
    client.force_login(editor)
    body = client.get(reverse("portal:manage_list")).content.decode()
    assert "河北的文章4" in body and "全国总工会的文章" in body


def test_writing_and_publishing_through_the_pages(client, world, editor) -> None:
    client.force_login(editor)
    form = client.get(reverse("portal:manage_create"))
    assert form.status_code == 200
    assert "vendor/squire/squire.js" in form.content.decode()
    response = client.post(
        reverse("portal:manage_create"),
        {
            "category": "policy",
            "title": "关于开展工匠宣传的通知",
            "body": '<p style="color:red" onclick="x()">正文<script>alert(1)</script></p>',
            "source_org": world.acftu.pk,
            "document_number": "总工办发〔2025〕12号",
        },
    )
    article = Article.objects.get(title="关于开展工匠宣传的通知")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:manage_detail", args=[article.pk])
    assert article.body == "<p>正文</p>"
    assert article.status == S.DRAFT
    detail = client.get(response["Location"]).content.decode()
    assert "总工办发〔2025〕12号" in detail
    published = client.post(reverse("portal:manage_publish", args=[article.pk]), {"publish_at": ""})
    assert published.status_code == 302
    article.refresh_from_db()
    assert article.status == S.PUBLISHED
    # The publication date is not among the editable fields.
    edit = client.get(reverse("portal:manage_edit", args=[article.pk])).content.decode()
    assert 'name="published_at"' not in edit and 'name="publish_at"' not in edit


def test_form_errors_keep_what_was_typed(client, world, editor) -> None:
    client.force_login(editor)
    response = client.post(
        reverse("portal:manage_create"),
        {
            "category": "policy",
            "title": "保留输入的标题",
            "body": "<p>正文</p>",
            "source_org": world.acftu.pk,
            "document_number": "总工发(2025)7号",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "error-summary" in body and "保留输入的标题" in body
    assert not Article.objects.filter(title="保留输入的标题").exists()


def test_scheduling_and_withdrawing_through_the_pages(client, world, editor) -> None:
    article = make_article(editor, publish=False)
    client.force_login(editor)
    later = timezone.localtime() + timezone.timedelta(days=2)
    client.post(
        reverse("portal:manage_publish", args=[article.pk]),
        {"publish_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    article.refresh_from_db()
    assert article.status == S.SCHEDULED
    refused = client.post(reverse("portal:manage_withdraw", args=[article.pk]), {"reason": ""})
    assert refused.status_code == 422
    client.post(reverse("portal:manage_withdraw", args=[article.pk]), {"reason": "延后"})
    article.refresh_from_db()
    assert article.status == S.DRAFT


def test_uploading_an_attachment_through_the_page(client, world, editor) -> None:
    article = make_article(editor)
    client.force_login(editor)
    bad = client.post(
        reverse("portal:manage_attachment_add", args=[article.pk]),
        {"file": SimpleUploadedFile("程序.exe", b"MZ\x90\x00", content_type="application/pdf")},
    )
    assert bad.status_code == 422
    good = client.post(
        reverse("portal:manage_attachment_add", args=[article.pk]),
        {"file": SimpleUploadedFile("通知.pdf", PDF, content_type="application/pdf")},
    )
    assert good.status_code == 302
    attachment = article.attachments.get()
    client.post(reverse("portal:manage_attachment_remove", args=[article.pk, attachment.pk]))
    assert not article.attachments.exists()


def test_the_freshness_report_flags_columns(client, world, editor) -> None:
    import datetime as dt

    import time_machine

    with time_machine.travel(timezone.now() - dt.timedelta(days=20)):
        make_article(editor, category=Article.Category.NOTICE, title="二十天前的通知")
    with time_machine.travel(timezone.now() - dt.timedelta(days=200)):
        make_article(editor, category=Article.Category.RESULTS, title="两百天前的结果")
    make_article(editor, category=Article.Category.POLICY, title="今天的政策")
    client.force_login(editor)
    response = client.get(reverse("portal:freshness"))
    states = {row.category: row.state for row in response.context["report"]}
    assert states == {
        "policy": "ok",
        "notice": "stale",
        "public_notice": "empty",
        "results": "dormant",
        "stories": "empty",
    }
    assert response.context["attention"] == 4


def test_the_sidebar_offers_the_portal_to_editors_only(client, world, editor) -> None:
    client.force_login(editor)
    assert reverse("portal:manage_list") in client.get("/").content.decode()
    client.force_login(world.users["hebei_clerk"])
    assert reverse("portal:manage_list") not in client.get("/").content.decode()


@pytest.mark.usefixtures("campaign_day")
def test_public_notice_lists_do_no_query_per_notice(
    client, world, editor, django_assert_max_num_queries
) -> None:
    import datetime as dt

    from jiangxin.notices.models import PublicNotice
    from tests.factories import make_campaign

    campaign = make_campaign(editor, world.acftu, deploy=False)
    for n in range(4):
        # Notices of promoted nominees (递补): a campaign may have several.
        notice = PublicNotice.objects.create(
            campaign=campaign,
            kind=PublicNotice.Kind.PROMOTION,
            title=f"公示{n}",
            status=PublicNotice.Status.OPEN if n % 2 else PublicNotice.Status.CLOSED,
            starts_on=dt.date(2026, 6, 15),
            ends_on=dt.date(2026, 6, 19),
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(days=4),
            working_days=5,
        )
        Article.objects.create(
            category=Article.Category.PUBLIC_NOTICE,
            title=f"关于公示名单的公告{n}",
            body="公示内容",
            notice=notice,
            status=S.PUBLISHED,
            published_at=timezone.now(),
        )
    invalidate_portal_cache()
    with django_assert_max_num_queries(14):
        body = client.get(reverse("portal:category", args=["public_notice"])).content.decode()
    assert body.count('class="badge portal-badge-open"') == 2
    with django_assert_max_num_queries(14):
        home = client.get(reverse("portal:home")).content.decode()
    assert "关于公示名单的公告3" in home


def test_the_dashboard_shows_the_portal_numbers_to_editors(client, world, editor) -> None:
    make_article(editor, title="草稿一", publish=False)
    client.force_login(editor)
    body = client.get("/").content.decode()
    assert reverse("portal:freshness") in body
    assert reverse("portal:manage_list") + "?status=draft" in body
