"""Build the demo world (idempotent) and print the demo logins."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from jiangxin.core.demo import build_demo
from jiangxin.cultivation.demo import build_publication_demo
from jiangxin.nominations.demo import build_selection_demo
from jiangxin.portal.demo import build_portal_demo


class Command(BaseCommand):
    help = "Build the demo world (idempotent) and print one login for every role."

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        # The demo's history would otherwise print every notification email it sends, and
        # every task the immediate backend runs; its passwords are hashed at a low cost
        # (core.demo.DemoArgon2PasswordHasher).
        tasks_log = logging.getLogger("django_tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                PASSWORD_HASHERS=[
                    "jiangxin.core.demo.DemoArgon2PasswordHasher",
                    *settings.PASSWORD_HASHERS,
                ],
            ):
                logins = build_demo()
                build_portal_demo()
                selection = build_selection_demo()
                published = build_publication_demo()
        finally:
            tasks_log.setLevel(level)
        out = self.stdout
        out.write("")
        out.write("=" * 78)
        out.write("匠心 Jiangxin demo — http://127.0.0.1:8000/")
        out.write(f"演示账号 Demo logins (password for all / 统一密码: {logins[0].password})")
        out.write("-" * 78)
        for login in logins:
            out.write(f"  {login.username:<10} {login.role_label:<12} {login.organization}")
            if login.otp_tokens:
                out.write(
                    "             二次验证一次性口令 one-time 2FA codes: "
                    + " ".join(login.otp_tokens)
                )
        out.write("-" * 78)
        for campaign in (selection.national, selection.provincial, published):
            if campaign is not None:
                out.write(f"  {campaign.name}: {campaign.get_status_display()}")
        for note in selection.notes:
            out.write(f"  ! {note}")
        out.write("-" * 78)
        out.write("每个一次性口令只能用一次；重新运行 `manage.py seed_demo` 可获得新口令。")
        out.write("Each code works once; run `manage.py seed_demo` again for fresh codes.")
        out.write("=" * 78)
