"""Local days of stores in several time zones, without Odoo."""

import datetime

from clienteling_advisor_tools.days import local_date, new_local_day

UTC = datetime.datetime


def test_local_date_around_midnight():
    moment = UTC(2027, 3, 1, 3, 30)
    assert local_date(moment, "America/New_York") == datetime.date(2027, 2, 28)
    assert local_date(moment, "Europe/Paris") == datetime.date(2027, 3, 1)
    assert local_date(moment, "UTC") == datetime.date(2027, 3, 1)


def test_new_local_day_per_zone():
    last = UTC(2027, 3, 10, 15, 0)
    zones = ["America/New_York", "Europe/Paris"]
    assert not new_local_day(last, UTC(2027, 3, 10, 22, 30), zones)
    assert new_local_day(last, UTC(2027, 3, 10, 23, 30), zones)  # Paris
    assert not new_local_day(UTC(2027, 3, 10, 23, 30), UTC(2027, 3, 11, 4, 30), zones)
    assert new_local_day(UTC(2027, 3, 10, 23, 30), UTC(2027, 3, 11, 5, 30), zones)  # New York


def test_never_refreshed_and_no_store():
    assert new_local_day(None, UTC(2027, 1, 1), ["Asia/Tokyo"])
    assert not new_local_day(UTC(2027, 1, 1, 1), UTC(2027, 1, 1, 23), [])
    assert new_local_day(UTC(2027, 1, 1, 23), UTC(2027, 1, 2, 0, 30), [])


def test_daylight_saving_change():
    # 14 March 2027: New York moves to UTC-4 at 02:00 local.
    assert not new_local_day(UTC(2027, 3, 14, 5, 30), UTC(2027, 3, 15, 3, 30), ["America/New_York"])
    assert new_local_day(UTC(2027, 3, 14, 5, 30), UTC(2027, 3, 15, 4, 30), ["America/New_York"])
