"""The record blocks and the attachments block: htmx partials and their plain fallbacks,
the same include on every page, uploads through the page, downloads."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiangxin.core.models import AuditEvent
from jiangxin.people import actions, uploads
from jiangxin.people.files import content_disposition
from jiangxin.people.models import Attachment

from .conftest import ELF_HEADER, pdf_bytes, png_bytes

pytestmark = pytest.mark.usefixtures("campaign_day")

HX = {"HX-Request": "true"}


@pytest.fixture
def clerk_client(en_client, world):  # type: ignore[no-untyped-def]
    en_client.force_login(world.users["hebei_clerk"])
    return en_client


def test_htmx_add_returns_the_refreshed_block(clerk_client, hebei_person):
    pid = hebei_person.pk
    url = reverse("people:record_add", args=[pid, "honor"])
    opened = clerk_client.get(url, headers=HX)
    body = opened.content.decode()
    assert body.lstrip().startswith('<section id="record-honor"')
    assert 'name="honor-title"' in body and "<html" not in body
    saved = clerk_client.post(
        url,
        {
            "honor-year": "2021",
            "honor-title": "全国五一劳动奖章",
            "honor-level": "national",
            "honor-awarded_by": "全国总工会",
        },
        headers=HX,
    )
    body = saved.content.decode()
    assert saved.status_code == 200
    assert "The entry was added." in body and "全国五一劳动奖章" in body
    assert 'name="honor-title"' not in body  # the form is closed again
    honor = hebei_person.honors.get()
    assert (honor.year, honor.level) == (2021, "national")


def test_htmx_errors_keep_the_answers(clerk_client, hebei_person):
    url = reverse("people:record_add", args=[hebei_person.pk, "project"])
    response = clerk_client.post(
        url,
        {
            "project-title": "高炉炉壁焊接攻关",
            "project-role": "负责人",
            "project-start_year": "2020",
            "project-end_year": "2018",
        },
        headers=HX,
    )
    body = response.content.decode()
    assert "The end year cannot be before the start year." in body
    assert "高炉炉壁焊接攻关" in body and "负责人" in body and 'value="2018"' in body
    assert "data-error-summary" in body
    assert not hebei_person.key_projects.exists()
    future = clerk_client.post(
        reverse("people:record_add", args=[hebei_person.pk, "work"]),
        {"work-start": "2030-01-01", "work-employer_name": "某厂", "work-position": "钳工"},
        headers=HX,
    )
    assert "A work period cannot start in the future." in future.content.decode()
    old = clerk_client.post(
        reverse("people:record_add", args=[hebei_person.pk, "honor"]),
        {"honor-year": "1800", "honor-title": "x", "honor-level": "city"},
        headers=HX,
    )
    assert "Enter a year between 1950 and 2026." in old.content.decode()


def test_edit_and_delete_inline(clerk_client, hebei_person):
    pid = hebei_person.pk
    work = hebei_person.work_periods.get()
    edit_url = reverse("people:record_edit", args=[pid, "work", work.pk])
    body = clerk_client.get(edit_url, headers=HX).content.decode()
    assert f'name="work-{work.pk}-start"' in body and 'value="2005-03-01"' in body
    response = clerk_client.post(
        edit_url,
        {
            f"work-{work.pk}-start": "2005-03-01",
            f"work-{work.pk}-end": "2015-12-31",
            f"work-{work.pk}-employer_name": "石家庄钢铁有限责任公司",
            f"work-{work.pk}-position": "焊工",
            f"work-{work.pk}-is_frontline": "on",
            f"work-{work.pk}-note": "炼钢厂",
        },
        headers=HX,
    )
    body = response.content.decode()
    assert "The changes were saved." in body and "2015-12-31" in body
    assert "Front-line production work: 130 months" in body
    work.refresh_from_db()
    assert work.note == "炼钢厂"
    deleted = clerk_client.post(
        reverse("people:record_delete", args=[pid, "work", work.pk]), headers=HX
    )
    assert "The entry was deleted." in deleted.content.decode()
    assert "No work period recorded yet." in deleted.content.decode()
    assert not hebei_person.work_periods.exists()


def test_plain_posts_fall_back_to_pages_and_redirects(clerk_client, hebei_person):
    pid = hebei_person.pk
    url = reverse("people:record_add", args=[pid, "apprentice"])
    page = clerk_client.get(url)
    assert "<html" in page.content.decode() and 'id="record-apprentice"' in page.content.decode()
    bad = clerk_client.post(url, {"apprentice-name": "王小二"})
    assert bad.status_code == 200 and "<html" in bad.content.decode()
    assert "王小二" in bad.content.decode()
    good = clerk_client.post(
        url,
        {
            "apprentice-name": "王小二",
            "apprentice-since_year": "2016",
            "apprentice-skill_level_reached": "technician",
        },
    )
    assert good.status_code == 302
    assert good["Location"] == reverse("people:detail", args=[pid]) + "#record-apprentice"
    apprentice = hebei_person.apprentices.get()
    assert apprentice.skill_level_reached_id == "technician"
    # A plain GET of the block goes back to the page.
    section = clerk_client.get(reverse("people:record_section", args=[pid, "apprentice"]))
    assert section.status_code == 302


def test_embedding_options_travel_with_the_block(clerk_client, hebei_person):
    """What the nomination form relies on: `next` for plain posts, `hl` for the heading."""
    pid = hebei_person.pk
    back = "/nominations/12/?step=record"
    query = f"?next={quote(back)}&hl=3"
    body = clerk_client.get(
        reverse("people:record_add", args=[pid, "contest"]) + query, headers=HX
    ).content.decode()
    assert '<h3 class="h5 mb-0" id="record-contest-title">' in body
    assert "next=%2Fnominations%2F12%2F%3Fstep%3Drecord&amp;hl=3" in body
    response = clerk_client.post(
        reverse("people:record_add", args=[pid, "contest"]) + query,
        {
            "contest-year": "2018",
            "contest-contest": "全国职工职业技能大赛",
            "contest-level": "national",
            "contest-result": "一等奖",
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    # Another site is never a place to go back to.
    evil = f"?next={quote('https://evil.example/')}"
    response = clerk_client.post(
        reverse("people:record_add", args=[pid, "contest"]) + evil,
        {
            "contest-year": "2019",
            "contest-contest": "省赛",
            "contest-level": "provincial",
            "contest-result": "第1名",
        },
    )
    assert response["Location"] == reverse("people:detail", args=[pid]) + "#record-contest"


def test_the_builders_render_the_same_block_elsewhere(rf, world, hebei_person):
    from django.template.loader import render_to_string

    from jiangxin.people.sections import SectionOptions, attachments_section, record_sections

    request = rf.get("/nominations/1/")
    request.user = world.users["hebei_clerk"]
    options = SectionOptions(return_url="/nominations/1/?step=record", heading_level=3)
    sections = record_sections(hebei_person, user=request.user, options=options)
    assert [s.kind for s in sections] == [
        "work",
        "honor",
        "contest",
        "achievement",
        "project",
        "apprentice",
    ]
    html = render_to_string(
        "people/includes/record_section.html", {"section": sections[0]}, request
    )
    assert "<h3" in html and "next=%2Fnominations%2F1%2F%3Fstep%3Drecord" in html and "hl=3" in html
    block = attachments_section(hebei_person, user=request.user, options=options)
    html = render_to_string("people/includes/attachments_section.html", {"section": block}, request)
    assert 'id="attachments"' in html and 'enctype="multipart/form-data"' in html


# --- Attachments ------------------------------------------------------------------------


def test_upload_list_download_and_delete_through_the_page(clerk_client, world, hebei_person):
    pid = hebei_person.pk
    upload = SimpleUploadedFile("高级技师证书 (2015).png", png_bytes(), content_type="text/html")
    response = clerk_client.post(
        reverse("people:attachment_upload", args=[pid]),
        {"attachment-file": upload, "attachment-description": "证书扫描件"},
        headers=HX,
    )
    body = response.content.decode()
    assert "was uploaded." in body and "高级技师证书 (2015).png" in body and "证书扫描件" in body
    attachment = Attachment.objects.get()
    # The browser's claimed type is ignored: the stored type comes from the checks.
    assert attachment.content_type == "image/png"
    assert "高级技师证书" not in attachment.file.name

    download = clerk_client.get(reverse("people:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("高级技师证书 (2015).png", safe="") in disposition
    assert b"".join(download.streaming_content) == png_bytes()
    assert AuditEvent.objects.filter(action="person.attachment_downloaded").count() == 1

    deleted = clerk_client.post(
        reverse("people:attachment_delete", args=[pid, attachment.pk]), headers=HX
    )
    assert "was deleted." in deleted.content.decode()
    assert not Attachment.objects.exists()


def test_refused_uploads_are_explained_in_the_block(clerk_client, hebei_person, monkeypatch):
    pid = hebei_person.pk
    url = reverse("people:attachment_upload", args=[pid])
    cases = [
        (SimpleUploadedFile("证书.pdf", ELF_HEADER), "is not a PDF file"),
        (SimpleUploadedFile("setup.exe", pdf_bytes()), "Files of this type cannot be uploaded"),
    ]
    for upload, message in cases:
        body = clerk_client.post(
            url, {"attachment-file": upload, "attachment-description": "说明"}, headers=HX
        ).content.decode()
        assert message in body and 'value="说明"' in body
    monkeypatch.setattr(uploads, "MAX_BYTES", 100)
    body = clerk_client.post(
        url, {"attachment-file": SimpleUploadedFile("a.pdf", pdf_bytes())}, headers=HX
    ).content.decode()
    assert "files may be at most" in body
    missing = clerk_client.post(url, {}, headers=HX).content.decode()
    assert "data-error-summary" in missing
    plain = clerk_client.post(url, {"attachment-file": SimpleUploadedFile("证书.pdf", ELF_HEADER)})
    assert plain.status_code == 200 and "<html" in plain.content.decode()
    assert not Attachment.objects.exists()


def test_evidence_files_cannot_be_deleted_from_the_page(clerk_client, world, hebei_person):
    from jiangxin.nominations import actions as nomination_actions
    from tests.factories import fill_nomination, make_campaign

    clerk = world.users["hebei_clerk"]
    data = pdf_bytes()
    attachment = actions.do_upload_attachment(
        acting_user=clerk,
        person_id=hebei_person.pk,
        name="证据.pdf",
        stream=BytesIO(data),
        size=len(data),
    )
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 2}
    )
    nomination = nomination_actions.do_start_nomination(
        acting_user=clerk, campaign_id=campaign.pk, nominating_unit_id=world.hebei_union.pk
    )
    fill_nomination(clerk, nomination, hebei_person)
    nomination_actions.do_add_evidence(
        acting_user=clerk,
        nomination_id=nomination.pk,
        attachment_id=attachment.pk,
        dimension_id=None,
    )
    block = clerk_client.get(
        reverse("people:attachments_section", args=[hebei_person.pk]), headers=HX
    ).content.decode()
    assert "Evidence in a nomination" in block
    assert reverse("people:attachment_delete", args=[hebei_person.pk, attachment.pk]) not in block
    response = clerk_client.post(
        reverse("people:attachment_delete", args=[hebei_person.pk, attachment.pk]), headers=HX
    )
    assert "remove it from the nomination first" in response.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_content_disposition_is_safe():
    header = content_disposition('evil"\r\nSet-Cookie: x=1;/..\\a.pdf', ".pdf")
    assert "\r" not in header and "\n" not in header
    fallback = header.split(";")[1]
    assert fallback.count('"') == 2
    assert 'filename="attachment.pdf"' in content_disposition("证书.pdf", ".pdf")
    assert "filename*=UTF-8''%E8%AF%81%E4%B9%A6.pdf" in content_disposition("证书.pdf", ".pdf")
    assert 'filename="Report_2024.pdf"' in content_disposition("Report 2024.pdf", ".pdf") or (
        'filename="Report 2024.pdf"' in content_disposition("Report 2024.pdf", ".pdf")
    )


def test_a_missing_file_is_404(clerk_client, world, hebei_person):
    from django.core.files.storage import default_storage

    data = png_bytes()
    attachment = actions.do_upload_attachment(
        acting_user=world.users["hebei_clerk"],
        person_id=hebei_person.pk,
        name="a.png",
        stream=BytesIO(data),
        size=len(data),
    )
    default_storage.delete(attachment.file.name)
    assert (
        clerk_client.get(reverse("people:attachment_download", args=[attachment.pk])).status_code
        == 404
    )
