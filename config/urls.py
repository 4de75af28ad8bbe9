"""Root URLconf. Every URL requires login unless its view is marked `login_not_required`."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jiangxin.core import views as core_views

urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("jiangxin.accounts.urls")),
    path("orgs/", include("jiangxin.orgs.urls")),
    path("reference/", include("jiangxin.reference.urls")),
    path("programs/", include("jiangxin.programs.urls")),
    path("people/", include("jiangxin.people.urls")),
    path("nominations/", include("jiangxin.nominations.urls")),
    path("notifications/", include("jiangxin.notifications.urls")),
    path("portal/", include("jiangxin.portal.urls")),
    path("", include("jiangxin.core.urls")),
]
