import datetime
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import phonenumbers
import pytest
from clienteling_sms_tools import (
    keywords,
    privacy,
    provider,
    quiet_hours,
    retry,
    segments,
    signature,
)
from clienteling_sms_tools.sandbox import SandboxProvider, number_pool
from clienteling_sms_tools.twilio_provider import SDK_LOGGER, TwilioProvider, voice_twiml
from twilio_recorder import TwilioRecorder

UTC = datetime.timezone.utc


# Keywords


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("STOP", keywords.OPT_OUT),
        (" stop ", keywords.OPT_OUT),
        ("Stop.", keywords.OPT_OUT),
        ("STOPALL", keywords.OPT_OUT),
        ("unsubscribe!", keywords.OPT_OUT),
        ("Cancel", keywords.OPT_OUT),
        ("end", keywords.OPT_OUT),
        ("QUIT", keywords.OPT_OUT),
        ("revoke", keywords.OPT_OUT),
        ("opt-out", keywords.OPT_OUT),
        ("Arrêt", keywords.OPT_OUT),
        ("ARRET", keywords.OPT_OUT),
        ("yes", keywords.OPT_IN),
        ("Yes!", keywords.OPT_IN),
        (" START ", keywords.OPT_IN),
        ("unstop", keywords.OPT_IN),
        ("Oui", keywords.OPT_IN),
        ("help", keywords.HELP),
        ("Info?", keywords.HELP),
        ("stop by the store later", None),
        ("yes please", None),
        ("", None),
        ("!!!", None),
        (None, None),
    ],
)
def test_classify_default_keywords(body, kind):
    assert keywords.classify(body) == kind


def test_classify_custom_lists_and_opt_out_wins():
    custom_in = keywords.parse_list("ja, JA; si")
    assert custom_in == ["JA", "SI"]
    assert keywords.classify("Ja", opt_in=custom_in) == keywords.OPT_IN
    assert keywords.classify("yes", opt_in=custom_in) is None
    assert keywords.classify("end", opt_in=["END"], opt_out=["END"]) == keywords.OPT_OUT


# Segments


