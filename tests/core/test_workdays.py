from datetime import date

import pytest

from core.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday, make-up working day before the Spring Festival
        (date(2025, 1, 28), False),  # Spring Festival holiday
        (date(2025, 2, 8), True),  # Saturday, make-up working day
        (date(2025, 9, 28), True),  # Sunday, make-up working day before National Day
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),
        (date(2025, 10, 11), True),  # Saturday, make-up working day
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2025, 10, 13), True),  # an ordinary Monday
    ],
)
def test_the_official_calendar_with_make_up_days(day, working):
    assert is_working_day(day) is working


def test_seven_working_days_across_national_day():
    # Received Friday 26 Sept: 28 Sept (make-up Sunday), 29, 30 Sept, then the holiday
    # 1–8 Oct, then 9, 10, 11 (make-up Saturday) and 13 Oct.
    assert add_working_days(date(2025, 9, 26), 7) == date(2025, 10, 13)


def test_an_ordinary_week():
    assert add_working_days(date(2025, 6, 2), 5) == date(2025, 6, 9)  # Monday -> next Monday
    assert add_working_days(date(2025, 6, 6), 1) == date(2025, 6, 9)  # Friday -> Monday


def test_forty_five_working_days_across_the_spring_festival():
    due = add_working_days(date(2025, 1, 20), 45)
    assert working_days_between(date(2025, 1, 20), due) == 45
    assert is_working_day(due)
    # Calendar days are far more than 45 because of the holiday week.
    assert (due - date(2025, 1, 20)).days > 60


def test_counting_back_and_edge_cases():
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 10, 8), date(2025, 10, 1)) == 0
    assert add_working_days(date(2025, 10, 1), 0) == date(2025, 10, 1)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 1), -1)
