from django.urls import path

from jiangxin.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("users/", views.user_list, name="user_list"),
]
