"""Test settings: fast hasher, immediate tasks, fixed keys, plain static storage, uploads in a
throwaway folder of each test process."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
JIANGXIN_FIELD_KEYS = "test1:dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24="
JIANGXIN_BLIND_INDEX_KEY = "test-only-blind-index-key"
JIANGXIN_AUDIT_KEY = "test-only-audit-chain-key"
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jiangxin-test-media-"))
