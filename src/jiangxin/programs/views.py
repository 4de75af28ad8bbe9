"""Policy versions, campaigns and quotas: thin views over the programs selectors and actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.accounts import rules as account_rules
from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.nominations import rules as nomination_rules
from jiangxin.orgs.models import Organization
from jiangxin.programs import actions, forms, rules, selectors
from jiangxin.programs.display import optional_url, param_lines, tier_labels
from jiangxin.programs.models import (
    Campaign,
    CampaignStaff,
    Dimension,
    EligibilityRule,
    PolicyVersion,
    QuotaAllocation,
    RubricLevel,
)
from jiangxin.programs.phases import PHASE_LABELS, check_phase_dates

PAGE_SIZE = 25


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _policies_crumb() -> dict[str, str]:
    return {"label": _("Policy versions"), "url": reverse("programs:policy_list")}


def _campaigns_crumb() -> dict[str, str]:
    return {"label": _("Campaigns"), "url": reverse("programs:campaign_list")}


def _campaign_crumbs(campaign: Campaign, *rest: str) -> list[dict[str, str]]:
    crumbs = [
        _campaigns_crumb(),
        {"label": campaign.name, "url": reverse("programs:campaign_detail", args=[campaign.pk])},
    ]
    crumbs.extend({"label": label} for label in rest)
    return crumbs


# --- Policy versions ---------------------------------------------------------------------------


def _visible_version(request: AuthedHttpRequest, pk: int) -> PolicyVersion:
    _require(rules.can_read_policies(request.user))
    return get_object_or_404(
        selectors.policy_versions_visible_to(request.user).select_related("based_on"), pk=pk
    )


def _editable_version(request: AuthedHttpRequest, pk: int) -> PolicyVersion | None:
    """The version if the user may edit it now; None (after a message) when it is read-only."""
    version = _visible_version(request, pk)
    _require(rules.can_edit_policies(request.user))
    if not actions.is_version_editable(version):
        messages.error(request, _read_only_note(version))
        return None
    return version


def _read_only_note(version: PolicyVersion) -> str:
    if version.campaigns.exists():
        return _(
            "This policy version is used by a campaign and can no longer change. Copy it to "
            "make a new version."
        )
    return _("A published policy version cannot change. Copy it to make a new version.")


def _version_crumbs(version: PolicyVersion, *rest: str) -> list[dict[str, str]]:
    crumbs = [
        _policies_crumb(),
        {"label": version.name, "url": reverse("programs:policy_detail", args=[version.pk])},
    ]
    crumbs.extend({"label": label} for label in rest)
    return crumbs


@require_GET
def policy_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_read_policies(request.user))
    filter_form = forms.PolicyFilterForm(request.GET or None)
    versions = filter_form.filter(
        selectors.policy_versions_visible_to(request.user)
        .select_related("based_on")
        .annotate(n_campaigns=Count("campaigns"))
        .order_by("-issued_on", "-id")
    )
    page_obj = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "programs/policy_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "can_edit": rules.can_edit_policies(request.user),
            "breadcrumbs": [{"label": _("Policy versions")}],
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def policy_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    from jiangxin.reference.models import Industry, SkillLevel

    version = _visible_version(request, pk)
    dimensions = list(
        version.dimensions.prefetch_related(
            Prefetch("levels", queryset=RubricLevel.objects.order_by("-score_to"))
        ).order_by("order")
    )
    skill_names = {s.code: s.name for s in SkillLevel.objects.all()}
    section_names = {i.code: i.name for i in Industry.objects.filter(level=Industry.Level.SECTION)}
    rule_rows = [
        {
            "rule": rule,
            "tiers": tier_labels(rule.tiers),
            "params": param_lines(rule, skill_names=skill_names, section_names=section_names),
        }
        for rule in version.rules.select_related("version").order_by("order")
    ]
    n_campaigns = version.campaigns.count()
    editable = version.status == PolicyVersion.Status.DRAFT and n_campaigns == 0
    can_edit_policies = rules.can_edit_policies(request.user)
    based_on = version.based_on
    if based_on is not None and not (
        selectors.policy_versions_visible_to(request.user).filter(pk=based_on.pk).exists()
    ):
        based_on = None
    return render(
        request,
        "programs/policy_detail.html",
        {
            "version": version,
            "based_on": based_on,
            "tiers": version.tiers.order_by("tier"),
            "dimensions": dimensions,
            "total_weight": sum(d.weight for d in dimensions),
            "rule_rows": rule_rows,
            "n_campaigns": n_campaigns,
            "editable": editable,
            "can_edit": can_edit_policies and editable,
            "can_copy": can_edit_policies,
            "read_only_note": "" if editable else _read_only_note(version),
            "breadcrumbs": [_policies_crumb(), {"label": version.name}],
        },
    )


def _form_page(
    request: AuthedHttpRequest,
    form: Any,
    *,
    title: str,
    cancel_url: str,
    breadcrumbs: list[dict[str, str]],
    submit_label: str | None = None,
    intro: str = "",
    template: str = "programs/form.html",
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "intro": intro,
            "cancel_url": cancel_url,
            "submit_label": submit_label or _("Save"),
            "breadcrumbs": breadcrumbs,
            **extra,
        },
    )


@require_http_methods(["GET", "POST"])
def policy_copy(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    source = _visible_version(request, pk)
    _require(rules.can_edit_policies(request.user))
    form = forms.PolicyCopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = actions.do_copy_policy_version(
                acting_user=request.user,
                version_id=source.pk,
                code=form.cleaned_data["code"],
                name_zh=form.cleaned_data["name_zh"],
                name_en=form.cleaned_data["name_en"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The copy was made. It is a draft: edit it, then publish it.")
            )
            return redirect("programs:policy_detail", pk=copy.pk)
    return _form_page(
        request,
        form,
        title=_("Copy %(name)s to a new version") % {"name": source.name},
        intro=_(
            "The copy gets every setting, tier target, dimension with its rubric and "
            "eligibility rule of this version, as a draft you can edit."
        ),
        submit_label=_("Make the copy"),
        cancel_url=reverse("programs:policy_detail", args=[source.pk]),
        breadcrumbs=_version_crumbs(source, _("Copy")),
    )


@require_http_methods(["GET", "POST"])
def policy_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _editable_version(request, pk)
    if version is None:
        return redirect("programs:policy_detail", pk=pk)
    form = forms.PolicySettingsForm(request.POST or None, instance=PolicyVersion.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_policy_version(
                acting_user=request.user,
                version_id=version.pk,
                changes={k: form.cleaned_data[k] for k in actions.POLICY_SETTINGS},
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("programs:policy_detail", pk=version.pk)
    return _form_page(
        request,
        form,
        title=_("Edit the settings of %(name)s") % {"name": version.name},
        cancel_url=reverse("programs:policy_detail", args=[version.pk]),
        breadcrumbs=_version_crumbs(version, _("Settings")),
    )


@require_http_methods(["GET", "POST"])
def policy_tiers(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _editable_version(request, pk)
    if version is None:
        return redirect("programs:policy_detail", pk=pk)
    initial = {t.tier: t.yearly_target for t in version.tiers.all()}
    form = forms.TierTargetsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_tier_targets(
                acting_user=request.user, version_id=version.pk, targets=form.targets()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The tier targets were saved."))
            return redirect("programs:policy_detail", pk=version.pk)
    return _form_page(
        request,
        form,
        title=_("Yearly targets of %(name)s") % {"name": version.name},
        cancel_url=reverse("programs:policy_detail", args=[version.pk]),
        breadcrumbs=_version_crumbs(version, _("Tier targets")),
    )


@require_http_methods(["GET", "POST"])
def dimension_edit(request: AuthedHttpRequest, pk: int, dimension_pk: int) -> HttpResponse:
    version = _editable_version(request, pk)
    if version is None:
        return redirect("programs:policy_detail", pk=pk)
    dimension = get_object_or_404(Dimension, pk=dimension_pk, version=version)
    levels = [
        {k: getattr(level, k) for k in forms.RubricLevelForm.base_fields}
        for level in dimension.levels.order_by("-score_to")
    ]
    data = request.POST or None
    form = forms.DimensionForm(data, instance=dimension)
    formset = forms.RubricFormSet(data, initial=levels, prefix="levels")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            actions.do_update_dimension(
                acting_user=request.user,
                dimension_id=dimension.pk,
                changes={k: form.cleaned_data[k] for k in actions.DIMENSION_FIELDS},
                levels=cast(forms.BaseRubricFormSet, formset).levels(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The dimension was saved."))
            return redirect("programs:policy_detail", pk=version.pk)
    return render(
        request,
        "programs/dimension_form.html",
        {
            "form": form,
            "formset": formset,
            "version": version,
            "dimension": dimension,
            "breadcrumbs": _version_crumbs(version, dimension.name),
        },
    )


@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthedHttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    version = _editable_version(request, pk)
    if version is None:
        return redirect("programs:policy_detail", pk=pk)
    rule = get_object_or_404(EligibilityRule, pk=rule_pk, version=version)
    form = forms.RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_eligibility_rule(
                acting_user=request.user, rule_id=rule.pk, changes=form.changes()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("programs:policy_detail", pk=version.pk)
    return _form_page(
        request,
        form,
        title=_("Edit the rule “%(title)s”") % {"title": rule.title},
        intro=_("Rule kind: %(kind)s. The kind decides how the rule is checked; it cannot change.")
        % {"kind": rule.get_kind_display()},
        cancel_url=reverse("programs:policy_detail", args=[version.pk]),
        breadcrumbs=_version_crumbs(version, rule.title),
    )


@require_POST
def policy_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _visible_version(request, pk)
    _require(rules.can_edit_policies(request.user))
    try:
        actions.do_publish_policy_version(acting_user=request.user, version_id=version.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The policy version was published. New campaigns can use it."))
    return redirect("programs:policy_detail", pk=version.pk)


# --- Campaigns ---------------------------------------------------------------------------------


@require_GET
def campaign_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_list_campaigns(request.user))
    filter_form = forms.CampaignFilterForm(request.GET or None)
    campaigns = filter_form.filter(
        selectors.campaigns_visible_to(request.user)
        .select_related("issuing_org", "policy_version")
        .order_by("-year", "tier", "-id")
    )
    page_obj = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "programs/campaign_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "can_create": rules.can_create_any_campaign(request.user),
            "breadcrumbs": [{"label": _("Campaigns")}],
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _phase_errors(form: Any, exc: actions.PhaseDatesError) -> None:
    for name, message in exc.errors.items():
        if name in form.fields and not form.fields[name].disabled:
            form.add_error(name, message)
        else:
            label = PHASE_LABELS.get(name, name)
            form.add_error(None, f"{label}: {message}")


@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedHttpRequest) -> HttpResponse:
    from django.utils import timezone

    issuing_orgs = rules.issuing_orgs_for(request.user)
    _require(bool(issuing_orgs))
    if request.method == "POST":
        form = forms.CampaignForm(request.POST, issuing_orgs=issuing_orgs)
    else:
        latest = (
            PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
            .order_by("-issued_on", "-id")
            .first()
        )
        initial: dict[str, Any] = {
            "year": timezone.localdate().year,
            "policy_version": latest.pk if latest else None,
        }
        if request.GET.get("issuing_org"):
            initial["issuing_org"] = request.GET["issuing_org"]
        form = forms.CampaignForm(initial=initial, issuing_orgs=issuing_orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.do_create_campaign(
                acting_user=request.user,
                issuing_org_id=data["issuing_org"].pk,
                tier=data["tier"],
                year=data["year"],
                name=data["name"],
                policy_version_id=data["policy_version"].pk,
                dates=form.dates(),
                target=data["target"],
                recommendation_ratio=data["recommendation_ratio"],
                description=data["description"],
            )
        except actions.PhaseDatesError as exc:
            _phase_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The campaign was created as a draft. Now allocate the quota.")
            )
            return redirect("programs:campaign_detail", pk=campaign.pk)
    return _form_page(
        request,
        form,
        title=_("New campaign"),
        intro=_(
            "Every phase date must be a working day. Dates in a year whose holiday schedule is "
            "not known yet are accepted as provisional."
        ),
        submit_label=_("Create the draft"),
        cancel_url=reverse("programs:campaign_list"),
        breadcrumbs=[_campaigns_crumb(), {"label": _("New campaign")}],
        template="programs/campaign_form.html",
        tier_refresh_url=reverse("programs:campaign_create"),
    )


def _visible_campaign(request: AuthedHttpRequest, pk: int) -> Campaign:
    return get_object_or_404(
        selectors.campaigns_visible_to(request.user).select_related(
            "issuing_org", "policy_version"
        ),
        pk=pk,
    )


def _ordered_allocations(allocations: list[QuotaAllocation]) -> list[dict[str, Any]]:
    """Top-level allocations with their splits (each as {"allocation", "children"}); a split
    whose parent the user cannot see is listed on its own."""
    by_parent: dict[int | None, list[QuotaAllocation]] = {}
    ids = {a.pk for a in allocations}
    for allocation in allocations:
        parent = allocation.parent_id if allocation.parent_id in ids else None
        by_parent.setdefault(parent, []).append(allocation)

    def node(allocation: QuotaAllocation) -> dict[str, Any]:
        return {
            "allocation": allocation,
            "children": [node(c) for c in by_parent.get(allocation.pk, [])],
        }

    return [node(a) for a in by_parent.get(None, [])]


def _flatten(nodes: list[dict[str, Any]], level: int = 0) -> list[tuple[int, QuotaAllocation]]:
    rows = []
    for item in nodes:
        rows.append((level, item["allocation"]))
        rows.extend(_flatten(item["children"], level + 1))
    return rows


def _allocation_rows(
    request: AuthedHttpRequest, campaign: Campaign
) -> tuple[list[tuple[int, QuotaAllocation]], dict[int, int]]:
    allocations = list(
        selectors.allocations_visible_to(request.user, campaign).order_by("organization__path")
    )
    for allocation in allocations:
        allocation.campaign = campaign  # the rules read it; saves a query per row
    used = selectors.forwarded_counts(campaign, [a.organization for a in allocations])
    return _flatten(_ordered_allocations(allocations)), used


def _stage_links(request: AuthedHttpRequest, campaign: Campaign) -> list[dict[str, str]]:
    """Links to the review, notice and publication stages the campaign has reached (for the
    officers who run it)."""
    if not rules.can_manage_campaign(request.user, campaign):
        return []
    S = Campaign.Status
    order = list(S.values)
    reached = order.index(campaign.status)
    stages = [
        (S.FORMAT_CHECK, "reviews:pool_invitations", _("Expert invitations"), "envelope"),
        (
            S.FORMAT_CHECK,
            "reviews:conflicts_report",
            _("Conflicts of interest"),
            "exclamation-diamond",
        ),
        (S.ONLINE_REVIEW, "reviews:assignment_campaign", _("Expert assignment"), "diagram-2"),
        (S.ONLINE_REVIEW, "reviews:scoring_progress", _("Online review progress"), "list-check"),
        (S.ONLINE_REVIEW, "reviews:scoring_ranking", _("Ranking"), "sort-numeric-down"),
        (S.PANEL_MEETING, "reviews:panel_detail", _("Panel meeting"), "people"),
        (S.FINAL_APPROVAL, "reviews:approval_detail", _("Final approval"), "patch-check"),
        (S.FINAL_APPROVAL, "notices:handlers", _("Objection handlers"), "person-lock"),
    ]
    links = []
    for stage, name, label, icon in stages:
        url = optional_url(name, campaign.pk)
        if url and reached >= order.index(stage):
            links.append({"url": url, "label": label, "icon": icon})
    if reached >= order.index(S.PUBLIC_NOTICE):
        url = optional_url("notices:list")
        if url:
            links.append({"url": url, "label": _("Public notices"), "icon": "megaphone"})
    from jiangxin.notices.views_publication import publication_link_for

    publication = publication_link_for(request.user, campaign)
    if publication:
        links.append({**publication, "icon": "file-earmark-text"})
    return links


@require_GET
def campaign_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    from jiangxin.portal.models import Article

    campaign = _visible_campaign(request, pk)
    user = request.user
    rows, used = _allocation_rows(request, campaign)
    allocation_rows: list[dict[str, Any]] = [
        {
            "level": level,
            "allocation": allocation,
            "used": used.get(allocation.organization_id, 0),
            "can_split": rules.can_split_allocation(user, allocation),
            "split_url": reverse("programs:allocation_split", args=[campaign.pk, allocation.pk]),
        }
        for level, allocation in rows
    ]
    top = [r for r in allocation_rows if r["allocation"].parent_id is None]  # the top level
    dates = {name: getattr(campaign, name) for name in Campaign.PHASE_FIELDS}
    check = check_phase_dates(
        dates, notice_working_days=campaign.policy_version.notice_working_days
    )
    phases = [
        {
            "name": name,
            "label": label,
            "date": dates[name],
            "provisional": name in check.provisional,
            "problem": check.errors.get(name, ""),
        }
        for name, label in PHASE_LABELS.items()
    ]
    notice = (
        Article.objects.filter(
            campaign=campaign,
            category=Article.Category.NOTICE,
            status=Article.Status.PUBLISHED,
        )
        .order_by("published_at", "id")
        .first()
    )
    can_manage = rules.can_manage_campaign(user, campaign)
    staff = (
        list(
            CampaignStaff.objects.filter(campaign=campaign)
            .select_related("user")
            .order_by("user__username")
        )
        if can_manage
        else []
    )
    return render(
        request,
        "programs/campaign_detail.html",
        {
            "campaign": campaign,
            "allocation_rows": allocation_rows,
            "total_slots": sum(r["allocation"].slots for r in top),
            "total_cap": sum(r["allocation"].cap for r in top),
            "total_used": sum(r["used"] for r in top),
            "phases": phases,
            "notice_ends": check.notice_ends,
            "notice_ends_provisional": "notice_ends" in check.provisional,
            "provisional": bool(check.provisional),
            "notice": notice,
            "staff": staff,
            "can_manage": can_manage,
            "can_edit": rules.can_edit_campaign(user, campaign),
            "can_allocate": rules.can_allocate(user, campaign),
            "can_deploy": rules.can_deploy_campaign(user, campaign),
            "can_close": rules.can_close_recommendation(user, campaign),
            "can_open_format_check": rules.can_open_format_check(user, campaign),
            "can_name_staff": rules.can_name_staff(user, campaign),
            "can_read_policy": rules.can_read_policies(user)
            and (
                campaign.policy_version.status == PolicyVersion.Status.PUBLISHED
                or rules.can_edit_policies(user)
            ),
            "calendar_url": reverse("core:calendar")
            if account_rules.can_manage_calendar(user)
            else "",
            "nominations_url": optional_url("nominations:list", query=f"campaign={campaign.pk}"),
            "stage_links": _stage_links(request, campaign),
            "format_check_url": optional_url("nominations:format_check", campaign.pk)
            if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.DEPLOYED)
            and nomination_rules.can_run_format_check(user, campaign)
            else "",
            "export_url": reverse("programs:allocation_export", args=[campaign.pk]),
            "breadcrumbs": [_campaigns_crumb(), {"label": campaign.name}],
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _visible_campaign(request, pk)
    _require(rules.can_edit_campaign(request.user, campaign))
    form = forms.CampaignEditForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_campaign(
                acting_user=request.user,
                campaign_id=campaign.pk,
                changes=form.changes(),
                dates=form.dates(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except actions.PhaseDatesError as exc:
            _phase_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("programs:campaign_detail", pk=campaign.pk)
    intro = (
        _("While the campaign is a draft, everything can change.")
        if form.is_draft
        else _(
            "The campaign has been deployed: only the dates of phases still ahead can move, "
            "and the reason is recorded."
        )
    )
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": campaign.name},
        intro=intro,
        cancel_url=reverse("programs:campaign_detail", args=[campaign.pk]),
        breadcrumbs=_campaign_crumbs(campaign, _("Edit")),
    )


def _campaign_post(
    request: AuthedHttpRequest, pk: int, decision: Any, act: Any, success: str
) -> HttpResponse:
    campaign = _visible_campaign(request, pk)
    _require(decision(request.user, campaign))
    try:
        act(acting_user=request.user, campaign_id=campaign.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("programs:campaign_detail", pk=campaign.pk)


@require_POST
def campaign_deploy(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _campaign_post(
        request,
        pk,
        rules.can_deploy_campaign,
        actions.do_deploy_campaign,
        _(
            "The campaign was deployed: recommendation is open, the notice is published and "
            "the recommending organizations were told their allocations."
        ),
    )


@require_POST
def campaign_close_recommendation(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _campaign_post(
        request,
        pk,
        rules.can_close_recommendation,
        actions.do_close_recommendation,
        _("Recommendation was closed."),
    )


@require_POST
def campaign_open_format_check(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _campaign_post(
        request,
        pk,
        rules.can_open_format_check,
        actions.do_open_format_check,
        _("The format check was opened."),
    )


# --- Allocation tables -------------------------------------------------------------------------

#: Kinds of organization an allocation can go to when added by hand.
ADDABLE_KINDS = frozenset({*rules.ENDORSING_KINDS, Organization.Kind.ENTERPRISE})


def _candidates(above: Organization) -> list[Organization]:
    """Organizations one may add to a level under `above`: the active recommending kinds in
    the two levels below it (children, and e.g. the enterprises under its cities)."""
    return list(
        Organization.objects.filter(
            path__startswith=above.path,
            depth__gt=above.depth,
            depth__lte=above.depth + 2,
            kind__in=ADDABLE_KINDS,
            is_active=True,
        ).order_by("path")
    )


def _default_children(above: Organization) -> list[Organization]:
    kinds = rules.RECOMMENDING_KINDS.get(above.kind, frozenset())
    return list(
        Organization.objects.get_children(above)
        .filter(kind__in=kinds, is_active=True)
        .order_by("path")
    )


def _allocation_page(
    request: AuthedHttpRequest,
    campaign: Campaign,
    *,
    parent: QuotaAllocation | None,
) -> HttpResponse:
    above = parent.organization if parent is not None else campaign.issuing_org
    available = parent.slots if parent is not None else campaign.target
    existing = list(
        QuotaAllocation.objects.filter(campaign=campaign, parent=parent)
        .select_related("organization")
        .order_by("organization__path")
    )
    candidates = _candidates(above)
    if parent is None:
        defaults = actions.default_recommending_orgs(campaign)
    else:
        defaults = _default_children(above)
    allowed = {o.pk: o for o in [*candidates, *defaults, *(a.organization for a in existing)]}
    # Only organizations under `above` may be listed (the action refuses others too).
    allowed = {
        pk: o for pk, o in allowed.items() if o.path.startswith(above.path) and o.pk != above.pk
    }
    if request.method == "POST":
        table = forms.AllocationTable.from_post(
            request.POST, allowed=allowed, available=available, candidates=candidates
        )
    elif existing:
        table = forms.AllocationTable(
            [
                forms.AllocationLine(
                    organization=a.organization,
                    weight="" if a.weight is None else f"{a.weight.normalize():f}",
                    suggested="" if a.suggested is None else str(a.suggested),
                    slots=str(a.slots),
                )
                for a in existing
            ],
            available=available,
            candidates=candidates,
        )
    else:
        table = forms.AllocationTable(
            [forms.AllocationLine(organization=o) for o in defaults],
            available=available,
            candidates=candidates,
        )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "save":
        if not table.lines and not existing:
            table.errors.append(_("Add at least one organization."))
        elif table.check_slots():
            try:
                actions.do_set_allocations(
                    acting_user=request.user,
                    campaign_id=campaign.pk,
                    rows=table.rows(),
                    parent_allocation_id=parent.pk if parent is not None else None,
                )
            except DomainError as exc:
                table.errors.append(str(exc.message))
            else:
                messages.success(request, _("The allocations were saved."))
                return redirect("programs:campaign_detail", pk=campaign.pk)
    elif action == "suggest":
        table.suggest()
    elif action == "check":
        table.check_slots()
    elif action == "add":
        pk = request.POST.get("add_org", "")
        org = allowed.get(int(pk)) if pk.isdigit() else None
        if org is None:
            table.errors.append(_("Choose an organization to add."))
        else:
            table.add(org)
    elif action.startswith("remove-") and action[7:].isdigit():
        table.remove(int(action[7:]))
    used: dict[int, int] = {}
    if parent is not None:
        used = selectors.forwarded_counts(campaign, [line.organization for line in table.lines])
    from jiangxin.programs.quotas import cap_for

    for line in table.lines:
        slots = line.slots_value()
        line.cap = cap_for(slots, campaign.recommendation_ratio) if slots and slots > 0 else 0
        line.used = used.get(line.organization.pk) if parent is not None else None
    url = (
        reverse("programs:allocation_split", args=[campaign.pk, parent.pk])
        if parent is not None
        else reverse("programs:allocations", args=[campaign.pk])
    )
    if parent is None:
        title = _("Allocate the quota of %(name)s") % {"name": campaign.name}
    else:
        title = _("Split the allocation of %(org)s") % {"org": above.display_name}
    context = {
        "campaign": campaign,
        "parent": parent,
        "above": above,
        "table": table,
        "form_url": url,
        "title": title,
        "is_split": parent is not None,
        "breadcrumbs": _campaign_crumbs(campaign, str(title)),
    }
    template = "programs/allocation_form.html"
    if request.htmx and request.method == "POST":
        template += "#table"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
def campaign_allocations(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _visible_campaign(request, pk)
    _require(rules.can_allocate(request.user, campaign))
    return _allocation_page(request, campaign, parent=None)


@require_http_methods(["GET", "POST"])
def allocation_split(request: AuthedHttpRequest, pk: int, allocation_pk: int) -> HttpResponse:
    campaign = _visible_campaign(request, pk)
    allocation = get_object_or_404(
        selectors.allocations_visible_to(request.user, campaign), pk=allocation_pk
    )
    allocation.campaign = campaign
    _require(rules.can_split_allocation(request.user, allocation))
    return _allocation_page(request, campaign, parent=allocation)


@require_GET
def allocation_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    from jiangxin.programs.export import (
        XLSX_CONTENT_TYPE,
        build_allocation_workbook,
        export_filename,
    )

    campaign = _visible_campaign(request, pk)
    rows, used = _allocation_rows(request, campaign)
    file = build_allocation_workbook(
        campaign,
        [allocation for _level, allocation in rows],
        used,
        generated_by=request.user.get_username(),
    )
    return FileResponse(
        file,
        as_attachment=True,
        filename=export_filename(campaign),
        content_type=XLSX_CONTENT_TYPE,
    )


# --- Campaign staff ----------------------------------------------------------------------------

MAX_CANDIDATES = 100


@dataclass(frozen=True)
class StaffPageText:
    """What a campaign staff page says for its duty. `intro` may use %(campaign)s and
    %(org)s, `remove_confirm` %(name)s; `named` and `removed` are shown after a change."""

    title: str
    intro: str
    submit_label: str
    remove_confirm: str
    named: str
    removed: str
    back_url: str
    back_label: str


def staff_page(
    request: AuthedHttpRequest,
    campaign: Campaign,
    *,
    duty: str,
    text: StaffPageText,
    back: HttpResponse,
    breadcrumbs: list[dict[str, Any]],
) -> HttpResponse:
    """The page that names and removes the campaign's staff of one duty (format check here,
    objection handlers in notices): the people named, a search among the users of the issuing
    organization's tree, and the form. `back` is where a change redirects to. The caller
    checks the permission."""
    from jiangxin.accounts.models import User

    staff = list(
        CampaignStaff.objects.filter(campaign=campaign, duty=duty)
        .select_related("user", "named_by")
        .order_by("user__username")
    )
    q = (request.GET.get("q") or "").strip()
    candidates_qs = (
        User.objects.filter(
            is_active=True,
            grants__revoked_at__isnull=True,
            grants__organization__path__startswith=campaign.issuing_org.path,
        )
        .exclude(pk__in=[s.user_id for s in staff])
        .distinct()
        .order_by("username")
    )
    if q:
        candidates_qs = candidates_qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    candidates = list(candidates_qs[: MAX_CANDIDATES + 1])
    more = len(candidates) > MAX_CANDIDATES
    candidates = candidates[:MAX_CANDIDATES]
    form = forms.StaffForm(
        request.POST if request.method == "POST" and "user" in request.POST else None,
        candidates=candidates,
    )
    if request.method == "POST":
        remove = request.POST.get("remove", "")
        try:
            if remove.isdigit():
                get_object_or_404(CampaignStaff, campaign=campaign, duty=duty, user_id=int(remove))
                actions.do_name_campaign_staff(
                    acting_user=request.user,
                    campaign_id=campaign.pk,
                    user_id=int(remove),
                    duty=duty,
                    active=False,
                )
                messages.success(request, text.removed)
                return back
            if form.is_valid():
                actions.do_name_campaign_staff(
                    acting_user=request.user,
                    campaign_id=campaign.pk,
                    user_id=int(form.cleaned_data["user"]),
                    duty=duty,
                )
                messages.success(request, text.named)
                return back
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "programs/campaign_staff.html",
        {
            "campaign": campaign,
            "rows": [
                {"staff": s, "confirm": text.remove_confirm % {"name": s.user.username}}
                for s in staff
            ],
            "text": text,
            "intro": text.intro
            % {"campaign": campaign.name, "org": campaign.issuing_org.display_name},
            "form": form,
            "q": q,
            "more": more,
            "breadcrumbs": breadcrumbs,
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_staff(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = _visible_campaign(request, pk)
    _require(rules.can_name_staff(request.user, campaign))
    return staff_page(
        request,
        campaign,
        duty=CampaignStaff.Duty.FORMAT_CHECK,
        text=StaffPageText(
            title=_("Format check staff"),
            intro=_(
                "The people who check the nominations put forward in this campaign. They must "
                "work for %(org)s or an organization under it."
            ),
            submit_label=_("Name to the format check staff"),
            remove_confirm=_("Remove %(name)s from the format check staff?"),
            named=_("The person was named to the format check staff."),
            removed=_("The person was removed from the format check staff."),
            back_url=reverse("programs:campaign_detail", args=[campaign.pk]),
            back_label=_("Back to the campaign"),
        ),
        back=redirect("programs:campaign_staff", pk=campaign.pk),
        breadcrumbs=_campaign_crumbs(campaign, _("Format check staff")),
    )
