"""The eligibility engine on the 2024 policy: boundaries, equivalences, what blocks and what
only advises, and the rule each verdict cites. The as-of date is the campaign's
recommendation deadline, 2026-07-15."""

from __future__ import annotations

import datetime as dt

import pytest

from jiangxin.nominations import actions
from jiangxin.nominations.eligibility import evaluate
from jiangxin.people import actions as people_actions
from jiangxin.people.models import WorkPeriod
from jiangxin.reference.models import Industry, SkillLevel
from tests.factories import make_campaign, make_nomination

pytestmark = pytest.mark.usefixtures("campaign_day")

DEADLINE = dt.date(2026, 7, 15)


@pytest.fixture
def national(world):  # type: ignore[no-untyped-def]
    return make_campaign(world.users["program_officer"], world.acftu, allocations={world.hebei: 3})


@pytest.fixture
def draft(world, national):  # type: ignore[no-untyped-def]
    """A complete draft whose person has no work history yet."""
    n = make_nomination(
        world.users["hebei_clerk"],
        national,
        world.hebei_union,
        world.hebei_enterprise,
        submit=False,
    )
    WorkPeriod.objects.filter(person=n.person).delete()
    return n


def periods(world, nomination, *spans: tuple[dt.date, dt.date | None, bool]) -> None:  # type: ignore[no-untyped-def]
    for start, end, frontline in spans:
        people_actions.do_save_record(
            acting_user=world.users["hebei_clerk"],
            person_id=nomination.person_id,
            kind="work",
            fields={
                "employer_name": "石家庄钢铁有限责任公司",
                "position": "焊工",
                "start": start,
                "end": end,
                "is_frontline": frontline,
            },
        )


def verdict(nomination, rule: str):  # type: ignore[no-untyped-def]
    return next(v for v in evaluate(nomination) if v.rule == rule)


FRONTLINE = "frontline-5-years"


def test_exactly_sixty_front_line_months_by_the_deadline_pass(world, draft):
    # 2021-07-16 .. 2026-07-15 is exactly five years.
    periods(world, draft, (dt.date(2021, 7, 16), None, True))
    v = verdict(draft, FRONTLINE)
    assert (v.outcome, v.params["months"]) == ("pass", 60)
    assert v.params["as_of"] == DEADLINE.isoformat()


def test_one_day_short_of_sixty_months_fails_and_blocks(world, draft):
    periods(world, draft, (dt.date(2021, 7, 17), None, True))
    v = verdict(draft, FRONTLINE)
    assert (v.outcome, v.params["months"]) == ("fail", 59)
    assert v.blocks
    with pytest.raises(actions.SubmissionBlocked) as exc:
        actions.do_submit_nomination(acting_user=world.users["hebei_clerk"], nomination_id=draft.pk)
    assert ("eligibility." + FRONTLINE) in [code for code, _ in exc.value.problems]


def test_overlapping_jobs_count_once(world, draft):
    # Two overlapping front-line jobs 2020-01..2023-12 and 2022-01..2024-12: 60 months, not 84.
    periods(
        world,
        draft,
        (dt.date(2020, 1, 1), dt.date(2023, 12, 31), True),
        (dt.date(2022, 1, 1), dt.date(2024, 12, 31), True),
    )
    assert verdict(draft, FRONTLINE).params["months"] == 60


def test_a_gap_and_office_work_count_nothing(world, draft):
    periods(
        world,
        draft,
        (dt.date(2010, 1, 1), dt.date(2012, 12, 31), True),  # 36 months
        (dt.date(2013, 1, 1), dt.date(2015, 12, 31), False),  # office work: not counted
        # 2016–2019: a gap
        (dt.date(2020, 1, 1), dt.date(2021, 12, 31), True),  # 24 months
    )
    v = verdict(draft, FRONTLINE)
    assert (v.outcome, v.params["months"]) == ("pass", 60)


def test_no_front_line_period_needs_evidence(world, draft):
    periods(world, draft, (dt.date(2000, 1, 1), None, False))
    v = verdict(draft, FRONTLINE)
    assert v.outcome == "needs_evidence" and v.blocks


def test_a_missing_attestation_needs_evidence_and_blocks(world, draft):
    periods(world, draft, (dt.date(2000, 1, 1), None, True))
    actions.do_save_opinion(
        acting_user=world.users["hebei_clerk"],
        nomination_id=draft.pk,
        values={"attestation_signer": "", "attestation_date": None},
    )
    draft.refresh_from_db()
    v = verdict(draft, "political-quality")
    assert v.outcome == "needs_evidence" and v.blocks


