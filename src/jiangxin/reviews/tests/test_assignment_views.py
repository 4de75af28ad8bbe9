"""The assignment pages: officers of the issuing organization only (404 for everybody else),
start → progress partial → preview → pin/forbid → execute, current assignments, recusal,
replacement, export, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiangxin.nominations.models import Nomination
from jiangxin.reviews.assignment import actions
from jiangxin.reviews.models import Assignment, AssignmentRun
from jiangxin.reviews.tests.test_assignment_actions import make_review, solve
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("campaign_day")

R = AssignmentRun.Status


def login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


@pytest.fixture
def review(world):  # type: ignore[no-untyped-def]
    return make_review(world, count=4, experts=4)


@pytest.fixture
def officer_client(client, world):  # type: ignore[no-untyped-def]
    return login(client, world.users["program_officer"])


def _executed(world, review, capture):  # type: ignore[no-untyped-def]
    campaign, _nominations, _experts = review
    officer = world.users["program_officer"]
    run = solve(capture, acting_user=officer, campaign_id=campaign.pk, k=2)
    with capture(execute=True):
        actions.do_execute_assignment_run(acting_user=officer, run_id=run.pk)
    return run


def test_start_preview_and_execute_through_the_pages(
    world, review, officer_client, django_capture_on_commit_callbacks
):
    campaign, nominations, experts = review
    page = officer_client.get(reverse("reviews:assignment_index"))
    assert page.status_code == 200 and campaign.name in page.content.decode()
    page = officer_client.get(reverse("reviews:assignment_campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["k"] == campaign.policy_version.reviewers_per_nomination

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("reviews:assignment_start", args=[campaign.pk]),
            {"k": 2, "default_max_load": 5, "use_text": "on"},
        )
    run = AssignmentRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:assignment_run", args=[run.pk])
    assert run.status == R.SOLVED

    page = officer_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<meter" in html and nominations[0].number in html
    assert str(experts[0]) in html or str(experts[1]) in html
    # The finished run's status partial asks htmx to reload the page.
    status = officer_client.get(
        reverse("reviews:assignment_run_status", args=[run.pk]), HTTP_HX_REQUEST="true"
    )
    assert status.status_code == 200 and status["HX-Refresh"] == "true"

    first = run.result["pairs"][0]
    response = officer_client.post(
        reverse("reviews:assignment_run_pair", args=[run.pk]),
        {"nomination": nominations[0].number, "expert": first[1], "op": "forbid"},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.params["next"]["forbids"] == [[first[0], first[1]]]
    second = next(pair for pair in run.result["pairs"] if pair[0] != first[0])
    officer_client.post(
        reverse("reviews:assignment_run_pair", args=[run.pk]),
        {
            "nomination": Nomination.objects.get(pk=second[0]).number,
            "expert": second[1],
            "op": "pin",
        },
    )
    # The preview row of a pair marked for the next solve offers release, not pin or forbid.
    page = officer_client.get(reverse("reviews:assignment_run", args=[run.pk]))
    marks = {
        (row["nomination"].pk, e["expert_id"]): e["next"]
        for row in page.context["rows"]
        for e in row["experts"]
    }
    assert marks.pop((first[0], first[1])) == "forbid"
    assert marks.pop((second[0], second[1])) == "pin"
    assert set(marks.values()) == {""}
    html = page.content.decode()
    assert html.count('value="release"') == 2 + 2  # both rows, and the list of pins and forbids
    assert "已排除（下次求解）" in html and "已锁定（下次求解）" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("reviews:assignment_run_execute", args=[run.pk]))
    assert response["Location"] == reverse("reviews:assignment_current", args=[campaign.pk])
    assert Assignment.objects.count() == 8


def test_a_running_run_polls_and_can_be_cancelled(world, review, officer_client):
    campaign, _nominations, _experts = review
    run = actions.do_start_assignment_run(
        acting_user=world.users["program_officer"], campaign_id=campaign.pk, k=2
    )
    page = officer_client.get(reverse("reviews:assignment_run", args=[run.pk]))
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    partial = officer_client.get(
        reverse("reviews:assignment_run_status", args=[run.pk]), HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200 and "run-status" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    response = officer_client.post(reverse("reviews:assignment_run_cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == R.CANCELLED


def test_infeasible_preview_shows_the_bottleneck(
    world, officer_client, django_capture_on_commit_callbacks, english
):
    campaign, _nominations, _experts = make_review(world, count=3, experts=2)
    officer_client.cookies["jiangxin_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("reviews:assignment_start", args=[campaign.pk]),
            {"k": 2, "default_max_load": 2},
        )
    run = AssignmentRun.objects.get()
    assert run.status == R.INFEASIBLE
    html = officer_client.get(reverse("reviews:assignment_run", args=[run.pk])).content.decode()
    assert "No valid assignment exists" in html
    assert "All nominations: 2 available experts for 3 nominations with k = 2 and L = 2" in html


def test_bad_parameters_are_shown_on_the_form(world, review, officer_client):
    campaign, _nominations, _experts = review
    response = officer_client.post(
        reverse("reviews:assignment_start", args=[campaign.pk]), {"k": 0, "default_max_load": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not AssignmentRun.objects.exists()


def test_outsiders_get_404_everywhere(world, review, client, django_capture_on_commit_callbacks):
    campaign, _nominations, experts = review
    run = _executed(world, review, django_capture_on_commit_callbacks)
    assignment = Assignment.objects.first()
    assert assignment is not None
    hebei_program = make_user("hbprogram2", role="program_officer", org=world.hebei)
    urls_get = [
        reverse("reviews:assignment_campaign", args=[campaign.pk]),
        reverse("reviews:assignment_current", args=[campaign.pk]),
        reverse("reviews:assignment_current_export", args=[campaign.pk]),
        reverse("reviews:assignment_run", args=[run.pk]),
        reverse("reviews:assignment_run_status", args=[run.pk]),
        reverse("reviews:assignment_recuse", args=[assignment.pk]),
        reverse("reviews:assignment_end_expert", args=[campaign.pk, assignment.expert_id]),
    ]
    urls_post = [
        reverse("reviews:assignment_start", args=[campaign.pk]),
        reverse("reviews:assignment_replace", args=[campaign.pk]),
        reverse("reviews:assignment_run_cancel", args=[run.pk]),
        reverse("reviews:assignment_run_execute", args=[run.pk]),
        reverse("reviews:assignment_run_discard", args=[run.pk]),
        reverse("reviews:assignment_run_resolve", args=[run.pk]),
        reverse("reviews:assignment_run_pair", args=[run.pk]),
        reverse("reviews:assignment_recuse", args=[assignment.pk]),
    ]
    for user in (
        world.users["hebei_officer"],
        world.users["expert"],
        experts[0].user,
        hebei_program,
        world.users["audit_admin"],
    ):
        client.force_login(user)
        for url in urls_get:
            assert client.get(url).status_code == 404, (user, url)
        for url in urls_post:
            assert client.post(url, {"reason": "x"}).status_code == 404, (user, url)
    client.force_login(world.users["expert"])
    assert client.get(reverse("reviews:assignment_index")).status_code == 404
    assert Assignment.objects.filter(status="active").count() == 8


def test_current_assignments_recuse_and_replace(
    world, officer_client, django_capture_on_commit_callbacks
):
    review = make_review(world, count=4, experts=5)
    campaign, nominations, _experts = review
    _executed(world, review, django_capture_on_commit_callbacks)
    url = reverse("reviews:assignment_current", args=[campaign.pk])
    page = officer_client.get(url)
    assert page.status_code == 200 and nominations[0].number in page.content.decode()
    experts_page = officer_client.get(url + "?view=experts")
    assert experts_page.status_code == 200
    export = officer_client.get(reverse("reviews:assignment_current_export", args=[campaign.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )

    assignment = Assignment.objects.filter(nomination=nominations[0]).first()
    assert assignment is not None
    form = officer_client.get(reverse("reviews:assignment_recuse", args=[assignment.pk]))
    assert form.status_code == 200
    response = officer_client.post(
        reverse("reviews:assignment_recuse", args=[assignment.pk]), {"reason": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = officer_client.post(
        reverse("reviews:assignment_recuse", args=[assignment.pk]),
        {"reason": "评审中发现与被推荐人是师徒关系"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RECUSED
    short = officer_client.get(url + "?short=on")
    assert nominations[0].number in short.content.decode()
    assert nominations[1].number not in short.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("reviews:assignment_replace", args=[campaign.pk]))
    run = AssignmentRun.objects.filter(is_replacement=True).get()
    assert response["Location"] == reverse("reviews:assignment_run", args=[run.pk])
    assert run.status == R.SOLVED and len(run.result["pairs"]) == 1

    # Take an expert off all their nominations.
    expert = Assignment.objects.filter(status="active").first().expert  # type: ignore[union-attr]
    response = officer_client.post(
        reverse("reviews:assignment_end_expert", args=[campaign.pk, expert.pk]),
        {"reason": "因病无法继续评审"},
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(expert=expert, status="active").exists()


def test_pages_do_not_query_per_row(
    world, officer_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    review = make_review(world, count=8, experts=6)
    campaign, _nominations, _experts = review
    run = _executed(world, review, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(25):
        officer_client.get(reverse("reviews:assignment_current", args=[campaign.pk]))
    with django_assert_max_num_queries(25):
        officer_client.get(
            reverse("reviews:assignment_current", args=[campaign.pk]) + "?view=experts"
        )
    with django_assert_max_num_queries(25):
        officer_client.get(reverse("reviews:assignment_run", args=[run.pk]))
    with django_assert_max_num_queries(25):
        officer_client.get(reverse("reviews:assignment_index"))


def test_dashboard_counts_nominations_awaiting_experts(world, review, officer_client, english):
    from jiangxin.reviews.assignment.dashboard import assignment_stats

    stats = {str(s.label): s.value for s in assignment_stats(world.users["program_officer"])}
    assert stats == {"Nominations awaiting experts": 4, "Nominations short of experts": 0}
    assert assignment_stats(world.users["hebei_officer"]) == []
    officer_client.cookies["jiangxin_language"] = "en"
    page = officer_client.get(reverse("core:dashboard"))
    assert "Nominations awaiting experts" in page.content.decode()
