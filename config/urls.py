"""Root URLconf. Every URL requires login unless its view is marked `login_not_required`."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jiangxin.core import views as core_views
from jiangxin.notices import public_views as notice_public_views

urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("jiangxin.accounts.urls")),
    path("orgs/", include("jiangxin.orgs.urls")),
    path("reference/", include("jiangxin.reference.urls")),
    path("programs/", include("jiangxin.programs.urls")),
    path("people/", include("jiangxin.people.urls")),
    path("nominations/", include("jiangxin.nominations.urls")),
    path("reviews/", include("jiangxin.reviews.urls")),
    path("notifications/", include("jiangxin.notifications.urls")),
    path("portal/", include("jiangxin.portal.urls")),
    path("notices/", include("jiangxin.notices.urls")),
    # The self-hosted captcha's pictures (django-simple-captcha's names; public forms).
    path(
        "captcha/image/<str:key>@2/",
        notice_public_views.captcha_image,
        {"scale": 2},
        name="captcha-image-2x",
    ),
    path(
        "captcha/image/<str:key>/",
        notice_public_views.captcha_image,
        {"scale": 1},
        name="captcha-image",
    ),
    path("", include("jiangxin.core.urls")),
]
