"""Editors' actions: drafts, publication now or later, withdrawal, attachments, scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from jiangxin.core.audit import AuditEvent
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.portal import actions
from jiangxin.portal.models import Article, ArticleAttachment
from jiangxin.portal.selectors import public_articles
from tests.factories import make_article

S = Article.Status
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fields(world, **changes):  # type: ignore[no-untyped-def]
    values = {
        "category": Article.Category.POLICY,
        "title": "关于做好工匠人才培育工作的通知",
        "body": "<p>正文</p><script>alert(1)</script>",
        "source_org": world.acftu,
        "document_number": "总工发〔2025〕7号",
        "issuing_authority": "中华全国总工会",
    }
    values.update(changes)
    return actions.ArticleFields(**values)


def test_a_new_article_is_a_sanitised_draft(world, editor) -> None:
    article = actions.do_create_article(acting_user=editor, fields=fields(world))
    assert article.status == S.DRAFT
    assert article.published_at is None
    assert article.body == "<p>正文</p>"
    assert article.body_format == Article.BodyFormat.HTML
    assert article.source == "中华全国总工会"  # the organization's name when left empty
    assert not public_articles().filter(pk=article.pk).exists()
    assert AuditEvent.objects.filter(action="portal.article_created", object_id=str(article.pk))


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"body": "<script>x</script>"}, "portal.empty_body"),
        ({"title": "  "}, "portal.title"),
        ({"category": "news"}, "portal.category"),
        ({"document_number": "总工发[2025]7号"}, "portal.document_number"),
        ({"document_number": "〔2025〕7号"}, "portal.document_number"),
    ],
)
def test_what_an_editor_writes_is_checked(world, editor, change, rule) -> None:
    with pytest.raises(DomainError) as exc:
        actions.do_create_article(acting_user=editor, fields=fields(world, **change))
    assert exc.value.rule == rule


def test_only_editors_write_and_only_for_their_organizations(world, editor, hebei_editor) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_create_article(acting_user=world.users["hebei_officer"], fields=fields(world))
    with pytest.raises(PermissionDenied) as exc:
        actions.do_create_article(acting_user=hebei_editor, fields=fields(world))
    assert exc.value.rule == "portal.source_org"
    national = make_article(editor)
    with pytest.raises(PermissionDenied):
        actions.do_withdraw_article(acting_user=hebei_editor, article_id=national.pk, reason="x")
    hebei = make_article(hebei_editor, org=world.hebei)
    # The national editor's scope covers the Hebei federation's subtree.
    actions.do_withdraw_article(acting_user=editor, article_id=hebei.pk, reason="内容有误")


def test_publishing_sets_the_date_once(world, editor) -> None:
    article = actions.do_create_article(acting_user=editor, fields=fields(world))
    published = actions.do_publish_article(acting_user=editor, article_id=article.pk)
    assert published.status == S.PUBLISHED
    first_date = published.published_at
    assert first_date is not None
    with pytest.raises(DomainError) as exc:
        actions.do_publish_article(acting_user=editor, article_id=article.pk)
    assert exc.value.rule == "portal.already_published"
    # Editing keeps the date; withdrawing and publishing again restore it unchanged.
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        actions.do_update_article(
            acting_user=editor, article_id=article.pk, fields=fields(world, title="更正后的标题")
        )
        actions.do_withdraw_article(acting_user=editor, article_id=article.pk, reason="更正")
        with pytest.raises(DomainError) as exc:
            actions.do_publish_article(
                acting_user=editor,
                article_id=article.pk,
                publish_at=timezone.now() + dt.timedelta(days=1),
            )
        assert exc.value.rule == "portal.date_fixed"
        again = actions.do_publish_article(acting_user=editor, article_id=article.pk)
    assert again.status == S.PUBLISHED
    assert again.published_at == first_date
    assert again.title == "更正后的标题"


def test_backdating_is_refused(world, editor) -> None:
    article = actions.do_create_article(acting_user=editor, fields=fields(world))
    with pytest.raises(DomainError) as exc:
        actions.do_publish_article(
            acting_user=editor,
            article_id=article.pk,
            publish_at=timezone.now() - dt.timedelta(days=2),
        )
    assert exc.value.rule == "portal.backdated"


def test_a_scheduled_article_is_public_from_its_moment(world, editor) -> None:
    article = actions.do_create_article(acting_user=editor, fields=fields(world))
    at = timezone.now() + dt.timedelta(hours=2)
    scheduled = actions.do_publish_article(acting_user=editor, article_id=article.pk, publish_at=at)
    assert scheduled.status == S.SCHEDULED
    assert not public_articles().filter(pk=article.pk).exists()
    assert actions.publish_due_articles() == []
    with time_machine.travel(at + dt.timedelta(minutes=1)):
        assert public_articles().filter(pk=article.pk).exists()
        done = actions.publish_due_articles()
    assert [a.pk for a in done] == [article.pk]
    article.refresh_from_db()
    assert article.status == S.PUBLISHED
    assert article.published_at == at


def test_cancelling_a_schedule_makes_a_draft_again(world, editor) -> None:
    article = actions.do_create_article(acting_user=editor, fields=fields(world))
    actions.do_publish_article(
        acting_user=editor, article_id=article.pk, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    cancelled = actions.do_withdraw_article(
        acting_user=editor, article_id=article.pk, reason="推迟发布"
    )
    assert cancelled.status == S.DRAFT
    assert cancelled.published_at is None


def test_withdrawal_needs_a_reason_and_a_public_article(world, editor) -> None:
    draft = actions.do_create_article(acting_user=editor, fields=fields(world))
    with pytest.raises(DomainError) as exc:
        actions.do_withdraw_article(acting_user=editor, article_id=draft.pk, reason="x")
    assert exc.value.rule == "portal.not_published"
    published = make_article(editor)
    with pytest.raises(DomainError) as exc:
        actions.do_withdraw_article(acting_user=editor, article_id=published.pk, reason=" ")
    assert exc.value.rule == "portal.withdraw_reason"
    withdrawn = actions.do_withdraw_article(
        acting_user=editor, article_id=published.pk, reason="信息有误"
    )
    assert withdrawn.status == S.WITHDRAWN
    assert withdrawn.withdrawn_at is not None
    assert not public_articles().filter(pk=published.pk).exists()
    event = AuditEvent.objects.get(action="portal.article_withdrawn")
    assert event.summary["reason"] == "信息有误"


def test_a_deployment_notice_stays_plain_text(world, editor) -> None:
    """Articles other apps create (Article.objects.create) keep the plain-text default."""
    article = Article.objects.create(
        category=Article.Category.NOTICE,
        title="关于开展遴选的通知",
        body="第一行\n第二行",
        status=S.PUBLISHED,
        published_at=timezone.now(),
    )
    assert article.body_format == Article.BodyFormat.TEXT


def test_attachments_are_checked_and_removed_with_their_file(
    world, editor, django_capture_on_commit_callbacks
) -> None:
    article = make_article(editor)
    attachment = actions.do_add_article_attachment(
        acting_user=editor,
        article_id=article.pk,
        name="通知附件.pdf",
        stream=io.BytesIO(PDF),
        size=len(PDF),
    )
    assert attachment.content_type == "application/pdf"
    assert default_storage.exists(attachment.file.name)
    assert attachment.file.name.startswith("portal/")
    with pytest.raises(DomainError) as exc:
        actions.do_add_article_attachment(
            acting_user=editor,
            article_id=article.pk,
            name="脚本.pdf",
            stream=io.BytesIO(b"<script>alert(1)</script>"),
            size=25,
        )
    assert exc.value.rule == "upload.content_mismatch"
    assert ArticleAttachment.objects.count() == 1
    name = attachment.file.name
    with pytest.raises(PermissionDenied):
        actions.do_remove_article_attachment(
            acting_user=world.users["hebei_officer"], attachment_id=attachment.pk
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_remove_article_attachment(acting_user=editor, attachment_id=attachment.pk)
        assert default_storage.exists(name)  # deleted only once the removal commits
    assert not ArticleAttachment.objects.exists()
    assert not default_storage.exists(name)
