"""Writes to policy versions, campaigns and quotas. Each act is locked, guarded and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.models import Role, RoleGrant
from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.orgs.models import Organization
from jiangxin.programs import rules
from jiangxin.programs.models import (
    Campaign,
    CampaignStaff,
    Dimension,
    EligibilityRule,
    PolicyTier,
    PolicyVersion,
    QuotaAllocation,
    RubricLevel,
)
from jiangxin.programs.phases import PHASE_LABELS, check_phase_dates
from jiangxin.programs.quotas import cap_for

if TYPE_CHECKING:
    from jiangxin.accounts.models import User


class PhaseDatesError(DomainError):
    """The phase dates do not pass the calendar checks; `errors` maps field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("campaign.phase_dates", _("Correct the phase dates."))
        self.errors = errors


# --- Policy versions --------------------------------------------------------------------------


def _lock_editable_version(version_id: int, acting_user: User) -> PolicyVersion:
    """Lock a version for editing; refuse unless it is an unused draft and the user may edit.

    Caller is inside a transaction.
    """
    version = PolicyVersion.objects.select_for_update().get(pk=version_id)
    if not rules.can_edit_policies(acting_user):
        raise PermissionDenied(
            "policy.edit", _("Only program officers of the national federation edit policies.")
        )
    if version.campaigns.exists():
        raise DomainError(
            "policy.in_use",
            _(
                "This policy version is used by a campaign and can no longer change. Copy it "
                "to make a new version."
            ),
        )
    if version.status != PolicyVersion.Status.DRAFT:
        raise DomainError(
            "policy.published",
            _("A published policy version cannot change. Copy it to make a new version."),
        )
    return version


def is_version_editable(version: PolicyVersion) -> bool:
    return version.status == PolicyVersion.Status.DRAFT and not version.campaigns.exists()


@transaction.atomic
def do_copy_policy_version(
    *, acting_user: User, version_id: int, code: str, name_zh: str, name_en: str = ""
) -> PolicyVersion:
    """Copy a version with all its tiers, dimensions, rubric levels and rules into a new draft."""
    if not rules.can_edit_policies(acting_user):
        raise PermissionDenied(
            "policy.edit", _("Only program officers of the national federation edit policies.")
        )
    source = PolicyVersion.objects.get(pk=version_id)
    if PolicyVersion.objects.filter(code=code).exists():
        raise DomainError("policy.code_taken", _("Another policy version has this code."))
    copy = PolicyVersion.objects.get(pk=version_id)
    copy.pk = None
    copy.id = None
    copy.code = code
    copy.name_zh = name_zh.strip()
    copy.name_en = name_en.strip()
    copy.based_on = source
    copy.status = PolicyVersion.Status.DRAFT
    copy.created_by = acting_user
    copy.published_at = None
    copy.save(force_insert=True)
    PolicyTier.objects.bulk_create(
        PolicyTier(version=copy, tier=t.tier, yearly_target=t.yearly_target)
        for t in source.tiers.all()
    )
    for dim in source.dimensions.prefetch_related("levels"):
        levels = list(dim.levels.all())
        dim.pk = None
        dim.id = None
        dim.version = copy
        dim.save(force_insert=True)
        for level in levels:
            level.pk = None
            level.id = None
            level.dimension = dim
            level.save(force_insert=True)
    for rule in source.rules.all():
        rule.pk = None
        rule.id = None
        rule.version = copy
        rule.save(force_insert=True)
    record_event(
        "policy.copied",
        actor=acting_user,
        obj=copy,
        summary={"after": {"code": copy.code, "from": source.code}},
    )
    return copy


POLICY_SETTINGS = (
    "name_zh",
    "name_en",
    "document_title",
    "issuing_body",
    "issued_on",
    "source_note",
    "recommendation_ratio",
    "summary_max_chars",
    "opinion_max_chars",
    "reviewers_per_nomination",
    "max_nominations_per_expert",
    "shortlist_ratio",
    "panel_pass_numerator",
    "panel_pass_denominator",
    "blind_review",
    "notice_working_days",
    "promote_on_disqualification",
    "promotion_notice_working_days",
    "cultivation_months",
    "report_interval_months",
)


