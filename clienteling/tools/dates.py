"""Recurring yearly dates (birthdays, anniversaries), 29 February included."""

import calendar
import datetime


class DateError(ValueError):
    """An impossible date. ``code`` is the part that is wrong (``month``, ``year`` or
    ``day``); ``params`` hold ``month``, ``day``, ``year`` and, for ``day``,
    ``last_day``. ``str()`` is English, for logs: models show users their translated
    message (``clienteling.important.date._date_error_message``)."""

    def __init__(self, code, message, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def check_month_day(month, day, year=None):
    """Raise :class:`DateError` unless month/day (and year, when given) form a real date.

    29 February is a real recurring date without a year, and only in leap years
    with one.
    """
    params = {"month": month, "day": day, "year": year}
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise DateError("month", f"Month must be between 1 and 12, not {month!r}.", **params)
    if year:
        if not isinstance(year, int) or not 1900 <= year <= 2200:
            raise DateError("year", f"Year must be between 1900 and 2200, not {year!r}.", **params)
        last_day = calendar.monthrange(year, month)[1]
    else:
        last_day = calendar.monthrange(2000, month)[1]  # a leap year: 29 February exists
    if not isinstance(day, int) or not 1 <= day <= last_day:
        raise DateError(
            "day",
            f"Day must be between 1 and {last_day} for month {month}, not {day!r}.",
            last_day=last_day,
            **params,
        )


def occurrence_in(year, month, day):
    """The date of month/day in ``year``; 29 February falls on the 28th in common years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return datetime.date(year, month, day)


def next_occurrence(month, day, today):
    """The first occurrence of month/day on or after ``today``."""
    this_year = occurrence_in(today.year, month, day)
    if this_year >= today:
        return this_year
    return occurrence_in(today.year + 1, month, day)


def day_month_text(day, month, year=None):
    """``DD/MM`` or ``DD/MM/YYYY`` for display, or ``""`` without a day and month."""
    if not (day and month):
        return ""
    text = f"{day:02d}/{month:02d}"
    return f"{text}/{year}" if year else text
