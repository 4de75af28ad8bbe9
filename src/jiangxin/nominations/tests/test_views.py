"""The nomination pages: scope (404 outside it), the steps keep every answer, endorsement and
the format check through the pages, query counts on the list and the record page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jiangxin.accounts.models import Role
from jiangxin.nominations.models import Nomination
from jiangxin.programs import actions as program_actions
from tests.factories import STATEMENT, make_campaign, make_nomination, make_user

pytestmark = pytest.mark.usefixtures("campaign_day")

S = Nomination.Status


@pytest.fixture
def national(world):  # type: ignore[no-untyped-def]
    return make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 3, world.henan: 1}
    )


def login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_detail_is_404_outside_the_scope(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"], national, world.hebei_union, world.hebei_enterprise
    )
    url = reverse("nominations:detail", args=[n.pk])
    for who, status in [
        ("hebei_clerk", 200),
        ("sjz_officer", 200),
        ("hebei_officer", 200),
        ("program_officer", 200),
        ("henan_officer", 404),
        ("expert", 404),
        ("craftsman", 404),
        ("audit_admin", 404),
        ("system_admin", 404),
    ]:
        client.force_login(world.users[who])
        assert client.get(url).status_code == status, who
    zz = make_user("zzofficer", role=Role.RECOMMENDING_OFFICER, org=world.zhengzhou)
    client.force_login(zz)
    assert client.get(url).status_code == 404
    # Partial-free POST routes too.
    assert (
        client.post(reverse("nominations:endorse", args=[n.pk]), {"opinion": "x"}).status_code
        == 404
    )
    assert client.get(reverse("nominations:withdraw", args=[n.pk])).status_code == 404


def test_program_officers_do_not_see_drafts(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        submit=False,
    )
    login(client, world.users["program_officer"])
    assert client.get(reverse("nominations:detail", args=[n.pk])).status_code == 404
    login(client, world.users["hebei_officer"])
    assert client.get(reverse("nominations:detail", args=[n.pk])).status_code == 200


def test_list_is_scoped_and_has_no_query_per_row(
    client, world, national, django_assert_max_num_queries
):
    clerk = world.users["hebei_clerk"]
    for i in range(6):
        make_nomination(clerk, national, world.hebei_union, world.hebei_enterprise, name=f"李{i}")
    login(client, world.users["hebei_officer"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("nominations:list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/nominations/') >= 6
    login(client, world.users["henan_officer"])
    response = client.get(reverse("nominations:list"))
    assert "李0" not in response.content.decode()


def test_detail_query_count_is_bounded(client, world, national, django_assert_max_num_queries):
    n = make_nomination(
        world.users["hebei_clerk"], national, world.hebei_union, world.hebei_enterprise
    )
    login(client, world.users["sjz_officer"])
    with django_assert_max_num_queries(40):
        response = client.get(reverse("nominations:detail", args=[n.pk]))
    assert response.status_code == 200


def test_needs_my_action_filter(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        name="王待办",
    )
    login(client, world.users["sjz_officer"])
    html = client.get(reverse("nominations:list") + "?todo=on").content.decode()
    assert "王待办" in html
    login(client, world.users["hebei_officer"])
    html = client.get(reverse("nominations:list") + "?todo=on").content.decode()
    assert "王待办" not in html  # not at the province yet
    assert n.number in client.get(reverse("nominations:list")).content.decode()


def test_endorse_and_return_through_the_page(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"], national, world.hebei_union, world.hebei_enterprise
    )
    login(client, world.users["sjz_officer"])
    page = client.get(reverse("nominations:detail", args=[n.pk])).content.decode()
    assert reverse("nominations:endorse", args=[n.pk]) in page
    response = client.post(reverse("nominations:endorse", args=[n.pk]), {"opinion": "同意推荐"})
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.current_level == world.hebei
    # The city can no longer act on it.
    assert (
        client.post(reverse("nominations:return", args=[n.pk]), {"comment": "x"}).status_code == 404
    )
    login(client, world.users["hebei_officer"])
    client.post(reverse("nominations:return", args=[n.pk]), {"comment": "请补充材料"})
    n.refresh_from_db()
    assert n.status == S.RETURNED


def test_statements_step_keeps_a_too_long_text_and_reports_it(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        submit=False,
    )
    dims = list(national.policy_version.dimensions.order_by("order"))
    login(client, world.users["hebei_clerk"])
    url = reverse("nominations:step", args=[n.pk, "statements"])
    long_text = "字" * 801
    data = {f"dim_{d.pk}": STATEMENT for d in dims}
    data[f"dim_{dims[0].pk}"] = long_text
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert long_text in html  # what was typed is shown again
    n.refresh_from_db()
    assert n.draft_data["statements"][f"dim_{dims[0].pk}"] == long_text
    # Coming back later shows it again, from the draft.
    assert long_text in client.get(url).content.decode()
    # A valid text saves, clears the raw draft and moves on.
    data[f"dim_{dims[0].pk}"] = STATEMENT
    response = client.post(url, data)
    assert response.status_code == 302
    n.refresh_from_db()
    assert "statements" not in n.draft_data


def test_opinion_step_keeps_input_after_errors(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        submit=False,
    )
    login(client, world.users["hebei_clerk"])
    url = reverse("nominations:step", args=[n.pk, "opinion"])
    response = client.post(
        url, {"deeds_summary": "二十年如一日", "unit_opinion": "", "attestation_date": "2099-01-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "二十年如一日" in html
    assert "<title>错误：" in html


def test_autosave_keeps_raw_input(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        submit=False,
    )
    login(client, world.users["hebei_clerk"])
    response = client.post(
        reverse("nominations:autosave", args=[n.pk, "opinion"]),
        {"deeds_summary": "半句话"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "data-saved-at" in response.content.decode()
    n.refresh_from_db()
    assert n.draft_data["opinion"]["deeds_summary"] == "半句话"
    login(client, world.users["henan_officer"])
    assert (
        client.post(reverse("nominations:autosave", args=[n.pk, "opinion"]), {"x": "y"}).status_code
        == 404
    )


def test_submit_from_the_review_step(client, world, national):
    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        submit=False,
    )
    login(client, world.users["hebei_clerk"])
    url = reverse("nominations:step", args=[n.pk, "review"])
    page = client.get(url).content.decode()
    assert "石家庄市总工会" in page  # where it goes next
    response = client.post(url)
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.status == S.SUBMITTED
    # No more editing once submitted.
    response = client.get(url)
    assert response.status_code == 302


def test_review_step_lists_every_blocking_problem(client, world, national):
    clerk = world.users["hebei_clerk"]
    from jiangxin.nominations import actions

    n = actions.do_start_nomination(
        acting_user=clerk, campaign_id=national.pk, nominating_unit_id=world.hebei_union.pk
    )
    login(client, clerk)
    response = client.post(reverse("nominations:step", args=[n.pk, "review"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "选择" in html or "Choose" in html


def _ready_for_check(world, campaign):  # type: ignore[no-untyped-def]
    from jiangxin.nominations import actions

    n = make_nomination(
        world.users["hebei_clerk"], campaign, world.hebei_union, world.hebei_enterprise
    )
    actions.do_endorse_nomination(
        acting_user=world.users["sjz_officer"], nomination_id=n.pk, opinion="同意"
    )
    actions.do_endorse_nomination(
        acting_user=world.users["hebei_officer"], nomination_id=n.pk, opinion="同意"
    )
    officer = world.users["program_officer"]
    program_actions.do_close_recommendation(acting_user=officer, campaign_id=campaign.pk)
    program_actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
    return n


def test_format_check_pages(client, world, national):
    n = _ready_for_check(world, national)
    board = reverse("nominations:format_check", args=[national.pk])
    login(client, world.users["hebei_officer"])
    assert client.get(board).status_code == 404
    assert client.get(reverse("nominations:check", args=[n.pk])).status_code == 404
    login(client, world.users["program_officer"])
    html = client.get(board).content.decode()
    assert n.number in html
    check = reverse("nominations:check", args=[n.pk])
    response = client.post(
        check,
        {
            "decision": "return",
            "reason": "扫描件不清晰",
            "rule_code": "format.illegible",
            "return_deadline": "2026-10-01",
        },
    )
    assert response.status_code == 200  # a holiday, and after the format check ends
    assert "扫描件不清晰" in response.content.decode()
    response = client.post(
        check,
        {
            "decision": "accept",
            "complete": "on",
            "attachments_legible": "on",
            "attestation_present": "on",
            "eligibility_confirmed": "on",
        },
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.status == S.ACCEPTED
    response = client.post(reverse("nominations:format_check_close", args=[national.pk]))
    national.refresh_from_db()
    assert national.status == "online_review"


def test_format_check_staff_can_check(client, world, national):
    n = _ready_for_check(world, national)
    staff = make_user("fcstaff", role=Role.UNIT_CLERK, org=world.acftu)
    program_actions.do_name_campaign_staff(
        acting_user=world.users["program_officer"],
        campaign_id=national.pk,
        user_id=staff.pk,
        duty="format_check",
    )
    login(client, staff)
    assert client.get(reverse("nominations:format_check", args=[national.pk])).status_code == 200
    assert client.get(reverse("nominations:check", args=[n.pk])).status_code == 200


def test_export_is_scoped_and_masked(client, world, national):
    import io

    from openpyxl import load_workbook

    n = make_nomination(
        world.users["hebei_clerk"], national, world.hebei_union, world.hebei_enterprise
    )
    login(client, world.users["hebei_officer"])
    response = client.get(reverse("nominations:export"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[1][0] == n.number
    assert "********" in rows[1][3]
    login(client, world.users["henan_officer"])
    wb = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("nominations:export")).streaming_content))
    )
    assert len(list(wb.active.iter_rows(values_only=True))) == 1


def test_start_page(client, world, national):
    login(client, world.users["hebei_clerk"])
    url = reverse("nominations:start")
    assert national.name in client.get(url).content.decode()
    response = client.post(url, {"campaign": national.pk, "unit": world.hebei_union.pk})
    assert response.status_code == 302
    n = Nomination.objects.get(campaign=national, nominating_unit=world.hebei_union)
    assert response["Location"] == reverse("nominations:step", args=[n.pk, "person"])
    login(client, world.users["expert"])
    assert client.get(url).status_code == 404


def test_reminders_are_sent_once(world, national):
    from jiangxin.nominations.scheduled import send_deadline_reminders
    from jiangxin.notifications.models import Notification

    make_nomination(world.users["hebei_clerk"], national, world.hebei_union, world.hebei_enterprise)
    day = national.recommendation_closes - dt.timedelta(days=3)
    assert send_deadline_reminders(day) == 1  # the city officer must endorse
    assert send_deadline_reminders(day) == 0
    assert (
        Notification.objects.filter(
            kind="campaign.closing_soon", recipient=world.users["sjz_officer"]
        ).count()
        == 1
    )
    assert send_deadline_reminders(day + dt.timedelta(days=1)) == 0  # 2 days before: nothing


def test_scheduler_closes_after_the_deadline(world, national):
    import time_machine

    from jiangxin.nominations.scheduled import close_due_recommendations
    from tests.factories import SHANGHAI

    closes = national.recommendation_closes
    with time_machine.travel(
        dt.datetime(closes.year, closes.month, closes.day, 23, 0, tzinfo=SHANGHAI)
    ):
        assert close_due_recommendations(closes) == []
    after = closes + dt.timedelta(days=1)
    with time_machine.travel(
        dt.datetime(after.year, after.month, after.day, 0, 5, tzinfo=SHANGHAI)
    ):
        closed = close_due_recommendations(after)
    assert [c.pk for c in closed] == [national.pk]
    national.refresh_from_db()
    assert national.status == "recommendation_closed"


# --- The person, record and evidence steps -------------------------------------------------


def test_person_step_creates_the_profile_and_keeps_input_after_errors(client, world, national):
    from jiangxin.nominations import actions
    from tests.factories import valid_id_number

    clerk = world.users["hebei_clerk"]
    n = actions.do_start_nomination(
        acting_user=clerk, campaign_id=national.pk, nominating_unit_id=world.hebei_union.pk
    )
    login(client, clerk)
    url = reverse("nominations:step", args=[n.pk, "person"])
    page = client.get(url).content.decode()
    assert 'name="id_number"' in page
    number = valid_id_number()
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(
        url,
        {
            "id_number": bad,
            "name": "郭守敬",
            "employer": world.hebei_enterprise.pk,
            "union": world.hebei_union.pk,
            "occupation": "钳工",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "郭守敬" in html and "钳工" in html  # kept
    assert bad not in html  # never echoed in full
    response = client.post(
        url,
        {
            "id_number": number,
            "name": "郭守敬",
            "employer": world.hebei_enterprise.pk,
            "union": world.hebei_union.pk,
            "occupation": "钳工",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    n.refresh_from_db()
    assert n.person is not None and n.person.name == "郭守敬" and n.person.occupation == "钳工"
    assert response["Location"] == reverse("nominations:step", args=[n.pk, "record"])


def test_person_step_reuses_a_profile_in_scope(client, world, national):
    from jiangxin.nominations import actions
    from tests.factories import make_person, valid_id_number

    clerk = world.users["hebei_clerk"]
    number = valid_id_number()
    person = make_person(
        clerk, world.hebei_enterprise, union=world.hebei_union, name="祖冲之", id_number=number
    )
    n = actions.do_start_nomination(
        acting_user=clerk, campaign_id=national.pk, nominating_unit_id=world.hebei_union.pk
    )
    login(client, clerk)
    url = reverse("nominations:step", args=[n.pk, "person"])
    client.post(
        url,
        {
            "id_number": number,
            "name": "祖冲之",
            "employer": world.hebei_enterprise.pk,
            "union": world.hebei_union.pk,
        },
    )
    n.refresh_from_db()
    assert n.person_id == person.pk


def test_record_and_evidence_steps(client, world, national):
    from django.core.files.uploadedfile import SimpleUploadedFile

    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        submit=False,
    )
    login(client, world.users["hebei_clerk"])
    page = client.get(reverse("nominations:step", args=[n.pk, "record"])).content.decode()
    assert "5年以上一线生产现场工作经历" in page  # the live verdicts
    assert reverse("people:record_add", args=[n.person_id, "work"]) in page
    assert (
        client.get(
            reverse("nominations:eligibility", args=[n.pk]), HTTP_HX_REQUEST="true"
        ).status_code
        == 200
    )
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client.post(
        reverse("people:attachment_upload", args=[n.person_id]),
        {
            "attachment-file": SimpleUploadedFile("证书.png", png, content_type="image/png"),
            "attachment-description": "技能证书",
        },
    )
    attachment = n.person.attachments.get()
    dim = national.policy_version.dimensions.order_by("order").first()
    response = client.post(
        reverse("nominations:evidence_add", args=[n.pk]),
        {"attachment": attachment.pk, "dimension": dim.pk, "caption": "高级技师证书"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "高级技师证书" in response.content.decode()
    evidence = n.evidence.get()
    # Downloads go through the nomination's scope.
    assert (
        client.get(reverse("nominations:evidence_download", args=[n.pk, evidence.pk])).status_code
        == 200
    )
    login(client, world.users["henan_officer"])
    assert (
        client.get(reverse("nominations:evidence_download", args=[n.pk, evidence.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("nominations:evidence_remove", args=[n.pk, evidence.pk])).status_code
        == 404
    )


def test_dashboard_and_sidebar_show_what_waits(client, world, national):
    make_nomination(world.users["hebei_clerk"], national, world.hebei_union, world.hebei_enterprise)
    login(client, world.users["sjz_officer"])
    html = client.get("/").content.decode()
    assert "待我审核" in html
    assert reverse("nominations:list") in html  # the sidebar entry
    section = html[html.index("待我审核") :]
    assert ">1<" in section.replace(" ", "")[:400]
    login(client, world.users["expert"])
    assert reverse("nominations:list") not in client.get("/").content.decode()
