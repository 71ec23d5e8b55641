"""Validation of identifiers with python-stdnum, with messages staff and residents understand.

Each `clean_*` function returns the normalised value or raises Django's ValidationError
with a Chinese message; forms, imports and services all call the same functions.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# 舟曲县 belongs to 甘南州, area code 0941; local numbers have seven digits.
LANDLINE_RE = re.compile(r"^0941-?[0-9]{7}$")
# What people put between the digits of a number they type: spaces, dashes, dots, brackets.
NUMBER_SEPARATORS_RE = re.compile(r"[\s\-.()]")
# The country code of China as it is written before a mobile number.
COUNTRY_PREFIXES = ("+86", "0086", "86")


def clean_uscc(value: str) -> str:
    number = uscc.compact(value or "")
    if not number:
        raise ValidationError(_("请填写统一社会信用代码。"), code="required")
    try:
        return uscc.validate(number)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(length)d位。"),
            code="length",
            params={"length": len(number)},
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _("统一社会信用代码格式不正确：只能包含数字和大写字母（不含I、O、Z、S、V）。"),
            code="format",
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对营业执照上的代码。"), code="checksum"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("统一社会信用代码无效，请核对。"), code="invalid") from None


@dataclass(frozen=True)
class IdentityNumber:
    number: str
    birth_date: date
    gender: str  # "M" or "F", from the 17th digit

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)

    @property
    def last4(self) -> str:
        return self.number[-4:]


def mask_id_number(number: str) -> str:
    """623023********123X: the region and the last four, nothing that identifies alone."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def clean_id_number(value: str) -> IdentityNumber:
    number = ric.compact(value or "")
    if not number:
        raise ValidationError(_("请填写身份证号。"), code="required")
    if len(number) != 18:
        raise ValidationError(
            _("身份证号应为18位，当前为%(length)d位。"),
            code="length",
            params={"length": len(number)},
        )
    if not number[:17].isdecimal() or not (number[17].isdecimal() or number[17] == "X"):
        raise ValidationError(
            _("身份证号格式不正确：前17位应为数字，最后一位为数字或X。"), code="format"
        )
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("身份证号中的出生日期不存在，请核对。"), code="birth_date"
        ) from None
    if birth_date > timezone.localdate():
        raise ValidationError(_("身份证号中的出生日期晚于今天，请核对。"), code="birth_date")
    try:
        ric.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("身份证号校验位不正确，请核对最后一位。"), code="checksum"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("身份证号无效，请核对。"), code="invalid") from None
    gender = "M" if int(number[16]) % 2 else "F"
    return IdentityNumber(number=number, birth_date=birth_date, gender=gender)


def compact_mobile(value: str) -> str:
    """A typed mobile number reduced to its digits: full-width characters folded (NFKC),
    separators dropped and a leading +86, 0086 or 86 removed. The result is not checked."""
    number = NUMBER_SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in COUNTRY_PREFIXES:
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            return number[len(prefix) :]
    return number


def clean_mobile(value: str) -> str:
    number = compact_mobile(value)
    if not MOBILE_RE.match(number):
        raise ValidationError(_("手机号码应为11位数字，以1开头，例如13909410000。"), code="mobile")
    return number


def clean_phone(value: str) -> str:
    """A mainland mobile number or a 0941 landline (written 0941-1234567)."""
    compact = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", value or ""))
    if LANDLINE_RE.match(compact):
        digits = compact.replace("-", "")
        return f"{digits[:4]}-{digits[4:]}"
    try:
        return clean_mobile(compact)
    except ValidationError:
        raise ValidationError(
            _("联系电话应为11位手机号，或0941开头的固定电话（如0941-5123456）。"), code="phone"
        ) from None


def validate_uscc(value: str) -> None:
    clean_uscc(value)


def validate_phone(value: str) -> None:
    if value:
        clean_phone(value)


def validate_mobile(value: str) -> None:
    if value:
        clean_mobile(value)
