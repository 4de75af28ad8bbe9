from django.urls import path

from jiangxin.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("login/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("security/", views.security, name="security"),
    path("security/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("security/backup-codes/", views.backup_codes, name="backup_codes"),
]
