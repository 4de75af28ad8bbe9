from django.urls import path

from jiangxin.nominations import import_views, step_views, views

app_name = "nominations"

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("export/", views.nomination_export, name="export"),
    path("new/", views.nomination_start, name="start"),
    path("import/", import_views.import_start, name="import"),
    path("import/template/", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/<slug:step>/", views.nomination_step, name="step"),
    path("<int:pk>/autosave/<slug:step>/", views.nomination_autosave, name="autosave"),
    path("<int:pk>/eligibility/", step_views.eligibility_panel, name="eligibility"),
    path("<int:pk>/evidence/", step_views.evidence_panel, name="evidence_panel"),
    path("<int:pk>/evidence/add/", step_views.evidence_add, name="evidence_add"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/remove/",
        step_views.evidence_remove,
        name="evidence_remove",
    ),
    path("<int:pk>/endorse/", views.nomination_endorse, name="endorse"),
    path("<int:pk>/return/", views.nomination_return, name="return"),
    path("<int:pk>/withdraw/", views.nomination_withdraw, name="withdraw"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/check/", views.format_check_nomination, name="check"),
    path(
        "<int:pk>/check/reject-overdue/", views.format_check_reject_overdue, name="reject_overdue"
    ),
    path("campaigns/<int:pk>/format-check/", views.format_check_board, name="format_check"),
    path(
        "campaigns/<int:pk>/format-check/close/",
        views.format_check_close,
        name="format_check_close",
    ),
]
