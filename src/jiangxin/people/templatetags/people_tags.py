"""Template helpers of the profile pages: ``{{ attachment.original_name|mask_numbers }}``."""

from __future__ import annotations

from django import template

from jiangxin.core.masking import mask_numbers_in

register = template.Library()


@register.filter(name="mask_numbers")
def mask_numbers(value: object) -> str:
    """Free text with any ID or mobile number in it masked."""
    return mask_numbers_in(None if value is None else str(value))
