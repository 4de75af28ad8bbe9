"""Every write of the portal: editors' drafts, publication (now or scheduled), withdrawal,
attachments. Each action locks the article, checks the editor's scope and the article's state,
writes, and records an audit event; the page cache is invalidated after the commit (see
`jiangxin.portal.apps`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.masking import mask_numbers_in
from jiangxin.people.uploads import check_upload
from jiangxin.portal import rules
from jiangxin.portal.models import DOCUMENT_NUMBER_RE, Article, ArticleAttachment
from jiangxin.portal.sanitize import is_empty_html, sanitize_html

if TYPE_CHECKING:
    from jiangxin.accounts.models import User
    from jiangxin.orgs.models import Organization

S = Article.Status

#: A publication time this far in the past still counts as "now" (the form's clock and the
#: server's differ a little); anything earlier would be backdating.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class ArticleFields:
    """What an editor writes. `body` is the editor's HTML, sanitised here."""

    category: str
    title: str
    body: str
    source_org: Organization
    summary: str = ""
    source: str = ""
    index_number: str = ""
    issuing_authority: str = ""
    document_number: str = ""
    written_on: dt.date | None = None


def _lock(article_id: int, acting_user: User) -> Article:
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("source_org")
        .get(pk=article_id)
    )
    if not rules.can_edit_article(acting_user, article):
        raise PermissionDenied("portal.edit_scope", _("This article is outside your scope."))
    return article


def _check_fields(acting_user: User, fields: ArticleFields) -> str:
    """Check what an editor wrote; return the sanitised body."""
    if fields.category not in Article.Category.values:
        raise DomainError("portal.category", _("Choose one of the portal's channels."))
    if fields.source_org.pk not in {org.pk for org in rules.editor_orgs(acting_user)}:
        raise PermissionDenied(
            "portal.source_org", _("You can publish only for your own organization.")
        )
    if not fields.title.strip():
        raise DomainError("portal.title", _("Give the article a title."))
    body = sanitize_html(fields.body)
    if is_empty_html(body):
        raise DomainError("portal.empty_body", _("Write the text of the article."))
    if fields.document_number and not re.match(DOCUMENT_NUMBER_RE, fields.document_number):
        raise DomainError(
            "portal.document_number",
            _("Write the document number as code〔year〕number号, e.g. 总工发〔2025〕7号."),
        )
    if fields.written_on and fields.written_on > timezone.localdate():
        raise DomainError("portal.written_on", _("The date written cannot be in the future."))
    return body


def _apply(article: Article, fields: ArticleFields, body: str) -> None:
    article.category = fields.category
    article.title = fields.title.strip()
    article.summary = fields.summary.strip()
    article.body = body
    article.body_format = Article.BodyFormat.HTML
    article.source_org = fields.source_org
    article.source = fields.source.strip() or fields.source_org.name
    article.index_number = fields.index_number.strip()
    article.issuing_authority = fields.issuing_authority.strip()
    article.document_number = fields.document_number.strip()
    article.written_on = fields.written_on


def _changes(article: Article) -> dict[str, str]:
    return {"title": mask_numbers_in(article.title), "category": article.category}


@transaction.atomic
def do_create_article(*, acting_user: User, fields: ArticleFields) -> Article:
    """Start a draft (nothing is public until `do_publish_article`)."""
    if not rules.can_edit_portal(acting_user):
        raise PermissionDenied("portal.editor", _("Only portal editors can write articles."))
    body = _check_fields(acting_user, fields)
    article = Article(status=S.DRAFT, created_by=acting_user, updated_by=acting_user)
    _apply(article, fields, body)
    article.save()
    record_event(
        "portal.article_created",
        actor=acting_user,
        obj=article,
        acting_org=article.source_org,
        summary={"after": _changes(article)},
    )
    return article


@transaction.atomic
def do_update_article(*, acting_user: User, article_id: int, fields: ArticleFields) -> Article:
    """Edit the text and header of an article in any state. The publication date is not
    among the fields: once published it never changes."""
    article = _lock(article_id, acting_user)
    body = _check_fields(acting_user, fields)
    if article.notice_id and fields.category != article.category:
        raise DomainError(
            "portal.notice_category",
            _("This article carries a public notice and stays in its channel."),
        )
    before = _changes(article)
    _apply(article, fields, body)
    article.updated_by = acting_user
    article.save()
    record_event(
        "portal.article_updated",
        actor=acting_user,
        obj=article,
        acting_org=article.source_org,
        summary={"before": before, "after": _changes(article), "status": article.status},
    )
    return article


