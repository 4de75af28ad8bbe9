"""GB 11643-1999 citizen ID numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jiangxin.core.idnumbers import (
    PROVINCE_CODES,
    ParsedID,
    check_character,
    is_valid_id_number,
    normalise_id_number,
    validate_id_number,
)


def iso7064_check(first17: str) -> str:
    """Independent MOD 11-2 (the iterative form of ISO 7064, not the weight table)."""
    p = 0
    for ch in first17:
        p = ((p + int(ch)) * 2) % 11
    c = (12 - p) % 11
    return "X" if c == 10 else str(c)


def make(first17: str) -> str:
    return first17 + iso7064_check(first17)


def error_code(value: str) -> str | None:
    with pytest.raises(ValidationError) as info:
        validate_id_number(value)
    return info.value.code


def test_independent_check_agrees_with_the_standard_examples() -> None:
    # The examples printed in GB 11643-1999.
    assert iso7064_check("11010519491231002") == "X"
    assert iso7064_check("44052418800101001") == "4"


def test_standard_example_with_x() -> None:
    parsed = validate_id_number("11010519491231002X")
    assert parsed == ParsedID(
        number="11010519491231002X",
        birth_date=dt.date(1949, 12, 31),
        gender="F",  # 17th digit 2 is even
        region_code="110105",
    )


def test_standard_example_born_1880() -> None:
    parsed = validate_id_number("440524188001010014")
    assert parsed.birth_date == dt.date(1880, 1, 1)
    assert parsed.gender == "M"  # 17th digit 1 is odd


@pytest.mark.parametrize(
    ("first17", "gender"),
    [
        ("13010219850312003", "M"),  # 石家庄
        ("41010519920101002", "F"),  # 郑州
        ("65010219700706011", "M"),  # 乌鲁木齐
        ("81000019900101004", "F"),  # Hong Kong residence permit
        ("83000019900101005", "M"),  # Taiwan residence permit
    ],
)
def test_valid_numbers(first17: str, gender: str) -> None:
    number = make(first17)
    parsed = validate_id_number(number)
    assert parsed.number == number
    assert parsed.gender == gender
    assert parsed.region_code == first17[:6]
    assert is_valid_id_number(number)


def test_retired_region_code_is_accepted() -> None:
    # 342101: the former 巢湖地区 (Anhui), abolished in 2011; its numbers stay valid.
    parsed = validate_id_number(make("34210119800101123"))
    assert parsed.region_code == "342101"
    assert parsed.birth_date == dt.date(1980, 1, 1)


def test_bad_check_digit() -> None:
    good = make("13010219850312003")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert error_code(wrong) == "check_digit"
    assert error_code("110105194912310021") == "check_digit"


def test_impossible_birth_date() -> None:
    assert error_code(make("11010519900230002")) == "birth_date"  # 30 February
    assert error_code(make("11010519901301002")) == "birth_date"  # month 13
    assert error_code(make("11010518000101002")) == "birth_date"  # absurdly early


def test_birth_date_in_the_future(english) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=400)  # noqa: DTZ011
    with pytest.raises(ValidationError) as info:
        validate_id_number(make(f"110105{tomorrow:%Y%m%d}002"))
    assert info.value.code == "birth_date"
    assert "future" in str(info.value.messages[0])


@pytest.mark.parametrize("prefix", ["00", "10", "16", "20", "24", "30", "47", "55", "66", "99"])
def test_bad_province_code(prefix: str) -> None:
    assert error_code(make(f"{prefix}010519900101002")) == "region"


@pytest.mark.parametrize(
    "value",
    ["", "1101051949123100", "11010519491231002XX", "1101051949123100X2", "ABCDEFGHIJKLMNOPQR"],
)
def test_bad_format(value: str) -> None:
    assert error_code(value) == "format"
    assert not is_valid_id_number(value)


def test_messages_are_clear_and_translated() -> None:
    with pytest.raises(ValidationError) as info:
        validate_id_number("123")
    assert "18" in info.value.messages[0]


def test_normalisation() -> None:
    assert normalise_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert normalise_id_number("110105 1949 1231 002x") == "11010519491231002X"
    assert normalise_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert normalise_id_number(None) == ""
    assert validate_id_number("11010519491231002x").number == "11010519491231002X"


def test_province_codes() -> None:
    assert {"11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65"} <= (
        PROVINCE_CODES
    )
    assert {"71", "81", "82"} <= PROVINCE_CODES
    assert len(PROVINCE_CODES) == 35


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    rest=st.from_regex(r"\d{4}", fullmatch=True),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.from_regex(r"\d{3}", fullmatch=True),
)
def test_any_well_formed_number_validates(
    province: str, rest: str, birth: dt.date, seq: str
) -> None:
    first17 = f"{province}{rest}{birth:%Y%m%d}{seq}"
    assert check_character(first17) == iso7064_check(first17)
    parsed = validate_id_number(first17 + iso7064_check(first17))
    assert parsed.birth_date == birth
    assert parsed.gender == ("M" if int(seq[2]) % 2 else "F")
