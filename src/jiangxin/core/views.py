"""Shell views: the role dashboard, health check and the CSRF failure page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiangxin.core.dashboard import dashboard_for
from jiangxin.core.http import AuthedHttpRequest


@require_GET
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "core/dashboard.html",
        {"panels": dashboard_for(request.user), "breadcrumbs": [{"label": _("Dashboard")}]},
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)
