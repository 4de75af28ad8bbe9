from django.urls import path

from jiangxin.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:parent_pk>/new/", views.organization_create, name="create"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/active/", views.organization_set_active, name="set_active"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/grant/", views.user_grant, name="user_grant"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/reveal-phone/", views.user_reveal_phone, name="user_reveal_phone"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_two_factor, name="user_reset_two_factor"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
]
