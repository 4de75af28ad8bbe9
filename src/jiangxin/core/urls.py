from django.urls import path

from jiangxin.core import audit_views, calendar_views, styleguide_views, views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("calendar/", calendar_views.calendar_overview, name="calendar"),
    path("calendar/new/", calendar_views.calendar_year_new, name="calendar_year_new"),
    path("calendar/<int:year>/", calendar_views.calendar_year_detail, name="calendar_year"),
    path("calendar/<int:year>/edit/", calendar_views.calendar_year_edit, name="calendar_year_edit"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit_export"),
    path("audit/<int:pk>/", audit_views.audit_detail, name="audit_detail"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
    path(
        "audit/verify/<str:result_id>/",
        audit_views.audit_verify_status,
        name="audit_verify_status",
    ),
    path("styleguide/", styleguide_views.styleguide, name="styleguide"),
]
