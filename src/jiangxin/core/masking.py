"""The one masking helper for personal data, used by every template, export and API answer."""

from __future__ import annotations


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