def test_an_honour_of_the_required_level_stands_for_the_skill_level(world, draft):
    periods(world, draft, (dt.date(2000, 1, 1), None, True))
    clerk = world.users["hebei_clerk"]
    people_actions.do_update_person(
        acting_user=clerk,
        person_id=draft.person_id,
        changes={"skill_level": SkillLevel.objects.get(code="technician")},
    )
    assert verdict(draft, "skill-national").outcome == "fail"
    people_actions.do_save_record(
        acting_user=clerk,
        person_id=draft.person_id,
        kind="honor",
        fields={"title": "全国五一劳动奖章", "level": "national", "year": 2020, "awarded_by": ""},
    )
    v = verdict(draft, "skill-national")
    assert (v.outcome, v.message) == ("pass", "skill.honor")


def test_a_skill_level_without_its_certificate_needs_evidence(world, draft):
    periods(world, draft, (dt.date(2000, 1, 1), None, True))
    people_actions.do_update_person(
        acting_user=world.users["hebei_clerk"],
        person_id=draft.person_id,
        changes={"skill_certificate_no": ""},
    )
    assert verdict(draft, "skill-national").outcome == "needs_evidence"


def test_the_industry_rule_only_advises(world, draft):
    periods(world, draft, (dt.date(2000, 1, 1), None, True))
    people_actions.do_update_person(
        acting_user=world.users["hebei_clerk"],
        person_id=draft.person_id,
        changes={"industry": Industry.objects.get(code="66")},  # monetary finance: not favoured
    )
    v = verdict(draft, "real-economy")
    assert v.outcome == "fail" and not v.blocks
    # It does not stop the submission.
    n = actions.do_submit_nomination(acting_user=world.users["hebei_clerk"], nomination_id=draft.pk)
    assert n.status == "submitted"
    stored = {v["rule"]: v for v in n.eligibility}
    assert stored["real-economy"]["outcome"] == "fail"


def test_only_the_rules_of_the_campaigns_tier_apply(world, draft):
    rules = {v.rule for v in evaluate(draft)}
    assert "skill-national" in rules
    assert not {"skill-provincial", "skill-municipal"} & rules


def test_each_verdict_cites_its_rule_and_is_shown_in_both_languages(world, draft):
    from django.utils import translation

    from jiangxin.nominations.views import verdict_rows

    periods(world, draft, (dt.date(2000, 1, 1), None, True))
    rows = verdict_rows(draft, evaluate(draft))
    frontline = next(r for r in rows if r["verdict"].rule == FRONTLINE)
    assert (
        frontline["citation"]
        == "《大国工匠人才培育工程实施办法（试行）》「5年以上一线生产现场工作经历」"
    )
    with translation.override("en"):
        assert "months of front-line production work" in frontline["verdict"].reason
    with translation.override("zh-hans"):
        assert "一线生产工作经历" in frontline["verdict"].reason


def test_the_same_person_moves_up_the_tiers_with_their_record(world):
    """The talent pipeline: nominated by the city (municipal tier), then by the same unit in
    the national campaign, with the record entered the first time."""
    from jiangxin.accounts.models import Role
    from tests.factories import make_user

    clerk = world.users["hebei_clerk"]
    city_officer = make_user("sjzprogram", role=Role.PROGRAM_OFFICER, org=world.shijiazhuang)
    municipal = make_campaign(
        city_officer, world.shijiazhuang, tier="municipal", allocations={world.hebei_enterprise: 2}
    )
    first = make_nomination(clerk, municipal, world.hebei_union, world.hebei_enterprise)
    national = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 3}
    )
    second = actions.do_start_nomination(
        acting_user=clerk, campaign_id=national.pk, nominating_unit_id=world.hebei_union.pk
    )
    # Naming the person changes nothing in the profile, so it works while the first
    # nomination is with the city's campaign.
    assert first.status == "endorsed"
    second = actions.do_set_person(
        acting_user=clerk, nomination_id=second.pk, person_id=first.person_id
    )
    assert second.person_id == first.person_id
    assert second.person.work_periods.count() == 1
    assert {v.rule: v.outcome for v in evaluate(second)}[FRONTLINE] == "pass"
    assert set(first.person.nominations.values_list("campaign__tier", flat=True)) == {
        "municipal",
        "national",
    }
