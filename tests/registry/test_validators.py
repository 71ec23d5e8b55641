import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.validators import clean_id_number, clean_mobile, clean_phone, clean_uscc
from tests.factories.registry import make_id_number, make_uscc


def message(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def test_valid_uscc_is_accepted_and_normalised():
    code = make_uscc(seed=1)
    assert clean_uscc(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "请填写统一社会信用代码"),
        ("91623023MA71ABC1", "应为18位，当前为16位"),
        ("91623023MA71ABC1I2", "格式不正确"),
        ("91110000600037341X", "校验位不正确"),
    ],
)
def test_bad_uscc_is_refused_in_chinese(value, expected):
    with pytest.raises(ValidationError) as exc:
        clean_uscc(value)
    assert expected in message(exc)


def test_id_number_gives_birth_date_and_gender():
    number = make_id_number(datetime.date(1988, 6, 30), sequence=7, female=False)
    identity = clean_id_number(number.lower())
    assert identity.number == number
    assert identity.birth_date == datetime.date(1988, 6, 30)
    assert identity.gender == "M"
    assert identity.masked == number[:6] + "********" + number[-4:]
    assert identity.last4 == number[-4:]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "请填写身份证号"),
        ("62302319880630", "应为18位"),
        ("6230231988063A0015", "格式不正确"),
        ("623023198813300015", "出生日期不存在"),
        ("623023209901010015", "出生日期晚于今天"),
    ],
)
def test_bad_id_numbers_are_refused_in_chinese(value, expected):
    with pytest.raises(ValidationError) as exc:
        clean_id_number(value)
    assert expected in message(exc)


def test_id_number_with_a_wrong_check_digit_is_refused():
    number = make_id_number(datetime.date(1990, 1, 1), sequence=3)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        clean_id_number(wrong)
    assert "校验位不正确" in message(exc)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("13909411234", "13909411234"), ("+86 139-0941-1234", "13909411234"),
     ("0941-5123456", "0941-5123456"), ("09415123456", "0941-5123456")],
)  # fmt: skip
def test_phones_are_normalised(value, expected):
    assert clean_phone(value) == expected


@pytest.mark.parametrize("value", ["12345678901", "0931-8123456", "5123456", "1390941123"])
def test_bad_phones_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        clean_phone(value)
    assert "0941" in message(exc)


def test_mobile_only_refuses_landline():
    with pytest.raises(ValidationError):
        clean_mobile("0941-5123456")


@given(st.text(max_size=40))
def test_validators_never_fail_with_anything_but_a_validation_error(text):
    for clean in (clean_uscc, clean_id_number, clean_phone):
        with contextlib.suppress(ValidationError):
            clean(text)
