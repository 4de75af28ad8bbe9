"""Settings shared by every environment. Environment-specific files import * from here."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "csp",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "captcha",
    # Jiangxin
    "jiangxin.core",
    "jiangxin.orgs",
    "jiangxin.accounts",
    "jiangxin.reference",
    "jiangxin.programs",
    "jiangxin.people",
    "jiangxin.nominations",
    "jiangxin.reviews",
    "jiangxin.notices",
    "jiangxin.cultivation",
    "jiangxin.notifications",
    "jiangxin.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jiangxin.accounts.middleware.SessionTimeoutMiddleware",
    "jiangxin.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiangxin.core.middleware.RequestContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "jiangxin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "jiangxin.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; production sets DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'jiangxin.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "600") or 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiangxin.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "jiangxin.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"depth": 5}},
]
# Days after which a password must be changed (等保: periodic change).
JIANGXIN_PASSWORD_MAX_AGE_DAYS = int(env("JIANGXIN_PASSWORD_MAX_AGE_DAYS", "90") or 90)

# Lockout (django-axes): 5 failures on one username lock it for 30 minutes, whether or not
# the account exists, so the answer never reveals which usernames are real.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jiangxin.accounts.views.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Never store secrets in the attempt records: passwords, second-factor codes and the signed
# pending-login token (which stands for a correct password for five minutes).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "code",
    "token",
    "csrfmiddlewaretoken",
]
# Lockout is per username as the security rules ask; an IP-wide lock would shut out a whole
# office behind one NAT address on a deadline day (IP throttling belongs to the proxy).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions: idle timeout 30 minutes, absolute lifetime 12 hours, gone when the browser closes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
JIANGXIN_SESSION_IDLE_SECONDS = int(env("JIANGXIN_SESSION_IDLE_SECONDS", "1800") or 1800)
JIANGXIN_SESSION_ABSOLUTE_SECONDS = int(env("JIANGXIN_SESSION_ABSOLUTE_SECONDS", "43200") or 43200)
# Messages live in a signed cookie so that an anonymous page never creates a server session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "jiangxin.core.views.csrf_failure"

OTP_TOTP_ISSUER = "匠心 Jiangxin"

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "src" / "jiangxin" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "jiangxin_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "src" / "jiangxin" / "static",
    ("vendor", BASE_DIR / "var" / "vendor"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("JIANGXIN_MEDIA_ROOT", str(BASE_DIR / "var" / "media")) or "")

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "jiangxin@localhost")

# --- Cache ----------------------------------------------------------------------------------
# In the database, so that every app server (and every gunicorn worker) sees the same entries
# and one publication invalidates the portal's cached pages everywhere. The table is made by
# `manage.py createcachetable` (the test runner makes it in the test database by itself).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jiangxin_cache",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    }
}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Personal data protection ---------------------------------------------------------------
# Field encryption keys: "kid:base64key" items separated by commas; the first encrypts,
# all decrypt (so keys can be rotated with `manage.py rotate_field_keys`).
JIANGXIN_FIELD_KEYS = env("JIANGXIN_FIELD_KEYS", "")
# Key for the keyed blind index (HMAC) used for exact lookup and uniqueness.
JIANGXIN_BLIND_INDEX_KEY = env("JIANGXIN_BLIND_INDEX_KEY", "")
# Key for the audit chain's HMAC.
JIANGXIN_AUDIT_KEY = env("JIANGXIN_AUDIT_KEY", "")
# Audit events are kept at least 184 days (等保); a larger value may be configured.
JIANGXIN_AUDIT_RETENTION_DAYS = max(184, int(env("JIANGXIN_AUDIT_RETENTION_DAYS", "184") or 184))

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}

# Labels for the site shell.
JIANGXIN_SITE_NAME = _("Jiangxin · Great Country Craftsmen")
# The address people reach the site at, for links in email (no trailing slash).
JIANGXIN_SITE_URL = (env("JIANGXIN_SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# --- Public portal --------------------------------------------------------------------------
# The footer and page tags of the public site (the conventions of government websites).
JIANGXIN_PORTAL_SPONSOR = env("JIANGXIN_PORTAL_SPONSOR") or _(
    "All-China Federation of Trade Unions"
)
JIANGXIN_PORTAL_ADDRESS = env("JIANGXIN_PORTAL_ADDRESS", "")
JIANGXIN_PORTAL_PHONE = env("JIANGXIN_PORTAL_PHONE", "")
# 网站标识码 (the site identifier code issued for government websites), e.g. bm01000001.
JIANGXIN_PORTAL_SITE_CODE = env("JIANGXIN_PORTAL_SITE_CODE", "")
# ICP filing number (ICP备案号), e.g. 京ICP备05070218号, linked to beian.miit.gov.cn.
JIANGXIN_PORTAL_ICP = env("JIANGXIN_PORTAL_ICP", "")
# Public-security filing number (公安机关备案号), e.g. 京公网安备11010202000001号.
JIANGXIN_PORTAL_PSB = env("JIANGXIN_PORTAL_PSB", "")
# Seconds an anonymous portal page stays cached (publishing or withdrawing clears it at once).
JIANGXIN_PORTAL_CACHE_SECONDS = int(env("JIANGXIN_PORTAL_CACHE_SECONDS", "300") or 300)
# Article views are added up in each server process and written in one UPDATE per batch.
JIANGXIN_PORTAL_VIEW_FLUSH_EVERY = int(env("JIANGXIN_PORTAL_VIEW_FLUSH_EVERY", "100") or 100)
JIANGXIN_PORTAL_VIEW_FLUSH_SECONDS = int(env("JIANGXIN_PORTAL_VIEW_FLUSH_SECONDS", "60") or 60)

# --- Expert review and public notices -------------------------------------------------------
# Days an expert's invitation link stays valid; failed link look-ups per client address (and the
# window in seconds) before that address is answered 429.
JIANGXIN_INVITATION_VALID_DAYS = int(env("JIANGXIN_INVITATION_VALID_DAYS", "14") or 14)
JIANGXIN_INVITATION_FAILURE_LIMIT = int(env("JIANGXIN_INVITATION_FAILURE_LIMIT", "10") or 10)
JIANGXIN_INVITATION_FAILURE_WINDOW = int(env("JIANGXIN_INVITATION_FAILURE_WINDOW", "900") or 900)
# Limits of the public objection form (JSON: name → [how many, seconds]; see notices/ratelimit.py).
JIANGXIN_OBJECTION_RATE_LIMITS = json.loads(env("JIANGXIN_OBJECTION_RATE_LIMITS", "{}") or "{}")
# The speech synthesiser of the spoken captcha (Debian: espeak-ng); empty: look it up on PATH.
JIANGXIN_CAPTCHA_ESPEAK = env("JIANGXIN_CAPTCHA_ESPEAK") or None
