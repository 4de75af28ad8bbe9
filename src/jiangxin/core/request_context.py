"""The current request's IP, user agent and acting organization, for audit rows.

Set by `RequestContextMiddleware` in a context variable (safe for threads and async), so
actions called from the web get them without threading `request` through every signature;
commands and tasks simply have none.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None = None
    user_agent: str = ""
    acting_org_id: int | None = None


_EMPTY = RequestMeta()
_current: ContextVar[RequestMeta] = ContextVar("jiangxin_request_meta", default=_EMPTY)


def current_request_meta() -> RequestMeta:
    return _current.get()


def set_request_meta(meta: RequestMeta) -> object:
    return _current.set(meta)


def reset_request_meta(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
