"""Rate limits of the public objection form, per client address and per telephone number.

Fixed windows counted in the cache (the database cache in production, so every app server
counts together). The limits are settings, `JIANGXIN_OBJECTION_RATE_LIMITS`: name → (how many,
seconds). Keys are HMACs (the blind-index key), so the cache never holds an address or a
telephone number in clear.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from jiangxin.core.crypto import blind_index

#: name → (at most this many, per this many seconds). A deployment may override any of them.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    # Starting the form (a draft row each): generous, it only stops a flood.
    "start_per_ip": (30, 3600),
    # Sending the checked answers (each attempt counts, a wrong captcha too).
    "submit_per_ip": (10, 3600),
    # Objections filed with one telephone number.
    "submit_per_phone": (3, 24 * 3600),
}


@dataclass(frozen=True)
class Limited:
    """A refused request: which limit, and after how many seconds it may be tried again."""

    name: str
    retry_after: int


def limits() -> dict[str, tuple[int, int]]:
    configured = getattr(settings, "JIANGXIN_OBJECTION_RATE_LIMITS", {}) or {}
    return {**DEFAULT_LIMITS, **configured}


def hit(name: str, subject: str) -> Limited | None:
    """Count one request of `subject` (an address, a telephone) against limit `name`; None
    while within the limit, else the `Limited` answer. An empty subject is not counted."""
    if not subject:
        return None
    allowed, window = limits()[name]
    now = int(time.time())
    bucket = now // window
    key = f"jx:rl:{name}:{blind_index(subject, purpose='objection-rate')}:{bucket}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    if count > allowed:
        return Limited(name=name, retry_after=(bucket + 1) * window - now)
    return None


def phone_subject(phone: str) -> str:
    """The digits of a telephone number (138 1234 5678 and 138-1234-5678 count as one)."""
    return "".join(ch for ch in phone if ch.isdigit())
