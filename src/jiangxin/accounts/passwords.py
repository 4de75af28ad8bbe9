"""Password rules of 等保 level 3 that Django does not ship: character classes and history."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(n)d of these four kinds of character: "
                    "lower-case letters, upper-case letters, digits and symbols."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least %(n)d of: lower-case letters, upper-case letters, digits, symbols."
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    """The new password may not equal any of the user's last `depth` passwords.

    The history holds every password set, newest first, the current one included (it is
    written together with the password), so the last `depth` entries are the last `depth`
    passwords. The current hash is checked too, for users whose history is incomplete.
    """

    def __init__(self, depth: int = 5) -> None:
        self.depth = depth

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        if user.password and check_password(password, user.password):
            raise self._error()
        previous = user.password_history.all()[: self.depth]
        if any(check_password(password, entry.password) for entry in previous):
            raise self._error()

    def _error(self) -> ValidationError:
        return ValidationError(
            ngettext(
                "The password must differ from your last password.",
                "The password must differ from your last %(n)d passwords.",
                self.depth,
            )
            % {"n": self.depth},
            code="password_reused",
        )

    def get_help_text(self) -> str:
        return ngettext(
            "It must differ from your last password.",
            "It must differ from your last %(n)d passwords.",
            self.depth,
        ) % {"n": self.depth}
