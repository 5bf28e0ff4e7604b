import datetime

import pytest
from clienteling_tools.dates import (
    DateError,
    check_month_day,
    day_month_text,
    next_occurrence,
    occurrence_in,
    without_year,
)

D = datetime.date


@pytest.mark.parametrize(
    ("month", "day", "today", "expected"),
    [
        (3, 14, D(2026, 3, 1), D(2026, 3, 14)),
        (3, 14, D(2026, 3, 14), D(2026, 3, 14)),  # today counts
        (3, 14, D(2026, 3, 15), D(2027, 3, 14)),
        (1, 2, D(2026, 12, 31), D(2027, 1, 2)),  # December to January
        (12, 31, D(2026, 12, 31), D(2026, 12, 31)),
        (2, 29, D(2027, 1, 10), D(2027, 2, 28)),  # common year: 28 February
        (2, 29, D(2027, 3, 1), D(2028, 2, 29)),  # next leap year
        (2, 29, D(2028, 2, 29), D(2028, 2, 29)),
        (2, 29, D(2026, 2, 28), D(2026, 2, 28)),
        (2, 28, D(2028, 2, 29), D(2029, 2, 28)),
    ],
)
def test_next_occurrence(month, day, today, expected):
    assert next_occurrence(month, day, today) == expected


def test_occurrence_in_common_and_leap_years():
    assert occurrence_in(2100, 2, 29) == D(2100, 2, 28)  # 2100 is not a leap year
    assert occurrence_in(2000, 2, 29) == D(2000, 2, 29)


@pytest.mark.parametrize(
    ("month", "day", "year"),
    [(2, 29, None), (2, 29, 1992), (12, 31, None), (4, 30, 2001), (1, 1, 1900)],
)
def test_check_month_day_accepts_real_dates(month, day, year):
    check_month_day(month, day, year)


@pytest.mark.parametrize(
    ("month", "day", "year", "code", "last_day"),
    [
        (0, 1, None, "month", None),
        (13, 1, None, "month", None),
        (2, 30, None, "day", 29),
        (2, 29, 1991, "day", 28),
        (4, 31, None, "day", 30),
        (1, 0, None, "day", 31),
        (1, 1, 1800, "year", None),
        ("1", 1, None, "month", None),
    ],
)
def test_check_month_day_refuses_impossible_dates(month, day, year, code, last_day):
    with pytest.raises(DateError) as refused:
        check_month_day(month, day, year)
    assert refused.value.code == code
    assert refused.value.params.get("last_day") == last_day
    assert (refused.value.params["month"], refused.value.params["day"]) == (month, day)
    assert isinstance(refused.value, ValueError)


def test_day_month_text():
    assert day_month_text(4, 5) == "04/05"
    assert day_month_text(29, 2, 1992) == "29/02/1992"
    assert day_month_text(0, 2) == ""
    assert day_month_text(None, None, 1990) == ""
    assert day_month_text(4, 5, date_format="%m/%d/%Y") == "05/04"
    assert day_month_text(29, 2, 1992, date_format="%m/%d/%Y") == "02/29/1992"
    assert day_month_text(29, 2, date_format="%Y-%m-%d") == "02-29"
    assert day_month_text(4, 5, date_format="%d.%m.%Y") == "04.05"


def test_without_year():
    assert without_year("%m/%d/%Y") == "%m/%d"
    assert without_year("%Y-%m-%d") == "%m-%d"
    assert without_year("%d %B %Y") == "%d %B"
    assert without_year("%d/%m/%y") == "%d/%m"
    assert without_year("%d/%m") == "%d/%m"
