"""Recurring yearly dates (birthdays, anniversaries), 29 February included."""

import calendar
import datetime
import re


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


def without_year(date_format):
    """A ``strftime`` date format (as ``res.lang.date_format``) without its year and
    the separator next to it: ``%m/%d/%Y`` gives ``%m/%d``, ``%Y-%m-%d`` gives ``%m-%d``."""
    year = r"%[Yy]"
    separator = r"[^%A-Za-z0-9]*"
    if re.search(separator + year + "$", date_format):
        return re.sub(separator + year + "$", "", date_format)
    if re.match("^" + year + separator, date_format):
        return re.sub("^" + year + separator, "", date_format)
    return re.sub(year + separator, "", date_format)


def day_month_text(day, month, year=None, date_format="%d/%m/%Y"):
    """The day and month (and year, when given) in ``date_format`` (``strftime``
    directives, as ``res.lang.date_format``; without a year, the format without its
    year), or ``""`` without a day and month."""
    if not (day and month):
        return ""
    if year:
        return occurrence_in(year, month, day).strftime(date_format)
    # a leap year: 29 February exists
    return datetime.date(2000, month, day).strftime(without_year(date_format))
