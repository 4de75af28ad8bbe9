"""Who sees which profile: each role its scope, anything outside answers 404 — pages,
partials, posts and downloads alike — and an ID number lookup never says more."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.urls import reverse

from jiangxin.core.models import AuditEvent
from jiangxin.people import actions

from .conftest import pdf_bytes

pytestmark = pytest.mark.usefixtures("campaign_day")

HX = {"HX-Request": "true"}

# (user, status of the list, status of the Hebei profile, may edit it)
ROLES = [
    ("hebei_clerk", 200, 200, True),
    ("sjz_officer", 200, 200, True),
    ("hebei_officer", 200, 200, True),
    ("henan_officer", 200, 404, False),
    ("program_officer", 200, 200, False),
    ("expert", 404, 404, False),
    ("craftsman", 404, 404, False),
    ("security_admin", 404, 404, False),
    ("audit_admin", 404, 404, False),
]


@pytest.fixture
def attachment(world, hebei_person):  # type: ignore[no-untyped-def]
    data = pdf_bytes()
    return actions.do_upload_attachment(
        acting_user=world.users["hebei_clerk"],
        person_id=hebei_person.pk,
        name="高级技师证书.pdf",
        stream=BytesIO(data),
        size=len(data),
    )


@pytest.mark.parametrize(("who", "list_status", "detail_status", "may_edit"), ROLES)
def test_each_role_sees_its_scope(
    client, world, hebei_person, henan_person, who, list_status, detail_status, may_edit
):
    client.force_login(world.users[who])
    response = client.get(reverse("people:list"))
    assert response.status_code == list_status
    if list_status == 200:
        html = response.content.decode()
        assert (hebei_person.name in html) == (detail_status == 200)
        assert (henan_person.name in html) == (who in ("henan_officer", "program_officer"))
    detail = client.get(reverse("people:detail", args=[hebei_person.pk]))
    assert detail.status_code == detail_status
    if detail_status == 200:
        html = detail.content.decode()
        assert (reverse("people:edit", args=[hebei_person.pk]) in html) == may_edit
        assert (reverse("people:record_add", args=[hebei_person.pk, "work"]) in html) == may_edit
    edit = client.get(reverse("people:edit", args=[hebei_person.pk]))
    assert edit.status_code == (200 if may_edit else 404)


@pytest.mark.parametrize("who", ["henan_officer", "program_officer", "expert"])
def test_partials_and_posts_outside_editing_scope_answer_404(
    client, world, hebei_person, attachment, who
):
    client.force_login(world.users[who])
    pid = hebei_person.pk
    work = hebei_person.work_periods.get()
    see = who == "program_officer"
    gets = [
        (reverse("people:record_section", args=[pid, "work"]), 200 if see else 404),
        (reverse("people:attachments_section", args=[pid]), 200 if see else 404),
        (reverse("people:attachment_download", args=[attachment.pk]), 200 if see else 404),
        (reverse("people:record_add", args=[pid, "honor"]), 404),
        (reverse("people:record_edit", args=[pid, "work", work.pk]), 404),
    ]
    for url, status in gets:
        assert client.get(url, headers=HX).status_code == status, url
    posts = [
        (reverse("people:record_add", args=[pid, "honor"]), {"honor-year": "2020"}),
        (reverse("people:record_edit", args=[pid, "work", work.pk]), {}),
        (reverse("people:record_delete", args=[pid, "work", work.pk]), {}),
        (reverse("people:attachment_delete", args=[pid, attachment.pk]), {}),
        (reverse("people:attachment_upload", args=[pid]), {}),
        (reverse("people:edit", args=[pid]), {"name": "改名"}),
    ]
    for url, data in posts:
        for headers in (HX, {}):
            assert client.post(url, data, headers=headers).status_code == 404, url
    if who != "program_officer":
        assert (
            client.post(
                reverse("people:reveal", args=[pid, "id_number"]), {"id_number-reason": "核实身份"}
            ).status_code
            == 404
        )
    hebei_person.refresh_from_db()
    assert hebei_person.name == "张建华"
    assert hebei_person.work_periods.count() == 1 and hebei_person.attachments.count() == 1


def test_unknown_record_kind_and_foreign_rows_are_404(client, world, hebei_person, henan_person):
    client.force_login(world.users["program_officer"])
    assert (
        client.get(reverse("people:record_section", args=[hebei_person.pk, "salary"])).status_code
        == 404
    )
    client.force_login(world.users["hebei_officer"])
    foreign = henan_person.work_periods.get()
    url = reverse("people:record_edit", args=[hebei_person.pk, "work", foreign.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("people:record_delete", args=[hebei_person.pk, "work", foreign.pk])
        ).status_code
        == 404
    )
    assert henan_person.work_periods.count() == 1


def test_download_from_another_province_is_404(client, world, attachment):
    client.force_login(world.users["henan_officer"])
    assert (
        client.get(reverse("people:attachment_download", args=[attachment.pk])).status_code == 404
    )
    assert not AuditEvent.objects.filter(action="person.attachment_downloaded").exists()
    client.force_login(world.users["sjz_officer"])
    response = client.get(reverse("people:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()


def _scrub(html: str) -> str:
    """The page without its per-request tokens (CSRF, sealed inputs)."""
    html = re.sub(r'value="[A-Za-z0-9]{40,}"', 'value=""', html)
    html = re.sub(r"\d{6}\*{8}[\dX]{4}", "MASKED", html)
    html = re.sub(r'value="v1:[^"]+"', 'value=""', html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", re.sub(r'content="[A-Za-z0-9]{40,}"', "", html))


def test_the_lookup_never_reveals_a_number_outside_the_scope(
    en_client, world, hebei_person, henan_person
):
    from tests.factories import valid_id_number

    client = en_client
    client.force_login(world.users["hebei_officer"])
    url = reverse("people:list")
    found = client.post(url, {"lookup-id_number": hebei_person.id_number})
    assert found.status_code == 302
    assert found["Location"] == reverse("people:detail", args=[hebei_person.pk])

    elsewhere = client.post(url, {"lookup-id_number": henan_person.id_number})
    nobody = client.post(url, {"lookup-id_number": valid_id_number(region="410102")})
    assert elsewhere.status_code == nobody.status_code == 200
    assert elsewhere["Cache-Control"] == "no-store"
    a, b = _scrub(elsewhere.content.decode()), _scrub(nobody.content.decode())
    assert a == b
    assert "No profile in your scope has this ID number." in a
    assert henan_person.name not in a


def test_a_name_search_holding_an_id_number_is_not_run_or_echoed(en_client, world, hebei_person):
    client = en_client
    client.force_login(world.users["hebei_officer"])
    response = client.get(
        reverse("people:list"), {"q": hebei_person.id_number, "gender": "male", "page": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:list") + "?gender=male"
    page = client.get(response["Location"])
    assert "To find a profile by ID number" in page.content.decode()
    export = client.get(reverse("people:export"), {"q": hebei_person.id_number.lower()})
    assert export.status_code == 302


def test_sidebar_and_dashboard(client, world, hebei_person, henan_person):
    from jiangxin.core.dashboard import dashboard_for

    client.force_login(world.users["hebei_clerk"])
    html = client.get(reverse("core:dashboard")).content.decode()
    assert f'href="{reverse("people:list")}"' in html
    stats = [
        s
        for panel in dashboard_for(world.users["hebei_clerk"])
        for s in panel.stats
        if s.url == reverse("people:list")
    ]
    assert [s.value for s in stats] == [1]  # the Hebei profile; Henan is outside the scope
    for who, shown in (("hebei_officer", True), ("program_officer", True), ("expert", False)):
        client.force_login(world.users[who])
        html = client.get(reverse("core:dashboard")).content.decode()
        assert (f'href="{reverse("people:list")}"' in html) == shown, who
