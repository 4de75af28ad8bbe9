"""Publication (公布) of a campaign's confirmed list, and the cohort it opens.

`do_publish_results` is one transaction: the confirmed nominations become PUBLISHED, the
campaign PUBLISHED, the announcement is published on the portal (category "results") with the
name list in stroke order (按姓氏笔画为序), and the cohort is opened: one cultivation record
per published craftsman, the campaign CULTIVATING. After the commit a background task
(`make_publication_documents`) makes the PDF (GB/T 9704-2012) and the Excel list, keeps them
with the publication and attaches them to the article, where anyone can download them.

The published list is a snapshot (`Publication.rows`): the PDF, the Excel and the article
are all made from it, so a document made again later says exactly what was published. It holds
only what each person agreed to publish (jiangxin.cultivation.consent); a person who did not
agree to their name being published is in the cohort but not on the public list.

Lock order: the campaign row, then its confirmed nominations; the audit chain head comes last
(with the first `record_event`).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from jiangxin.core.audit import record_event
from jiangxin.core.collation import stroke_key
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.cultivation import consent
from jiangxin.cultivation.actions import open_cohort
from jiangxin.cultivation.models import Publication
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.notices.models import PublicNotice
from jiangxin.notices.publication_documents import (
    DocumentData,
    ListRow,
    build_xlsx,
    chinese_date,
    paragraphs,
    render_pdf,
)
from jiangxin.notifications.actions import notify
from jiangxin.portal.models import Article
from jiangxin.programs import rules as program_rules
from jiangxin.programs.models import Campaign

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from jiangxin.accounts.models import User

logger = logging.getLogger(__name__)

S = Nomination.Status

#: 发文字号 (GB/T 9704-2012 7.2.5): the issuer's code (代字), the year in full in hexagonal
#: brackets 〔〕, the serial number without 第 and without leading zeros, then 号.
DOCUMENT_NUMBER_RE = re.compile(
    r"^(?P<code>[\u3400-\u9fff]{1,12})〔(?P<year>\d{4})〕(?P<seq>\d{1,5})号$"
)
#: Brackets officers type for 〔〕 by mistake (corrected, not refused: the intent is clear).
_BRACKETS = str.maketrans(
    {"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕",
     "（": "〔", "）": "〕", "〖": "〔", "〗": "〕"}
)  # fmt: skip

#: Suggested wording of the announcement (an official Chinese document; the officer edits it).
#: `{list}` is the campaign's name without its closing "遴选" (2026年度大国工匠人才培育对象).
TITLE_PATTERN = "关于公布{list}名单的通知"
ATTACHMENT_PATTERN = "{list}名单"
BODY_PATTERN = (
    "根据《{policy}》，经推荐、形式审查、网络评审、会议评审、审定和公示，"
    "现将{list}名单予以公布（见附件）。\n"
    "希望入选人员珍惜荣誉，继续弘扬劳模精神、劳动精神、工匠精神，在培育期内认真完成培育任务。"
    "各推荐单位要认真落实培养方案，定期报备培育情况。"
)


@dataclass(frozen=True)
class PublicationInput:
    """What the officer writes for the announcement."""

    document_number: str
    title: str
    addressees: str
    body: str
    signed_on: dt.date
    cohort_starts_on: dt.date | None = None


# --- The document number ------------------------------------------------------------------------


def normalize_document_number(text: str) -> str:
    """Remove spaces and turn look-alike brackets into 〔〕."""
    return "".join(text.split()).translate(_BRACKETS)


def check_document_number(text: str, *, year: int) -> str:
    """The document number in its GB/T 9704-2012 form, or a DomainError saying what is wrong."""
    number = normalize_document_number(text)
    if re.search(r"〕第", number):
        raise DomainError(
            "publication.document_number_di",
            _("The serial number takes no 第: write 12号, not 第12号."),
        )
    match = DOCUMENT_NUMBER_RE.match(number)
    if match is None:
        raise DomainError(
            "publication.document_number_form",
            _(
                "Write the document number as the issuer's code, the year in 〔〕 and the "
                "serial number followed by 号, e.g. 总工发〔%(year)s〕12号."
            )
            % {"year": year},
        )
    if match["seq"].startswith("0"):
        raise DomainError(
            "publication.document_number_zero",
            _("Write the serial number without leading zeros (1号, not 01号)."),
        )
    if int(match["year"]) != year:
        raise DomainError(
            "publication.document_number_year",
            _(
                "The year in the document number (%(number_year)s) is not the year of the "
                "document's date (%(year)s)."
            )
            % {"number_year": match["year"], "year": year},
        )
    return number


# --- The list -----------------------------------------------------------------------------------


def list_rows(nominations: Iterable[Nomination]) -> tuple[list[ListRow], bool]:
    """The public list in stroke order, with only the consented fields, and whether any field
    was left out. People who did not agree to their name being published are not listed.

    Each nomination needs `person` and `person__employer` loaded."""
    named = [n for n in nominations if consent.may_be_named(n)]
    named.sort(key=lambda n: stroke_key(n.person.name))  # type: ignore[union-attr]
    rows: list[ListRow] = []
    withheld = False
    with translation.override("zh-hans"):
        for number, n in enumerate(named, start=1):
            person = n.person
            if person is None:  # pragma: no cover - the database requires it after a draft
                continue
            fields = consent.consented_fields(n)
            shown = {
                consent.GENDER: str(person.get_gender_display()),
                consent.UNIT: person.employer.name,
                consent.OCCUPATION: person.occupation,
            }
            withheld |= any(code not in fields for code in shown)
            rows.append(
                ListRow(
                    number=number,
                    name=person.name,
                    **{
                        key: value if code in fields else ""
                        for code, key, value in (
                            (consent.GENDER, "gender", shown[consent.GENDER]),
                            (consent.UNIT, "unit", shown[consent.UNIT]),
                            (consent.OCCUPATION, "occupation", shown[consent.OCCUPATION]),
                        )
                    },
                )
            )
    return rows, withheld


def rows_from_snapshot(publication: Publication) -> list[ListRow]:
    return [ListRow(**row) for row in publication.rows]


def document_data(publication: Publication) -> DocumentData:
    campaign = publication.campaign
    return DocumentData(
        issuer_name=campaign.issuing_org.name,
        document_number=publication.document_number,
        title=publication.title,
        addressees=publication.addressees,
        body=publication.body,
        signed_on=publication.signed_on,
        attachment_title=attachment_title(campaign),
        rows=rows_from_snapshot(publication),
        withheld=publication.withheld,
    )


def _list_name(campaign: Campaign) -> str:
    """The campaign's name as the name of its list: without a closing 遴选 or 评选."""
    name = campaign.name.strip()
    for suffix in ("遴选工作", "遴选", "评选"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def policy_title(document_title: str) -> str:
    """A policy document's title without its 《》 (the wording puts them around it)."""
    return document_title.strip().removeprefix("《").removesuffix("》")


def attachment_title(campaign: Campaign) -> str:
    return ATTACHMENT_PATTERN.format(list=_list_name(campaign))


def suggested_title(campaign: Campaign) -> str:
    return TITLE_PATTERN.format(list=_list_name(campaign))


def suggested_input(campaign: Campaign, today: dt.date) -> dict[str, Any]:
    """A first draft of the announcement for the form (the officer edits every word)."""
    recommending = [
        a.organization.name
        for a in campaign.allocations.filter(parent__isnull=True).select_related("organization")
    ]
    return {
        "title": suggested_title(campaign),
        "addressees": "，".join(recommending),
        "body": BODY_PATTERN.format(
            policy=policy_title(campaign.policy_version.document_title),
            list=_list_name(campaign),
        ),
        "signed_on": today,
    }


def article_text(data: DocumentData) -> str:
    """The announcement as the portal article's plain text (a blank line between paragraphs;
    the portal sets the indents): the document, then its list."""
    from jiangxin.notices.publication_documents import WORDS, addressee_line

    blocks = [data.document_number, addressee_line(data.addressees), *paragraphs(data.body)]
    blocks.append(f"{WORDS['attachment_colon']}{data.attachment_title}")
    blocks.append(f"{data.issuer_name}\n{chinese_date(data.signed_on)}")
    listed = [f"{WORDS['attachment']}：{data.attachment_title}{WORDS['order']}"]
    for row in data.rows:
        parts = [part for part in (row.name, row.gender, row.unit, row.occupation) if part]
        listed.append(f"{row.number}. " + "\u3000".join(parts))
    blocks.append("\n".join(listed))
    if data.withheld:
        blocks.append(WORDS["withheld"])
    return "\n\n".join(blocks)


# --- Publication --------------------------------------------------------------------------------


def _check_input(campaign: Campaign, values: PublicationInput, today: dt.date) -> dict[str, Any]:
    title = values.title.strip()
    if not title:
        raise DomainError("publication.title", _("Give the announcement a title."))
    if len(title) > 200:
        raise DomainError("publication.title", _("The title is longer than 200 characters."))
    if not values.addressees.strip():
        raise DomainError(
            "publication.addressees", _("Name the organizations the announcement is sent to.")
        )
    if not paragraphs(values.body):
        raise DomainError("publication.body", _("Write the text of the announcement."))
    if values.signed_on > today:
        raise DomainError(
            "publication.signed_on_future", _("The date of the document cannot be in the future.")
        )
    number = check_document_number(values.document_number, year=values.signed_on.year)
    if Publication.objects.filter(document_number=number).exists():
        raise DomainError(
            "publication.document_number_used",
            _("The document number %(number)s has been used already.") % {"number": number},
        )
    start = values.cohort_starts_on or values.signed_on
    if start < values.signed_on:
        raise DomainError(
            "publication.cohort_start",
            _("Cultivation cannot start before the date of the document."),
        )
    return {
        "document_number": number,
        "title": title,
        "addressees": values.addressees.strip(),
        "body": "\n".join(paragraphs(values.body)),
        "signed_on": values.signed_on,
        "cohort_starts_on": start,
    }


def _check_notices(campaign: Campaign, signed_on: dt.date | None) -> None:
    notices = list(PublicNotice.objects.filter(campaign=campaign).order_by("ends_on"))
    if not notices:
        raise DomainError(
            "publication.no_notice",
            _("The list has not been in a public notice yet; it cannot be published."),
        )
    still_open = [n for n in notices if n.status != PublicNotice.Status.CLOSED]
    if still_open:
        raise DomainError(
            "publication.notice_open",
            _("The public notice “%(title)s” is not closed yet.") % {"title": still_open[0].title},
        )
    last_day = notices[-1].ends_on
    if signed_on is not None and signed_on < last_day:
        raise DomainError(
            "publication.signed_before_notice_end",
            _("The document cannot be dated before the public notice ended (%(day)s).")
            % {"day": last_day.isoformat()},
        )


def check_publishable(campaign: Campaign, acting_user: User) -> None:
    """Raise the DomainError that refuses publishing `campaign` now, if any (no lock taken:
    for the form; the action checks again under the lock)."""
    if not program_rules.can_manage_campaign(acting_user, campaign):
        raise PermissionDenied(
            "publication.scope",
            _("Only the program officers of the issuing organization publish its list."),
        )
    if hasattr(campaign, "publication") or Publication.objects.filter(campaign=campaign).exists():
        raise DomainError(
            "publication.already_published", _("The list of this campaign has been published.")
        )
    if campaign.status != Campaign.Status.PUBLIC_NOTICE:
        raise DomainError(
            "publication.not_in_notice",
            _("Only a campaign whose public notice has ended can be published (it is: %(s)s).")
            % {"s": campaign.get_status_display()},
        )
    _check_notices(campaign, None)
    if not Nomination.objects.filter(campaign=campaign, status=S.CONFIRMED).exists():
        raise DomainError(
            "publication.empty",
            _("No nomination of this campaign is confirmed; nothing to publish."),
        )


def preview_document(
    *,
    acting_user: User,
    campaign: Campaign,
    document_number: str,
    title: str,
    addressees: str,
    body: str,
    signed_on: dt.date,
    cohort_starts_on: dt.date | None = None,
) -> bytes:
    """The announcement as it would be published now, marked as a preview; nothing is
    written. Refused for the same reasons as the publication itself."""
    values = _checked(
        campaign,
        acting_user,
        PublicationInput(
            document_number=document_number,
            title=title,
            addressees=addressees,
            body=body,
            signed_on=signed_on,
            cohort_starts_on=cohort_starts_on,
        ),
    )
    return render_pdf(_document(campaign, values, confirmed_nominations(campaign)), preview=True)


def _checked(campaign: Campaign, acting_user: User, values: PublicationInput) -> dict[str, Any]:
    """Every guard of the publication; the officer's input as it will be published."""
    check_publishable(campaign, acting_user)
    checked = _check_input(campaign, values, timezone.localdate())
    _check_notices(campaign, checked["signed_on"])
    return checked


def _document(
    campaign: Campaign, values: dict[str, Any], nominations: Sequence[Nomination]
) -> DocumentData:
    """The announcement with its list (stroke order, consented fields only)."""
    rows, withheld = list_rows(nominations)
    return DocumentData(
        issuer_name=campaign.issuing_org.name,
        document_number=values["document_number"],
        title=values["title"],
        addressees=values["addressees"],
        body=values["body"],
        signed_on=values["signed_on"],
        attachment_title=attachment_title(campaign),
        rows=rows,
        withheld=withheld,
    )


def confirmed_nominations(campaign: Campaign) -> list[Nomination]:
    return list(
        Nomination.objects.filter(campaign=campaign, status=S.CONFIRMED)
        .select_related("person", "person__employer")
        .prefetch_related(consent.entries_prefetch())
    )


def _recipients(nominations: Sequence[Nomination]) -> list[User]:
    users = [n.created_by for n in nominations if n.created_by is not None]
    users += [n.person.user for n in nominations if n.person is not None and n.person.user]
    return users


@transaction.atomic
def do_publish_results(
    *,
    acting_user: User,
    campaign_id: int,
    document_number: str,
    addressees: str,
    signed_on: dt.date,
    body: str,
    title: str | None = None,
    cohort_starts_on: dt.date | None = None,
) -> Publication:
    """Publish the campaign's confirmed list and open its cohort (see the module docstring).

    Refused unless the acting user is a program officer of the issuing organization, the
    campaign is in PUBLIC_NOTICE with every notice closed, and some nomination is CONFIRMED;
    a second publication is refused (and impossible: one publication per campaign).
    `title` defaults to the suggested title, `cohort_starts_on` to `signed_on`.
    """
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org", "policy_version")
        .get(pk=campaign_id)
    )
    values = _checked(
        campaign,
        acting_user,
        PublicationInput(
            document_number=document_number,
            title=title if title is not None else suggested_title(campaign),
            addressees=addressees,
            body=body,
            signed_on=signed_on,
            cohort_starts_on=cohort_starts_on,
        ),
    )
    nominations = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, status=S.CONFIRMED)
        .select_related("person", "person__employer", "person__user", "created_by")
        .order_by("pk")
    )
    prefetch_related_objects(nominations, consent.entries_prefetch())
    data = _document(campaign, values, nominations)
    rows, withheld = data.rows, data.withheld
    now = timezone.now()

    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
        status=S.PUBLISHED, updated_at=now
    )
    for n in nominations:
        n.status = S.PUBLISHED
    campaign.status = Campaign.Status.PUBLISHED
    campaign.save(update_fields=["status", "updated_at"])

    article = Article.objects.create(
        category=Article.Category.RESULTS,
        title=values["title"],
        body=article_text(data),
        source=campaign.issuing_org.name,
        source_org=campaign.issuing_org,
        campaign=campaign,
        issuing_authority=campaign.issuing_org.name,
        document_number=values["document_number"],
        written_on=values["signed_on"],
        status=Article.Status.PUBLISHED,
        published_at=now,
        created_by=acting_user,
    )
    publication = Publication.objects.create(
        campaign=campaign,
        article=article,
        title=values["title"],
        document_number=values["document_number"],
        addressees=values["addressees"],
        body=values["body"],
        signed_on=values["signed_on"],
        cohort_starts_on=values["cohort_starts_on"],
        rows=[asdict(row) for row in rows],
        withheld=withheld,
        listed_count=len(rows),
        cohort_size=len(nominations),
        published_by=acting_user,
        published_at=now,
    )
    NominationEvent.objects.bulk_create(
        NominationEvent(
            nomination=n,
            action="published",
            actor=acting_user,
            organization=campaign.issuing_org,
            data={"publication": publication.pk, "document_number": publication.document_number},
        )
        for n in nominations
    )
    for n in nominations:
        record_event(
            "nomination.published",
            actor=acting_user,
            obj=n,
            acting_org=campaign.issuing_org,
            summary={
                "status": n.status,
                "publication": publication.pk,
                "listed": consent.may_be_named(n),
            },
        )
    record_event(
        "publication.published",
        actor=acting_user,
        obj=publication,
        acting_org=campaign.issuing_org,
        summary={
            "campaign": campaign.pk,
            "document_number": publication.document_number,
            "signed_on": publication.signed_on,
            "article": article.pk,
            "published": len(nominations),
            "listed": len(rows),
        },
    )
    open_cohort(
        acting_user=acting_user,
        campaign=campaign,
        nominations=nominations,
        start_date=values["cohort_starts_on"],
    )

    article_url = reverse("portal:article", args=[article.pk])
    notify(
        _recipients(nominations),
        "publication.published",
        params={"campaign": campaign.name, "title": publication.title},
        url=article_url,
    )
    publication_id, actor_id = publication.pk, acting_user.pk
    transaction.on_commit(lambda: _enqueue_documents(publication_id, actor_id))
    return publication


