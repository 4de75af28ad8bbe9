# Placeholder module: the authentication work replaces every view here.
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse


@login_not_required
def login_view(request):  # type: ignore[no-untyped-def]
    return HttpResponse("login")


two_factor_verify = two_factor_enrol = login_view


def logout_view(request):  # type: ignore[no-untyped-def]
    return HttpResponse("logout")


password_change = security = logout_view


def lockout_response(request, credentials, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("locked", status=429)
