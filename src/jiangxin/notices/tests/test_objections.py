"""Handling an objection, and who may see what: triage, assignment, notes and files, the unit's
written explanation, the conclusion and the reply; the complainant's identity only for the
named handlers (each view audited), redacted for other officers, never for the nominee's side."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.notices import actions
from jiangxin.notices.models import Objection, ObjectionFile
from jiangxin.notifications.models import Notification
from tests.factories import OBJECTOR_PHONE, file_objection, make_user, tiny_pdf

pytestmark = pytest.mark.usefixtures("campaign_day")

MZ = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture
def objection(notice):  # type: ignore[no-untyped-def]
    return file_objection(notice, notice.public_entries().first())[0]


def _investigating(handler, objection):  # type: ignore[no-untyped-def]
    return actions.do_triage_objection(
        acting_user=handler, objection_id=objection.pk, admit=True, note="事实具体，予以受理。"
    )


# --- Filing -----------------------------------------------------------------------------------


def test_filing_gives_a_receipt_and_tells_the_handlers(notice, handler, objection):
    assert re.fullmatch(r"\d{2}-[2-9A-HJKMNP-Z]{8}", objection.receipt_number)
    assert objection.receipt_number.startswith("26-")
    assert objection.status == "received" and not objection.is_late
    note = Notification.objects.get(recipient=handler, kind="objection.received")
    assert note.params["receipt"] == objection.receipt_number
    assert "赵举报" not in str(note.params)  # notifications never carry the identity
    event = AuditEvent.objects.get(action="objection.filed")
    assert event.actor_id is None and "赵举报" not in str(event.summary)
    assert event.object_repr == objection.receipt_number


def test_the_status_token_is_stored_as_a_hash_only(notice):
    objection, token = file_objection(notice, notice.public_entries().first())
    assert token not in objection.status_token_hash and len(objection.status_token_hash) == 64
    assert actions.find_objection_by_token(token) == objection
    assert actions.find_objection_by_token(token + "x") is None


# --- Handling ---------------------------------------------------------------------------------


def test_triage_is_for_named_handlers_and_refusal_needs_a_reason(
    world, objection, handler, officer
):
    with pytest.raises(PermissionDenied):
        actions.do_triage_objection(acting_user=officer, objection_id=objection.pk, admit=True)
    with pytest.raises(DomainError) as exc:
        actions.do_triage_objection(acting_user=handler, objection_id=objection.pk, admit=False)
    assert exc.value.rule == "objection.reason_required"
    objection = actions.do_triage_objection(
        acting_user=handler, objection_id=objection.pk, admit=False, note="未提供具体事实。"
    )
    assert objection.status == "not_admitted" and not objection.is_open
    actions.do_reply_to_complainant(
        acting_user=handler, objection_id=objection.pk, text="您反映的问题缺乏具体事实，不予受理。"
    )
    with pytest.raises(DomainError):
        actions.do_reply_to_complainant(acting_user=handler, objection_id=objection.pk, text="再次")


def test_objections_go_only_to_named_handlers(world, objection, handler, officer):
    stranger = make_user("stranger", role="program_officer", org=world.acftu)
    with pytest.raises(DomainError) as exc:
        actions.do_triage_objection(
            acting_user=handler, objection_id=objection.pk, admit=True, handler_id=stranger.pk
        )
    assert exc.value.rule == "objection.handler_not_named"
    second = make_user("second", role="program_officer", org=world.acftu)
    actions.do_name_handler(
        acting_user=officer,
        campaign_id=objection.notice.campaign_id,
        user_id=second.pk,
        active=True,
    )
    objection = _investigating(handler, objection)
    objection = actions.do_assign_objection(
        acting_user=officer, objection_id=objection.pk, handler_id=second.pk
    )
    assert objection.assigned_to == second
    assert Notification.objects.filter(recipient=second, kind="objection.assigned").exists()
    # Only the handler assigned investigates.
    with pytest.raises(PermissionDenied):
        actions.do_add_objection_note(acting_user=handler, objection_id=objection.pk, text="x")


def test_notes_carry_checked_files(objection, handler):
    objection = _investigating(handler, objection)
    with pytest.raises(DomainError) as exc:
        actions.do_add_objection_note(
            acting_user=handler,
            objection_id=objection.pk,
            text="调取专利登记簿。",
            uploads=[("登记簿.pdf", BytesIO(MZ), len(MZ))],
        )
    assert exc.value.rule == "upload.content_mismatch"
    assert not objection.notes.exists()
    note = actions.do_add_objection_note(
        acting_user=handler,
        objection_id=objection.pk,
        text="调取专利登记簿。",
        uploads=[("登记簿.pdf", BytesIO(tiny_pdf()), len(tiny_pdf()))],
    )
    assert note.files.get().kind == ObjectionFile.Kind.NOTE


def test_the_unit_explains_in_writing_without_learning_who_objected(
    client, world, objection, handler
):
    objection = _investigating(handler, objection)
    due = timezone.localdate() + dt.timedelta(days=5)
    request = actions.do_request_explanation(
        acting_user=handler,
        objection_id=objection.pk,
        question="请就申报材料中两项专利的权属作出书面说明。",
        due_on=due,
    )
    clerk = world.users["hebei_clerk"]
    assert Notification.objects.filter(
        recipient=clerk, kind="objection.explanation_requested"
    ).exists()
    # While the explanation is awaited, no conclusion is drawn.
    with pytest.raises(DomainError) as exc:
        actions.do_conclude_objection(
            acting_user=handler, objection_id=objection.pk, conclusion="unfounded", reasons="x"
        )
    assert exc.value.rule == "objection.explanation_pending"

    client.force_login(clerk)
    listing = client.get(reverse("notices:explanation_list")).content.decode()
    assert (
        "请就申报材料" not in listing
        and reverse("notices:explanation_detail", args=[request.pk]) in listing
    )
    page = client.get(reverse("notices:explanation_detail", args=[request.pk])).content.decode()
    assert "请就申报材料中两项专利的权属作出书面说明" in page
    for secret in ("赵举报", "139****5678", objection.facts, objection.receipt_number):
        assert secret not in page
    # The unit reaches neither the objection nor its files.
    assert client.get(reverse("notices:objection_detail", args=[objection.pk])).status_code == 404
    response = client.post(
        reverse("notices:explanation_detail", args=[request.pk]),
        {"answer": "两项专利均为本人职务发明，附专利证书。"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.is_answered and request.answered_by == clerk
    assert Notification.objects.filter(
        recipient=handler, kind="objection.explanation_answered"
    ).exists()
    objection = actions.do_conclude_objection(
        acting_user=handler,
        objection_id=objection.pk,
        conclusion="partly_founded",
        reasons="一项专利权属存疑，另一项属实。",
    )
    assert objection.status == "concluded" and not objection.is_open


def test_the_complainant_reads_the_reply_on_the_status_page(client, notice, handler):
    objection, token = file_objection(notice, notice.public_entries().first())
    url = reverse("notices:objection_status", args=[token])
    assert objection.receipt_number in client.get(url).content.decode()
    objection = _investigating(handler, objection)
    actions.do_conclude_objection(
        acting_user=handler,
        objection_id=objection.pk,
        conclusion="unfounded",
        reasons="经核实不属实。",
    )
    actions.do_reply_to_complainant(
        acting_user=handler,
        objection_id=objection.pk,
        text="经核实，您反映的问题不属实。感谢监督。",
    )
    assert "经核实，您反映的问题不属实。感谢监督。" in client.get(url).content.decode()


# --- Confidentiality ---------------------------------------------------------------------------


def _identity_views() -> int:
    return AuditEvent.objects.filter(action="objection.identity_viewed").count()


def test_named_handlers_see_the_complainant_and_every_view_is_audited(client, objection, handler):
    client.force_login(handler)
    detail = reverse("notices:objection_detail", args=[objection.pk])
    html = client.get(detail).content.decode()
    assert "赵举报" in html and "139****5678" in html and OBJECTOR_PHONE not in html
    assert _identity_views() == 1
    client.get(detail)
    assert _identity_views() == 2
    event = AuditEvent.objects.filter(action="objection.identity_viewed").first()
    assert event.actor_id == handler.pk and event.summary["receipts"] == [objection.receipt_number]
    listing = client.get(reverse("notices:objection_list", args=[objection.notice_id]))
    assert "赵举报" in listing.content.decode()
    assert _identity_views() == 3


def test_program_officers_without_the_duty_see_it_redacted(client, objection, officer, english):
    client.cookies["jiangxin_language"] = "en"
    client.force_login(officer)
    for url in (
        reverse("notices:objection_detail", args=[objection.pk]),
        reverse("notices:objection_list", args=[objection.notice_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Redacted" in html and "赵举报" not in html and "139****5678" not in html
        assert objection.facts in html or url.endswith("/objections/")
    assert _identity_views() == 0


def test_complainant_files_only_for_named_handlers(client, notice, handler, officer):
    objection, _token = file_objection(notice, notice.public_entries().first(), kind="unit")
    letter = objection.files.get(kind="seal_letter")
    url = reverse("notices:objection_file", args=[objection.pk, letter.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 404
    client.force_login(handler)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(
        action="objection.identity_viewed", summary__page=f"file:{letter.pk}"
    ).exists()


@pytest.mark.parametrize(
    "who", ["hebei_officer", "hebei_clerk", "craftsman", "expert", "audit_admin"]
)
def test_everyone_else_gets_404(client, world, objection, who):
    client.force_login(world.users[who])
    for url in (
        reverse("notices:objection_detail", args=[objection.pk]),
        reverse("notices:objection_list", args=[objection.notice_id]),
        reverse("notices:detail", args=[objection.notice_id]),
    ):
        assert client.get(url).status_code == 404, (who, url)
    response = client.post(
        reverse("notices:objection_triage", args=[objection.pk]), {"decision": "admit"}
    )
    assert response.status_code == 404
    assert Objection.objects.get(pk=objection.pk).status == "received"


def test_the_handler_pages_drive_the_whole_handling(client, world, notice, objection, handler):
    client.force_login(handler)
    detail = reverse("notices:objection_detail", args=[objection.pk])
    response = client.post(
        reverse("notices:objection_triage", args=[objection.pk]),
        {"decision": "admit", "handler": "", "note": "予以受理。"},
    )
    assert response["Location"] == detail
    note_url = reverse("notices:objection_note", args=[objection.pk])
    response = client.post(note_url, {"text": ""})
    assert response.status_code == 200  # the error is shown on the page, nothing saved
    assert client.post(note_url, {"text": "电话核实举报人。"}).status_code == 302
    response = client.post(
        reverse("notices:objection_conclude", args=[objection.pk]),
        {"conclusion": "founded", "reasons": "经核查属实。"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("notices:objection_reply", args=[objection.pk]), {"text": "经核查，反映属实。"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.conclusion) == ("concluded", "founded")
    assert objection.replied_at is not None
    html = client.get(detail).content.decode()
    assert "电话核实举报人。" in html and "经核查属实。" in html


def test_the_objection_list_does_not_query_per_row(
    client, notice, handler, django_assert_max_num_queries
):
    for entry in list(notice.public_entries()) * 2:
        file_objection(notice, entry)
    client.force_login(handler)
    url = reverse("notices:objection_list", args=[notice.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.decode().count("赵举报") == 6
