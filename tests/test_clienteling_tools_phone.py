import pytest
from clienteling_tools.phone import PhoneNumberError, display_number, region_of, to_e164


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("415.555.2671", "us", "+14155552671"),
        ("+1 415 555 2671", None, "+14155552671"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("0033 6 12 34 56 78", "FR", "+33612345678"),
        ("020 7946 0000", "GB", "+442079460000"),
        ("  +44 20 7946 0000 ", "FR", "+442079460000"),
    ],
)
def test_to_e164_reads_national_and_international_numbers(raw, region, expected):
    assert to_e164(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region", "code", "params"),
    [
        ("", "US", "empty", {"number": ""}),
        ("   ", "US", "empty", {"number": ""}),
        (None, "US", "empty", {"number": ""}),
        ("hello", "US", "not_a_number", {"number": "hello", "reason": "not_a_number"}),
        (
            "555-0100",
            None,
            "not_a_number",
            {"number": "555-0100", "reason": "unknown_country_code"},
        ),
        ("+999 1234 5678", None, "not_a_number", {"reason": "unknown_country_code"}),
        ("(415) 555-267", "US", "invalid", {"number": "(415) 555-267", "region": "US"}),
        ("12", "FR", "invalid", {"region": "FR"}),
        ("+1 415 555 26711234567", None, "invalid", {"region": None}),
        ("+1 415 555 2671 2671 2671 2671 2671 2671", None, "not_a_number", {"reason": "too_long"}),
    ],
)
def test_to_e164_refuses_bad_numbers_with_a_code(raw, region, code, params):
    with pytest.raises(PhoneNumberError) as refused:
        to_e164(raw, region)
    assert refused.value.code == code
    assert params.items() <= refused.value.params.items()


def test_to_e164_refuses_a_number_of_another_country():
    with pytest.raises(PhoneNumberError) as refused:
        to_e164("+1 415 555 2671", "FR", expected_region="FR")
    assert refused.value.code == "wrong_country"
    assert refused.value.params == {"number": "+1 415 555 2671", "actual": "US", "expected": "FR"}
    assert str(refused.value) == "'+1 415 555 2671' is a number of US, not of FR."
    assert to_e164("01 42 68 53 00", "FR", expected_region="fr") == "+33142685300"


def test_region_of():
    assert region_of("+33612345678") == "FR"
    assert region_of("+14155552671") == "US"
    assert region_of("not a number") is None


def test_display_number_national_in_the_store_country():
    assert display_number("+12125550100", "US") == "(212) 555-0100"
    assert display_number("+12125550100", "us") == "(212) 555-0100"
    assert display_number("+33142685399", "FR") == "01 42 68 53 99"
    assert display_number("+447400123422", "GB") == "07400 123422"
    # another country's number keeps its country code
    assert display_number("+447400123422", "US") == "+44 7400 123422"
    assert display_number("+12125550100", None) == "+1 212-555-0100"
    # not a number: unchanged
    assert display_number("jane@example.com", "US") == "jane@example.com"
    assert display_number("", "US") == ""
    assert display_number(False, "US") is False
    assert display_number("+1", "US") == "+1"
