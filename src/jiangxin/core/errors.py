"""Domain errors: every refusal names the rule that refused, in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A refused action. `rule` is a stable code (for tests, logs and the API); `message` is
    the translated sentence shown to the user."""

    def __init__(self, rule: str, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.rule = rule
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class PermissionDenied(DomainError):
    """The acting user may not do this (views turn it into 404 or 403 as appropriate)."""
