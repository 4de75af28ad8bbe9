"""Organization and user management: thin views over orgs/accounts selectors and actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jiangxin.accounts import actions as account_actions
from jiangxin.accounts import rules
from jiangxin.accounts.models import Role, RoleGrant, User
from jiangxin.core.actions import do_reveal_personal_data
from jiangxin.core.errors import DomainError
from jiangxin.core.http import AuthedHttpRequest
from jiangxin.core.masking import mask_phone
from jiangxin.orgs import actions, forms, selectors
from jiangxin.orgs.models import Organization
from jiangxin.orgs.rules import child_kinds

PAGE_SIZE = 50


def _require(decision: bool) -> None:
    if not decision:
        raise Http404


def _page(request: AuthedHttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _orgs_crumb() -> dict[str, str]:
    return {"label": _("Organizations"), "url": reverse("orgs:list")}


def _users_crumb() -> dict[str, str]:
    return {"label": _("Users and roles"), "url": reverse("orgs:user_list")}


# --- Organizations ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def organization_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_manage_organizations(request.user) or rules.can_manage_users(request.user))
    qs = selectors.organizations_visible_to(request.user).select_related("region", "industry")
    filter_form = forms.OrganizationFilterForm(request.GET or None)
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(name__icontains=data["q"]) | Q(name_en__icontains=data["q"]))
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["active"]:
            qs = qs.filter(is_active=data["active"] == "1")
    page_obj = _page(request, qs.order_by("path"))
    return render(
        request,
        "orgs/organization_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "breadcrumbs": [{"label": _("Organizations")}],
        },
    )


@require_http_methods(["GET"])
def organization_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    visible = selectors.organizations_visible_to(request.user)
    org = get_object_or_404(visible.select_related("region", "industry"), pk=pk)
    # Everything under a visible organization is visible too (scopes are whole subtrees).
    children = (
        Organization.objects.get_children(org)
        .select_related("region")
        .annotate(n_grants=Count("grants", filter=Q(grants__revoked_at__isnull=True)))
    )
    grants = (
        RoleGrant.objects.filter(organization=org, revoked_at__isnull=True)
        .select_related("user")
        .order_by("role", "user__username")
    )
    ancestors = list(Organization.objects.get_ancestors(org))
    shown = set(visible.filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    ancestors = [a for a in ancestors if a.pk in shown]
    can_manage = rules.can_manage_organization(request.user, org)
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "org": org,
            "children": children,
            "grants": grants,
            "can_manage": can_manage,
            "can_add_child": can_manage and org.is_active and bool(child_kinds(org)),
            "can_deactivate": can_manage and not org.is_root(),
            "breadcrumbs": [
                _orgs_crumb(),
                *(
                    {"label": a.display_name, "url": reverse("orgs:detail", args=[a.pk])}
                    for a in ancestors
                ),
                {"label": org.display_name},
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def organization_create(request: AuthedHttpRequest, parent_pk: int) -> HttpResponse:
    parent = get_object_or_404(selectors.organizations_managed_by(request.user), pk=parent_pk)
    _require(rules.can_manage_organization(request.user, parent) and parent.is_active)
    kinds = child_kinds(parent)
    _require(bool(kinds))
    form = forms.OrganizationForm(
        request.POST or None, kinds=kinds, initial={"region": parent.region_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.do_create_organization(
                acting_user=request.user,
                parent=parent,
                **form.cleaned_data,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The organization was created."))
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/organization_form.html",
        {
            "form": form,
            "parent": parent,
            "title": _("New organization under %(parent)s") % {"parent": parent.display_name},
            "breadcrumbs": [
                _orgs_crumb(),
                {"label": parent.display_name, "url": reverse("orgs:detail", args=[parent.pk])},
                {"label": _("New organization")},
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(selectors.organizations_managed_by(request.user), pk=pk)
    initial = {
        "name": org.name,
        "name_en": org.name_en,
        "region": org.region_id,
        "industry": org.industry_id,
        "credit_code": org.credit_code,
    }
    form = forms.OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_organization(
                acting_user=request.user,
                organization_id=org.pk,
                **form.cleaned_data,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/organization_form.html",
        {
            "form": form,
            "org": org,
            "title": _("Edit %(name)s") % {"name": org.display_name},
            "breadcrumbs": [
                _orgs_crumb(),
                {"label": org.display_name, "url": reverse("orgs:detail", args=[org.pk])},
                {"label": _("Edit")},
            ],
        },
    )


@require_POST
def organization_set_active(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(selectors.organizations_managed_by(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_organization_active(
            acting_user=request.user,
            organization_id=org.pk,
            active=active,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The organization was reactivated.")
            if active
            else _("The organization was deactivated."),
        )
    return redirect("orgs:detail", pk=org.pk)


# --- Users --------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def user_list(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_manage_users(request.user))
    active_grants = RoleGrant.objects.filter(revoked_at__isnull=True).select_related("organization")
    qs = selectors.users_visible_to(request.user).prefetch_related(
        Prefetch("grants", queryset=active_grants, to_attr="active_grant_list")
    )
    filter_form = forms.UserFilterForm(request.GET or None)
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(username__icontains=data["q"]) | Q(full_name__icontains=data["q"]))
        if data["role"]:
            qs = qs.filter(grants__role=data["role"], grants__revoked_at__isnull=True).distinct()
        if data["active"]:
            qs = qs.filter(is_active=data["active"] == "1")
    page_obj = _page(request, qs.order_by("username"))
    for u in page_obj.object_list:
        u.masked_phone = mask_phone(u.phone)
    return render(
        request,
        "orgs/user_list.html",
        {
            "page_obj": page_obj,
            "filter_form": filter_form,
            "breadcrumbs": [{"label": _("Users and roles")}],
        },
    )


@require_http_methods(["GET", "POST"])
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    _require(rules.can_manage_users(request.user))
    form = forms.UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_actions.do_create_user(
                acting_user=request.user,
                must_change_password=True,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The account was created. Now grant a role."))
            return redirect("orgs:user_detail", pk=user.pk)
    return render(
        request,
        "orgs/user_form.html",
        {"form": form, "breadcrumbs": [_users_crumb(), {"label": _("New user")}]},
    )


def _grant_form(request: AuthedHttpRequest, data: Any = None) -> forms.GrantForm:
    user = request.user
    if rules.has_role(user, Role.SECURITY_ADMIN):
        orgs = Organization.objects.filter(is_active=True)
        roles = [r.value for r in Role]
    else:
        orgs = selectors.organizations_managed_by(user).filter(is_active=True)
        roles = sorted(
            {
                r
                for g in rules.active_grants(user)
                for r in rules.GRANTABLE_BY_OFFICER.get(g.role, ())
            },
            key=[r.value for r in Role].index,
        )
    return forms.GrantForm(data, organizations=orgs.order_by("path"), roles=roles)


def _user_detail_context(request: AuthedHttpRequest, target: User, **extra: Any) -> dict[str, Any]:
    visible_grants = selectors.grants_visible_to(request.user).filter(user=target)
    grants = [
        {
            "grant": g,
            "can_revoke": g.role in rules.grantable_roles(request.user, g.organization)
            and g.user_id != request.user.pk,
        }
        for g in visible_grants.order_by("role")
    ]
    return {
        "target": target,
        "masked_phone": mask_phone(target.phone),
        "grants": grants,
        "grant_form": extra.pop("grant_form", None) or _grant_form(request),
        "reveal_form": extra.pop("reveal_form", None) or forms.RevealForm(),
        "can_reveal": rules.can_reveal_personal_data(request.user) and bool(target.phone),
        "can_unlock": rules.can_unlock_accounts(request.user) and target.pk != request.user.pk,
        "is_self": target.pk == request.user.pk,
        "breadcrumbs": [_users_crumb(), {"label": str(target)}],
        **extra,
    }


@require_http_methods(["GET"])
def user_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.can_manage_users(request.user))
    target = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    return render(request, "orgs/user_detail.html", _user_detail_context(request, target))


@require_POST
def user_grant(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.can_manage_users(request.user))
    target = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    form = _grant_form(request, request.POST)
    if form.is_valid():
        try:
            account_actions.do_grant_role(
                acting_user=request.user,
                user_id=target.pk,
                organization_id=form.cleaned_data["organization"].pk,
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("orgs:user_detail", pk=target.pk)
    return render(
        request,
        "orgs/user_detail.html",
        _user_detail_context(request, target, grant_form=form, form=form),
    )


@require_POST
def grant_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.can_manage_users(request.user))
    grant = get_object_or_404(selectors.grants_visible_to(request.user), pk=pk)
    try:
        account_actions.do_revoke_role(acting_user=request.user, grant_id=grant.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("orgs:user_detail", pk=grant.user_id)


@require_POST
def user_set_active(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.can_manage_users(request.user))
    target = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        account_actions.do_set_user_active(
            acting_user=request.user,
            user_id=target.pk,
            active=active,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The account was reactivated.") if active else _("The account was deactivated."),
        )
    return redirect("orgs:user_detail", pk=target.pk)


@require_POST
def user_unlock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.can_unlock_accounts(request.user))
    target = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    try:
        removed = account_actions.do_unlock_user(acting_user=request.user, user_id=target.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Sign-in unlocked (%(n)d failed attempts cleared).") % {"n": removed}
        )
    return redirect("orgs:user_detail", pk=target.pk)


@require_POST
def user_reset_two_factor(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.can_unlock_accounts(request.user))
    target = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    try:
        account_actions.do_reset_two_factor(acting_user=request.user, user_id=target.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Two-factor devices removed. The person sets up a new one at the next sign-in."),
        )
    return redirect("orgs:user_detail", pk=target.pk)


@require_POST
def user_reveal_phone(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require(rules.can_manage_users(request.user))
    target = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    form = forms.RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = do_reveal_personal_data(
                acting_user=request.user,
                obj=target,
                field_name="phone",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    response = render(
        request,
        "orgs/user_detail.html",
        _user_detail_context(request, target, reveal_form=form, form=form, revealed_phone=revealed),
    )
    response["Cache-Control"] = "no-store"
    return response