@transaction.atomic
def do_update_policy_version(
    *, acting_user: User, version_id: int, changes: dict[str, Any]
) -> PolicyVersion:
    """Change the settings of a draft version (the keys of `POLICY_SETTINGS`)."""
    version = _lock_editable_version(version_id, acting_user)
    unknown = set(changes) - set(POLICY_SETTINGS)
    if unknown:
        raise ValueError(f"not policy settings: {sorted(unknown)}")
    diff = {}
    for name, value in changes.items():
        before = getattr(version, name)
        if before != value:
            diff[name] = {"before": before, "after": value}
            setattr(version, name, value)
    if version.panel_pass_numerator > version.panel_pass_denominator:
        raise DomainError(
            "policy.pass_threshold", _("The pass threshold cannot be more than all members.")
        )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as exc:
        raise DomainError("policy.invalid", _("These settings are not valid.")) from exc
    if diff:
        record_event("policy.updated", actor=acting_user, obj=version, summary=diff)
    return version


@transaction.atomic
def do_set_tier_targets(
    *, acting_user: User, version_id: int, targets: dict[str, int]
) -> PolicyVersion:
    version = _lock_editable_version(version_id, acting_user)
    before = {t.tier: t.yearly_target for t in version.tiers.all()}
    for tier, target in targets.items():
        PolicyTier.objects.update_or_create(
            version=version, tier=tier, defaults={"yearly_target": target}
        )
    record_event(
        "policy.tiers_updated",
        actor=acting_user,
        obj=version,
        summary={"before": before, "after": targets},
    )
    return version


DIMENSION_FIELDS = (
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "weight",
    "score_min",
    "score_max",
    "statement_min_chars",
    "statement_max_chars",
)


@transaction.atomic
def do_update_dimension(
    *,
    acting_user: User,
    dimension_id: int,
    changes: dict[str, Any],
    levels: Sequence[dict[str, Any]] | None = None,
) -> Dimension:
    """Change a dimension of a draft version; `levels` (when given) replaces its rubric."""
    dimension = Dimension.objects.select_related("version").get(pk=dimension_id)
    _lock_editable_version(dimension.version_id, acting_user)
    unknown = set(changes) - set(DIMENSION_FIELDS)
    if unknown:
        raise ValueError(f"not dimension fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(dimension, name, value)
    if dimension.score_max <= dimension.score_min:
        raise DomainError(
            "policy.score_range", _("The highest score must be above the lowest score.")
        )
    if dimension.statement_max_chars < dimension.statement_min_chars:
        raise DomainError(
            "policy.statement_range",
            _("The longest statement cannot be shorter than the shortest."),
        )
    dimension.save()
    if levels is not None:
        for level in levels:
            if not (
                dimension.score_min
                <= level["score_from"]
                <= level["score_to"]
                <= dimension.score_max
            ):
                raise DomainError(
                    "policy.rubric_band",
                    _("Each rubric band must lie within the dimension's score range."),
                )
        dimension.levels.all().delete()
        RubricLevel.objects.bulk_create(RubricLevel(dimension=dimension, **lv) for lv in levels)
    record_event(
        "policy.dimension_updated",
        actor=acting_user,
        obj=dimension.version,
        summary={"dimension": dimension.code, "after": {k: str(v) for k, v in changes.items()}},
    )
    return dimension


RULE_FIELDS = ("severity", "params", "tiers", "title_zh", "title_en", "article", "basis")


@transaction.atomic
def do_update_eligibility_rule(
    *, acting_user: User, rule_id: int, changes: dict[str, Any]
) -> EligibilityRule:
    rule = EligibilityRule.objects.get(pk=rule_id)
    _lock_editable_version(rule.version_id, acting_user)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"not rule fields: {sorted(unknown)}")
    before = {k: getattr(rule, k) for k in changes}
    for name, value in changes.items():
        setattr(rule, name, value)
    from jiangxin.nominations.eligibility import validate_params

    validate_params(rule.kind, rule.params)
    rule.save()
    record_event(
        "policy.rule_updated",
        actor=acting_user,
        obj=rule.version,
        summary={"rule": rule.code, "before": before, "after": changes},
    )
    return rule


