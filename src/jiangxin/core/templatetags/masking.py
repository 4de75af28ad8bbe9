"""Template filters that mask personal data: ``{{ person.id_number|mask_id }}``."""

from __future__ import annotations

from django import template

from jiangxin.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter(name="mask_id")
def mask_id_filter(value: str | None) -> str:
    """``110105199001011234`` → ``110105********1234``."""
    return mask_id_number(value)


@register.filter(name="mask_phone")
def mask_phone_filter(value: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    return mask_phone(value)
