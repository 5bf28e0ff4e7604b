"""Checks of a customer entry form submission, and the words that make names similar.

``check_submission`` returns the cleaned values and, per field, an error code that
the caller turns into a translated message: nothing here knows about Odoo.
"""

import datetime
import ipaddress
import re

from .dates import check_month_day
from .phone import PhoneNumberError, to_e164

MAX_LENGTH = {"name": 100, "email": 254, "mobile": 32, "birthday": 10}
# One "@", something before it, a dotted domain after it, no spaces or brackets.
EMAIL_PATTERN = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# What the form may show back after a refused submission, per input, at most.
ECHO_LENGTH = dict(MAX_LENGTH, birthday_day=2, birthday_month=2, birthday_year=4)
CONSENT_TICKED = ("1", "on", "yes", "true")
# A store's link token: URL-safe characters only (secrets.token_urlsafe, hex).
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
# Rotating addresses inside one IPv6 network are one sender: limits count per /64.
IPV6_PREFIX = 64


def _text(form, field):
    value = form.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value.strip()


def check_submission(form, default_region, this_year=None):
    """Check the fields of a form submission (a mapping of strings).

    Return ``(values, errors)``: ``values`` has ``name``, ``email`` (lowercase or
    ``""``), ``mobile`` (E.164 or ``""``), ``birthday_month``, ``birthday_day``,
    ``birthday_year`` (ints or ``None``) and ``consent`` (bool); ``errors`` maps a
    field to an error code: ``required``, ``too_long``, ``invalid``, ``contact_required``.
    Oversized fields are refused, never cut.
    """
    this_year = this_year or datetime.date.today().year
    errors = {}
    values = {}
    for field in ("name", "email", "mobile", "birthday"):
        text = _text(form, field)
        if len(text) > MAX_LENGTH[field]:
            errors[field] = "too_long"
        elif CONTROL_CHARACTERS.search(text):
            errors[field] = "invalid"
        values[field] = text
    values["name"] = " ".join(values["name"].split())
    if not values["name"] and "name" not in errors:
        errors["name"] = "required"
    check_email_and_mobile(values, errors, default_region)
    if not values["email"] and not values["mobile"] and not {"email", "mobile"} & set(errors):
        errors["mobile"] = "contact_required"
    birthday = values.pop("birthday")
    values.update(birthday_month=None, birthday_day=None, birthday_year=None)
    if birthday and "birthday" not in errors:
        try:
            values.update(_parse_birthday(birthday, this_year))
        except ValueError:
            errors["birthday"] = "invalid"
    values["consent"] = consent_ticked(form.get("consent"))
    return values, errors


def check_email_and_mobile(values, errors, default_region):
    """Lowercase a valid ``values["email"]`` and put ``values["mobile"]`` in E.164
    (``default_region`` for national numbers); an unreadable one gets the error
    "invalid" in ``errors``, unless that field already has one."""
    if values["email"] and "email" not in errors:
        if EMAIL_PATTERN.match(values["email"]):
            values["email"] = values["email"].lower()
        else:
            errors["email"] = "invalid"
    if values["mobile"] and "mobile" not in errors:
        try:
            values["mobile"] = to_e164(values["mobile"], default_region)
        except PhoneNumberError:
            errors["mobile"] = "invalid"


def consent_ticked(value):
    """Whether the consent box was ticked: only the values a checkbox sends."""
    return _text({"consent": value}, "consent").lower() in CONSENT_TICKED


def echo_values(form):
    """What a refused form may show back in its inputs: text without control
    characters, never longer than the input accepts (an oversize value is cut,
    not echoed whole). Unknown fields are left out; the consent box is a bool."""
    echo = {}
    for field, length in ECHO_LENGTH.items():
        if field in form:
            echo[field] = CONTROL_CHARACTERS.sub("", _text(form, field))[:length]
    echo["consent"] = consent_ticked(form.get("consent"))
    return echo


def is_token(text):
    """Whether ``text`` can be a store's link token (no control character,
    no byte the database refuses)."""
    return isinstance(text, str) and bool(TOKEN_PATTERN.match(text))


def rate_key(address):
    """The sender a network address counts for in rate limits: an IPv4 address
    itself, an IPv6 address its /64 network (one subscriber's LAN), an IPv4
    address mapped in IPv6 as IPv4. ``None`` without an address."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return CONTROL_CHARACTERS.sub("", address)[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def _parse_birthday(text, this_year):
    """``YYYY-MM-DD`` (a date input) or ``MM-DD`` / ``--MM-DD`` (no year)."""
    parts = text.lstrip("-").split("-")
    if len(parts) == 3:
        year, month, day = parts
    elif len(parts) == 2:
        year, (month, day) = None, parts
    else:
        raise ValueError(text)
    if not all(part.isdigit() for part in parts):
        raise ValueError(text)
    month, day = int(month), int(day)
    year = int(year) if year else None
    if year is not None and year > this_year:
        raise ValueError(text)
    check_month_day(month, day, year)
    return {"birthday_month": month, "birthday_day": day, "birthday_year": year}


def name_words(name):
    """The words of a name that a similar name must contain, in any order and
    case: words of one letter (initials) are left out."""
    return [word for word in re.split(r"[\W_]+", (name or "").lower()) if len(word) > 1]