@transaction.atomic
def do_publish_policy_version(*, acting_user: User, version_id: int) -> PolicyVersion:
    """Make a draft available to new campaigns. Needs every tier, dimension and a rule."""
    version = _lock_editable_version(version_id, acting_user)
    if not version.dimensions.exists():
        raise DomainError("policy.no_dimensions", _("Add the assessment dimensions first."))
    if version.tiers.count() < 3:
        raise DomainError("policy.tiers_missing", _("Set the yearly target of every tier first."))
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    record_event("policy.published", actor=acting_user, obj=version)
    return version


# --- Campaigns --------------------------------------------------------------------------------


def _check_dates(version: PolicyVersion, dates: dict[str, dt.date]) -> list[str]:
    check = check_phase_dates(dates, notice_working_days=version.notice_working_days)
    if not check.ok:
        raise PhaseDatesError(check.errors)
    return check.provisional


@transaction.atomic
def do_create_campaign(
    *,
    acting_user: User,
    issuing_org_id: int,
    tier: str,
    year: int,
    name: str,
    policy_version_id: int,
    dates: dict[str, dt.date],
    target: int | None = None,
    recommendation_ratio: Decimal | None = None,
    description: str = "",
) -> Campaign:
    """Create a draft campaign of `tier` issued by `issuing_org`, pinned to a published policy
    version. Target and ratio default to the version's."""
    org = Organization.objects.get(pk=issuing_org_id)
    if not rules.can_create_campaign(acting_user, org, tier):
        raise PermissionDenied(
            "campaign.create",
            _("Only a program officer of the issuing organization creates its campaigns."),
        )
    version = PolicyVersion.objects.get(pk=policy_version_id)
    if version.status != PolicyVersion.Status.PUBLISHED:
        raise DomainError(
            "campaign.policy_unpublished", _("A campaign must use a published policy version.")
        )
    provisional = _check_dates(version, dates)
    if target is None:
        policy_tier = version.tiers.filter(tier=tier).first()
        target = policy_tier.yearly_target if policy_tier else 0
    if Campaign.objects.filter(tier=tier, year=year, issuing_org=org).exists():
        raise DomainError(
            "campaign.duplicate",
            _("%(org)s already has a campaign of this tier for %(year)s.")
            % {"org": org.name, "year": year},
        )
    campaign = Campaign.objects.create(
        tier=tier,
        year=year,
        name=name.strip(),
        issuing_org=org,
        policy_version=version,
        target=target,
        recommendation_ratio=(
            recommendation_ratio
            if recommendation_ratio is not None
            else version.recommendation_ratio
        ),
        description=description,
        provisional_dates=provisional,
        created_by=acting_user,
        **dates,
    )
    record_event(
        "campaign.created",
        actor=acting_user,
        obj=campaign,
        acting_org=org,
        summary={
            "after": {
                "tier": tier,
                "year": year,
                "policy": version.code,
                "target": target,
                **{k: v.isoformat() for k, v in dates.items()},
            }
        },
    )
    return campaign


