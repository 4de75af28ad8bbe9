"""Ending a user's server-side sessions (deactivation, password reset)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.sessions.models import Session
from django.utils import timezone

if TYPE_CHECKING:
    from jiangxin.accounts.models import User


def end_sessions_of(user: User) -> int:
    """Delete every live session that belongs to `user`. Returns how many were ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended
