"""Expert pool and invitation pages (pool stage).

- The pool (list with filters and an Excel export, create, detail, edit, deactivate) is kept
  by the program officers whose grant covers the pool's organization; everybody else gets 404.
- Invitations of a campaign (invite, send the link again, withdraw, invite a replacement) are
  run by the campaign's program officers.
- The answer page is public: the link's token is the credential. An expired, used or unknown
  token answers the same "not valid" page; failures are counted per client address, and an
  address that failed `INVITATION_FAILURE_LIMIT` times within `INVITATION_FAILURE_WINDOW`
  seconds gets 429 for every link until the window ends (a database-cache counter, so all app
  servers share it). After accepting, a first-time expert chooses a password (the project's
  validators) and enrols an authenticator app through the accounts app's enrolment step
  (`accounts:two_factor_enrol`): no session exists before that.
- "My invitations" is the expert's own list.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxin.accounts import login_flow
from jiangxin.accounts.forms import EnrolForm
from jiangxin.accounts.models import Role, User
from jiangxin.core.audit import record_event
from jiangxin.core.errors import DomainError
from jiangxin.core.excel import TableWorkbook, dated_filename, xlsx_response
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.masking import mask_phone
from jiangxin.core.middleware import client_ip
from jiangxin.core.models import AuditEvent
from jiangxin.programs.models import Campaign
from jiangxin.reviews import forms_pool as forms
from jiangxin.reviews import pool, rules
from jiangxin.reviews.models import Conflict, ExpertEmployment, ExpertProfile, Invitation
from jiangxin.reviews.selectors import expert_profile_of, experts_visible_to

PAGE_SIZE = 25
CANDIDATE_PAGE_SIZE = 50
#: Failed link look-ups a client address may make per window before it is refused (429).
INVITATION_FAILURE_LIMIT = int(getattr(settings, "JIANGXIN_INVITATION_FAILURE_LIMIT", 10))
INVITATION_FAILURE_WINDOW = int(getattr(settings, "JIANGXIN_INVITATION_FAILURE_WINDOW", 15 * 60))
TOO_MANY_REQUESTS = 429
I = Invitation.Status  # noqa: E741


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _pool_crumb() -> dict[str, str]:
    return {"label": _("Expert pool"), "url": reverse("reviews:pool_list")}


def _visible_expert(request: AuthedHttpRequest, pk: int) -> ExpertProfile:
    _require(rules.can_manage_pools(request.user))
    return get_object_or_404(
        pool.with_load(experts_visible_to(request.user)).select_related(
            "user", "pool", "organization", "region"
        ),
        pk=pk,
    )


def _filtered_pool(request: AuthedHttpRequest) -> tuple[forms.PoolFilterForm, QuerySet[Any]]:
    filter_form = forms.PoolFilterForm(request.GET or None)
    qs = filter_form.filter(
        pool.with_load(experts_visible_to(request.user))
        .select_related("user", "pool", "region")
        .prefetch_related("industries")
        .order_by("user__full_name", "pk")
    )
    return filter_form, qs


# --- The pool ---------------------------------------------------------------------------------


@require_GET
def pool_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_manage_pools(request.user))
    filter_form, qs = _filtered_pool(request)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "reviews/pool/pool_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "export_url": reverse("reviews:pool_export"),
            "campaigns": pool.campaigns_in_review_for(request.user),
            "can_create": pool.pools_for(request.user).exists(),
            "breadcrumbs": [{"label": _("Expert pool")}],
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def pool_export(request: AuthedHttpRequest) -> HttpResponseBase:
    _require(rules.can_manage_pools(request.user))
    _filter_form, qs = _filtered_pool(request)
    qs = qs.prefetch_related("occupation_groups")
    book = TableWorkbook()
    ws = book.sheet(
        _("Expert pool"),
        [
            (_("Full name"), 14),
            (_("Username"), 14),
            (_("Expert pool of"), 24),
            (_("Works for"), 30),
            (_("Professional title"), 16),
            (_("Region"), 12),
            (_("Industries"), 36),
            (_("Occupation groups"), 30),
            (_("Skill domains"), 24),
            (_("Tiers reviewed"), 24),
            (_("Mobile phone"), 14),
            (_("Email"), 24),
            (_("Active"), 8),
            (_("Open assignments"), 10),
            (_("Campaigns accepted"), 10),
        ],
    )
    rows = 0
    for e in qs:
        book.append(
            ws,
            [
                e.user.full_name,
                e.user.username,
                e.pool.name,
                e.employer_name,
                e.title,
                e.region.name if e.region else "",
                "、".join(i.name for i in e.industries.all()),
                "、".join(g.name for g in e.occupation_groups.all()),
                "、".join(e.skill_domains or []),
                "、".join(_tier_labels(e.tiers)) or _("Every tier"),
                mask_phone(e.user.phone),
                e.user.email,
                _("Yes") if e.is_active else _("No"),
                e.open_assignments,
                e.open_campaigns,
            ],
        )
        rows += 1
    record_event(
        "expert_pool.exported",
        actor=request.user,
        summary={"filters": request.GET.dict(), "rows": rows},
    )
    return xlsx_response(book.save(), dated_filename("expert-pool"))


def _tier_labels(tiers: list[str]) -> list[str]:
    from jiangxin.programs.models import Tier

    labels = dict(Tier.choices)
    return [str(labels[t]) for t in tiers if t in labels]


def _employment_formset(request: AuthedHttpRequest, initial: Any = None) -> Any:
    return forms.EmploymentFormSet(
        request.POST if request.method == "POST" else None, prefix="employment", initial=initial
    )


@sensitive_post_parameters("phone")
@require_http_methods(["GET", "POST"])
def pool_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_manage_pools(request.user))
    pools = pool.pools_for(request.user)
    _require(pools.exists())
    form = forms.ExpertForm(request.POST or None, pools=pools)
    formset = _employment_formset(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            profile = pool.do_create_expert(
                acting_user=request.user,
                pool_id=data["pool"].pk,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data.get("phone") or "",
                fields=form.profile_fields(),
                employment=formset.rows(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "The expert was added to the pool. They choose their password when they "
                    "accept their first invitation."
                ),
            )
            return redirect("reviews:pool_detail", pk=profile.pk)
    return render(
        request,
        "reviews/pool/expert_form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("New expert"),
            "cancel_url": reverse("reviews:pool_list"),
            "breadcrumbs": [_pool_crumb(), {"label": _("New expert")}],
        },
    )


@require_GET
def pool_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    expert = _visible_expert(request, pk)
    from jiangxin.accounts import rules as account_rules

    managed_orgs = [
        g.organization_id
        for g in account_rules.active_grants(request.user)
        if g.role == Role.PROGRAM_OFFICER
    ]
    invitations = expert.invitations.select_related(
        "campaign", "campaign__issuing_org", "replaces"
    ).order_by("-invited_at", "-pk")
    conflicts = (
        Conflict.objects.filter(expert=expert, campaign__issuing_org_id__in=managed_orgs)
        .select_related("campaign", "nomination__person", "nomination__nominating_unit")
        .order_by("campaign_id", "nomination__number", "kind")
    )
    return render(
        request,
        "reviews/pool/expert_detail.html",
        {
            "expert": expert,
            "employment": expert.employment.select_related("organization").order_by("start", "pk"),
            "industries": expert.industries.all(),
            "occupation_groups": expert.occupation_groups.all(),
            "tier_labels": _tier_labels(expert.tiers),
            "masked_phone": mask_phone(expert.user.phone),
            "invitations": invitations,
            "conflicts": conflicts,
            "can_manage": rules.can_manage_expert(request.user, expert.pool.path),
            "breadcrumbs": [_pool_crumb(), {"label": str(expert)}],
        },
    )


@sensitive_post_parameters("phone")
@require_http_methods(["GET", "POST"])
def pool_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    expert = _visible_expert(request, pk)
    _require(rules.can_manage_expert(request.user, expert.pool.path))
    employment = ExpertEmployment.objects.filter(expert=expert).order_by("start", "pk")
    expert_with_rows = ExpertProfile.objects.prefetch_related(
        Prefetch("employment", queryset=employment), "industries", "occupation_groups"
    ).get(pk=expert.pk)
    form = forms.ExpertForm(
        request.POST or None, initial=forms.ExpertForm.initial_for(expert_with_rows)
    )
    formset = _employment_formset(request, initial=forms.employment_initial(expert_with_rows))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            pool.do_update_expert(
                acting_user=request.user,
                expert_id=expert.pk,
                fields=form.profile_fields(),
                employment=formset.rows(),
                full_name=data["full_name"],
                email=data["email"],
                phone=data.get("phone") or "",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("reviews:pool_detail", pk=expert.pk)
    return render(
        request,
        "reviews/pool/expert_form.html",
        {
            "form": form,
            "formset": formset,
            "expert": expert,
            "title": _("Edit %(name)s") % {"name": expert},
            "cancel_url": reverse("reviews:pool_detail", args=[expert.pk]),
            "breadcrumbs": [
                _pool_crumb(),
                {"label": str(expert), "url": reverse("reviews:pool_detail", args=[expert.pk])},
                {"label": _("Edit")},
            ],
        },
    )


@require_POST
def pool_set_active(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    expert = _visible_expert(request, pk)
    _require(rules.can_manage_expert(request.user, expert.pool.path))
    form = forms.ActiveForm(request.POST)
    _require(form.is_valid())
    active = form.cleaned_data["active"]
    try:
        pool.do_set_expert_active(acting_user=request.user, expert_id=expert.pk, active=active)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("The expert is active in the pool again.")
            if active
            else _("The expert was deactivated; their unanswered invitations were withdrawn."),
        )
    return redirect("reviews:pool_detail", pk=expert.pk)


# --- Invitations of a campaign ----------------------------------------------------------------


def managed_campaign(request: AuthedHttpRequest, pk: int) -> Campaign:
    """The campaign if the user runs its review; 404 otherwise (as if it did not exist)."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("issuing_org", "policy_version"), pk=pk
    )
    _require(rules.can_manage_review(request.user, campaign))
    return campaign