def _lock_campaign(campaign_id: int, acting_user: User) -> Campaign:
    """Lock a campaign its issuing organization's program officer manages. In a transaction."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .get(pk=campaign_id)
    )
    if not rules.can_manage_campaign(acting_user, campaign):
        raise PermissionDenied(
            "campaign.manage",
            _("Only a program officer of the issuing organization manages this campaign."),
        )
    return campaign


CAMPAIGN_FIELDS = ("name", "target", "recommendation_ratio", "description")


@transaction.atomic
def do_update_campaign(
    *,
    acting_user: User,
    campaign_id: int,
    changes: dict[str, Any],
    dates: dict[str, dt.date] | None = None,
    reason: str = "",
) -> Campaign:
    """Change a campaign. Everything may change while it is a draft. Once deployed, only the
    dates of phases still ahead may move (e.g. an extended deadline), with a reason."""
    campaign = _lock_campaign(campaign_id, acting_user)
    unknown = set(changes) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"not campaign fields: {sorted(unknown)}")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if campaign.status != Campaign.Status.DRAFT:
        if changes:
            raise DomainError(
                "campaign.deployed_fixed",
                _("After deployment only the dates of phases still ahead can change."),
            )
        if not reason.strip():
            raise DomainError(
                "campaign.reason_required", _("Give the reason for changing the dates.")
            )
        today = timezone.localdate()
        for name, value in (dates or {}).items():
            old = getattr(campaign, name)
            if value != old and (old < today or value < today):
                raise DomainError(
                    "campaign.past_phase",
                    _("%(phase)s has passed and cannot be moved.") % {"phase": PHASE_LABELS[name]},
                )
    for name, value in changes.items():
        if getattr(campaign, name) != value:
            before[name], after[name] = getattr(campaign, name), value
            setattr(campaign, name, value)
    if dates:
        merged = {name: getattr(campaign, name) for name in Campaign.PHASE_FIELDS}
        merged.update(dates)
        campaign.provisional_dates = _check_dates(campaign.policy_version, merged)
        for name, value in dates.items():
            if getattr(campaign, name) != value:
                before[name], after[name] = getattr(campaign, name).isoformat(), value.isoformat()
                setattr(campaign, name, value)
    if "recommendation_ratio" in after:
        for allocation in campaign.allocations.all():
            allocation.cap = cap_for(allocation.slots, campaign.recommendation_ratio)
            allocation.save(update_fields=["cap", "updated_at"])
    campaign.save()
    if after:
        record_event(
            "campaign.updated",
            actor=acting_user,
            obj=campaign,
            acting_org=campaign.issuing_org,
            summary={"before": before, "after": after, "reason": reason.strip()},
        )
    return campaign


def default_recommending_orgs(campaign: Campaign) -> list[Organization]:
    """The active children of the issuing organization that recommend by default."""
    kinds = rules.RECOMMENDING_KINDS.get(campaign.issuing_org.kind, frozenset())
    return list(
        Organization.objects.get_children(campaign.issuing_org)
        .filter(kind__in=kinds, is_active=True)
        .order_by("path")
    )


@dataclass(frozen=True)
class AllocationRow:
    organization_id: int
    slots: int
    weight: Decimal | None = None
    suggested: int | None = None


@transaction.atomic
def do_set_allocations(
    *,
    acting_user: User,
    campaign_id: int,
    rows: Sequence[AllocationRow],
    parent_allocation_id: int | None = None,
) -> list[QuotaAllocation]:
    """Replace the allocations of one level: the top level (from the issuing organization,
    while the campaign is a draft) or a split of one allocation among the organizations under
    it (by that organization's officer, while recommendation is open).

    The slots of a level may not exceed what is split (the target, or the parent's slots).
    Organizations must sit directly or further under the one whose share is split.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if parent_allocation_id is None:
        if not rules.can_manage_campaign(acting_user, campaign):
            raise PermissionDenied(
                "campaign.manage",
                _("Only a program officer of the issuing organization manages this campaign."),
            )
        if campaign.status != Campaign.Status.DRAFT:
            raise DomainError(
                "campaign.allocations_fixed",
                _("The allocations are fixed once the campaign is deployed."),
            )
        parent = None
        above = campaign.issuing_org
        available = campaign.target
    else:
        parent = (
            QuotaAllocation.objects.select_for_update(of=("self",))
            .select_related("organization", "campaign")
            .get(pk=parent_allocation_id, campaign=campaign)
        )
        if not rules.can_split_allocation(acting_user, parent):
            raise PermissionDenied(
                "quota.split",
                _("Only an officer of %(org)s splits its allocation, while recommendation is open.")
                % {"org": parent.organization.name},
            )
        above = parent.organization
        available = parent.slots
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[r.organization_id for r in rows])}
    seen: set[int] = set()
    for row in rows:
        org = orgs.get(row.organization_id)
        if org is None or not org.path.startswith(above.path) or org.pk == above.pk:
            raise DomainError(
                "quota.outside",
                _("Allocations can only go to organizations under %(org)s.") % {"org": above.name},
            )
        if row.organization_id in seen:
            raise DomainError("quota.duplicate", _("An organization is listed twice."))
        seen.add(row.organization_id)
        if row.slots < 0:
            raise DomainError("quota.negative", _("Slots cannot be negative."))
    total = sum(r.slots for r in rows)
    if total > available:
        raise DomainError(
            "quota.over_target",
            _("The allocations add up to %(total)s, more than the %(available)s available.")
            % {"total": total, "available": available},
        )
    level = QuotaAllocation.objects.filter(campaign=campaign, parent=parent)
    before = {a.organization_id: a.slots for a in level}
    if parent is not None:
        # A split cannot go below what an organization has already put forward.
        from jiangxin.nominations.quota import forwarded_count

        for row in rows:
            used = forwarded_count(campaign, orgs[row.organization_id])
            if cap_for(row.slots, campaign.recommendation_ratio) < used:
                raise DomainError(
                    "quota.below_used",
                    _("%(org)s has already put forward %(used)s nominations.")
                    % {"org": orgs[row.organization_id].name, "used": used},
                )
    level.exclude(organization_id__in=seen).delete()
    result = []
    for row in rows:
        allocation, _created = QuotaAllocation.objects.update_or_create(
            campaign=campaign,
            organization_id=row.organization_id,
            defaults={
                "parent": parent,
                "slots": row.slots,
                "cap": cap_for(row.slots, campaign.recommendation_ratio),
                "weight": row.weight,
                "suggested": row.suggested,
                "updated_by": acting_user,
            },
        )
        result.append(allocation)
    record_event(
        "quota.split" if parent else "quota.allocated",
        actor=acting_user,
        obj=campaign,
        acting_org=above,
        summary={
            "level": above.name,
            "before": before,
            "after": {r.organization_id: r.slots for r in rows},
        },
    )
    return result


