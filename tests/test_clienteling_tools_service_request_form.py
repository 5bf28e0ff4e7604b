"""The public service request forms' checks, slugs and visitor keys, without Odoo."""

import datetime

import pytest
from clienteling_tools.service_request_form import (
    check_request_submission,
    is_slug,
    slugify,
    unique_slug,
    visitor_key,
)

GOOD = {
    "kind": "question",
    "name": " Maya  Lind ",
    "email": "Maya@Example.org",
    "mobile": "(212) 555-0177",
    "preferred_channel": "email",
    "message": "Do you have it in blue?",
}
NOW = datetime.datetime(2026, 5, 1, 12, 0)


def test_good_submission_is_cleaned():
    values, errors = check_request_submission(GOOD, "US", NOW)
    assert errors == {}
    assert values["name"] == "Maya Lind"
    assert values["email"] == "maya@example.org"
    assert values["mobile"] == "+12125550177"
    assert values["consent"] is False


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"kind": "gossip"}, "kind", "invalid"),
        ({"name": ""}, "name", "required"),
        ({"email": "maya@"}, "email", "invalid"),
        ({"email": ""}, "email", "required"),
        ({"mobile": "12"}, "mobile", "invalid"),
        ({"preferred_channel": "pigeon"}, "preferred_channel", "invalid"),
        ({"preferred_channel": "text"}, "consent", "consent_required"),
        ({"preferred_channel": "text", "mobile": "", "consent": "1"}, "mobile", "required"),
        ({"message": "x" * 2001}, "message", "too_long"),
        ({"name": "Maya\x00"}, "name", "invalid"),
    ],
)
def test_bad_fields(change, field, code):
    _values, errors = check_request_submission(dict(GOOD, **change), "US", NOW)
    assert errors.get(field) == code


def test_text_with_consent_is_accepted():
    values, errors = check_request_submission(
        dict(GOOD, preferred_channel="text", consent="on"), "US", NOW
    )
    assert errors == {}
    assert values["consent"] is True


def test_appointment_dates():
    form = dict(
        GOOD, kind="appointment", date_start="2026-05-02T10:00", date_end="2026-05-02T12:30"
    )
    values, errors = check_request_submission(form, "US", NOW)
    assert errors == {}
    assert values["date_start"] == datetime.datetime(2026, 5, 2, 10, 0)
    _values, errors = check_request_submission(dict(form, date_end="2026-05-02T09:00"), "US", NOW)
    assert errors == {"date_end": "order"}
    _values, errors = check_request_submission(dict(form, date_start="2026-04-01T09:00"), "US", NOW)
    assert errors == {"date_start": "in_the_past"}
    _values, errors = check_request_submission(dict(form, date_start="soon"), "US", NOW)
    assert errors == {"date_start": "invalid"}


def test_dates_ignored_for_other_kinds():
    values, errors = check_request_submission(dict(GOOD, date_start="soon"), "US", NOW)
    assert errors == {}
    assert values["date_start"] is None


def test_slugs():
    assert slugify("Zoé  Martin-Dubois") == "zoe-martin-dubois"
    assert slugify("!!!") == ""
    assert is_slug("zoe-martin")
    assert not is_slug("Zoe")
    assert not is_slug("zoe--martin")
    assert not is_slug("-zoe")
    assert not is_slug("a" * 65)
    assert unique_slug("zoe", {"zoe", "zoe-2"}) == "zoe-3"
    assert unique_slug("", set()) == "associate"


def test_visitor_key_hides_the_address_and_changes_daily():
    day = datetime.date(2026, 5, 1)
    key = visitor_key("203.0.113.9", "Mozilla", day, "secret")
    assert len(key) == 64
    assert "203.0.113.9" not in key
    assert key == visitor_key("203.0.113.9", "Mozilla", day, "secret")
    assert key != visitor_key("203.0.113.9", "Mozilla", day + datetime.timedelta(days=1), "secret")
    assert key != visitor_key("203.0.113.9", "Mozilla", day, "other secret")
