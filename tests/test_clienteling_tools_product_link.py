"""Shared product links: signed tokens and link preview fetchers, without Odoo."""

import pytest
from clienteling_tools.product_link import (
    TOKEN_LENGTH,
    is_link_preview,
    is_signed,
    new_token,
    signature,
)

SECRET = "9f1c0d2e-secret-of-the-database"


def test_a_new_token_is_url_safe_of_fixed_length_and_signed():
    token = new_token(SECRET)
    assert len(token) == TOKEN_LENGTH
    assert all(c.isalnum() or c in "-_" for c in token)
    assert is_signed(SECRET, token)
    assert new_token(SECRET) != token


def test_the_same_random_part_gives_the_same_token():
    raw = bytes(range(9))
    assert new_token(SECRET, raw) == new_token(SECRET, raw)
    assert new_token(SECRET, raw).startswith("AAECAwQFBgcI")
    with pytest.raises(ValueError):
        new_token(SECRET, b"short")


def test_tampered_tokens_are_refused():
    token = new_token(SECRET)
    for index in (0, 11, 12, TOKEN_LENGTH - 1):
        changed = "A" if token[index] != "A" else "B"
        assert not is_signed(SECRET, token[:index] + changed + token[index + 1 :])
    # another random part with the old signature, a token of another database
    assert not is_signed(SECRET, new_token(SECRET)[:12] + token[12:])
    assert not is_signed("another-secret", token)


@pytest.mark.parametrize(
    "token",
    ["", None, 42, "short", "x" * 23, "x" * 25, "abc/def+ghi=jklmnopqrstu", "é" * 24, "\x00" * 24],
)
def test_malformed_tokens_are_refused(token):
    assert not is_signed(SECRET, token)


def test_the_signature_depends_on_the_secret_and_needs_one():
    assert signature(SECRET, "AAECAwQFBgcI") != signature("other", "AAECAwQFBgcI")
    assert signature(SECRET.encode(), "AAECAwQFBgcI") == signature(SECRET, "AAECAwQFBgcI")
    with pytest.raises(ValueError):
        new_token("")
    with pytest.raises(ValueError):
        is_signed(None, new_token(SECRET))


@pytest.mark.parametrize(
    "agent",
    [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "facebookexternalhit/1.1 Facebot Twitterbot/1.0",  # iMessage
        "Mozilla/5.0 (Macintosh) AppleWebKit/601.2.4 (KHTML, like Gecko) LinkPreview",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Slack-ImgProxy (+https://api.slack.com/robots)",
        "WhatsApp/2.23.20.0 A",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "Mozilla/5.0 (compatible; SomeNewBot/0.1)",
        "Mozilla/5.0 HeadlessChrome/120.0.0.0",
        "",
        None,
    ],
)
def test_link_preview_fetchers_are_recognised(agent):
    assert is_link_preview(agent)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "python-requests/2.31.0",
    ],
)
def test_people_s_browsers_are_not_link_previews(agent):
    assert not is_link_preview(agent)


def test_prefetches_are_not_people_opening_the_link():
    browser = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36"
    assert is_link_preview(browser, {"Sec-Purpose": "prefetch;prerender"})
    assert is_link_preview(browser, {"Purpose": "prefetch"})
    assert is_link_preview(browser, {"X-Moz": "prefetch"})
    assert not is_link_preview(browser, {"Accept": "text/html"})
