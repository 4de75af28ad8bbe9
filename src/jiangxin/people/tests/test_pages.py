"""Cross-cutting checks on the profile pages: security headers, no inline script or style,
CSRF on posts, and no full personal number in any page or partial."""

from __future__ import annotations

import json
import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse

from jiangxin.people import actions
from tests.personal_data_guard import unmasked_personal_data

from .conftest import PHONE, pdf_bytes

pytestmark = pytest.mark.usefixtures("campaign_day")

HX = {"HX-Request": "true"}


def _urls(person) -> list[str]:  # type: ignore[no-untyped-def]
    pid = person.pk
    work = person.work_periods.get()
    return [
        reverse("people:list"),
        reverse("people:create"),
        reverse("people:detail", args=[pid]),
        reverse("people:edit", args=[pid]),
        reverse("people:record_add", args=[pid, "work"]),
        reverse("people:record_edit", args=[pid, "work", work.pk]),
    ]


def test_pages_have_security_headers_and_no_inline_code(client, world, hebei_person):
    client.force_login(world.users["hebei_officer"])
    for url in _urls(hebei_person):
        for headers in ({}, HX):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            csp = response["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
            assert response["X-Content-Type-Options"] == "nosniff"
            html = response.content.decode()
            for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
                attrs, body = match.groups()
                assert "src=" in attrs and not body.strip(), url
            assert not re.search(r"\sstyle=", html), url
            assert not re.search(r"\son[a-z]+=", html), url


def test_no_full_number_in_any_page_or_partial(client, world, hebei_person):
    data = pdf_bytes()
    actions.do_upload_attachment(
        acting_user=world.users["hebei_clerk"],
        person_id=hebei_person.pk,
        name=f"{hebei_person.id_number}.pdf",  # a file named after the ID number
        stream=BytesIO(data),
        size=len(data),
    )
    client.force_login(world.users["hebei_officer"])
    urls = [
        *_urls(hebei_person),
        reverse("people:attachments_section", args=[hebei_person.pk]),
        reverse("people:record_section", args=[hebei_person.pk, "work"]),
    ]
    for url in urls:
        html = client.get(url, headers=HX).content.decode()
        assert unmasked_personal_data(html) == [], url
        assert hebei_person.id_number not in html and PHONE not in html


def test_posts_need_the_csrf_token(world, hebei_person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["hebei_clerk"])
    url = reverse("people:record_add", args=[hebei_person.pk, "honor"])
    data = {"honor-year": "2020", "honor-title": "劳动模范", "honor-level": "provincial"}
    assert client.post(url, data).status_code == 403
    assert not hebei_person.honors.exists()
    page = client.get(reverse("people:detail", args=[hebei_person.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(url, {**data, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert hebei_person.honors.count() == 1


def test_changed_blocks_tell_the_page(client, world, hebei_person):
    client.force_login(world.users["hebei_clerk"])
    response = client.post(
        reverse("people:record_add", args=[hebei_person.pk, "honor"]),
        {"honor-year": "2020", "honor-title": "劳动模范", "honor-level": "provincial"},
        headers=HX,
    )
    assert json.loads(response["HX-Trigger"]) == {
        "people:record-changed": {"person": hebei_person.pk, "kind": "honor"}
    }
    invalid = client.post(
        reverse("people:record_add", args=[hebei_person.pk, "honor"]), {}, headers=HX
    )
    assert "HX-Trigger" not in invalid


def test_numbers_inside_free_text_are_masked():
    from jiangxin.core.masking import mask_numbers_in

    assert (
        mask_numbers_in("张建华130102197805172037身份证.pdf 电话13812345678。")
        == "张建华130102********2037身份证.pdf 电话138****5678。"
    )
    assert mask_numbers_in("13812345678@163.com") == "138****5678@163.com"
    # Parts of longer codes are left alone (hashes, certificate numbers with letters).
    assert mask_numbers_in("S13812345678X a1301021978051720370") == (
        "S13812345678X a1301021978051720370"
    )
    assert mask_numbers_in(None) == ""


def test_a_refused_file_named_after_the_id_number_is_masked_in_the_error(
    client, world, hebei_person
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiangxin.core.models import AuditEvent

    from .conftest import ELF_HEADER

    client.force_login(world.users["hebei_clerk"])
    name = f"{hebei_person.id_number}.pdf"
    response = client.post(
        reverse("people:attachment_upload", args=[hebei_person.pk]),
        {"attachment-file": SimpleUploadedFile(name, ELF_HEADER)},
        headers=HX,
    )
    assert "130102********" in response.content.decode()
    ok = client.post(
        reverse("people:attachment_upload", args=[hebei_person.pk]),
        {"attachment-file": SimpleUploadedFile(name, pdf_bytes())},
        headers=HX,
    )
    assert ok.status_code == 200
    event = AuditEvent.objects.get(action="person.attachment_uploaded")
    assert hebei_person.id_number not in json.dumps(event.summary)
