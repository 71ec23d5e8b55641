"""Reading one cell: each reader returns the cleaned value or raises CellError with a
Chinese message that names what is wrong and how to fix it.

A reader is called as `read(value, column, context)`: `context` is the row check (see
`core.spreadsheets.rows.RowCheck`), which knows the workbook's date epoch and the choice
look-ups. Importers add readers of their own (a township, hours of training) to
`CELL_READERS` in their column specification.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl.utils.datetime import from_excel

from core.validators import IdentityNumber, clean_id_number, clean_mobile, clean_phone, clean_uscc

EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)


class CellError(Exception):
    """One cell cannot be read; the message says why, in Chinese."""


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_HINT = "请填写日期，如2025-01-31或2025/1/31。"


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def first_message(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "格式不正确。"


def _make_date(year: int, month: int, day: int) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise CellError(f"日期{year}年{month}月{day}日不存在，请核对。") from None
    if not 1900 <= result.year <= 2100:
        raise CellError(f"日期{result:%Y-%m-%d}超出合理范围，请核对。")
    return result


def _date_from_number(value, epoch) -> date:
    if isinstance(value, int) and 19000101 <= value <= 21001231:
        return _make_date(value // 10000, value // 100 % 100, value % 100)
    if 1 <= value < 2958466:  # Excel serial numbers up to 9999-12-31
        moment = from_excel(value, epoch)
        return _make_date(moment.year, moment.month, moment.day)
    raise CellError(_DATE_HINT)


def read_date(value, epoch) -> date:
    if isinstance(value, date):  # datetime included
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise CellError(_DATE_HINT)
    if isinstance(value, int | float):
        return _date_from_number(value, epoch)
    text = as_text(value)
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise CellError(f"“{text}”不是有效日期，{_DATE_HINT}")
    return _make_date(*(int(part) for part in match.groups()))


def read_identity(value) -> IdentityNumber:
    if isinstance(value, int | float):
        raise CellError(
            "身份证号被Excel存成了数字，后几位已丢失。请将该列设为“文本”格式后重新填写。"
        )
    text = as_text(value)
    if "*" in text:
        raise CellError(
            "身份证号已脱敏（含*号）：导出的台账不能直接用于导入，请填写完整的身份证号。"
        )
    try:
        return clean_id_number(text)
    except ValidationError as error:
        raise CellError(first_message(error)) from None


def read_uscc(value) -> str:
    if isinstance(value, float):
        raise CellError(
            "统一社会信用代码被Excel存成了数字，部分位数已丢失。请将该列设为“文本”格式后重新填写。"
        )
    try:
        return clean_uscc(as_text(value))
    except ValidationError as error:
        raise CellError(first_message(error)) from None


def _read_with(cleaner):
    def read(value, column, context):
        try:
            return cleaner(as_text(value))
        except ValidationError as error:
            raise CellError(first_message(error)) from None

    return read


def read_text(value, column, context) -> str:
    text = as_text(value)
    if column.max_length and len(text) > column.max_length:
        raise CellError(f"不能超过{column.max_length}个字，当前为{len(text)}个字。")
    return text


def read_choice(value, column, context) -> str:
    text = as_text(value)
    lookup = context.choice_lookup(column)
    if text in lookup:
        return lookup[text]
    options = "、".join(str(label) for _, label in column.choices)
    raise CellError(f"“{text}”不是可选的值，请填写：{options}。")


def read_email(value, column, context) -> str:
    text = as_text(value)
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(f"“{text}”不是有效的电子邮箱地址。") from None
    return text


def decimal_reader(*, places: int, below: int, positive: bool, example: str):
    """A reader of numbers with at most `places` decimals, below `below`; greater than 0
    when `positive`, else not negative."""
    step = Decimal(1).scaleb(-places)
    places_text = {1: "一", 2: "两"}[places]

    def read(value, column, context) -> Decimal:
        try:
            number = Decimal(as_text(value))
        except InvalidOperation:
            raise CellError(f"请填写数字，如{example}。") from None
        if positive and (not number.is_finite() or number <= 0):
            raise CellError("必须是大于0的数字。")
        if not positive and not number.is_finite():
            raise CellError(f"请填写数字，如{example}。")
        if not positive and number < 0:
            raise CellError("不能为负数。")
        if number != number.quantize(step) or number >= below:
            raise CellError(f"最多保留{places_text}位小数，且小于{below}。")
        return number.quantize(step)

    return read


CELL_READERS = {
    "text": read_text,
    "date": lambda value, column, context: read_date(value, context.epoch),
    "choice": read_choice,
    "email": read_email,
    "uscc": lambda value, column, context: read_uscc(value),
    "phone": _read_with(clean_phone),
    "mobile": _read_with(clean_mobile),
    "id_number": lambda value, column, context: read_identity(value),
}


def read_once(read):
    """A reader that reads each distinct value once per import: an employer's USCC or an
    entry date repeats on thousands of rows. For readers that depend on the value alone."""
    outcomes: dict[tuple, tuple] = {}

    def cached(value, column, context):
        key = (value.__class__, value)
        outcome = outcomes.get(key)
        if outcome is None:
            try:
                outcome = outcomes[key] = (read(value, column, context), None)
            except CellError as error:
                outcome = outcomes[key] = (None, str(error))
        if outcome[1] is not None:
            raise CellError(outcome[1])
        return outcome[0]

    return cached
