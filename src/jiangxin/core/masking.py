"""The one masking helper for personal data, used by every template, export and API answer."""

from __future__ import annotations

import re

# Anything shaped like an ID number (17 digits and a digit or X) or a mainland mobile number,
# not part of a longer run of letters or digits.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def mask_id_number(value: str | None) -> str:
    """``110105199001011234`` → ``110105********1234`` (region code and last four kept)."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; other lengths keep only the last four."""
    if not value:
        return ""
    value = value.strip()
    if len(value) == 11 and value.isdigit():
        return f"{value[:3]}****{value[-4:]}"
    if len(value) <= 4:
        return "*" * len(value)
    return f"{'*' * (len(value) - 4)}{value[-4:]}"


def mask_numbers_in(text: str | None) -> str:
    """Free text (file names, notes, descriptions) with every ID-like and mobile-like number
    masked: scans of ID cards are routinely saved as "张建华130102197805172037.pdf"."""
    if not text:
        return ""
    text = _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), str(text))
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group(0)), text)