@transaction.atomic
def do_publish_article(
    *, acting_user: User, article_id: int, publish_at: dt.datetime | None = None
) -> Article:
    """Publish now, or schedule for `publish_at` (a later moment).

    An article that has been public keeps its first publication date: republishing a
    withdrawn article restores it as it was, and it cannot be given another date.
    """
    article = _lock(article_id, acting_user)
    now = timezone.now()
    if article.status == S.PUBLISHED or (article.status == S.SCHEDULED and article.is_public):
        raise DomainError("portal.already_published", _("This article is already published."))
    if article.status == S.WITHDRAWN:
        if publish_at is not None:
            raise DomainError(
                "portal.date_fixed",
                _("The publication date of an article cannot change once it was published."),
            )
        article.status = S.PUBLISHED
        article.withdrawn_at = None
    else:  # a draft, or scheduled for later
        if publish_at is not None and publish_at < now - CLOCK_TOLERANCE:
            raise DomainError(
                "portal.backdated", _("An article cannot be published with a date in the past.")
            )
        if publish_at is not None and publish_at > now:
            article.status = S.SCHEDULED
            article.published_at = publish_at
        else:
            article.status = S.PUBLISHED
            article.published_at = now
    article.updated_by = acting_user
    article.save()
    published_at = article.published_at.isoformat() if article.published_at else None
    record_event(
        "portal.article_scheduled" if article.status == S.SCHEDULED else "portal.article_published",
        actor=acting_user,
        obj=article,
        acting_org=article.source_org,
        summary={"after": {"status": article.status, "published_at": published_at}},
    )
    return article


@transaction.atomic
def do_withdraw_article(*, acting_user: User, article_id: int, reason: str) -> Article:
    """Take an article off the portal (撤稿). A scheduled article that is not public yet goes
    back to being a draft instead."""
    article = _lock(article_id, acting_user)
    if article.notice_id:
        raise DomainError(
            "portal.notice_article",
            _("This article carries a public notice: it is managed with the notice."),
        )
    if not reason.strip():
        raise DomainError("portal.withdraw_reason", _("Say why the article is withdrawn."))
    before = article.status
    if article.status == S.SCHEDULED and not article.is_public:
        article.status = S.DRAFT
        article.published_at = None
    elif article.is_public:
        article.status = S.WITHDRAWN
        article.withdrawn_at = timezone.now()
    else:
        raise DomainError("portal.not_published", _("This article is not on the portal."))
    article.updated_by = acting_user
    article.save()
    record_event(
        "portal.article_withdrawn"
        if article.status == S.WITHDRAWN
        else "portal.article_unscheduled",
        actor=acting_user,
        obj=article,
        acting_org=article.source_org,
        summary={
            "before": {"status": before},
            "after": {"status": article.status},
            "reason": mask_numbers_in(reason.strip()[:500]),
        },
    )
    return article


def publish_due_articles(now: dt.datetime | None = None) -> list[Article]:
    """Mark scheduled articles whose moment has come as published (the scheduler's job; the
    public already sees them from that moment, see `selectors.public_articles`)."""
    now = now or timezone.now()
    done = []
    for article_id in Article.objects.filter(status=S.SCHEDULED, published_at__lte=now).values_list(
        "id", flat=True
    ):
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article_id)
            if article.status != S.SCHEDULED:
                continue
            article.status = S.PUBLISHED
            article.save(update_fields=["status", "updated_at"])
            record_event(
                "portal.article_published",
                obj=article,
                acting_org=article.source_org,
                actor_label="scheduler",
                summary={"after": {"status": article.status}, "scheduled": True},
            )
            done.append(article)
    return done


def do_add_article_attachment(
    *, acting_user: User, article_id: int, name: str, stream: IO[bytes], size: int
) -> ArticleAttachment:
    """Check and store an attachment; a refused or rolled-back upload leaves no file behind."""
    from django.core.files.storage import default_storage

    stored: str | None = None
    try:
        with transaction.atomic():
            article = _lock(article_id, acting_user)
            checked = check_upload(name, stream, size)
            attachment = ArticleAttachment(
                article=article,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=acting_user,
            )
            attachment.file.save(f"upload{checked.extension}", File(stream), save=False)
            stored = attachment.file.name
            attachment.save(force_insert=True)
            record_event(
                "portal.attachment_added",
                actor=acting_user,
                obj=article,
                acting_org=article.source_org,
                summary={
                    "attachment": attachment.pk,
                    "name": mask_numbers_in(checked.original_name),
                    "size": checked.size,
                    "sha256": checked.sha256,
                },
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return attachment


def do_remove_article_attachment(*, acting_user: User, attachment_id: int) -> None:
    """Remove an attachment; its file is deleted after the commit."""
    with transaction.atomic():
        attachment = ArticleAttachment.objects.select_related("article").get(pk=attachment_id)
        _lock(attachment.article_id, acting_user)
        name = attachment.file.name
        record_event(
            "portal.attachment_removed",
            actor=acting_user,
            obj=attachment.article,
            acting_org=attachment.article.source_org,
            summary={
                "attachment": attachment.pk,
                "name": mask_numbers_in(attachment.original_name),
            },
        )
        attachment.delete()
        storage = attachment.file.storage
        transaction.on_commit(lambda: storage.delete(name))
