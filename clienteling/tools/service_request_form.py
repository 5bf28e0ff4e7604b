"""Checks of a public service request submission, storefront slugs and visitor keys.

``check_request_submission`` returns the cleaned values and, per field, an error
code that the caller turns into a translated message: nothing here knows about Odoo.
"""

import datetime
import hashlib
import re
import unicodedata

from .customer_entry import CONTROL_CHARACTERS, check_email_and_mobile, consent_ticked

KINDS = ("question", "appointment", "personal_shopping")
CHANNELS = ("email", "text")
REQUEST_MAX_LENGTH = {"name": 100, "email": 254, "mobile": 32, "message": 2000}
DATE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 64


def _text(form, field):
    value = form.get(field)
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value)).strip()


def _parse_local_datetime(text):
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def check_request_submission(form, default_region, now=None):
    """Check the fields of a request form submission (a mapping of strings).

    Return ``(values, errors)``: ``values`` has ``kind``, ``name``, ``email``
    (lowercase or ``""``), ``mobile`` (E.164 or ``""``), ``preferred_channel``,
    ``message``, ``consent`` (bool), ``date_start`` and ``date_end`` (naive local
    datetimes or ``None``); ``errors`` maps a field to an error code: ``required``,
    ``too_long``, ``invalid``, ``consent_required``, ``in_the_past``, ``order``.
    ``now`` (naive local time) refuses preferred dates in the past.
    """
    errors = {}
    values = _check_texts(form, errors)
    values["kind"] = _text(form, "kind")
    if values["kind"] not in KINDS:
        errors["kind"] = "invalid"
    values["preferred_channel"] = _text(form, "preferred_channel") or "email"
    if values["preferred_channel"] not in CHANNELS:
        errors["preferred_channel"] = "invalid"
    if not values["name"] and "name" not in errors:
        errors["name"] = "required"
    _check_contact(values, errors, default_region)
    values["consent"] = consent_ticked(form.get("consent"))
    if values["preferred_channel"] == "text" and not values["consent"]:
        errors["consent"] = "consent_required"
    values["date_start"] = values["date_end"] = None
    if values["kind"] == "appointment":
        _check_dates(form, values, errors, now)
    return values, errors


def _check_texts(form, errors):
    values = {}
    for field, length in REQUEST_MAX_LENGTH.items():
        text = _text(form, field)
        if len(text) > length:
            errors[field] = "too_long"
        elif CONTROL_CHARACTERS.search(text.replace("\n", "").replace("\r", "")):
            errors[field] = "invalid"
        values[field] = text
    values["name"] = " ".join(values["name"].split())
    return values


def _check_contact(values, errors, default_region):
    check_email_and_mobile(values, errors, default_region)
    channel = values["preferred_channel"]
    if channel == "email" and not values["email"] and "email" not in errors:
        errors["email"] = "required"
    if channel == "text" and not values["mobile"] and "mobile" not in errors:
        errors["mobile"] = "required"


def _check_dates(form, values, errors, now):
    for field in ("date_start", "date_end"):
        text = _text(form, field)
        if not text:
            continue
        try:
            values[field] = _parse_local_datetime(text)
        except ValueError:
            errors[field] = "invalid"
            continue
        if now and values[field] < now:
            errors[field] = "in_the_past"
    start, end = values["date_start"], values["date_end"]
    if start and end and end < start and "date_end" not in errors:
        errors["date_end"] = "order"


def slugify(name):
    """A lowercase, URL-safe slug from ``name`` (accents dropped): ``"Zoé Martin"``
    gives ``"zoe-martin"``; ``""`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX_LENGTH].strip("-")


def is_slug(text):
    """Whether ``text`` is a valid storefront slug."""
    return isinstance(text, str) and len(text) <= SLUG_MAX_LENGTH and bool(SLUG_PATTERN.match(text))


def unique_slug(base, taken):
    """``base``, or ``base-2``, ``base-3``... the first not in ``taken``."""
    base = base or "associate"
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def visitor_key(address, user_agent, day, secret):
    """The key a storefront visit is counted under: a hash of the visitor's
    address, browser and day with the database's secret. The address itself is
    never stored, and the key changes every day."""
    text = "\x1f".join((address or "", user_agent or "", day.isoformat(), secret or ""))
    return hashlib.sha256(text.encode()).hexdigest()
