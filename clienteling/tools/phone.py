"""Phone numbers in E.164, parsed with ``phonenumbers``."""

import phonenumbers

# Why ``phonenumbers`` could not read a number (``PhoneNumberError.params["reason"]``;
# anything else is ``unreadable``).
PARSE_REASONS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown_country_code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not_a_number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too_short",
    phonenumbers.NumberParseException.TOO_LONG: "too_long",
}


class PhoneNumberError(ValueError):
    """A number that cannot be stored. ``code`` says why: ``empty``, ``not_a_number``
    (``params["reason"]``: a value of :data:`PARSE_REASONS`), ``invalid``
    (``params["region"]`` when read as a national number of it) or ``wrong_country``
    (``params["actual"]``, ``params["expected"]``); ``params["number"]`` is the text.
    ``str()`` is English, for logs: models show users their translated message
    (``res.partner._clienteling_phone_error_message``)."""

    def __init__(self, code, message, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def to_e164(raw, default_region=None, expected_region=None):
    """Return ``raw`` as an E.164 string such as ``+14155550100``.

    ``default_region`` (ISO code, e.g. ``"US"``) reads national numbers;
    ``expected_region`` refuses a valid number of another country.
    Raise :class:`PhoneNumberError` when the number is empty, unreadable,
    invalid or of the wrong country.
    """
    text = (raw or "").strip()
    if not text:
        raise PhoneNumberError("empty", "The phone number is empty.", number=text)
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        reason = PARSE_REASONS.get(error.error_type, "unreadable")
        raise PhoneNumberError(
            "not_a_number",
            f"{text!r} is not a phone number ({reason.replace('_', ' ')}).",
            number=text,
            reason=reason,
        ) from error
    if not phonenumbers.is_valid_number(number):
        where = region if region and not text.startswith("+") else None
        raise PhoneNumberError(
            "invalid",
            f"{text!r} is not a valid phone number{f' in {where}' if where else ''}.",
            number=text,
            region=where,
        )
    actual_region = phonenumbers.region_code_for_number(number)
    if expected_region and actual_region != expected_region.upper():
        raise PhoneNumberError(
            "wrong_country",
            f"{text!r} is a number of {actual_region}, not of {expected_region.upper()}.",
            number=text,
            actual=actual_region,
            expected=expected_region.upper(),
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164):
    """ISO region code of an E.164 number, or ``None`` when it has none."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def display_number(number, region=None):
    """``number`` (E.164) as people of ``region`` (ISO code of the store's country)
    write it: the national format for a number of that country (``(212) 555-0100``),
    the international one for another (``+44 20 7946 0000``). Text that is not a
    phone number (an email address, an empty value) is returned as it is."""
    text = (number or "").strip()
    if not text.startswith("+"):
        return number
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    same_country = region and phonenumbers.region_code_for_number(parsed) == region.upper()
    return phonenumbers.format_number(
        parsed,
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
