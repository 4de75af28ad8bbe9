"""Policy versions, campaigns and quotas through their actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.notifications.models import Notification
from jiangxin.portal.models import Article
from jiangxin.programs import actions
from jiangxin.programs.actions import AllocationRow
from jiangxin.programs.models import (
    Campaign,
    Dimension,
    EligibilityRule,
    PolicyTier,
    PolicyVersion,
    QuotaAllocation,
    RubricLevel,
)
from tests.factories import CAMPAIGN_DATES, make_campaign, policy

pytestmark = pytest.mark.usefixtures("campaign_day")


def _draft_copy(world, code: str = "2026-draft") -> PolicyVersion:  # type: ignore[no-untyped-def]
    return actions.do_copy_policy_version(
        acting_user=world.users["program_officer"],
        version_id=policy().pk,
        code=code,
        name_zh="2026 草案",
    )


# --- Policy versions --------------------------------------------------------------------------


def test_copy_copies_every_row(world) -> None:  # type: ignore[no-untyped-def]
    source = policy()
    copy = _draft_copy(world)
    assert copy.status == PolicyVersion.Status.DRAFT
    assert copy.based_on == source
    assert copy.published_at is None
    assert copy.created_by == world.users["program_officer"]
    for name in actions.POLICY_SETTINGS:
        if name not in {"name_zh", "name_en"}:
            assert getattr(copy, name) == getattr(source, name), name
    assert copy.name_zh == "2026 草案"

    def tiers(v: PolicyVersion) -> list[tuple[str, int]]:
        return list(v.tiers.order_by("tier").values_list("tier", "yearly_target"))

    def dims(v: PolicyVersion) -> list[tuple]:  # type: ignore[type-arg]
        fields = ["code", "order", *actions.DIMENSION_FIELDS]
        return list(v.dimensions.order_by("order").values_list(*fields))

    def levels(v: PolicyVersion) -> list[tuple]:  # type: ignore[type-arg]
        return list(
            RubricLevel.objects.filter(dimension__version=v)
            .order_by("dimension__order", "-score_to")
            .values_list(
                "dimension__code",
                "label_zh",
                "label_en",
                "score_from",
                "score_to",
                "descriptor_zh",
                "descriptor_en",
            )
        )

    def rules(v: PolicyVersion) -> list[tuple]:  # type: ignore[type-arg]
        return list(
            v.rules.order_by("order").values_list(
                "code", "kind", "severity", "params", "tiers", "order", "title_zh", "basis"
            )
        )

    assert tiers(copy) == tiers(source) and len(tiers(copy)) == 3
    assert dims(copy) == dims(source) and len(dims(copy)) == 5
    assert levels(copy) == levels(source) and len(levels(copy)) == 20
    assert rules(copy) == rules(source) and len(rules(copy)) == 6
    # The rows are new rows, not the source's moved over.
    assert source.dimensions.count() == 5
    assert RubricLevel.objects.filter(dimension__version=source).count() == 20
    assert AuditEvent.objects.filter(action="policy.copied", object_id=str(copy.pk)).exists()


def test_copy_refuses_a_taken_code_and_non_editors(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        _draft_copy(world, code="2024-trial")
    assert exc.value.rule == "policy.code_taken"
    with pytest.raises(PermissionDenied) as denied:
        actions.do_copy_policy_version(
            acting_user=world.users["hebei_officer"], version_id=policy().pk, code="x", name_zh="x"
        )
    assert denied.value.rule == "policy.edit"


def _every_edit(world, version: PolicyVersion) -> list:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    dimension = version.dimensions.first()
    rule = version.rules.first()
    assert dimension is not None and rule is not None
    return [
        lambda: actions.do_update_policy_version(
            acting_user=officer, version_id=version.pk, changes={"notice_working_days": 7}
        ),
        lambda: actions.do_set_tier_targets(
            acting_user=officer, version_id=version.pk, targets={"national": 1}
        ),
        lambda: actions.do_update_dimension(
            acting_user=officer, dimension_id=dimension.pk, changes={"weight": Decimal("2")}
        ),
        lambda: actions.do_update_eligibility_rule(
            acting_user=officer, rule_id=rule.pk, changes={"severity": "advisory"}
        ),
        lambda: actions.do_publish_policy_version(acting_user=officer, version_id=version.pk),
    ]


def test_a_version_used_by_a_campaign_refuses_every_edit(world) -> None:  # type: ignore[no-untyped-def]
    make_campaign(world.users["program_officer"], world.acftu, deploy=False)
    version = policy()
    before = (
        version.notice_working_days,
        list(version.tiers.values_list("yearly_target", flat=True)),
    )
    for edit in _every_edit(world, version):
        with pytest.raises(DomainError) as exc:
            edit()
        assert exc.value.rule == "policy.in_use"
    version.refresh_from_db()
    assert (
        version.notice_working_days,
        list(version.tiers.values_list("yearly_target", flat=True)),
    ) == before
    assert (
        not EligibilityRule.objects.filter(version=version, severity="advisory")
        .exclude(code="real-economy")
        .exists()
    )


def test_a_draft_used_by_a_campaign_is_in_use_too(world) -> None:  # type: ignore[no-untyped-def]
    copy = _draft_copy(world)
    campaign = make_campaign(world.users["program_officer"], world.acftu, deploy=False)
    # Pinned through the database (the actions only pin published versions): the in-use
    # rule must hold on its own, before the published one.
    Campaign.objects.filter(pk=campaign.pk).update(policy_version=copy)
    for edit in _every_edit(world, copy):
        with pytest.raises(DomainError) as exc:
            edit()
        assert exc.value.rule == "policy.in_use"


def test_a_published_version_refuses_edits(world) -> None:  # type: ignore[no-untyped-def]
    version = PolicyVersion.objects.get(code="2025-revision-example")
    for edit in _every_edit(world, version):
        with pytest.raises(DomainError) as exc:
            edit()
        assert exc.value.rule == "policy.published"


def test_a_draft_is_edited_then_published(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    copy = _draft_copy(world)
    actions.do_update_policy_version(
        acting_user=officer, version_id=copy.pk, changes={"notice_working_days": 7}
    )
    actions.do_set_tier_targets(acting_user=officer, version_id=copy.pk, targets={"national": 250})
    dimension = copy.dimensions.get(code="leadership")
    actions.do_update_dimension(
        acting_user=officer,
        dimension_id=dimension.pk,
        changes={"weight": Decimal("2.00"), "score_max": 30},
        levels=[
            {
                "label_zh": "好",
                "label_en": "Good",
                "score_from": 16,
                "score_to": 30,
                "descriptor_zh": "好",
                "descriptor_en": "",
            },
            {
                "label_zh": "差",
                "label_en": "",
                "score_from": 0,
                "score_to": 15,
                "descriptor_zh": "差",
                "descriptor_en": "",
            },
        ],
    )
    rule = copy.rules.get(code="frontline-5-years")
    actions.do_update_eligibility_rule(
        acting_user=officer, rule_id=rule.pk, changes={"params": {"min_months": 96}}
    )
    with pytest.raises(DomainError) as exc:
        actions.do_update_eligibility_rule(
            acting_user=officer, rule_id=rule.pk, changes={"params": {"min_months": "lots"}}
        )
    assert exc.value.rule == "policy.rule_params"
    published = actions.do_publish_policy_version(acting_user=officer, version_id=copy.pk)
    assert published.status == PolicyVersion.Status.PUBLISHED
    assert published.published_at is not None
    copy.refresh_from_db()
    assert copy.notice_working_days == 7
    assert PolicyTier.objects.get(version=copy, tier="national").yearly_target == 250
    dimension.refresh_from_db()
    assert (dimension.weight, dimension.score_max, dimension.levels.count()) == (
        Decimal("2.00"),
        30,
        2,
    )
    rule.refresh_from_db()
    assert rule.params == {"min_months": 96}
    # The source did not change.
    assert policy().dimensions.get(code="leadership").score_max == 20


def test_publish_needs_dimensions_and_every_tier(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    copy = _draft_copy(world)
    PolicyTier.objects.filter(version=copy, tier="municipal").delete()
    with pytest.raises(DomainError) as exc:
        actions.do_publish_policy_version(acting_user=officer, version_id=copy.pk)
    assert exc.value.rule == "policy.tiers_missing"
    Dimension.objects.filter(version=copy).delete()
    with pytest.raises(DomainError) as exc:
        actions.do_publish_policy_version(acting_user=officer, version_id=copy.pk)
    assert exc.value.rule == "policy.no_dimensions"


def test_dimension_rubric_band_must_fit_the_range(world) -> None:  # type: ignore[no-untyped-def]
    copy = _draft_copy(world)
    dimension = copy.dimensions.first()
    assert dimension is not None
    with pytest.raises(DomainError) as exc:
        actions.do_update_dimension(
            acting_user=world.users["program_officer"],
            dimension_id=dimension.pk,
            changes={},
            levels=[
                {
                    "label_zh": "超",
                    "label_en": "",
                    "score_from": 10,
                    "score_to": 99,
                    "descriptor_zh": "x",
                    "descriptor_en": "",
                }
            ],
        )
    assert exc.value.rule == "policy.rubric_band"
    assert dimension.levels.count() == 4


# --- Campaigns --------------------------------------------------------------------------------


def test_create_campaign_pins_the_version_and_defaults(world) -> None:  # type: ignore[no-untyped-def]
    campaign = make_campaign(world.users["program_officer"], world.acftu, deploy=False)
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.policy_version == policy()
    assert campaign.target == 200
    assert campaign.recommendation_ratio == Decimal("1.50")
    assert campaign.provisional_dates == []


def test_create_refuses_other_issuers_tiers_and_drafts(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    kwargs = {
        "acting_user": officer,
        "year": 2026,
        "name": "x",
        "policy_version_id": policy().pk,
        "dates": CAMPAIGN_DATES,
    }
    with pytest.raises(PermissionDenied):
        actions.do_create_campaign(issuing_org_id=world.acftu.pk, tier="provincial", **kwargs)
    with pytest.raises(PermissionDenied):
        actions.do_create_campaign(
            **{**kwargs, "acting_user": world.users["hebei_officer"]},
            issuing_org_id=world.hebei.pk,
            tier="provincial",
        )
    draft = _draft_copy(world)
    with pytest.raises(DomainError) as exc:
        actions.do_create_campaign(
            issuing_org_id=world.acftu.pk,
            tier="national",
            **{**kwargs, "policy_version_id": draft.pk},
        )
    assert exc.value.rule == "campaign.policy_unpublished"


def test_create_reports_each_bad_date(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(actions.PhaseDatesError) as exc:
        actions.do_create_campaign(
            acting_user=world.users["program_officer"],
            issuing_org_id=world.acftu.pk,
            tier="national",
            year=2026,
            name="x",
            policy_version_id=policy().pk,
            dates={**CAMPAIGN_DATES, "recommendation_closes": dt.date(2026, 10, 1)},
        )
    assert set(exc.value.errors) == {"recommendation_closes", "format_check_ends"}
    assert "2026-10-08" in exc.value.errors["recommendation_closes"]
    assert not Campaign.objects.exists()


def test_provisional_dates_are_kept(world) -> None:  # type: ignore[no-untyped-def]
    dates = {
        **CAMPAIGN_DATES,
        "notice_starts": dt.date(2027, 1, 4),
        "publication_date": dt.date(2027, 1, 25),
    }
    campaign = make_campaign(world.users["program_officer"], world.acftu, dates=dates, deploy=False)
    assert campaign.provisional_dates == ["notice_starts", "publication_date"]


def test_update_draft_and_deployed(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 7}, deploy=False)
    campaign = actions.do_update_campaign(
        acting_user=officer,
        campaign_id=campaign.pk,
        changes={"name": "新名称", "recommendation_ratio": Decimal("2.00")},
    )
    assert campaign.name == "新名称"
    assert QuotaAllocation.objects.get(campaign=campaign).cap == 14  # recomputed
    campaign = actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    with pytest.raises(DomainError) as exc:
        actions.do_update_campaign(
            acting_user=officer, campaign_id=campaign.pk, changes={"name": "y"}
        )
    assert exc.value.rule == "campaign.deployed_fixed"
    later = {"recommendation_closes": dt.date(2026, 7, 17)}
    with pytest.raises(DomainError) as exc:
        actions.do_update_campaign(
            acting_user=officer, campaign_id=campaign.pk, changes={}, dates=later
        )
    assert exc.value.rule == "campaign.reason_required"
    with pytest.raises(DomainError) as exc:
        actions.do_update_campaign(
            acting_user=officer,
            campaign_id=campaign.pk,
            changes={},
            dates={"recommendation_opens": dt.date(2026, 6, 2)},
            reason="typo",
        )
    assert exc.value.rule == "campaign.past_phase"
    campaign = actions.do_update_campaign(
        acting_user=officer, campaign_id=campaign.pk, changes={}, dates=later, reason="延期"
    )
    assert campaign.recommendation_closes == dt.date(2026, 7, 17)
    event = AuditEvent.objects.filter(action="campaign.updated").order_by("-id").first()
    assert event is not None and event.summary["reason"] == "延期"


def test_deploy_publishes_the_notice_and_tells_each_allocated_org(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(
        officer, world.acftu, allocations={world.hebei: 120, world.henan: 80}, deploy=False
    )
    campaign = actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    assert campaign.status == Campaign.Status.DEPLOYED
    assert campaign.deployed_by == officer
    article = Article.objects.get(campaign=campaign)
    assert article.status == Article.Status.PUBLISHED
    assert article.category == Article.Category.NOTICE
    assert campaign.name in article.title
    notified = {
        n.recipient.username: n.params
        for n in Notification.objects.filter(kind="campaign.deployed").select_related("recipient")
    }
    assert set(notified) == {"hebei", "henan"}
    assert notified["hebei"]["slots"] == 120 and notified["hebei"]["cap"] == 180
    assert notified["henan"]["slots"] == 80
    with pytest.raises(DomainError) as exc:
        actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "campaign.not_draft"


def test_deploy_refuses_without_allocations(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, deploy=False)
    with pytest.raises(DomainError) as exc:
        actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "campaign.no_allocations"
    actions.do_set_allocations(
        acting_user=officer,
        campaign_id=campaign.pk,
        rows=[AllocationRow(organization_id=world.hebei.pk, slots=0)],
    )
    with pytest.raises(DomainError) as exc:
        actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "campaign.no_allocations"
    assert not Article.objects.exists()


def test_deploy_refuses_a_deadline_in_an_unknown_year(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    dates = {
        "recommendation_opens": dt.date(2026, 12, 1),
        "recommendation_closes": dt.date(2027, 1, 15),
        "format_check_ends": dt.date(2027, 1, 29),
        "review_ends": dt.date(2027, 3, 1),
        "notice_starts": dt.date(2027, 3, 15),
        "publication_date": dt.date(2027, 3, 31),
    }
    campaign = make_campaign(
        officer, world.acftu, dates=dates, allocations={world.hebei: 10}, deploy=False
    )
    assert "recommendation_closes" in campaign.provisional_dates
    with pytest.raises(DomainError) as exc:
        actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "campaign.deadline_unknown_year"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_deploy_refuses_a_past_deadline(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    dates = {**CAMPAIGN_DATES, "recommendation_opens": dt.date(2026, 5, 6)}
    dates["recommendation_closes"] = dt.date(2026, 6, 12)  # before "today" (2026-06-15)
    campaign = make_campaign(
        officer, world.acftu, dates=dates, allocations={world.hebei: 10}, deploy=False
    )
    with pytest.raises(DomainError) as exc:
        actions.do_deploy_campaign(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "campaign.deadline_passed"


def test_close_and_open_format_check(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 10})
    with pytest.raises(DomainError) as exc:
        actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
    assert exc.value.rule == "campaign.recommendation_open"
    with pytest.raises(DomainError) as exc:
        actions.do_close_recommendation(acting_user=None, campaign_id=campaign.pk)
    assert exc.value.rule == "campaign.deadline_ahead"
    campaign = actions.do_close_recommendation(acting_user=officer, campaign_id=campaign.pk)
    assert campaign.status == Campaign.Status.RECOMMENDATION_CLOSED
    campaign = actions.do_open_format_check(acting_user=officer, campaign_id=campaign.pk)
    assert campaign.status == Campaign.Status.FORMAT_CHECK


# --- Allocations ------------------------------------------------------------------------------


def test_allocations_over_the_target_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, deploy=False, target=10)
    with pytest.raises(DomainError) as exc:
        actions.do_set_allocations(
            acting_user=officer,
            campaign_id=campaign.pk,
            rows=[
                AllocationRow(organization_id=world.hebei.pk, slots=6),
                AllocationRow(organization_id=world.henan.pk, slots=5),
            ],
        )
    assert exc.value.rule == "quota.over_target"
    assert not QuotaAllocation.objects.exists()


def test_allocations_outside_the_subtree_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 10})
    parent = QuotaAllocation.objects.get(campaign=campaign, organization=world.hebei)
    with pytest.raises(DomainError) as exc:
        actions.do_set_allocations(
            acting_user=world.users["hebei_officer"],
            campaign_id=campaign.pk,
            rows=[AllocationRow(organization_id=world.zhengzhou.pk, slots=1)],
            parent_allocation_id=parent.pk,
        )
    assert exc.value.rule == "quota.outside"
    with pytest.raises(DomainError) as exc:
        actions.do_set_allocations(
            acting_user=world.users["hebei_officer"],
            campaign_id=campaign.pk,
            rows=[AllocationRow(organization_id=world.hebei.pk, slots=1)],
            parent_allocation_id=parent.pk,
        )
    assert exc.value.rule == "quota.outside"


def test_allocations_keep_weight_and_suggestion_and_replace_the_level(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, deploy=False, target=10)
    actions.do_set_allocations(
        acting_user=officer,
        campaign_id=campaign.pk,
        rows=[
            AllocationRow(world.hebei.pk, 6, Decimal("60"), 6),
            AllocationRow(world.henan.pk, 4, Decimal("40"), 4),
        ],
    )
    actions.do_set_allocations(
        acting_user=officer,
        campaign_id=campaign.pk,
        rows=[AllocationRow(world.hebei.pk, 7, Decimal("70"), 7)],
    )
    rows = list(QuotaAllocation.objects.filter(campaign=campaign))
    assert [(a.organization_id, a.slots, a.cap, a.weight, a.suggested) for a in rows] == [
        (world.hebei.pk, 7, 10, Decimal("70.00"), 7)
    ]


def test_sub_allocation_by_the_province_officer_only(world) -> None:  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 10, world.henan: 5})
    parent = QuotaAllocation.objects.get(campaign=campaign, organization=world.hebei)
    rows = [AllocationRow(organization_id=world.shijiazhuang.pk, slots=4)]
    for intruder in ("sjz_officer", "henan_officer", "hebei_clerk", "program_officer"):
        with pytest.raises(PermissionDenied) as exc:
            actions.do_set_allocations(
                acting_user=world.users[intruder],
                campaign_id=campaign.pk,
                rows=rows,
                parent_allocation_id=parent.pk,
            )
        assert exc.value.rule == "quota.split", intruder
    [child] = actions.do_set_allocations(
        acting_user=world.users["hebei_officer"],
        campaign_id=campaign.pk,
        rows=rows,
        parent_allocation_id=parent.pk,
    )
    assert (child.parent_id, child.slots, child.cap) == (parent.pk, 4, 6)
    with pytest.raises(DomainError) as exc:
        actions.do_set_allocations(
            acting_user=world.users["hebei_officer"],
            campaign_id=campaign.pk,
            rows=[AllocationRow(organization_id=world.shijiazhuang.pk, slots=11)],
            parent_allocation_id=parent.pk,
        )
    assert exc.value.rule == "quota.over_target"


def test_name_staff_inside_the_issuing_org_only(world) -> None:  # type: ignore[no-untyped-def]
    from jiangxin.accounts.models import Role
    from tests.factories import make_campaign as mk
    from tests.factories import make_user

    officer = world.users["program_officer"]
    hebei_program = make_user("hbprog", role=Role.PROGRAM_OFFICER, org=world.hebei)
    campaign = mk(
        hebei_program,
        world.hebei,
        tier="provincial",
        allocations={world.shijiazhuang: 10},
        deploy=False,
    )
    with pytest.raises(DomainError) as exc:
        actions.do_name_campaign_staff(
            acting_user=hebei_program,
            campaign_id=campaign.pk,
            user_id=world.users["henan_officer"].pk,
            duty="format_check",
        )
    assert exc.value.rule == "campaign.staff_outside"
    actions.do_name_campaign_staff(
        acting_user=hebei_program,
        campaign_id=campaign.pk,
        user_id=world.users["sjz_officer"].pk,
        duty="format_check",
    )
    assert campaign.staff.get().user == world.users["sjz_officer"]
    with pytest.raises(PermissionDenied):
        actions.do_name_campaign_staff(
            acting_user=officer,  # ACFTU's officer does not run Hebei's campaign
            campaign_id=campaign.pk,
            user_id=world.users["sjz_officer"].pk,
            duty="format_check",
            active=False,
        )
