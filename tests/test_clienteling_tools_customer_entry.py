"""The customer entry form's checks, without Odoo."""

import pytest
from clienteling_tools.customer_entry import (
    MAX_LENGTH,
    check_submission,
    consent_ticked,
    echo_values,
    is_token,
    name_words,
    rate_key,
)

GOOD = {
    "name": " Maya  Lind ",
    "email": "Maya@Example.org",
    "mobile": "(212) 555-0177",
    "birthday": "",
    "consent": "on",
}


def check(**changes):
    return check_submission(dict(GOOD, **changes), "US", this_year=2026)


def test_good_submission_is_cleaned():
    values, errors = check()
    assert errors == {}
    assert values["name"] == "Maya Lind"
    assert values["email"] == "maya@example.org"
    assert values["mobile"] == "+12125550177"
    assert values["consent"] is True
    assert (values["birthday_month"], values["birthday_day"], values["birthday_year"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "x" * (MAX_LENGTH["name"] + 1)}, "name", "too_long"),
        ({"name": "Maya\x07"}, "name", "invalid"),
        ({"email": "maya@"}, "email", "invalid"),
        ({"email": "maya example.org"}, "email", "invalid"),
        ({"email": "<maya@example.org>"}, "email", "invalid"),
        ({"email": "m" * 250 + "@x.org"}, "email", "too_long"),
        ({"mobile": "555"}, "mobile", "invalid"),
        ({"mobile": "not a number"}, "mobile", "invalid"),
        ({"mobile": "1" * 40}, "mobile", "too_long"),
        ({"mobile": "", "email": ""}, "mobile", "contact_required"),
        ({"birthday": "02-30"}, "birthday", "invalid"),
        ({"birthday": "2027-01-01"}, "birthday", "invalid"),
        ({"birthday": "2025-02-29"}, "birthday", "invalid"),
        ({"birthday": "13-01"}, "birthday", "invalid"),
        ({"birthday": "1-2-3-4"}, "birthday", "invalid"),
        ({"birthday": "ab-cd"}, "birthday", "invalid"),
    ],
)
def test_bad_input_gets_an_error_code(changes, field, code):
    _values, errors = check(**changes)
    assert errors.get(field) == code


def test_birthday_with_or_without_year():
    values, errors = check(birthday="2000-02-29")
    assert errors == {}
    assert (values["birthday_month"], values["birthday_day"], values["birthday_year"]) == (
        2,
        29,
        2000,
    )
    values, errors = check(birthday="--02-29")
    assert errors == {}
    assert (values["birthday_month"], values["birthday_day"], values["birthday_year"]) == (
        2,
        29,
        None,
    )


def test_one_way_to_reach_is_enough():
    assert check(mobile="")[1] == {}
    assert check(email="")[1] == {}


def test_an_invalid_email_is_reported_even_without_a_mobile():
    _values, errors = check(mobile="", email="nope")
    assert errors == {"email": "invalid"}


def test_unticked_consent():
    assert check(consent="")[0]["consent"] is False
    assert check(consent=None)[0]["consent"] is False


def test_non_string_values_do_not_crash():
    _values, errors = check_submission({"name": 12, "email": None, "mobile": 5}, "US")
    assert errors == {"mobile": "invalid"}


def test_name_words():
    assert name_words("Jane M. Doe-Smith") == ["jane", "doe", "smith"]
    assert name_words("") == []
    assert name_words(None) == []


@pytest.mark.parametrize("value", ["1", "on", "yes", "TRUE", " on "])
def test_consent_ticked(value):
    assert consent_ticked(value) is True


@pytest.mark.parametrize("value", ["", None, "0", "no", "off", "false", "checked=", 0, "\x00"])
def test_consent_not_ticked(value):
    assert consent_ticked(value) is False


def test_echo_values_cut_to_what_inputs_accept():
    echo = echo_values(
        {
            "name": "N" * 5000,
            "email": "a\x00b@example.org",
            "mobile": " 212 555 0177 ",
            "birthday_year": "9" * 50,
            "birthday_day": "31",
            "consent": "",
            "website": "spam",
        }
    )
    assert echo["name"] == "N" * MAX_LENGTH["name"]
    assert echo["email"] == "ab@example.org"
    assert echo["mobile"] == "212 555 0177"
    assert echo["birthday_year"] == "9999"
    assert echo["birthday_day"] == "31"
    assert echo["consent"] is False
    assert "website" not in echo
    assert echo_values({"consent": "1"}) == {"consent": True}


def test_is_token():
    assert is_token("x3fK2_-abcdefghijklmnopqrstuv")
    assert is_token("0123456789abcdef0123456789abcdef")
    for bad in ("", "short", "abcdefghijklmnop\x00", "abcdefghijklmnop/..", "é" * 20, None, 5):
        assert not is_token(bad)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::ffff", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("", None),
        (None, None),
        ("not-an-ip\x00", "not-an-ip"),
    ],
)
def test_rate_key(address, key):
    assert rate_key(address) == key