@pytest.mark.parametrize(
    ("text", "encoding", "length", "count"),
    [
        ("", "GSM-7", 0, 0),
        ("Hello", "GSM-7", 5, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extended characters take two septets
        ("€" * 81, "GSM-7", 162, 2),
        ("Café à 10€", "GSM-7", 11, 1),
        ("Ça va ? ç", "UCS-2", 9, 1),  # ç (lowercase) is not in GSM-7
        ("é" * 70 + "ç", "UCS-2", 71, 2),
        ("ç" * 70, "UCS-2", 70, 1),
        ("ç" * 134, "UCS-2", 134, 2),
        ("ç" * 135, "UCS-2", 135, 3),
        ("Hi 👋", "UCS-2", 5, 1),  # the emoji is a surrogate pair
    ],
)
def test_segments(text, encoding, length, count):
    assert segments.describe(text) == {"encoding": encoding, "length": length, "segments": count}


# Quiet hours


def test_quiet_hours_in_the_store_time_zone():
    ny = "America/New_York"
    # 12:00 UTC = 08:00 in New York (summer time)
    assert quiet_hours.is_allowed(datetime.datetime(2026, 7, 1, 12, 0), ny)
    assert not quiet_hours.is_allowed(datetime.datetime(2026, 7, 1, 11, 59), ny)
    # 00:30 UTC = 20:30 the day before in New York
    assert not quiet_hours.is_allowed(datetime.datetime(2026, 7, 2, 0, 30), ny)
    assert quiet_hours.next_allowed(datetime.datetime(2026, 7, 2, 0, 30), ny) == datetime.datetime(
        2026, 7, 2, 12, 0
    )
    # early morning: later the same day
    assert quiet_hours.next_allowed(datetime.datetime(2026, 7, 1, 9, 0), ny) == datetime.datetime(
        2026, 7, 1, 12, 0
    )
    # allowed: unchanged
    moment = datetime.datetime(2026, 7, 1, 15, 0)
    assert quiet_hours.next_allowed(moment, ny) == moment
    # winter time in Paris, custom window 9:30-19:00
    assert quiet_hours.next_allowed(
        datetime.datetime(2026, 1, 5, 18, 0), "Europe/Paris", 9.5, 19
    ) == datetime.datetime(2026, 1, 6, 8, 30)
    # aware datetimes are accepted too
    assert quiet_hours.is_allowed(datetime.datetime(2026, 7, 1, 12, 0, tzinfo=UTC), ny)


def test_quiet_hours_refuse_an_impossible_window():
    with pytest.raises(ValueError, match="Quiet hours"):
        quiet_hours.next_allowed(datetime.datetime(2026, 7, 1), "UTC", 20, 8)


# Provider state machine and payloads


@pytest.mark.parametrize(
    ("current", "reported", "expected"),
    [
        ("queued", "sent", "sent"),
        ("sent", "delivered", "delivered"),
        ("delivered", "sent", "delivered"),  # late callback: never backwards
        ("sent", "queued", "sent"),
        ("queued", "failed", "failed"),
        ("failed", "delivered", "failed"),  # final stays final
        ("sent", "undelivered", "undelivered"),
        ("queued", "no-such-status", "queued"),
        ("scheduled", "accepted", "queued"),
    ],
)
def test_advance_state(current, reported, expected):
    assert provider.advance_state(current, reported) == expected


def test_error_kinds():
    # Twilio's codes are Twilio's; what they mean is a neutral kind of the core's
    # (the models say it to users, translated)
    assert TwilioProvider.error_kind("21610") == "opted_out"
    assert TwilioProvider.error_kind(30003) == "unreachable"
    assert TwilioProvider.error_kind("99999") == ""
    assert SandboxProvider.error_kind("21610") == "opted_out"  # Twilio's format, codes too
    assert provider.SmsProvider.error_kind("21610") == ""
    assert set(TwilioProvider.error_kinds.values()) <= set(provider.REASON_KINDS)
    assert "21610" not in provider.REASON_KINDS


def test_parse_inbound_and_status():
    params = {
        "MessageSid": "SM1",
        "AccountSid": "AC1",
        "From": "+14155550100",
        "To": "+12125550100",
        "Body": "Hi",
        "NumMedia": "2",
        "MediaUrl0": "https://example.com/a.jpg",
        "MediaContentType0": "image/jpeg",
        "MediaUrl1": "https://example.com/b.png",
        "MediaContentType1": "image/png",
    }
    message = TwilioProvider.parse_inbound(params)
    assert (message.sid, message.from_number, message.body) == ("SM1", "+14155550100", "Hi")
    assert message.media == [
        ("https://example.com/a.jpg", "image/jpeg"),
        ("https://example.com/b.png", "image/png"),
    ]
    for missing in ("MessageSid", "From", "To"):
        with pytest.raises(provider.PayloadError):
            TwilioProvider.parse_inbound({k: v for k, v in params.items() if k != missing})
    with pytest.raises(provider.PayloadError):
        TwilioProvider.parse_inbound(dict(params, NumMedia="many"))
    status = TwilioProvider.parse_status(
        {"MessageSid": "SM1", "MessageStatus": "Undelivered", "ErrorCode": "30003"}
    )
    assert (status.sid, status.status, status.error_code) == ("SM1", "undelivered", "30003")
    assert status.error_kind == "unreachable"
    with pytest.raises(provider.PayloadError):
        TwilioProvider.parse_status({"MessageSid": "SM1"})
    # the base class leaves the format to each provider
    with pytest.raises(NotImplementedError):
        provider.SmsProvider.parse_inbound(params)


def test_provider_registry():
    assert provider.get_provider_class("twilio") is TwilioProvider
    assert provider.get_provider_class("sandbox") is SandboxProvider
    assert provider.get_provider_class("nobody") is None

    @provider.register
    class Pigeon(provider.SmsProvider):
        key = "pigeon_test"

    try:
        assert provider.provider_classes()["pigeon_test"] is Pigeon
    finally:
        provider._PROVIDERS.pop("pigeon_test")
    with pytest.raises(ValueError):
        provider.register(type("Nameless", (provider.SmsProvider,), {}))
    settings = {"secret": "s", "account_id": 7}
    assert SandboxProvider.account_ref(settings) == "SANDBOX7"
    assert SandboxProvider.account_domain("SANDBOX7") == [
        ("id", "=", 7),
        ("provider", "=", "sandbox"),
    ]
    assert SandboxProvider.account_domain("AC7") is None
    assert TwilioProvider.account_ref({"account_sid": "AC7"}) == "AC7"
    assert TwilioProvider.chooses_sender({"messaging_service_sid": "MG1"})
    assert not SandboxProvider.chooses_sender(settings)


# Signatures


def test_twilio_signature_published_vector():
    twilio = TwilioProvider("AC123", "12345")
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio.verify_signature(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not twilio.verify_signature(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ")
    assert not twilio.verify_signature(
        url, dict(params, Digits="1235"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not twilio.verify_signature(url, params, "")
    assert not TwilioProvider("AC123", "54321").verify_signature(
        url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )


def test_neutral_signature_matches_twilios_published_vector():
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert signature.form_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signature.check_form_signature("12345", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    # with or without the default port, as Twilio's validator accepts
    with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert signature.check_form_signature(
        "12345", with_port, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not signature.check_form_signature("12345", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ")
    assert not signature.check_form_signature("12345", url, params, "")
    assert not signature.check_form_signature("", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not signature.check_form_signature("12345", url, params, "é")


def test_sandbox_works_without_the_twilio_sdk():
    """The sandbox signs, verifies and parses with the ``twilio`` package blocked."""
    code = textwrap.dedent(
        f"""
        import importlib.util, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "twilio" or name.startswith("twilio."):
                    raise ImportError("blocked: " + name)

        sys.meta_path.insert(0, Block())
        init = {str(Path(provider.__file__).parent / "__init__.py")!r}
        spec = importlib.util.spec_from_file_location(
            "sms_tools", init, submodule_search_locations=[init.rsplit("/", 1)[0]]
        )
        tools = importlib.util.module_from_spec(spec)
        sys.modules["sms_tools"] = tools
        spec.loader.exec_module(tools)
        sandbox = tools.sandbox.SandboxProvider("secret", 3)
        params = sandbox.inbound_payload("SM1", "SANDBOX3", "+14155550100", "+12125550100", "Hi")
        url = "https://shop.example.com/clienteling/sms/sandbox/inbound"
        assert sandbox.verify_signature(url, params, sandbox.sign(url, params))
        assert sandbox.parse_inbound(params).body == "Hi"
        assert not any(name.split(".")[0] == "twilio" for name in sys.modules)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_sandbox_signs_like_twilio():
    sandbox = SandboxProvider("secret")
    url, params = (
        "https://shop.example.com/clienteling/sms/twilio/inbound",
        {"Body": "YES", "From": "+1"},
    )
    signature = sandbox.signature(url, params)
    assert sandbox.verify_signature(url, params, signature)
    assert TwilioProvider("AC1", "secret").verify_signature(url, params, signature)
    assert not SandboxProvider("other").verify_signature(url, params, signature)


def test_sandbox_number_pool_is_valid_and_skips_taken_numbers():
    pool = number_pool("FR", 5)
    assert len(pool) == 5
    for number in pool:
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.region_code_for_number(parsed) == "FR"
    assert pool[0] not in number_pool("FR", 5, taken={pool[0]})
    assert len(number_pool("GB", 3)) == 3
    assert len(number_pool("US", 3)) == 3


def test_voice_twiml_says_text_only():
    xml = voice_twiml("This number only receives text messages.", "fr-FR")
    assert '<Say language="fr-FR">This number only receives text messages.</Say>' in xml
    assert "<Hangup" in xml


# The SDK's real requests, sent to a local recorder


def test_twilio_sdk_requests_reach_the_recorder():
    with TwilioRecorder() as recorder:
        twilio = TwilioProvider("AC0001", "token", api_base_url=recorder.url)
        result = twilio.send(
            "+14155550100",
            "+12125550100",
            "Hello ç",
            media_urls=["https://shop.example.com/media/1"],
            status_callback="https://shop.example.com/clienteling/sms/twilio/status",
        )
        assert result.sid.startswith("SM")
        assert result.status == "queued"
        sent = recorder.requests[-1]
        assert sent["method"] == "POST"
        assert sent["path"] == "/2010-04-01/Accounts/AC0001/Messages.json"
        assert sent["user"] == "AC0001"
        assert sent["form"]["To"] == ["+14155550100"]
        assert sent["form"]["From"] == ["+12125550100"]
        assert sent["form"]["Body"] == ["Hello ç"]
        assert sent["form"]["MediaUrl"] == ["https://shop.example.com/media/1"]
        assert sent["form"]["StatusCallback"] == [
            "https://shop.example.com/clienteling/sms/twilio/status"
        ]

        numbers = twilio.search_numbers("US", area_code="212")
        assert numbers and numbers[0].sms
        search = recorder.requests[-1]
        assert search["path"] == "/2010-04-01/Accounts/AC0001/AvailablePhoneNumbers/US/Local.json"
        assert search["query"]["AreaCode"] == ["212"]
        assert search["query"]["SmsEnabled"] == ["true"]

        bought = twilio.purchase_number(
            "+12125550000", "https://x/in", "https://x/voice", "https://x/status"
        )
        assert bought.sid.startswith("PN")
        purchase = recorder.requests[-1]["form"]
        assert purchase["SmsUrl"] == ["https://x/in"]
        assert purchase["VoiceUrl"] == ["https://x/voice"]
        assert purchase["SmsMethod"] == ["POST"]

        twilio.release_number(bought.sid)
        assert recorder.requests[-1]["method"] == "DELETE"
        assert recorder.requests[-1]["path"].endswith(f"/IncomingPhoneNumbers/{bought.sid}.json")

        assert "Test Retail" in twilio.check_credentials()
    assert SandboxProvider("secret").check_credentials() == ""


def test_twilio_errors_become_provider_errors_with_reasons():
    with TwilioRecorder() as recorder:
        twilio = TwilioProvider("AC0001", "token", api_base_url=recorder.url)
        recorder.fail_next(400, 21610, "Attempt to send to unsubscribed recipient")
        with pytest.raises(provider.ProviderError) as error:
            twilio.send("+14155550100", "+12125550100", "Hello")
        assert error.value.code == "21610"
        assert error.value.kind == "opted_out"
        assert "unsubscribed recipient" in error.value.params["provider_message"]
    unreachable = TwilioProvider("AC0001", "token", api_base_url="http://127.0.0.1:9")
    with pytest.raises(provider.ProviderError) as error:
        unreachable.send("+14155550100", "+12125550100", "Hello")
    assert error.value.kind == "provider_unreachable"
    assert error.value.params["provider"] == "Twilio"
    assert error.value.params["detail"]


def test_twilio_needs_credentials():
    with pytest.raises(provider.ProviderError) as error:
        TwilioProvider("", "token")
    assert error.value.kind == "credentials_missing"
    assert error.value.params == {"provider": "Twilio"}


# Retries of failed webhook events


def test_retry_delays_double_then_give_up():
    delays = [retry.retry_delay(attempts) for attempts in range(1, retry.MAX_ATTEMPTS + 1)]
    assert delays[:-1] == [1, 2, 4, 8, 16, 32, 64][: retry.MAX_ATTEMPTS - 1]
    assert delays[-1] is None
    assert retry.retry_delay(retry.MAX_ATTEMPTS + 5) is None
    assert retry.retry_delay(0) == 0
    assert retry.retry_delay(3, max_attempts=3) is None


# What logs may show


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+14155550100", "+1415*****00"),
        ("+33612345699", "+3361*****99"),
        ("72345", "7****"),
        ("ACME", "A***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_number(value, masked):
    assert privacy.mask_number(value) == masked


def test_twilio_sdk_logs_stay_below_info(caplog):
    assert not SDK_LOGGER.isEnabledFor(logging.INFO)
    assert not logging.getLogger("twilio.http_client").isEnabledFor(logging.INFO)
    with TwilioRecorder() as recorder, caplog.at_level(logging.INFO):
        TwilioProvider(
            "AC00000000000000000000000000000099", "token", api_base_url=recorder.url
        ).send("+14155550100", "+12125550170", "Hello")
    assert recorder.requests
    assert "AC00000000000000000000000000000099" not in caplog.text
    assert "4155550100" not in caplog.text
