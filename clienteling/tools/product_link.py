"""Signed tokens of shared product links, and who fetches them: nothing here knows Odoo.

A token is a random part followed by an HMAC-SHA256 signature of it with the
database secret, both URL-safe base64 of a fixed length: a token that was not
made here (typed, guessed, altered) is refused before any database lookup.
"""

import base64
import hashlib
import hmac
import re
import secrets

SCOPE = b"clienteling-product-link"
RANDOM_BYTES = 9  # 72 random bits: 12 characters
SIGNATURE_BYTES = 9  # 72 bits of the signature: 12 characters
RANDOM_LENGTH = 12
TOKEN_LENGTH = 24
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{24}$")

# Programs that fetch a link to show its preview (messaging apps, social networks,
# search engines): their visits are not a customer opening the link.
LINK_PREVIEW_AGENTS = (
    "facebookexternalhit",
    "facebot",
    "twitterbot",
    "slackbot",
    "slack-imgproxy",
    "whatsapp",
    "linkpreview",  # iMessage
    "linkedinbot",
    "telegrambot",
    "discordbot",
    "skypeuripreview",
    "pinterestbot",
    "redditbot",
    "embedly",
    "applebot",
    "googlebot",
    "bingbot",
    "yandexbot",
    "duckduckbot",
    "baiduspider",
    "google-pagerenderer",
    "microsoftpreview",
    "bitlybot",
)
# Any other robot that says so ("SomethingBot/1.0", "crawler", "spider"); a phone
# brand such as "CUBOT X30" is no robot.
ROBOT_PATTERN = re.compile(r"bot/|\b(?:crawler|spider|headless)", re.IGNORECASE)


def _encode(raw):
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _secret_bytes(secret):
    if not secret:
        raise ValueError("A product link needs the database secret.")
    return secret.encode() if isinstance(secret, str) else secret


def signature(secret, value):
    """The signature of ``value`` (the random part of a token)."""
    digest = hmac.new(_secret_bytes(secret), SCOPE + b":" + value.encode(), hashlib.sha256)
    return _encode(digest.digest()[:SIGNATURE_BYTES])


def new_token(secret, random_bytes=None):
    """A new token: 12 random characters and their 12-character signature."""
    raw = random_bytes if random_bytes is not None else secrets.token_bytes(RANDOM_BYTES)
    if len(raw) != RANDOM_BYTES:
        raise ValueError(f"A token's random part is {RANDOM_BYTES} bytes.")
    value = _encode(raw)
    return value + signature(secret, value)


def is_signed(secret, token):
    """Whether ``token`` is one that ``new_token`` made with ``secret``."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return False
    value, sign = token[:RANDOM_LENGTH], token[RANDOM_LENGTH:]
    return hmac.compare_digest(signature(secret, value), sign)


def is_link_preview(user_agent, headers=None):
    """Whether a request that opens a link comes from a program fetching its
    preview or prefetching it, not from a person: a known preview fetcher, a
    robot, no user agent at all, or a browser's prefetch (``Sec-Purpose`` /
    ``Purpose: prefetch``). ``headers``: a mapping of the request's headers."""
    agent = (user_agent or "").strip().lower()
    if not agent:
        return True
    if any(name in agent for name in LINK_PREVIEW_AGENTS) or ROBOT_PATTERN.search(agent):
        return True
    if headers:
        purpose = headers.get("Sec-Purpose") or headers.get("Purpose") or ""
        if "prefetch" in purpose.lower() or "preview" in purpose.lower():
            return True
        if (headers.get("X-Moz") or "").lower() == "prefetch":
            return True
    return False
