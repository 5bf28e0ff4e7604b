"""Local days of stores spread over time zones."""

import datetime
from zoneinfo import ZoneInfo


def local_date(moment, zone):
    """The date in time zone ``zone`` (a name) of ``moment``, a naive UTC datetime."""
    return moment.replace(tzinfo=datetime.timezone.utc).astimezone(ZoneInfo(zone)).date()


def new_local_day(last, now, zones):
    """Whether, in one of ``zones``, ``now`` is on another day than ``last`` (naive
    UTC datetimes; ``last`` None: never)."""
    if last is None:
        return True
    return any(local_date(now, zone) != local_date(last, zone) for zone in zones or ["UTC"])
