from django.urls import path

from jiangxin.programs import views

app_name = "programs"

urlpatterns = [
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/copy/", views.policy_copy, name="policy_copy"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/tiers/", views.policy_tiers, name="policy_tiers"),
    path(
        "policies/<int:pk>/dimensions/<int:dimension_pk>/",
        views.dimension_edit,
        name="dimension_edit",
    ),
    path("policies/<int:pk>/rules/<int:rule_pk>/", views.rule_edit, name="rule_edit"),
    path("policies/<int:pk>/publish/", views.policy_publish, name="policy_publish"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/allocations/", views.campaign_allocations, name="allocations"),
    path(
        "campaigns/<int:pk>/allocations/<int:allocation_pk>/split/",
        views.allocation_split,
        name="allocation_split",
    ),
    path("campaigns/<int:pk>/allocations.xlsx", views.allocation_export, name="allocation_export"),
    path("campaigns/<int:pk>/deploy/", views.campaign_deploy, name="campaign_deploy"),
    path(
        "campaigns/<int:pk>/close-recommendation/",
        views.campaign_close_recommendation,
        name="campaign_close_recommendation",
    ),
    path(
        "campaigns/<int:pk>/open-format-check/",
        views.campaign_open_format_check,
        name="campaign_open_format_check",
    ),
    path("campaigns/<int:pk>/staff/", views.campaign_staff, name="campaign_staff"),
]
