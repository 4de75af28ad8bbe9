"""URLs of the public notice and the objections. The public ones (the objection form, the
complainant's status page, the captcha's audio) are marked `login_not_required` in
`public_views`; everything else needs a signed-in user with the right scope."""

from django.urls import path

from jiangxin.notices import public_views, views, views_publication

app_name = "notices"

urlpatterns = [
    # Public (no login): the objection form and the complainant's private status page.
    path(
        "public/<int:notice_pk>/object/<int:entry_pk>/",
        public_views.objection_start,
        name="object_start",
    ),
    path("objection/done/", public_views.objection_done, name="object_done"),
    path("objection/<slug:step>/", public_views.objection_step, name="object_step"),
    path("status/<str:token>/", public_views.objection_status, name="objection_status"),
    path("captcha/<str:key>/audio.wav", public_views.captcha_audio, name="captcha_audio"),
    # Program officers: the notices.
    path("", views.notice_list, name="list"),
    path("campaign/<int:campaign_pk>/create/", views.notice_create, name="create"),
    path("campaign/<int:campaign_pk>/handlers/", views.campaign_handlers, name="handlers"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/schedule/", views.notice_schedule, name="schedule"),
    path("<int:pk>/unschedule/", views.notice_unschedule, name="unschedule"),
    path("<int:pk>/close/", views.notice_close, name="close"),
    path("entry/<int:pk>/summary/", views.entry_summary, name="entry_summary"),
    path("entry/<int:pk>/consent/", views.entry_consent, name="entry_consent"),
    path("entry/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("entry/<int:pk>/promote/", views.entry_promote, name="entry_promote"),
    # Handlers: the objections.
    path("<int:notice_pk>/objections/", views.objection_list, name="objection_list"),
    path("objections/<int:pk>/", views.objection_detail, name="objection_detail"),
    path(
        "objections/<int:pk>/triage/",
        views.objection_act,
        {"act": "triage"},
        name="objection_triage",
    ),
    path(
        "objections/<int:pk>/assign/",
        views.objection_act,
        {"act": "assign"},
        name="objection_assign",
    ),
    path("objections/<int:pk>/note/", views.objection_act, {"act": "note"}, name="objection_note"),
    path(
        "objections/<int:pk>/explanation/",
        views.objection_act,
        {"act": "explanation"},
        name="objection_explanation",
    ),
    path(
        "objections/<int:pk>/conclude/",
        views.objection_act,
        {"act": "conclude"},
        name="objection_conclude",
    ),
    path(
        "objections/<int:pk>/reply/", views.objection_act, {"act": "reply"}, name="objection_reply"
    ),
    path(
        "objections/<int:pk>/reveal-phone/",
        views.objection_reveal_phone,
        name="objection_reveal_phone",
    ),
    path(
        "objections/<int:pk>/disqualify/",
        views.objection_disqualify,
        name="objection_disqualify",
    ),
    path("objections/<int:pk>/files/<int:file_pk>/", views.objection_file, name="objection_file"),
    # The nominee's unit: explanation requests.
    path("explanations/", views.explanation_list, name="explanation_list"),
    path("explanations/<int:pk>/", views.explanation_detail, name="explanation_detail"),
    path(
        "explanations/<int:pk>/files/<int:file_pk>/",
        views.explanation_file,
        name="explanation_file",
    ),
]

# Publication (公布) of the confirmed list: the officers' pages.
urlpatterns += views_publication.urlpatterns
