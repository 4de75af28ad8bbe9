"""Publication (公布): the act, its guards, the list in stroke order with only the consented
fields, the documents (PDF after GB/T 9704-2012 and Excel) and the officer's pages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from jiangxin.core.collation import stroke_key
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.cultivation.models import CultivationRecord, Publication
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.notices import publication as pub
from jiangxin.notices.models import PublicNotice
from jiangxin.notices.publication_documents import (
    addressee_line,
    chinese_date,
    issuer_mark_size,
)
from jiangxin.notifications.models import Notification
from jiangxin.portal.models import Article, ArticleAttachment
from jiangxin.programs.models import Campaign
from tests.factories import SIGNED_ON, make_noticed_campaign, make_user, publish

pytestmark = pytest.mark.usefixtures("campaign_day")

S = Nomination.Status
NAMES = ["张伟", "李娜", "王芳", "马超", "尹东"]
#: 马 (3 strokes) · 王 1121 · 尹 5113 (4 strokes, 横 before 折) · 李 1234521 · 张 5153154.
STROKE_ORDER = ["马超", "王芳", "尹东", "李娜", "张伟"]


@pytest.fixture
def noticed(world):  # type: ignore[no-untyped-def]
    return make_noticed_campaign(world, people=[{"name": n} for n in NAMES])


def _published(world, campaign, capture=None, **kw):  # type: ignore[no-untyped-def]
    """Publish; with `capture` (django_capture_on_commit_callbacks) the documents are made
    too (the background task runs after the commit)."""
    if capture is None:
        publication = publish(world, campaign, **kw)
    else:
        with capture(execute=True):
            publication = publish(world, campaign, **kw)
    publication.refresh_from_db()
    return publication


# --- The act ----------------------------------------------------------------------------------


def test_publication_publishes_the_list_and_opens_one_record_per_craftsman(
    world, noticed, django_capture_on_commit_callbacks
):
    campaign, nominations = noticed
    publication = _published(world, campaign, django_capture_on_commit_callbacks)

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CULTIVATING
    assert set(Nomination.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        S.PUBLISHED
    }
    records = CultivationRecord.objects.filter(campaign=campaign)
    assert records.count() == len(nominations)
    assert sorted(r.nomination_id for r in records) == sorted(n.pk for n in nominations)
    for record in records:
        assert record.person_id == record.nomination.person_id
        assert record.tier == campaign.tier
        assert record.status == CultivationRecord.Status.ACTIVE
        assert record.start_date == SIGNED_ON
        # The 2024 policy: 24 months.
        assert record.end_date == dt.date(2028, 6, 12)

    article = publication.article
    assert article.category == Article.Category.RESULTS
    assert article.status == Article.Status.PUBLISHED
    assert article.campaign == campaign
    assert article.document_number == "总工发〔2026〕12号"
    assert article.written_on == SIGNED_ON
    assert "2026年6月12日" in article.body
    assert publication.listed_count == publication.cohort_size == len(nominations)

    # Each nomination's own timeline says so, and the audit log has every act.
    assert NominationEvent.objects.filter(action="published").count() == len(nominations)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("nomination.published") == len(nominations)
    assert actions.count("cultivation.record_opened") == len(nominations)
    for action in (
        "publication.published",
        "cultivation.cohort_opened",
        "publication.documents_ready",
    ):
        assert action in actions
    assert Notification.objects.filter(kind="publication.published").exists()
    assert Notification.objects.filter(
        kind="publication.documents_ready", recipient=world.users["program_officer"]
    ).exists()


def test_a_second_publication_is_refused_and_opens_no_record(world, noticed):
    campaign, nominations = noticed
    _published(world, campaign)
    with pytest.raises(DomainError) as exc:
        publish(world, campaign, document_number="总工发〔2026〕13号")
    assert exc.value.rule == "publication.already_published"
    assert CultivationRecord.objects.filter(campaign=campaign).count() == len(nominations)
    assert Publication.objects.filter(campaign=campaign).count() == 1
    # And the database itself keeps one record per nomination.
    record = CultivationRecord.objects.filter(campaign=campaign).first()
    assert record is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        CultivationRecord.objects.create(
            nomination_id=record.nomination_id,
            person_id=record.person_id,
            campaign=campaign,
            tier=campaign.tier,
            start_date=record.start_date,
            end_date=record.end_date,
        )


def test_cultivation_may_start_on_a_later_date_the_officer_gives(world, noticed):
    campaign, _ = noticed
    _published(world, campaign, cohort_starts_on=dt.date(2026, 8, 31))
    ends = set(CultivationRecord.objects.values_list("start_date", "end_date"))
    assert ends == {(dt.date(2026, 8, 31), dt.date(2028, 8, 31))}


def test_the_list_is_in_surname_stroke_order(world, noticed, django_capture_on_commit_callbacks):
    campaign, _ = noticed
    publication = _published(world, campaign, django_capture_on_commit_callbacks)
    names = [row["name"] for row in publication.rows]
    assert names == STROKE_ORDER == sorted(NAMES, key=stroke_key)
    assert [row["number"] for row in publication.rows] == [1, 2, 3, 4, 5]
    body = publication.article.body
    assert [body.index(f". {name}") for name in STROKE_ORDER] == sorted(
        body.index(f". {name}") for name in STROKE_ORDER
    )
    # The Excel list too.
    workbook = openpyxl.load_workbook(publication.xlsx.path)
    sheet = workbook.worksheets[0]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == STROKE_ORDER


def test_only_consented_fields_are_published(world, django_capture_on_commit_callbacks):
    campaign, _ = make_noticed_campaign(
        world,
        people=[{"name": n} for n in NAMES],
        consent={"李娜": ["name", "gender"], "王芳": ["gender", "unit"]},
    )
    publication = _published(world, campaign, django_capture_on_commit_callbacks)
    rows = {row["name"]: row for row in publication.rows}
    # Without consent to the name, no place on the public list (but in the cohort).
    assert "王芳" not in rows
    assert "王芳" not in publication.article.body
    assert publication.listed_count == 4 and publication.cohort_size == 5
    assert CultivationRecord.objects.filter(campaign=campaign).count() == 5
    assert rows["李娜"]["gender"] == "女" or rows["李娜"]["gender"] == "男"
    assert rows["李娜"]["unit"] == "" and rows["李娜"]["occupation"] == ""
    assert rows["张伟"]["unit"] == "石家庄钢铁有限责任公司" and rows["张伟"]["occupation"] == "焊工"
    assert publication.withheld
    line = next(line for line in publication.article.body.splitlines() if "李娜" in line)
    assert "石家庄" not in line and "焊工" not in line
    sheet = openpyxl.load_workbook(publication.xlsx.path).worksheets[0]
    excel = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "王芳" not in excel
    assert excel["李娜"][3] in ("", None) and excel["李娜"][4] in ("", None)


def test_a_consent_recorded_in_the_notice_wins_over_the_nomination(world, noticed):
    from jiangxin.notices.models import NoticeEntry

    campaign, nominations = noticed
    notice = PublicNotice.objects.get(campaign=campaign)
    target = next(n for n in nominations if n.person.name == "马超")
    NoticeEntry.objects.create(notice=notice, nomination=target, rank=1, consent_fields=["name"])
    publication = _published(world, campaign)
    row = next(row for row in publication.rows if row["name"] == "马超")
    assert row["gender"] == row["unit"] == row["occupation"] == ""


# --- Guards -----------------------------------------------------------------------------------


def test_only_the_issuers_program_officers_publish(world, noticed):
    campaign, _ = noticed
    for who in ("hebei_officer", "hebei_clerk", "expert"):
        with pytest.raises(PermissionDenied):
            publish(world, campaign, acting_user=world.users[who])
    other = make_user("hbprog", role="program_officer", org=world.hebei)
    with pytest.raises(PermissionDenied):
        publish(world, campaign, acting_user=other)
    assert not Publication.objects.exists()


def test_the_notice_must_be_over(world, noticed):
    campaign, _ = noticed
    PublicNotice.objects.filter(campaign=campaign).update(status=PublicNotice.Status.OPEN)
    with pytest.raises(DomainError) as exc:
        publish(world, campaign)
    assert exc.value.rule == "publication.notice_open"
    PublicNotice.objects.filter(campaign=campaign).delete()
    with pytest.raises(DomainError) as exc:
        publish(world, campaign)
    assert exc.value.rule == "publication.no_notice"


def test_the_campaign_must_be_in_public_notice(world, noticed):
    campaign, _ = noticed
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FINAL_APPROVAL)
    with pytest.raises(DomainError) as exc:
        publish(world, campaign)
    assert exc.value.rule == "publication.not_in_notice"


def test_nothing_confirmed_nothing_to_publish(world, noticed):
    campaign, _ = noticed
    Nomination.objects.filter(campaign=campaign).update(status=S.DISQUALIFIED)
    with pytest.raises(DomainError) as exc:
        publish(world, campaign)
    assert exc.value.rule == "publication.empty"


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("总工发2026-12", "publication.document_number_form"),
        ("总工发〔26〕12号", "publication.document_number_form"),
        ("〔2026〕12号", "publication.document_number_form"),
        ("总工发〔2026〕12", "publication.document_number_form"),
        ("总工发〔2026〕012号", "publication.document_number_zero"),
        ("总工发〔2026〕第12号", "publication.document_number_di"),
        ("总工发〔2025〕12号", "publication.document_number_year"),
    ],
)
def test_document_numbers_follow_gb_t_9704(world, noticed, number, rule):
    campaign, _ = noticed
    with pytest.raises(DomainError) as exc:
        publish(world, campaign, document_number=number)
    assert exc.value.rule == rule


def test_look_alike_brackets_are_corrected():
    for typed in (
        "总工发[2026]12号",
        "总工发（2026）12号",
        "总工发【2026】12号",
        " 总工发〔2026〕 12号",
    ):
        assert pub.check_document_number(typed, year=2026) == "总工发〔2026〕12号"


def test_dates_are_checked(world, noticed):
    campaign, _ = noticed
    with pytest.raises(DomainError) as exc:
        publish(world, campaign, signed_on=dt.date(2026, 7, 1))
    assert exc.value.rule == "publication.signed_on_future"
    with pytest.raises(DomainError) as exc:
        publish(world, campaign, signed_on=dt.date(2026, 6, 4))
    assert exc.value.rule == "publication.signed_before_notice_end"
    with pytest.raises(DomainError) as exc:
        publish(world, campaign, cohort_starts_on=dt.date(2026, 6, 1))
    assert exc.value.rule == "publication.cohort_start"


def test_a_document_number_is_used_once(world, noticed):
    campaign, _ = noticed
    _published(world, campaign)
    Publication.objects.update(document_number="总工发〔2026〕13号")
    assert pub.check_document_number("总工发〔2026〕13号", year=2026)
    with pytest.raises(DomainError) as exc:
        pub._check_input(
            campaign,
            pub.PublicationInput(
                document_number="总工发〔2026〕13号",
                title="t",
                addressees="a",
                body="b",
                signed_on=SIGNED_ON,
            ),
            SIGNED_ON,
        )
    assert exc.value.rule == "publication.document_number_used"


# --- The documents ----------------------------------------------------------------------------


def test_titles_turn_between_words():
    from jiangxin.notices.publication_documents import title_lines

    assert title_lines("关于公布2026年度大国工匠人才培育对象名单的通知") == [
        "关于公布2026年度大国工匠",
        "人才培育对象名单的通知",
    ]
    assert title_lines("2026年度大国工匠人才培育对象名单") == ["2026年度大国工匠人才培育对象名单"]
    # No break point, or only one that would leave a lone word: the layout decides.
    assert title_lines("关于表彰全国五一劳动奖和全国工人先锋号的决定") == [
        "关于表彰全国五一劳动奖和全国工人先锋号的决定"
    ]


def test_chinese_dates_and_layout_helpers():
    assert chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert chinese_date(dt.date(2025, 12, 31)) == "2025年12月31日"
    assert addressee_line("各省总工会，\n各产业工会：") == "各省总工会，各产业工会："
    assert addressee_line("各省总工会") == "各省总工会："
    # A long issuer's mark is set smaller so that it fits on one line of the type area.
    assert issuer_mark_size("中华全国总工会文件") == 42
    assert issuer_mark_size("中国机械冶金建材工会全国委员会文件") < 30


def test_the_documents_are_kept_and_attached_to_the_article(
    world, noticed, django_capture_on_commit_callbacks
):
    campaign, _ = noticed
    publication = _published(world, campaign, django_capture_on_commit_callbacks)
    assert publication.documents_status == Publication.DocumentStatus.READY
    assert publication.pdf.name.startswith("private/publications/")
    assert publication.pdf.read(5) == b"%PDF-"
    attachments = list(ArticleAttachment.objects.filter(article=publication.article))
    assert sorted(a.content_type for a in attachments) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    assert sorted(a.pk for a in attachments) == sorted(publication.attachment_ids)
    names = {a.original_name for a in attachments}
    assert "总工发〔2026〕12号.pdf" in names
    # Anyone may download them from the announcement.
    pdf = next(a for a in attachments if a.content_type == "application/pdf")
    from django.test import Client

    response = Client().get(reverse("portal:attachment", args=[publication.article_id, pdf.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def _poppler(tool: str, *args: object) -> str:
    """The output of a poppler-utils tool (Debian package poppler-utils)."""
    executable = shutil.which(tool)
    assert executable, f"{tool} is missing (apt-get install poppler-utils)"
    command = [executable, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - our own file


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_the_pdf_is_an_a4_document_with_the_standards_elements(
    world, noticed, django_capture_on_commit_callbacks
):
    campaign, _ = noticed
    publication = _published(world, campaign, django_capture_on_commit_callbacks)
    path = Path(publication.pdf.path)
    info = _poppler("pdfinfo", path)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.89 pts \(A4\)", info), info
    fonts = _poppler("pdffonts", path)
    assert "Noto-Serif-CJK-SC" in fonts
    # Every font embedded (emb) as a subset (sub).
    assert all(" yes yes " in line for line in fonts.splitlines()[2:] if line.strip())
    text = _poppler("pdftotext", "-layout", path, "-")
    for element in (
        "中华全国总工会文件",
        "总工发〔2026〕12号",
        "各省、自治区、直辖市总工会：",
        "附件：",
        "2026年6月12日",
        "（按姓氏笔画为序）",
    ):
        assert element in text, element
    # Page numbers with a 一字线 on either side.
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    pages = text.split("\f")
    # The attachment starts on a page of its own, with the list in stroke order.
    attachment = next(i for i, page in enumerate(pages) if page.lstrip().startswith("附件\n"))
    assert attachment > 0
    listed = pages[attachment]
    assert [listed.index(name) for name in STROKE_ORDER] == sorted(
        listed.index(name) for name in STROKE_ORDER
    )


def test_a_failed_document_is_reported_and_can_be_made_again(
    world, noticed, django_capture_on_commit_callbacks, monkeypatch
):
    campaign, _ = noticed

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pub, "render_pdf", broken)
    publication = _published(world, campaign, django_capture_on_commit_callbacks)
    assert publication.documents_status == Publication.DocumentStatus.FAILED
    assert "no fonts" in publication.documents_error
    assert Notification.objects.filter(kind="publication.documents_failed").exists()
    assert not ArticleAttachment.objects.exists()
    # The list is published all the same; the documents are made again on request.
    assert publication.article.status == Article.Status.PUBLISHED
    monkeypatch.undo()
    officer = world.users["program_officer"]
    with pytest.raises(PermissionDenied):
        pub.do_remake_documents(
            acting_user=world.users["hebei_officer"], publication_id=publication.pk
        )
    with django_capture_on_commit_callbacks(execute=True):
        pub.do_remake_documents(acting_user=officer, publication_id=publication.pk)
    publication.refresh_from_db()
    assert publication.documents_status == Publication.DocumentStatus.READY
    assert ArticleAttachment.objects.filter(article=publication.article).count() == 2
    # Made again once more: the attachments are replaced, not added.
    old_pdf = publication.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        pub.do_remake_documents(acting_user=officer, publication_id=publication.pk)
    publication.refresh_from_db()
    assert ArticleAttachment.objects.filter(article=publication.article).count() == 2
    assert publication.pdf.name != old_pdf
    assert not publication.pdf.storage.exists(old_pdf)


def test_the_preview_writes_nothing(world, noticed):
    campaign, _ = noticed
    content = pub.preview_document(
        acting_user=world.users["program_officer"],
        campaign=campaign,
        document_number="总工发〔2026〕12号",
        title="关于公布结果的通知",
        addressees="各省总工会",
        body="正文。",
        signed_on=SIGNED_ON,
    )
    assert content.startswith(b"%PDF-")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLIC_NOTICE
    assert not Publication.objects.exists() and not Article.objects.filter(category="results")


# --- Pages ------------------------------------------------------------------------------------


def _officer_client(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.users["program_officer"])
    return client


def test_the_officer_publishes_from_the_form(
    world, noticed, client, django_capture_on_commit_callbacks
):
    campaign, _ = noticed
    _officer_client(client, world)
    url = reverse("notices:publication_start", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "关于公布" in html and "河北省总工会" in html  # the suggested title and addressees
    assert "《《" not in html and "根据《大国工匠人才培育工程实施办法（试行）》" in html
    form = {
        "document_number": "总工发〔2026〕12号",
        "title": "关于公布2026年度大国工匠人才培育对象名单的通知",
        "addressees": "各省、自治区、直辖市总工会",
        "body": "现将名单予以公布。",
        "signed_on": "2026-06-12",
        "cohort_starts_on": "",
    }
    preview = client.post(url, {**form, "preview": "1"})
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert not Publication.objects.exists()
    bad = client.post(url, {**form, "document_number": "总工发〔2026〕012号"})
    assert bad.status_code == 200
    assert "不编虚位" in bad.content.decode()
    assert 'value="关于公布2026年度大国工匠人才培育对象名单的通知"' in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:publication_detail", args=[publication.pk])
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "总工发〔2026〕12号.pdf" in text
    assert reverse("portal:article", args=[publication.article_id]) in text
    # Once published the form leads to the result.
    assert client.get(url)["Location"] == response["Location"]


def test_publication_pages_are_scoped(world, noticed, client):
    campaign, _ = noticed
    publication = _published(world, campaign)
    start = reverse("notices:publication_start", args=[campaign.pk])
    detail = reverse("notices:publication_detail", args=[publication.pk])
    remake = reverse("notices:publication_remake", args=[publication.pk])
    documents = reverse("notices:publication_documents", args=[publication.pk])
    # The cohort lists people who are not on the public list: only the program officers of
    # the issuer (and above) see it; everyone else reads the public announcement.
    other = make_user("hbprog", role="program_officer", org=world.hebei)
    for user in [world.users[w] for w in ("hebei_officer", "hebei_clerk", "expert")] + [other]:
        client.force_login(user)
        for url in (start, detail, documents):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(remake).status_code == 404


def test_the_documents_partial_polls_until_ready(
    world, noticed, client, django_capture_on_commit_callbacks
):
    campaign, _ = noticed
    publication = _published(world, campaign, django_capture_on_commit_callbacks)
    Publication.objects.filter(pk=publication.pk).update(documents_status="pending")
    client.force_login(world.users["program_officer"])
    url = reverse("notices:publication_documents", args=[publication.pk])
    pending = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in pending and "<html" not in pending
    Publication.objects.filter(pk=publication.pk).update(documents_status="ready")
    ready = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready and ".pdf" in ready


def test_cohort_page_query_count(world, client, django_assert_max_num_queries):
    campaign, _ = make_noticed_campaign(world, people=[{"name": f"工匠{i:02d}"} for i in range(8)])
    publication = _published(world, campaign)
    client.force_login(world.users["program_officer"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("notices:publication_detail", args=[publication.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 9


def test_publication_link_for_the_campaign_page(world, noticed):
    from jiangxin.notices.views_publication import publication_link_for

    campaign, _ = noticed
    officer = world.users["program_officer"]
    link = publication_link_for(officer, campaign)
    assert link is not None
    assert link["url"] == reverse("notices:publication_start", args=[campaign.pk])
    assert publication_link_for(world.users["hebei_officer"], campaign) is None
    publication = _published(world, campaign)
    campaign.refresh_from_db()
    assert publication_link_for(world.users["hebei_officer"], campaign) is None
    link = publication_link_for(officer, campaign)
    assert link is not None
    assert link["url"] == reverse("notices:publication_detail", args=[publication.pk])


def test_publication_after_the_real_review_and_notice_actions(
    world, django_capture_on_commit_callbacks
):
    """The whole path through the stages' own actions: final approval (reviews.approval),
    the public notice opened and closed (notices.actions.do_close_notice), then publication."""
    import time_machine

    from jiangxin.notices import actions as notice_actions
    from tests.factories import SHANGHAI, make_approved_campaign, make_open_notice

    campaign, approved, _others = make_approved_campaign(world)
    notice = make_open_notice(world, campaign)
    assert notice.status == PublicNotice.Status.OPEN
    officer = world.users["program_officer"]
    after = dt.datetime.combine(notice.ends_on + dt.timedelta(days=3), dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(after, tick=False):
        notice_actions.do_close_notice(acting_user=officer, notice_id=notice.pk)
        assert set(
            Nomination.objects.filter(pk__in=[n.pk for n in approved]).values_list(
                "status", flat=True
            )
        ) == {S.CONFIRMED}
        with django_capture_on_commit_callbacks(execute=True):
            publication = publish(world, campaign, signed_on=notice.ends_on + dt.timedelta(days=1))
    publication.refresh_from_db()
    assert publication.cohort_size == len(approved)
    assert sorted(r["name"] for r in publication.rows) == sorted(n.person.name for n in approved)
    assert [r["name"] for r in publication.rows] == sorted(
        (n.person.name for n in approved), key=stroke_key
    )
    assert publication.documents_status == Publication.DocumentStatus.READY
    assert CultivationRecord.objects.filter(campaign=campaign).count() == len(approved)
    # Those approved beyond the quota were never listed, so neither published nor in cultivation.
    assert not CultivationRecord.objects.filter(nomination__in=_others).exists()
