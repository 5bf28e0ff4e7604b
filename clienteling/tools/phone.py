"""Phone numbers in E.164, parsed with ``phonenumbers``."""

import phonenumbers


class PhoneNumberError(ValueError):
    """A number that cannot be stored; the message says why, for a person."""


def to_e164(raw, default_region=None, expected_region=None):
    """Return ``raw`` as an E.164 string such as ``+14155550100``.

    ``default_region`` (ISO code, e.g. ``"US"``) reads national numbers;
    ``expected_region`` refuses a valid number of another country.
    Raise :class:`PhoneNumberError` when the number is empty, unreadable,
    invalid or of the wrong country.
    """
    text = (raw or "").strip()
    if not text:
        raise PhoneNumberError("The phone number is empty.")
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberError(
            f"{text!r} is not a phone number ({_parse_reason(error)})."
        ) from error
    if not phonenumbers.is_valid_number(number):
        where = f" in {region}" if region and not text.startswith("+") else ""
        raise PhoneNumberError(f"{text!r} is not a valid phone number{where}.")
    actual_region = phonenumbers.region_code_for_number(number)
    if expected_region and actual_region != expected_region.upper():
        raise PhoneNumberError(
            f"{text!r} is a number of {actual_region}, not of {expected_region.upper()}."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164):
    """ISO region code of an E.164 number, or ``None`` when it has none."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def _parse_reason(error):
    return {
        phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        phonenumbers.NumberParseException.NOT_A_NUMBER: "not a number",
        phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
        phonenumbers.NumberParseException.TOO_LONG: "too long",
    }.get(error.error_type, "unreadable")