def recommending_officers(org_ids: Sequence[int]) -> list[User]:
    from jiangxin.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            grants__organization_id__in=org_ids,
            grants__role=Role.RECOMMENDING_OFFICER,
            grants__revoked_at__isnull=True,
        ).distinct()
    )


@transaction.atomic
def do_deploy_campaign(*, acting_user: User, campaign_id: int) -> Campaign:
    """部署: open recommendation, publish the deployment notice and tell every recommending
    organization its allocation."""
    from jiangxin.notifications.actions import notify
    from jiangxin.portal.models import Article

    campaign = _lock_campaign(campaign_id, acting_user)
    if campaign.status != Campaign.Status.DRAFT:
        raise DomainError("campaign.not_draft", _("This campaign has already been deployed."))
    if campaign.policy_version.status != PolicyVersion.Status.PUBLISHED:
        raise DomainError(
            "campaign.policy_unpublished", _("A campaign must use a published policy version.")
        )
    dates = {name: getattr(campaign, name) for name in Campaign.PHASE_FIELDS}
    campaign.provisional_dates = _check_dates(campaign.policy_version, dates)
    if "recommendation_closes" in campaign.provisional_dates:
        raise DomainError(
            "campaign.deadline_unknown_year",
            _(
                "The recommendation deadline is in %(year)s, whose holiday schedule is not known "
                "yet. Enter the announced schedule on the working-day calendar page first."
            )
            % {"year": campaign.recommendation_closes.year},
        )
    if campaign.recommendation_closes < timezone.localdate():
        raise DomainError(
            "campaign.deadline_passed", _("The recommendation deadline has already passed.")
        )
    allocations = list(
        campaign.allocations.filter(parent__isnull=True).select_related("organization")
    )
    if not allocations or sum(a.slots for a in allocations) == 0:
        raise DomainError("campaign.no_allocations", _("Allocate the quota first."))
    campaign.status = Campaign.Status.DEPLOYED
    campaign.deployed_at = timezone.now()
    campaign.deployed_by = acting_user
    campaign.save()
    article = Article.objects.create(
        category=Article.Category.NOTICE,
        title=str(_("Notice on the %(campaign)s") % {"campaign": campaign.name}),
        body=campaign.description or _deployment_text(campaign),
        source=campaign.issuing_org.name,
        source_org=campaign.issuing_org,
        campaign=campaign,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
        created_by=acting_user,
    )
    record_event(
        "campaign.deployed",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={
            "after": {"status": campaign.status, "notice_article": article.pk},
            "allocations": {a.organization.name: a.slots for a in allocations},
        },
    )
    url = reverse("programs:campaign_detail", args=[campaign.pk])
    officers_by_org: dict[int, list[User]] = {}
    for grant in RoleGrant.objects.filter(
        organization_id__in=[a.organization_id for a in allocations],
        role=Role.RECOMMENDING_OFFICER,
        revoked_at__isnull=True,
    ).select_related("user"):
        officers_by_org.setdefault(grant.organization_id, []).append(grant.user)
    for allocation in allocations:
        notify(
            officers_by_org.get(allocation.organization_id, []),
            "campaign.deployed",
            params={
                "campaign": campaign.name,
                "slots": allocation.slots,
                "cap": allocation.cap,
                "closes": campaign.recommendation_closes.isoformat(),
            },
            url=url,
        )
    return campaign