def campaign_crumbs(campaign: Campaign, *rest: str) -> list[dict[str, str]]:
    return [
        {"label": _("Campaigns"), "url": reverse("programs:campaign_list")},
        {"label": campaign.name, "url": reverse("programs:campaign_detail", args=[campaign.pk])},
        *({"label": label} for label in rest),
    ]


def _status_counts(campaign: Campaign) -> list[tuple[Any, int]]:
    from django.db.models import Count

    counts = dict(
        Invitation.objects.filter(campaign=campaign)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(label, counts.get(value, 0)) for value, label in I.choices]


def _invitations_page(
    request: AuthedHttpRequest,
    campaign: Campaign,
    *,
    invite_form: forms.InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_invite = rules.can_invite_experts(request.user, campaign)
    filter_form = forms.CandidateFilterForm(request.GET or None)
    page_obj = None
    if can_invite:
        candidates = filter_form.filter(
            pool.with_load(
                pool.invitation_candidates(
                    request.user, campaign, match_industries=filter_form.match_industries()
                )
            )
            .select_related("user", "pool", "region")
            .prefetch_related("industries")
            .order_by("user__full_name", "pk")
        )
        page_obj = Paginator(candidates, CANDIDATE_PAGE_SIZE).get_page(request.GET.get("page"))
    if invite_form is None:
        invite_form = forms.InviteForm(candidates=ExpertProfile.objects.none())
    response = render(
        request,
        "reviews/pool/invitations.html",
        {
            "campaign": campaign,
            "invitations": pool.campaign_invitations(campaign),
            "status_counts": _status_counts(campaign),
            "expected_load": pool.expected_load(campaign),
            "industry_codes": sorted(pool.campaign_industry_codes(campaign)),
            "can_invite": can_invite,
            "filter_form": filter_form,
            "page_obj": page_obj,
            "form": invite_form,
            "resend_form": forms.ResendForm(initial={"valid_days": pool.valid_days_default()}),
            "withdraw_form": forms.WithdrawForm(),
            "breadcrumbs": campaign_crumbs(campaign, _("Expert invitations")),
        },
        status=status,
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
def pool_invitations(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, pk)
    if request.method != "POST":
        return _invitations_page(request, campaign)
    _require(rules.can_invite_experts(request.user, campaign))
    candidates = pool.invitation_candidates(request.user, campaign, match_industries=False)
    form = forms.InviteForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            issued = pool.do_invite_experts(
                acting_user=request.user,
                campaign_id=campaign.pk,
                expert_ids=[e.pk for e in form.cleaned_data["experts"]],
                valid_days=form.cleaned_data["valid_days"],
            )
        except pool.InvitationsRefused as exc:
            for _rule, message in exc.problems:
                form.add_error(None, message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(count)s invitation(s) sent. Each expert received a personal link by email.")
                % {"count": len(issued)},
            )
            return redirect("reviews:pool_invitations", pk=campaign.pk)
    return _invitations_page(request, campaign, invite_form=form)


def _campaign_invitation(request: AuthedHttpRequest, pk: int, invitation_pk: int) -> Invitation:
    campaign = managed_campaign(request, pk)
    return get_object_or_404(
        Invitation.objects.filter(campaign=campaign).select_related("expert__user", "campaign"),
        pk=invitation_pk,
    )


@require_POST
def pool_invitation_resend(request: AuthedHttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _campaign_invitation(request, pk, invitation_pk)
    form = forms.ResendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of days the new link is valid for."))
    else:
        try:
            pool.do_resend_invitation(
                acting_user=request.user,
                invitation_id=invitation.pk,
                valid_days=form.cleaned_data["valid_days"],
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("A new link was sent to %(name)s; the earlier one no longer works.")
                % {"name": invitation.expert},
            )
    return redirect("reviews:pool_invitations", pk=pk)


@require_POST
def pool_invitation_withdraw(
    request: AuthedHttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    invitation = _campaign_invitation(request, pk, invitation_pk)
    form = forms.WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        pool.do_withdraw_invitation(
            acting_user=request.user, invitation_id=invitation.pk, reason=reason
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The invitation of %(name)s was withdrawn.") % {"name": invitation.expert}
        )
    return redirect("reviews:pool_invitations", pk=pk)


@require_http_methods(["GET", "POST"])
def pool_invitation_replace(
    request: AuthedHttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    invitation = _campaign_invitation(request, pk, invitation_pk)
    campaign = invitation.campaign
    _require(rules.can_invite_experts(request.user, campaign))
    _require(invitation.status in (I.DECLINED, I.WITHDRAWN))
    candidates = pool.with_load(
        pool.invitation_candidates(request.user, campaign, match_industries=False)
    ).order_by("user__full_name", "pk")
    form = forms.ReplaceForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            pool.do_invite_expert(
                acting_user=request.user,
                campaign_id=campaign.pk,
                expert_id=form.cleaned_data["expert"].pk,
                valid_days=form.cleaned_data["valid_days"],
                replaces_id=invitation.pk,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(new)s was invited in place of %(old)s.")
                % {"new": form.cleaned_data["expert"], "old": invitation.expert},
            )
            return redirect("reviews:pool_invitations", pk=campaign.pk)
    return render(
        request,
        "reviews/pool/invitation_replace.html",
        {
            "campaign": campaign,
            "invitation": invitation,
            "form": form,
            "breadcrumbs": [
                *campaign_crumbs(campaign)[:2],
                {
                    "label": _("Expert invitations"),
                    "url": reverse("reviews:pool_invitations", args=[campaign.pk]),
                },
                {"label": _("Replace %(name)s") % {"name": invitation.expert}},
            ],
        },
    )


# --- The public answer page -------------------------------------------------------------------


def _failure_key(request: HttpRequest) -> str:
    return f"jx:invitation-failures:{client_ip(request) or 'unknown'}"


def _rate_limited(request: HttpRequest) -> bool:
    return int(cache.get(_failure_key(request)) or 0) >= INVITATION_FAILURE_LIMIT


def _count_failure(request: HttpRequest) -> None:
    key = _failure_key(request)
    cache.add(key, 0, timeout=INVITATION_FAILURE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=INVITATION_FAILURE_WINDOW)
        count = 1
    if count == INVITATION_FAILURE_LIMIT:
        record_event(
            "invitation.links_refused",
            outcome=AuditEvent.Outcome.DENIED,
            summary={"failures": count, "window_seconds": INVITATION_FAILURE_WINDOW},
        )


def _not_valid(request: HttpRequest, *, limited: bool = False) -> HttpResponse:
    return render(
        request,
        "reviews/pool/invitation_not_valid.html",
        {"limited": limited, "minutes": max(1, INVITATION_FAILURE_WINDOW // 60)},
        status=TOO_MANY_REQUESTS if limited else 200,
    )


def _answer_context(invitation: Invitation, token: str) -> dict[str, Any]:
    user = invitation.expert.user
    return {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "expert": invitation.expert,
        "token_path": pool.answer_path(token),
        "needs_password": pool.needs_password(user),
        "username": user.get_username(),
        "expected_load": pool.expected_load(invitation.campaign, invitation),
        "limit": invitation.campaign.policy_version.max_nominations_per_expert,
    }


def _accept_form(invitation: Invitation, data: Any = None) -> forms.AcceptForm:
    return forms.AcceptForm(
        data,
        max_load=invitation.campaign.policy_version.max_nominations_per_expert,
        with_password=pool.needs_password(invitation.expert.user),
        prefix="accept",
    )


def _enrol_page(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Hand over to the accounts app's enrolment step: a pending login (proved by the
    password just chosen) and a fresh authenticator device; the session starts there."""
    user = User.objects.get(pk=invitation.expert.user_id)
    device = login_flow.start_totp_enrolment(user)
    token = login_flow.issue_token(
        user,
        stage=login_flow.STAGE_ENROL,
        next_url=reverse("reviews:conflicts_mine", args=[invitation.campaign_id]),
    )
    return render(
        request,
        "reviews/pool/invitation_enrol.html",
        {
            "campaign": invitation.campaign,
            "username": user.get_username(),
            "form": EnrolForm(initial={"token": token}),
            **login_flow.totp_setup_context(device),
        },
    )


@login_not_required
@sensitive_post_parameters("accept-password1", "accept-password2")
@never_cache
@require_http_methods(["GET", "POST"])
def pool_invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    if _rate_limited(request):
        return _not_valid(request, limited=True)
    invitation = pool.find_open_invitation(token)
    if invitation is None:
        _count_failure(request)
        return _not_valid(request)
    accept_form = _accept_form(invitation)
    decline_form = forms.DeclineForm(prefix="decline")
    answer = request.POST.get("answer") if request.method == "POST" else None
    if answer == "accept":
        accept_form = _accept_form(invitation, request.POST)
        if accept_form.is_valid():
            data = accept_form.cleaned_data
            first_time = pool.needs_password(invitation.expert.user)
            try:
                invitation = pool.do_accept_invitation(
                    token=token,
                    availability=data.get("availability") or "",
                    max_load=data.get("max_load"),
                    password=data.get("password1"),
                )
            except pool.InvitationNotValid:
                return _not_valid(request)
            except ValidationError as exc:
                accept_form.add_error("password1", exc)
            except DomainError as exc:
                accept_form.add_error(None, exc.message)
            else:
                user = invitation.expert.user
                if first_time and login_flow.needs_second_factor(user):
                    return _enrol_page(request, invitation)
                return render(
                    request,
                    "reviews/pool/invitation_answered.html",
                    {"campaign": invitation.campaign, "accepted": True},
                )
    elif answer == "decline":
        decline_form = forms.DeclineForm(request.POST, prefix="decline")
        if decline_form.is_valid():
            try:
                invitation = pool.do_decline_invitation(
                    token=token, reason=decline_form.cleaned_data["reason"]
                )
            except pool.InvitationNotValid:
                return _not_valid(request)
            except DomainError as exc:
                decline_form.add_error(None, exc.message)
            else:
                return render(
                    request,
                    "reviews/pool/invitation_answered.html",
                    {"campaign": invitation.campaign, "accepted": False},
                )
    return render(
        request,
        "reviews/pool/invitation_answer.html",
        {
            **_answer_context(invitation, token),
            "accept_form": accept_form,
            "decline_form": decline_form,
            "answer": answer,
        },
    )


# --- The expert's own list --------------------------------------------------------------------


@require_GET
def pool_my_invitations(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.is_expert(request.user))
    profile = expert_profile_of(request.user)
    invitations: Any = Invitation.objects.none()
    if profile is not None:
        invitations = (
            Invitation.objects.filter(expert=profile)
            .exclude(status=I.WITHDRAWN)
            .select_related("campaign", "campaign__issuing_org", "expert__user")
            .order_by("-invited_at", "-pk")
        )
    rows = [
        {
            "invitation": inv,
            "can_declare": inv.status in pool.OPEN_INVITATION
            and inv.campaign.status in rules.conflict_statuses(),
            "link_valid": pool.is_answerable(inv),
        }
        for inv in invitations
    ]
    return render(
        request,
        "reviews/pool/my_invitations.html",
        {"rows": rows, "breadcrumbs": [{"label": _("My review invitations")}]},
    )


urlpatterns: list[URLPattern] = [
    path("pool/", pool_list, name="pool_list"),
    path("pool/export.xlsx", pool_export, name="pool_export"),
    path("pool/new/", pool_create, name="pool_create"),
    path("pool/<int:pk>/", pool_detail, name="pool_detail"),
    path("pool/<int:pk>/edit/", pool_edit, name="pool_edit"),
    path("pool/<int:pk>/active/", pool_set_active, name="pool_set_active"),
    path("campaigns/<int:pk>/invitations/", pool_invitations, name="pool_invitations"),
    path(
        "campaigns/<int:pk>/invitations/<int:invitation_pk>/resend/",
        pool_invitation_resend,
        name="pool_invitation_resend",
    ),
    path(
        "campaigns/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        pool_invitation_withdraw,
        name="pool_invitation_withdraw",
    ),
    path(
        "campaigns/<int:pk>/invitations/<int:invitation_pk>/replace/",
        pool_invitation_replace,
        name="pool_invitation_replace",
    ),
    path("invitation/<str:token>/", pool_invitation_answer, name="pool_invitation_answer"),
    path("my/invitations/", pool_my_invitations, name="pool_my_invitations"),
]
