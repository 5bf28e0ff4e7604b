"""The customer entry form's checks, without Odoo."""

import pytest
from clienteling_tools.customer_entry import MAX_LENGTH, check_submission, name_words

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
