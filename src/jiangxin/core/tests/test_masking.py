"""Masking of ID and phone numbers, in Python and in templates."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from jiangxin.core.masking import mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110105199001011234", "110105********1234"),
        ("11010519491231002X", "110105********002X"),
        (" 110105199001011234 ", "110105********1234"),
        ("110105900101123", "110105*****1123"),  # an old 15-digit number
        ("12345678901", "123456*8901"),
        ("1234567890", "**********"),  # too short to show anything
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value: str | None, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        (" 13812345678 ", "138****5678"),
        ("010-12345678", "********5678"),  # a landline keeps only the last four
        ("+8613812345678", "**********5678"),
        ("5678", "****"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value: str | None, masked: str) -> None:
    assert mask_phone(value) == masked


def test_masks_never_contain_the_hidden_middle() -> None:
    assert "19900101" not in mask_id_number("110105199001011234")
    assert "1234" not in mask_phone("13812345678")[:7]


def test_template_filters() -> None:
    template = Template(
        "{% load masking %}{{ id|mask_id }} {{ phone|mask_phone }} [{{ none|mask_id }}]"
    )
    rendered = template.render(
        Context({"id": "110105199001011234", "phone": "13812345678", "none": None})
    )
    assert rendered == "110105********1234 138****5678 []"