def _enqueue_documents(publication_id: int, actor_id: int) -> None:
    result = make_publication_documents.enqueue(publication_id, actor_id)
    # The immediate backend has run the task by now and written the id itself.
    Publication.objects.filter(pk=publication_id, documents_task_id="").update(
        documents_task_id=str(result.id)
    )


@transaction.atomic
def do_remake_documents(*, acting_user: User, publication_id: int) -> Publication:
    """Make the PDF and the Excel list again from the published snapshot (after a failure, or
    when an editor removed them from the article)."""
    publication = (
        Publication.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=publication_id)
    )
    if not program_rules.can_manage_campaign(acting_user, publication.campaign):
        raise PermissionDenied(
            "publication.scope",
            _("Only the program officers of the issuing organization publish its list."),
        )
    if publication.documents_status == Publication.DocumentStatus.PENDING:
        raise DomainError(
            "publication.documents_pending", _("The documents are being prepared already.")
        )
    publication.documents_status = Publication.DocumentStatus.PENDING
    publication.documents_error = ""
    publication.documents_task_id = ""
    publication.save(update_fields=["documents_status", "documents_error", "documents_task_id"])
    record_event(
        "publication.documents_requested",
        actor=acting_user,
        obj=publication,
        acting_org=publication.campaign.issuing_org,
    )
    publication_id, actor_id = publication.pk, acting_user.pk
    transaction.on_commit(lambda: _enqueue_documents(publication_id, actor_id))
    return publication