def _deployment_text(campaign: Campaign) -> str:
    """A plain deployment notice when the officer wrote none."""
    return str(
        _(
            "%(org)s has deployed the %(campaign)s. Recommendation is open from %(opens)s to "
            "%(closes)s; the public notice is planned from %(notice)s and publication on "
            "%(publication)s. %(target)s people are to be selected under the policy "
            "“%(policy)s”."
        )
        % {
            "org": campaign.issuing_org.name,
            "campaign": campaign.name,
            "opens": campaign.recommendation_opens.isoformat(),
            "closes": campaign.recommendation_closes.isoformat(),
            "notice": campaign.notice_starts.isoformat(),
            "publication": campaign.publication_date.isoformat(),
            "target": campaign.target,
            "policy": campaign.policy_version.name_zh,
        }
    )


@transaction.atomic
def do_close_recommendation(*, acting_user: User | None, campaign_id: int) -> Campaign:
    """End the recommendation phase. `acting_user` None is the scheduler, which closes a
    campaign once its deadline day has passed; an officer may close it at the deadline."""
    if acting_user is None:
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    else:
        campaign = _lock_campaign(campaign_id, acting_user)
    if campaign.status != Campaign.Status.DEPLOYED:
        raise DomainError("campaign.not_open", _("Recommendation is not open in this campaign."))
    today = timezone.localdate()
    if acting_user is None and today <= campaign.recommendation_closes:
        raise DomainError("campaign.deadline_ahead", _("The recommendation deadline is ahead."))
    campaign.status = Campaign.Status.RECOMMENDATION_CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    record_event(
        "campaign.recommendation_closed",
        actor=acting_user,
        actor_label="" if acting_user else "scheduler",
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={
            "after": {"status": campaign.status},
            "early": today < campaign.recommendation_closes,
        },
    )
    return campaign


@transaction.atomic
def do_open_format_check(*, acting_user: User, campaign_id: int) -> Campaign:
    campaign = _lock_campaign(campaign_id, acting_user)
    if campaign.status != Campaign.Status.RECOMMENDATION_CLOSED:
        raise DomainError(
            "campaign.recommendation_open",
            _("The format check opens once recommendation has closed."),
        )
    campaign.status = Campaign.Status.FORMAT_CHECK
    campaign.save(update_fields=["status", "updated_at"])
    record_event(
        "campaign.format_check_opened",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={"after": {"status": campaign.status}},
    )
    return campaign


@transaction.atomic
def do_name_campaign_staff(
    *, acting_user: User, campaign_id: int, user_id: int, duty: str, active: bool = True
) -> None:
    """Name (or remove) a person for a duty in the campaign, e.g. format check staff. They
    must work for the issuing organization (a grant in its subtree)."""
    campaign = _lock_campaign(campaign_id, acting_user)
    if active:
        in_org = RoleGrant.objects.filter(
            user_id=user_id,
            revoked_at__isnull=True,
            organization__path__startswith=campaign.issuing_org.path,
        ).exists()
        if not in_org:
            raise DomainError(
                "campaign.staff_outside",
                _("Campaign staff must work for %(org)s.") % {"org": campaign.issuing_org.name},
            )
        CampaignStaff.objects.get_or_create(
            campaign=campaign, user_id=user_id, duty=duty, defaults={"named_by": acting_user}
        )
    else:
        CampaignStaff.objects.filter(campaign=campaign, user_id=user_id, duty=duty).delete()
    record_event(
        "campaign.staff_named" if active else "campaign.staff_removed",
        actor=acting_user,
        obj=campaign,
        acting_org=campaign.issuing_org,
        summary={"user": user_id, "duty": duty},
    )
