"""Local development and the demo: SQLite by default, console mail, fixed throwaway keys."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# Throwaway keys for the demo only. Production refuses to start without real ones.
JIANGXIN_FIELD_KEYS = (
    env("JIANGXIN_FIELD_KEYS") or "dev1:ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
)
JIANGXIN_BLIND_INDEX_KEY = env("JIANGXIN_BLIND_INDEX_KEY") or "dev-only-blind-index-key"
JIANGXIN_AUDIT_KEY = env("JIANGXIN_AUDIT_KEY") or "dev-only-audit-chain-key"

# The demo runs on plain http://127.0.0.1:8000, so static files are served by whitenoise
# from the collected folder; STORAGES stays manifest-based as in production.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
