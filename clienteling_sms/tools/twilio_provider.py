"""Twilio through the official ``twilio`` SDK."""

import logging
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from .provider import (
    AvailableNumber,
    ProviderError,
    PurchasedNumber,
    SendResult,
    SmsProvider,
)

TIMEOUT = 10  # seconds, for every request to Twilio

# The SDK logs each request at INFO (URLs with the account SID, numbers in query
# strings): its clients log here, quiet below WARNING unless a log handler of
# Odoo's configuration (--log-handler) asks for more.
SDK_LOGGER = logging.getLogger("odoo.addons.clienteling_sms.twilio_sdk")
for _sdk_logger in (SDK_LOGGER, logging.getLogger("twilio.http_client")):
    if _sdk_logger.level == logging.NOTSET:
        _sdk_logger.setLevel(logging.WARNING)


class _RedirectingHttpClient(TwilioHttpClient):
    """Sends the SDK's requests to another base URL (a proxy or a local recorder),
    keeping the path, query, form body and authentication the SDK built."""

    def __init__(self, base_url, **kwargs):
        super().__init__(**kwargs)
        self._base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit((self._base.scheme, self._base.netloc, parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


class TwilioProvider(SmsProvider):
    key = "twilio"

    def __init__(
        self,
        account_sid,
        auth_token,
        api_key_sid=None,
        api_key_secret=None,
        messaging_service_sid=None,
        api_base_url=None,
    ):
        if not account_sid or not auth_token:
            raise ProviderError("The Twilio account SID and auth token are required.")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messaging_service_sid = messaging_service_sid or None
        self._api_key = (api_key_sid, api_key_secret) if api_key_sid and api_key_secret else None
        self._api_base_url = api_base_url
        self._client = None

    @property
    def client(self):
        """The SDK client, built on first use (verifying a webhook needs none)."""
        if self._client is None:
            http_client = (
                _RedirectingHttpClient(self._api_base_url, timeout=TIMEOUT, logger=SDK_LOGGER)
                if self._api_base_url
                else TwilioHttpClient(timeout=TIMEOUT, logger=SDK_LOGGER)
            )
            if self._api_key:
                self._client = Client(*self._api_key, self.account_sid, http_client=http_client)
            else:
                self._client = Client(self.account_sid, self.auth_token, http_client=http_client)
        return self._client

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TwilioRestException as error:
            raise ProviderError(error.msg, code=error.code, status=error.status) from error
        except TwilioException as error:
            raise ProviderError(str(error)) from error
        except OSError as error:  # connection refused, timeouts (requests wraps them)
            raise ProviderError(f"Twilio could not be reached: {error}") from error

    def send(self, to, from_, body, media_urls=(), status_callback=None):
        kwargs = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        if from_:
            kwargs["from_"] = from_
        if media_urls:
            kwargs["media_url"] = list(media_urls)
        if status_callback:
            kwargs["status_callback"] = status_callback
        message = self._call(self.client.messages.create, **kwargs)
        return SendResult(sid=message.sid, status=message.status or "queued")

    def check_credentials(self):
        account = self._call(self.client.api.v2010.accounts(self.account_sid).fetch)
        return f"{account.friendly_name} ({account.status})"

    def verify_signature(self, url, params, signature):
        if not signature:
            return False
        return RequestValidator(self.auth_token).validate(url, params, signature)

    def search_numbers(
        self, country_code, area_code=None, contains=None, near_number=None, limit=20
    ):
        filters = {"sms_enabled": True, "limit": limit}
        if area_code:
            filters["area_code"] = area_code
        if contains:
            filters["contains"] = contains
        if near_number:
            filters["near_number"] = near_number
        numbers = self._call(
            self.client.available_phone_numbers(country_code).local.list, **filters
        )
        result = []
        for number in numbers:
            capabilities = number.capabilities or {}
            result.append(
                AvailableNumber(
                    number=number.phone_number,
                    region=number.region or "",
                    locality=number.locality or "",
                    sms=bool(capabilities.get("sms", capabilities.get("SMS", True))),
                    mms=bool(capabilities.get("mms", capabilities.get("MMS", False))),
                    voice=bool(capabilities.get("voice", False)),
                )
            )
        return result

    def purchase_number(self, number, sms_url, voice_url, status_callback=None):
        kwargs = {
            "phone_number": number,
            "sms_url": sms_url,
            "sms_method": "POST",
            "voice_url": voice_url,
            "voice_method": "POST",
        }
        if status_callback:
            kwargs["status_callback"] = status_callback
        bought = self._call(self.client.incoming_phone_numbers.create, **kwargs)
        capabilities = bought.capabilities or {}
        return PurchasedNumber(
            number=bought.phone_number,
            sid=bought.sid,
            sms=bool(capabilities.get("sms", True)),
            mms=bool(capabilities.get("mms", False)),
            voice=bool(capabilities.get("voice", False)),
        )

    def release_number(self, sid):
        self._call(self.client.incoming_phone_numbers(sid).delete)


def voice_twiml(text, language="en-US"):
    """TwiML that says ``text`` and hangs up (calls to a text-only number)."""
    response = VoiceResponse()
    response.say(text, language=language)
    response.hangup()
    return str(response)


def empty_messaging_twiml():
    """An empty TwiML answer: we reply to messages through the API, not TwiML."""
    return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
