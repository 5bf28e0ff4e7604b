"""Quiet hours: when an associate may start texting a customer, in the store's time zone."""

import datetime
from zoneinfo import ZoneInfo


def _local(moment_utc, tz_name):
    if moment_utc.tzinfo is None:
        moment_utc = moment_utc.replace(tzinfo=datetime.timezone.utc)
    return moment_utc.astimezone(ZoneInfo(tz_name or "UTC"))


def _at(day, hours, zone):
    minutes = round(hours * 60)
    return datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), tzinfo=zone)


def is_allowed(moment_utc, tz_name, start=8.0, end=20.0):
    """True when ``moment_utc`` is within [start, end) local hours."""
    local = _local(moment_utc, tz_name)
    hours = local.hour + local.minute / 60 + local.second / 3600
    return start <= hours < end


def next_allowed(moment_utc, tz_name, start=8.0, end=20.0):
    """The first allowed moment at or after ``moment_utc``, as a naive UTC datetime."""
    if not 0 <= start < end <= 24:
        raise ValueError(f"Quiet hours must satisfy 0 <= start < end <= 24, not {start}-{end}.")
    local = _local(moment_utc, tz_name)
    if is_allowed(moment_utc, tz_name, start, end):
        result = local
    else:
        day = local.date()
        if local >= _at(day, start, local.tzinfo):
            day += datetime.timedelta(days=1)
        result = _at(day, start, local.tzinfo)
    return result.astimezone(datetime.timezone.utc).replace(tzinfo=None)
