"""Conflict pages: the officer's report (reasons, counts, coverage, export, record, remove,
recompute), the expert's own declarations (a conflicted nominee is never listed) and the
unit's "experts to avoid" form (no hint whether the name is on the list); 404 elsewhere."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from jiangxin.reviews.models import Conflict
from tests.factories import (
    invite_and_accept,
    make_accepted_nominations,
    make_campaign,
    make_pool_expert,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

K = Conflict.Kind


@pytest.fixture
def review(world):  # type: ignore[no-untyped-def]
    """A campaign in the online review, two nominations, an expert at the nominees'
    employer (computed conflicts) and an unrelated one, both accepted."""
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 2})
    nominations = make_accepted_nominations(
        world, campaign, [{"name": "张建华"}, {"name": "李明辉"}]
    )
    insider = make_pool_expert(
        officer, world.acftu, full_name="石钢专家", organization=world.hebei_enterprise
    )
    outsider = make_pool_expert(
        officer, world.acftu, full_name="郑州专家", organization=world.henan_enterprise
    )
    for e in (insider, outsider):
        invite_and_accept(officer, campaign, e)
    for e in (insider, outsider):
        e.user.refresh_from_db()
    return campaign, nominations, insider, outsider


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["jiangxin_language"] = "en"
    client.force_login(user)
    return client


def test_report_lists_every_conflict_with_its_reason(world, review, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    campaign, (n1, n2), insider, _ = review
    client = _client(world.users["program_officer"])
    url = reverse("reviews:conflicts_report", args=[campaign.pk])
    with django_assert_max_num_queries(30):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    for conflict in Conflict.objects.filter(expert=insider):
        assert escape(conflict.reason) in body
    assert "Same employer" in body and "Same recommending organization" in body
    assert "Nominations with the fewest conflict-free experts" in body
    assert n1.number in body and n2.number in body
    # Filters (htmx swaps #results; the whole page is answered).
    body = client.get(url, {"kind": K.SAME_CHAIN}, HTTP_HX_REQUEST="true").content.decode()
    assert "Same recommending organization" in body
    employer = Conflict.objects.get(expert=insider, nomination=n1, kind=K.SAME_EMPLOYER)
    assert escape(employer.reason) not in body


def test_export_has_the_conflicts_the_coverage_and_the_counts(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2), insider, _ = review
    response = _client(world.users["program_officer"]).get(
        reverse("reviews:conflicts_export", args=[campaign.pk])
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    conflicts_sheet, coverage, counts = book.worksheets
    rows = list(conflicts_sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + Conflict.objects.filter(campaign=campaign).count()
    reasons = {r[6] for r in rows[1:]}
    assert (
        Conflict.objects.get(expert=insider, nomination=n1, kind=K.SAME_EMPLOYER).reason in reasons
    )
    assert len(list(coverage.iter_rows(values_only=True))) == 3
    assert any(r[0] == "Same employer" and r[1] == 2 for r in counts.iter_rows(values_only=True))


def test_officer_records_recomputes_and_removes(world, review):  # type: ignore[no-untyped-def]
    campaign, (n1, _n2), _, outsider = review
    client = _client(world.users["program_officer"])
    response = client.post(
        reverse("reviews:conflicts_record", args=[campaign.pk]),
        {"expert": outsider.pk, "nomination": n1.pk, "kind": K.FAMILY, "reason": "舅甥关系"},
    )
    assert response.status_code == 302
    declared = Conflict.objects.get(expert=outsider, nomination=n1)
    assert declared.source == Conflict.Source.OFFICER
    response = client.post(reverse("reviews:conflicts_recompute", args=[campaign.pk]))
    assert response.status_code == 302
    assert Conflict.objects.filter(pk=declared.pk).exists()
    remove = reverse("reviews:conflicts_remove", args=[campaign.pk, declared.pk])
    client.post(remove, {"reason": ""})
    assert Conflict.objects.filter(pk=declared.pk).exists()  # a reason is needed
    client.post(remove, {"reason": "经核实不属实"})
    assert not Conflict.objects.filter(pk=declared.pk).exists()
    # A missing reason on the record form shows the error summary on the report page.
    response = client.post(
        reverse("reviews:conflicts_record", args=[campaign.pk]),
        {"expert": outsider.pk, "nomination": n1.pk, "kind": K.FAMILY, "reason": ""},
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


@pytest.mark.parametrize("who", ["hebei_officer", "henan_officer", "hebei_clerk", "expert"])
def test_report_pages_are_404_for_others(world, review, who):  # type: ignore[no-untyped-def]
    campaign, _, insider, _ = review
    client = _client(world.users[who])
    conflict = Conflict.objects.filter(expert=insider).first()
    for name, args, method in (
        ("reviews:conflicts_report", [campaign.pk], "get"),
        ("reviews:conflicts_export", [campaign.pk], "get"),
        ("reviews:conflicts_recompute", [campaign.pk], "post"),
        ("reviews:conflicts_record", [campaign.pk], "post"),
        ("reviews:conflicts_remove", [campaign.pk, conflict.pk], "post"),
    ):
        assert getattr(client, method)(reverse(name, args=args)).status_code == 404, name


def test_expert_never_sees_a_conflicted_nominee_and_declares_others(world, review):  # type: ignore[no-untyped-def]
    campaign, (_n1, n2), insider, outsider = review
    url = reverse("reviews:conflicts_mine", args=[campaign.pk])
    body = _client(insider.user).get(url).content.decode()
    assert "张建华" not in body and "李明辉" not in body  # both conflicted (same employer)
    client = _client(outsider.user)
    body = client.get(url).content.decode()
    assert "张建华" in body and "李明辉" in body
    response = client.post(
        url, {"nomination": n2.pk, "kind": K.TEACHER_APPRENTICE, "reason": "曾为其师傅"}
    )
    assert response.status_code == 302
    assert Conflict.objects.get(expert=outsider, nomination=n2).source == Conflict.Source.EXPERT
    body = client.get(url).content.decode()
    assert "曾为其师傅" in body
    # A nominee no longer offered cannot be posted either.
    response = client.post(url, {"nomination": n2.pk, "kind": K.FAMILY, "reason": "亲属"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    # Another campaign's page, or another role: 404.
    other = make_pool_expert(world.users["program_officer"], world.acftu)
    assert _client(other.user).get(url).status_code == 404
    assert _client(world.users["hebei_clerk"]).get(url).status_code == 404


def test_unit_asks_to_avoid_an_expert_without_learning_if_they_are_listed(world, review):  # type: ignore[no-untyped-def]
    _campaign, (n1, _n2), _, outsider = review
    clerk = world.users["hebei_clerk"]
    client = _client(clerk)
    url = reverse("reviews:conflicts_avoid", args=[n1.pk])
    assert client.get(url).status_code == 200
    answers = []
    for name in ("郑州专家", "查无此人"):
        response = client.post(
            url,
            {"expert_name": name, "employer_name": "", "kind": "other", "reason": "曾有纠纷"},
            follow=True,
        )
        answers.append(response)
    assert Conflict.objects.filter(expert=outsider, nomination=n1, source="unit").exists()
    first, second = (r.content.decode() for r in answers)
    assert "Your request was passed to the program officers" in first
    assert "Your request was passed to the program officers" in second
    assert "郑州专家" not in second
    # Outside the unit: 404.
    for who in ("henan_officer", "expert", "program_officer"):
        assert _client(world.users[who]).get(url).status_code == 404, who


def test_avoid_link_include_renders_only_with_the_decision(world, review):  # type: ignore[no-untyped-def]
    from django.template.loader import render_to_string

    _campaign, (n1, _n2), _, _ = review
    html = render_to_string(
        "reviews/conflicts/_avoid_link.html", {"nomination": n1, "can_request_avoidance": True}
    )
    assert reverse("reviews:conflicts_avoid", args=[n1.pk]) in html
    assert (
        render_to_string(
            "reviews/conflicts/_avoid_link.html", {"nomination": n1, "can_request_avoidance": False}
        ).strip()
        == ""
    )
    from jiangxin.reviews import rules

    assert rules.can_request_avoidance(world.users["hebei_clerk"], n1)
    assert not rules.can_request_avoidance(world.users["henan_officer"], n1)