# --- The documents (background task) ------------------------------------------------------------


def _file_names(publication: Publication) -> tuple[str, str]:
    stem = publication.document_number
    return f"{stem}.pdf", f"{attachment_title(publication.campaign)}.xlsx"


def _attach(publication: Publication, actor: User, pdf: bytes, xlsx: bytes) -> list[int]:
    """Attach the documents to the article (through the portal's own action, as its editor
    would), replacing the ones attached before; return the new attachments' ids."""
    from jiangxin.portal.actions import do_add_article_attachment, do_remove_article_attachment
    from jiangxin.portal.models import ArticleAttachment

    for old in ArticleAttachment.objects.filter(
        pk__in=publication.attachment_ids, article=publication.article
    ):
        do_remove_article_attachment(acting_user=actor, attachment_id=old.pk)
    pdf_name, xlsx_name = _file_names(publication)
    ids = []
    for name, content in ((pdf_name, pdf), (xlsx_name, xlsx)):
        attachment = do_add_article_attachment(
            acting_user=actor,
            article_id=publication.article_id,
            name=name,
            stream=io.BytesIO(content),
            size=len(content),
        )
        ids.append(attachment.pk)
    return ids


@task()
def make_publication_documents(publication_id: int, requested_by_id: int) -> dict[str, Any]:
    """Make the PDF and the Excel list of a publication, keep them (private storage) and attach
    them to its article as the officer who asked; on failure say so on the publication and
    tell that officer."""
    from jiangxin.accounts.models import User

    publication = Publication.objects.select_related(
        "campaign", "campaign__issuing_org", "article"
    ).get(pk=publication_id)
    officer = User.objects.get(pk=requested_by_id)
    data = document_data(publication)
    try:
        pdf = render_pdf(data)
        xlsx_file = build_xlsx(data)
        with xlsx_file:
            xlsx = xlsx_file.read()
        with transaction.atomic():
            locked = Publication.objects.select_for_update(of=("self",)).get(pk=publication_id)
            old = [f.name for f in (locked.pdf, locked.xlsx) if f]
            pdf_name, xlsx_name = _file_names(publication)
            locked.pdf.save(pdf_name, ContentFile(pdf), save=False)
            locked.xlsx.save(xlsx_name, ContentFile(xlsx), save=False)
            locked.attachment_ids = _attach(locked, officer, pdf, xlsx)
            locked.documents_status = Publication.DocumentStatus.READY
            locked.documents_error = ""
            locked.documents_ready_at = timezone.now()
            locked.save()
            record_event(
                "publication.documents_ready",
                actor=None,
                actor_label="task",
                obj=locked,
                acting_org=publication.campaign.issuing_org,
                summary={"pdf_bytes": len(pdf), "xlsx_bytes": len(xlsx), "rows": len(data.rows)},
            )
            storage = locked.pdf.storage
            transaction.on_commit(lambda: [storage.delete(name) for name in old])
    except Exception as exc:  # any failure is reported to the officer
        logger.exception("publication %s: the documents could not be made", publication_id)
        message = str(exc)[:300] or exc.__class__.__name__
        Publication.objects.filter(pk=publication_id).update(
            documents_status=Publication.DocumentStatus.FAILED, documents_error=message
        )
        record_event(
            "publication.documents_failed",
            actor=None,
            actor_label="task",
            obj=publication,
            acting_org=publication.campaign.issuing_org,
            summary={"error": message},
            outcome=AuditEvent.Outcome.FAILURE,
        )
        _tell_officer(publication, officer, "publication.documents_failed")
        return {"ok": False, "error": message}
    _tell_officer(publication, officer, "publication.documents_ready")
    return {"ok": True, "pdf_bytes": len(pdf), "xlsx_bytes": len(xlsx)}


def _tell_officer(publication: Publication, officer: User, kind: str) -> None:
    notify(
        [officer],
        kind,
        params={"campaign": publication.campaign.name, "number": publication.document_number},
        url=reverse("notices:publication_detail", args=[publication.pk]),
    )
