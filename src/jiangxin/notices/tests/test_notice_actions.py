"""The notice through its actions: its period on the official calendar, the order of its
list, consent, the stated times (scheduler and deferred tasks), closing, disqualification
and promotion (递补) per policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from jiangxin.core import calendar
from jiangxin.core.collation import stroke_key
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.nominations.models import Nomination, NominationEvent
from jiangxin.notices import actions
from jiangxin.notices.models import NoticeEntry, PublicNotice
from jiangxin.notices.promotion import promotion_candidate
from jiangxin.notices.scheduled import open_and_close_notices
from jiangxin.portal.models import Article
from jiangxin.programs.models import PolicyVersion
from tests.factories import NOTICE_CONTACT, file_objection

pytestmark = pytest.mark.usefixtures("campaign_day")

S = Nomination.Status


# --- The period on the official calendar -----------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "days", "last_day"),
    [
        # National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
        (dt.date(2025, 9, 29), 5, dt.date(2025, 10, 11)),
        (dt.date(2025, 9, 26), 5, dt.date(2025, 10, 9)),
        (dt.date(2025, 9, 30), 3, dt.date(2025, 10, 10)),
        # Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February worked.
        (dt.date(2026, 2, 11), 5, dt.date(2026, 2, 24)),
        (dt.date(2026, 2, 13), 5, dt.date(2026, 2, 26)),
        (dt.date(2026, 2, 13), 3, dt.date(2026, 2, 24)),
        # An ordinary week, and Dragon Boat Festival (Friday 19 June 2026).
        (dt.date(2026, 6, 8), 5, dt.date(2026, 6, 12)),
        (dt.date(2026, 6, 15), 5, dt.date(2026, 6, 22)),
    ],
)
def test_notice_end_dates_follow_the_holiday_table(db, first_day, days, last_day):
    assert calendar.working_period_end(first_day, days) == last_day
    assert actions.period_end(first_day, days) == last_day


def test_a_notice_cannot_start_on_a_holiday(world, approved, officer):
    with pytest.raises(DomainError) as exc:
        actions.do_create_notice(
            acting_user=officer, campaign_id=approved[0].pk, starts_on=dt.date(2026, 10, 1)
        )
    assert exc.value.rule == "calendar.not_working_day"


def test_a_notice_across_national_day_2026_ends_after_the_break(world, approved, officer):
    notice = actions.do_create_notice(
        acting_user=officer, campaign_id=approved[0].pk, starts_on=dt.date(2026, 9, 28)
    )
    assert (notice.working_days, notice.ends_on) == (5, dt.date(2026, 10, 9))
    notice = actions.do_update_notice(
        acting_user=officer, notice_id=notice.pk, changes={"starts_on": dt.date(2026, 9, 24)}
    )
    # 24 September, then Mid-Autumn (25–27) and National Day (1–7 October) are skipped.
    assert notice.ends_on == dt.date(2026, 10, 8)


# --- The list: order and consent -------------------------------------------------------------


def test_stroke_order_compound_surnames_and_given_names():
    names = ["张三丰", "王芳", "王丽", "李四", "马六", "欧阳明", "欧小红", "王立军", "丁一", "于洋"]
    assert sorted(names, key=stroke_key) == [
        "丁一",  # 2 strokes
        "于洋",  # 3 strokes, 横 first
        "马六",  # 3 strokes, 折 first
        "王立军",  # 4 strokes; the given names: 立 (5) before 芳 and 丽 (7)
        "王芳",  # 芳 1224153 before 丽 1254254
        "王丽",
        "李四",  # 7 strokes: 李 1234521 before 张 5153154
        "张三丰",
        "欧小红",  # 欧 alone before the compound 欧阳
        "欧阳明",
    ]


def test_the_open_notice_lists_by_surname_strokes(notice):
    names = [e.public_name for e in notice.public_entries()]
    assert names == ["王立军", "李红梅", "张建华"]
    assert [e.position for e in notice.public_entries()] == [1, 2, 3]


def test_a_nominee_is_published_with_the_consented_fields_only(world, approved, officer):
    campaign, nominations, _ = approved
    withheld = nominations[1]  # 张建华
    Nomination.objects.filter(pk=withheld.pk).update(consent_fields=["name", "unit"])
    notice = actions.do_create_notice(
        acting_user=officer, campaign_id=campaign.pk, starts_on=timezone.localdate()
    )
    actions.do_update_notice(
        acting_user=officer, notice_id=notice.pk, changes={"contact": NOTICE_CONTACT}
    )
    for entry in notice.entries.all():
        actions.do_approve_summary(acting_user=officer, entry_id=entry.pk, text="二十年攻关。")
    with translation.override("en"):  # an officer reading English: the notice stays Chinese
        actions.do_schedule_notice(acting_user=officer, notice_id=notice.pk)
    entry = NoticeEntry.objects.get(notice=notice, nomination=withheld)
    assert (entry.public_name, entry.public_unit) == ("张建华", "石家庄钢铁有限责任公司")
    assert (entry.public_gender, entry.public_occupation, entry.public_summary) == ("", "", "")
    other = NoticeEntry.objects.get(notice=notice, nomination=nominations[0])
    assert other.public_gender == "男" and other.public_occupation == "焊工"
    assert other.public_summary == "二十年攻关。"


def test_without_the_name_a_nominee_cannot_be_listed(world, approved, officer, english):
    campaign, nominations, _ = approved
    Nomination.objects.filter(pk=nominations[0].pk).update(consent_fields=["unit", "summary"])
    notice = actions.do_create_notice(
        acting_user=officer, campaign_id=campaign.pk, starts_on=timezone.localdate()
    )
    actions.do_update_notice(
        acting_user=officer, notice_id=notice.pk, changes={"contact": NOTICE_CONTACT}
    )
    for entry in notice.entries.all():
        actions.do_approve_summary(acting_user=officer, entry_id=entry.pk, text="二十年攻关。")
    problems = dict(actions.notice_problems(notice))
    assert (
        "王立军 has not agreed to the publication of the name"
        in problems["notice.name_not_consented"]
    )
    with pytest.raises(DomainError) as exc:
        actions.do_schedule_notice(acting_user=officer, notice_id=notice.pk)
    assert exc.value.rule == "notice.name_not_consented"
    entry = notice.entries.get(nomination=nominations[0])
    # The officer records a consent given since (with a note), or takes the nominee off.
    with pytest.raises(DomainError):
        actions.do_record_consent(acting_user=officer, entry_id=entry.pk, fields=["name"], note="")
    actions.do_record_consent(
        acting_user=officer,
        entry_id=entry.pk,
        fields=["name", "unit"],
        note="9月10日收到本人签字的同意书，存档备查。",
    )
    notice.refresh_from_db()
    assert actions.notice_problems(notice) == []
    withdrawn = actions.do_withdraw_from_notice(
        acting_user=officer,
        entry_id=notice.entries.get(nomination=nominations[2]).pk,
        reason="本人书面申请退出。",
    )
    assert withdrawn.status == S.WITHDRAWN
    assert notice.entries.count() == 2


def test_summaries_are_prefilled_and_must_be_approved(world, approved, officer):
    campaign, nominations, _ = approved
    notice = actions.do_create_notice(acting_user=officer, campaign_id=campaign.pk)
    entries = list(notice.entries.order_by("rank"))
    assert [e.nomination_id for e in entries] == [n.pk for n in nominations]
    assert entries[0].approved_summary == nominations[0].deeds_summary
    assert not entries[0].summary_approved
    codes = [code for code, _m in actions.notice_problems(notice)]
    assert codes.count("notice.summary_not_approved") == 3 and "notice.contact_required" in codes
    with pytest.raises(DomainError) as exc:
        actions.do_approve_summary(acting_user=officer, entry_id=entries[0].pk, text="长" * 301)
    assert exc.value.rule == "notice.summary_too_long"
    entry = actions.do_approve_summary(acting_user=officer, entry_id=entries[0].pk, text="攻关。")
    assert entry.summary_approved and entry.summary_approved_by == officer
    # The default first day is the campaign's planned one, a working day.
    assert notice.starts_on == campaign.notice_starts
    with pytest.raises(PermissionDenied):
        actions.do_approve_summary(
            acting_user=world.users["hebei_officer"], entry_id=entries[1].pk, text="x"
        )


def test_a_notice_needs_the_final_approval(world, officer):
    from tests.factories import make_campaign

    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 2})
    with pytest.raises(DomainError) as exc:
        actions.do_create_notice(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "notice.campaign_not_ready"


# --- The stated times ---------------------------------------------------------------------------


def _scheduled(world, campaign, officer, starts_on):  # type: ignore[no-untyped-def]
    notice = actions.do_create_notice(
        acting_user=officer, campaign_id=campaign.pk, starts_on=starts_on
    )
    actions.do_update_notice(
        acting_user=officer, notice_id=notice.pk, changes={"contact": NOTICE_CONTACT}
    )
    for entry in notice.entries.all():
        actions.do_approve_summary(acting_user=officer, entry_id=entry.pk, text="攻关。")
    return actions.do_schedule_notice(acting_user=officer, notice_id=notice.pk)


def test_a_scheduled_notice_opens_and_closes_by_itself(world, approved, officer):
    campaign, nominations, _ = approved
    notice = _scheduled(world, campaign, officer, dt.date(2026, 6, 17))
    assert notice.status == PublicNotice.Status.SCHEDULED
    assert notice.ends_on == dt.date(2026, 6, 24)  # across Dragon Boat Festival
    assert notice.opens_at.isoformat() == "2026-06-17T00:00:00+08:00"
    assert notice.closes_at.isoformat() == "2026-06-25T00:00:00+08:00"

    before = open_and_close_notices(notice.opens_at - dt.timedelta(minutes=1))
    assert before.opened == [] and PublicNotice.objects.get(pk=notice.pk).status == "scheduled"
    run = open_and_close_notices(notice.opens_at + dt.timedelta(minutes=5))
    assert run.opened == [notice.pk]
    notice.refresh_from_db()
    assert notice.status == "open"
    statuses = set(
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {S.IN_NOTICE}
    article = Article.objects.get(notice=notice)
    assert (article.category, article.status) == ("public_notice", "published")
    assert "王立军" not in article.body  # the list lives in the notice block, with consent
    assert open_and_close_notices(notice.opens_at + dt.timedelta(hours=1)).opened == []

    # Not before the end of the last day; then it closes and confirms.
    with pytest.raises(DomainError) as exc:
        actions.do_close_notice(acting_user=officer, notice_id=notice.pk)
    assert exc.value.rule == "notice.period_running"
    run = open_and_close_notices(notice.closes_at)
    assert run.closed == [notice.pk]
    statuses = set(
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {S.CONFIRMED}
    actions_seen = set(
        AuditEvent.objects.filter(object_type="notices.publicnotice").values_list(
            "action", flat=True
        )
    )
    assert {"notice.created", "notice.scheduled", "notice.opened", "notice.closed"} <= actions_seen
    opened = AuditEvent.objects.get(action="notice.opened")
    assert opened.actor_id is None and opened.actor_label == "scheduler"
    assert NominationEvent.objects.filter(nomination=nominations[0], action="confirmed").exists()


def test_deferred_tasks_are_enqueued_for_the_stated_times(
    world, approved, officer, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        notice = _scheduled(world, approved[0], officer, dt.date(2026, 6, 17))
    runs = {r.task_path.rsplit(".", 1)[-1]: r.run_after for r in DBTaskResult.objects.all()}
    assert runs == {"open_notice_task": notice.opens_at, "close_notice_task": notice.closes_at}


def test_the_tasks_do_nothing_early(world, approved, officer):
    from jiangxin.notices.tasks import close_notice_task, open_notice_task

    notice = _scheduled(world, approved[0], officer, dt.date(2026, 6, 17))
    assert open_notice_task.call(notice.pk) is False
    assert close_notice_task.call(notice.pk) is False
    assert PublicNotice.objects.get(pk=notice.pk).status == "scheduled"


def test_the_notice_cannot_close_with_an_open_objection(world, notice, officer, handler):
    entry = notice.public_entries().first()
    objection, _token = file_objection(notice, entry)
    run = open_and_close_notices(notice.closes_at)
    assert run.held == [notice.pk] and run.closed == []
    with pytest.raises(DomainError) as exc:
        actions.do_close_notice(acting_user=officer, notice_id=notice.pk, now=notice.closes_at)
    assert exc.value.rule == "notice.objections_open"
    actions.do_triage_objection(acting_user=handler, objection_id=objection.pk, admit=True)
    actions.do_conclude_objection(
        acting_user=handler,
        objection_id=objection.pk,
        conclusion="unfounded",
        reasons="经核查，专利权属清楚，反映问题不属实。",
    )
    assert open_and_close_notices(notice.closes_at).closed == [notice.pk]


# --- Disqualification and promotion --------------------------------------------------------------


def _founded(notice, handler, entry):  # type: ignore[no-untyped-def]
    objection, _token = file_objection(notice, entry)
    actions.do_triage_objection(acting_user=handler, objection_id=objection.pk, admit=True)
    return actions.do_conclude_objection(
        acting_user=handler,
        objection_id=objection.pk,
        conclusion="founded",
        reasons="经核查，申报的两项专利均非本人发明。",
    )


def test_a_founded_objection_disqualifies_and_the_next_ranked_is_promoted(
    world, approved, notice, officer, handler
):
    campaign, nominations, others = approved
    entry = notice.entries.get(nomination=nominations[0])
    objection = _founded(notice, handler, entry)
    with pytest.raises(DomainError) as exc:
        actions.do_disqualify_nominee(
            acting_user=officer, objection_id=objection.pk, rule_code="", reason="x"
        )
    assert exc.value.rule == "disqualify.rule_required"
    with pytest.raises(PermissionDenied):  # the campaign's program officers decide
        actions.do_disqualify_nominee(
            acting_user=world.users["hebei_officer"],
            objection_id=objection.pk,
            rule_code="notice.facts_untrue",
            reason="x",
        )
    entry = actions.do_disqualify_nominee(
        acting_user=officer,
        objection_id=objection.pk,
        rule_code="notice.facts_untrue",
        reason="申报专利非本人发明，取消其入选资格。",
    )
    assert entry.is_disqualified and entry.disqualification_rule == "notice.facts_untrue"
    assert Nomination.objects.get(pk=nominations[0].pk).status == S.DISQUALIFIED
    event = NominationEvent.objects.get(nomination=nominations[0], action="disqualified")
    assert event.data["rule"] == "notice.facts_untrue"
    assert AuditEvent.objects.filter(action="notice.nominee_disqualified").exists()

    # The best passed panel nominee beyond the quota fills the slot (递补).
    candidate = promotion_candidate(campaign)
    assert candidate is not None and candidate.source == "shortlist"
    assert candidate.nomination.pk == others[0].pk  # 欧阳明, rank 4
    promotion = actions.do_promote_nominee(acting_user=officer, entry_id=entry.pk)
    assert promotion.kind == "promotion" and promotion.replaces_id == entry.pk
    assert promotion.working_days == campaign.policy_version.promotion_notice_working_days
    assert promotion.ends_on == calendar.working_period_end(
        promotion.starts_on, promotion.working_days
    )
    assert Nomination.objects.get(pk=others[0].pk).status == S.SELECTED
    assert list(promotion.entries.values_list("nomination_id", flat=True)) == [others[0].pk]
    with pytest.raises(DomainError) as exc:
        actions.do_promote_nominee(acting_user=officer, entry_id=entry.pk)
    assert exc.value.rule == "promote.done"
    # The main notice can close: the disqualified nominee's objection no longer holds it.
    closed = actions.do_close_notice(acting_user=officer, notice_id=notice.pk, now=notice.closes_at)
    assert closed.status == "closed"
    statuses = dict(Nomination.objects.filter(campaign=campaign).values_list("pk", "status"))
    assert [statuses[n.pk] for n in nominations] == [S.DISQUALIFIED, S.CONFIRMED, S.CONFIRMED]


def test_the_policy_may_leave_the_slot_empty(world, approved, notice, officer, handler):
    campaign = approved[0]
    PolicyVersion.objects.filter(pk=campaign.policy_version_id).update(
        promote_on_disqualification=False
    )
    objection = _founded(notice, handler, notice.public_entries().first())
    entry = actions.do_disqualify_nominee(
        acting_user=officer,
        objection_id=objection.pk,
        rule_code="notice.misconduct",
        reason="违纪。",
    )
    with pytest.raises(DomainError) as exc:
        actions.do_promote_nominee(acting_user=officer, entry_id=entry.pk)
    assert exc.value.rule == "promote.policy_leaves_empty"
    assert not PublicNotice.objects.filter(kind="promotion").exists()


def test_without_a_passed_panel_nominee_the_ranking_decides(world, approved):
    campaign, _nominations, others = approved
    Nomination.objects.filter(pk=others[0].pk).update(status=S.WITHDRAWN)
    candidate = promotion_candidate(campaign)
    assert candidate is not None
    assert (candidate.source, candidate.nomination.pk) == ("ranking", others[1].pk)  # 马小兵
    Nomination.objects.filter(pk__in=[o.pk for o in others]).update(status=S.WITHDRAWN)
    assert promotion_candidate(campaign) is None


def test_the_demo_notice_has_objections_in_every_state(world, approved):
    from jiangxin.notices.demo import play_notice

    campaign = approved[0]
    notice = play_notice(
        campaign,
        starts_on=timezone.localdate(),
        unit_user=lambda _nomination: world.users["hebei_clerk"],
    )
    assert notice.status == "open"
    states = sorted(notice.objections.values_list("status", flat=True))
    assert states == sorted(
        ["received", "investigating", "investigating", "concluded", "not_admitted", "received"]
    )
    assert notice.objections.filter(replied_at__isnull=False).count() == 2
    assert notice.objections.filter(explanation_requests__answered_at__isnull=False).exists()
    assert play_notice(campaign, starts_on=timezone.localdate()) == notice  # idempotent
