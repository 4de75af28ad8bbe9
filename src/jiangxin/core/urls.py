from django.urls import path

from jiangxin.core import audit_views, calendar_views, views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("calendar/", calendar_views.calendar_overview, name="calendar"),
    path("audit/", audit_views.audit_list, name="audit_list"),
]
