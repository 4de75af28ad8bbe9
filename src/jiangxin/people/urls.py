from django.urls import path

from jiangxin.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("export/", views.person_export, name="export"),
    path("new/", views.person_create, name="create"),
    path("new/union/", views.union_field, name="union_field"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.person_reveal, name="reveal"),
    # Record blocks (htmx partials with plain fallbacks); see jiangxin.people.sections.
    path(
        "<int:person_id>/records/<str:kind>/",
        views.record_section_view,
        name="record_section",
    ),
    path("<int:person_id>/records/<str:kind>/new/", views.record_add, name="record_add"),
    path(
        "<int:person_id>/records/<str:kind>/<int:record_id>/edit/",
        views.record_edit,
        name="record_edit",
    ),
    path(
        "<int:person_id>/records/<str:kind>/<int:record_id>/delete/",
        views.record_delete,
        name="record_delete",
    ),
    path(
        "<int:person_id>/attachments/",
        views.attachments_section_view,
        name="attachments_section",
    ),
    path(
        "<int:person_id>/attachments/upload/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "<int:person_id>/attachments/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "attachments/<int:pk>/download/",
        views.attachment_download,
        name="attachment_download",
    ),
]
