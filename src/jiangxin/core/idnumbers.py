"""Citizen identity numbers (公民身份号码), GB 11643-1999.

An 18-character number: a 6-digit address code (GB/T 2260 region at the time of issue), an
8-digit birth date ``YYYYMMDD``, a 3-digit sequence code (odd for men, even for women) and a
check character (ISO 7064 MOD 11-2; ``X`` stands for 10).

The address code is *not* checked against today's region list: a number keeps the code of the
region where it was issued, and many regions have since been merged or renamed (342101, the
former 巢湖地区, retired in 2011, still begins valid numbers). Only its first two digits must be
a province-level code. Residence permits for Hong Kong, Macao and Taiwan residents use the same
format with the address codes 810000, 820000 and 830000.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: First two digits of GB/T 2260 province-level divisions (71 Taiwan, 81 Hong Kong, 82 Macao;
#: 83 is the address code of residence permits for Taiwan residents).
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        *(str(c) for c in range(11, 16)),
        *(str(c) for c in range(21, 24)),
        *(str(c) for c in range(31, 38)),
        *(str(c) for c in range(41, 47)),
        *(str(c) for c in range(50, 55)),
        *(str(c) for c in range(61, 66)),
        "71",
        "81",
        "82",
        "83",
    }
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_FORMAT = re.compile(r"\d{17}[\dX]")
# Lenient on purpose: the standard's own example (440524188001010014) is born in 1880; age
# rules belong to eligibility checks, not to the number's validity.
_EARLIEST_BIRTH = dt.date(1850, 1, 1)
# Full-width digits and X (１１０１…Ｘ) are common in text pasted from Chinese documents.
_FULL_WIDTH = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF38: ord("X"), 0xFF58: ord("x")}


@dataclass(frozen=True)
class ParsedID:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"
    region_code: str


def normalise_id_number(value: str | None) -> str:
    """Strip whitespace (including full-width spaces) and upper-case a final ``x``."""
    if not value:
        return ""
    value = value.translate(_FULL_WIDTH)
    return "".join(value.split()).upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def validate_id_number(value: str | None) -> ParsedID:
    """Check an 18-character resident ID number and return its parts.

    Raises ValidationError naming the check that failed, with code "format", "region",
    "birth_date" or "check_digit". Usable as a form or model field validator.
    """
    number = normalise_id_number(value)
    if not _FORMAT.fullmatch(number):
        raise ValidationError(
            _(
                "An ID number has 18 characters: 17 digits followed by a digit or the letter X. "
                "Please check the number."
            ),
            code="format",
        )
    region = number[:6]
    if region[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The ID number does not begin with a valid province code (%(code)s)."),
            code="region",
            params={"code": region[:2]},
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth < _EARLIEST_BIRTH:
        raise ValidationError(
            _("The birth date in the ID number (%(digits)s) is not a valid date."),
            code="birth_date",
            params={"digits": number[6:14]},
        )
    if birth > timezone.localdate():
        raise ValidationError(
            _("The birth date in the ID number (%(digits)s) lies in the future."),
            code="birth_date",
            params={"digits": number[6:14]},
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The last character of the ID number does not match the others (check digit)."),
            code="check_digit",
        )
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return ParsedID(number=number, birth_date=birth, gender=gender, region_code=region)


def is_valid_id_number(value: str | None) -> bool:
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True
