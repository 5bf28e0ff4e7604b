"""Twilio through the official ``twilio`` SDK, and what is Twilio's: its account
settings, error codes, webhook form fields, signature header and TwiML.

The SDK is imported where it is used (sending, numbers, signatures, TwiML), so
importing this module, parsing a webhook or building the sandbox costs no SDK.
"""

import importlib
import logging
from urllib.parse import urlsplit, urlunsplit

from .provider import (
    AvailableNumber,
    InboundMessage,
    PayloadError,
    ProviderError,
    PurchasedNumber,
    SendResult,
    SmsProvider,
    StatusUpdate,
    WebhookResponse,
    register,
)

TIMEOUT = 10  # seconds, for every request to Twilio
XML = [("Content-Type", "text/xml; charset=utf-8")]

# The SDK logs each request at INFO (URLs with the account SID, numbers in query
# strings): its clients log here, quiet below WARNING unless a log handler of
# Odoo's configuration (--log-handler) asks for more.
SDK_LOGGER = logging.getLogger("odoo.addons.clienteling_sms.twilio_sdk")
for _sdk_logger in (SDK_LOGGER, logging.getLogger("twilio.http_client")):
    if _sdk_logger.level == logging.NOTSET:
        _sdk_logger.setLevel(logging.WARNING)

# Twilio's error codes (REST API errors and ErrorCode of status callbacks).
ERROR_KINDS = {
    "21211": "invalid_number",
    "21408": "country_not_enabled",
    "21610": "opted_out",
    "21612": "unroutable",
    "21614": "not_sms_capable",
    "21606": "sender_not_sms_capable",
    "21660": "sender_not_on_account",
    "30003": "unreachable",
    "30004": "blocked",
    "30005": "unknown_number",
    "30006": "landline_or_unreachable",
    "30007": "spam_filtered",
    "30008": "undelivered",
    "30034": "sender_unregistered",
    "20003": "credentials_refused",
    "20404": "not_found",
    "21649": "regulatory_approval_missing",
    "21631": "address_required",
    "21615": "address_outside_locality",
}


def _sdk(module):
    """A module of the ``twilio`` SDK, imported on first use."""
    return importlib.import_module(f"twilio.{module}")


def _http_client(base_url=None):
    """The SDK's HTTP client; with ``base_url``, one that sends the SDK's requests
    there instead (a proxy or a local recorder), keeping the path, query, form
    body and authentication the SDK built."""
    TwilioHttpClient = _sdk("http.http_client").TwilioHttpClient
    if not base_url:
        return TwilioHttpClient(timeout=TIMEOUT, logger=SDK_LOGGER)
    base = urlsplit(base_url)

    class RedirectingHttpClient(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            parts = urlsplit(url)
            url = urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
            return super().request(method, url, *args, **kwargs)

    return RedirectingHttpClient(timeout=TIMEOUT, logger=SDK_LOGGER)


class TwilioWebhooks:
    """Twilio's webhook format: form fields, ``X-Twilio-Signature``, TwiML. The
    sandbox speaks it too, so a demo runs the code real Twilio webhooks run."""

    signature_header = "X-Twilio-Signature"
    error_kinds = ERROR_KINDS  # ErrorCode of status callbacks, as of REST errors

    @classmethod
    def webhook_identity(cls, kind, params):
        # our number: the one texted or called, or the sender of a status callback
        return params.get("From" if kind == "status" else "To"), params.get("AccountSid")

    @classmethod
    def parse_inbound(cls, params):
        sid = params.get("MessageSid") or params.get("SmsMessageSid") or params.get("SmsSid")
        from_number, to_number = params.get("From"), params.get("To")
        if not sid or not from_number or not to_number:
            raise PayloadError("An inbound message needs MessageSid, From and To.")
        try:
            count = int(params.get("NumMedia") or 0)
        except ValueError as error:
            raise PayloadError("NumMedia is not a number.") from error
        media = [
            (params.get(f"MediaUrl{index}"), params.get(f"MediaContentType{index}", ""))
            for index in range(min(count, 10))
            if params.get(f"MediaUrl{index}")
        ]
        return InboundMessage(
            sid=sid,
            account_ref=params.get("AccountSid", ""),
            from_number=from_number,
            to_number=to_number,
            body=params.get("Body", ""),
            media=media,
            opt_out_type=params.get("OptOutType", ""),
        )

    @classmethod
    def parse_status(cls, params):
        sid = params.get("MessageSid") or params.get("SmsSid")
        status = params.get("MessageStatus") or params.get("SmsStatus")
        if not sid or not status:
            raise PayloadError("A status callback needs MessageSid and MessageStatus.")
        error_code = params.get("ErrorCode") or ""
        return StatusUpdate(
            sid=sid,
            status=status.lower(),
            error_code=error_code,
            error_kind=ERROR_KINDS.get(error_code, ""),
        )

    @classmethod
    def inbound_payload(cls, sid, account_ref, from_number, to_number, body, media=()):
        params = {
            "MessageSid": sid,
            "AccountSid": account_ref,
            "From": from_number,
            "To": to_number,
            "Body": body,
            "NumMedia": str(len(media)),
        }
        for index, (url, content_type) in enumerate(media):
            params[f"MediaUrl{index}"] = url
            params[f"MediaContentType{index}"] = content_type
        return params

    @classmethod
    def inbound_response(cls):
        return WebhookResponse(body=empty_messaging_twiml(), headers=XML)

    @classmethod
    def voice_response(cls, text, language):
        return WebhookResponse(body=voice_twiml(text, language), headers=XML)


@register
class TwilioProvider(TwilioWebhooks, SmsProvider):
    key = "twilio"
    account_fields = {
        "account_sid": "twilio_account_sid",
        "auth_token": "twilio_auth_token",
        "api_key_sid": "twilio_api_key_sid",
        "api_key_secret": "twilio_api_key_secret",
        "messaging_service_sid": "twilio_messaging_service_sid",
        "api_base_url": "twilio_api_base_url",
    }
    routing_fields = (
        "twilio_account_sid",
        "twilio_api_key_sid",
        "twilio_api_base_url",
        "twilio_messaging_service_sid",
    )
    secret_fields = ("twilio_auth_token", "twilio_api_key_secret")
    webhook_keys = ("twilio",)

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
            raise ProviderError(
                "The Twilio account SID and auth token are required.",
                kind="credentials_missing",
                provider="Twilio",
            )
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messaging_service_sid = messaging_service_sid or None
        self._api_key = (api_key_sid, api_key_secret) if api_key_sid and api_key_secret else None
        self._api_base_url = api_base_url or None
        self._client = None

    @classmethod
    def account_ref(cls, settings):
        return settings.get("account_sid") or False

    @classmethod
    def account_domain(cls, ref):
        return [("twilio_account_sid", "=", ref)]

    @classmethod
    def chooses_sender(cls, settings):
        return bool(settings.get("messaging_service_sid"))

    @property
    def client(self):
        """The SDK client, built on first use (verifying a webhook needs none)."""
        if self._client is None:
            Client = _sdk("rest").Client
            http_client = _http_client(self._api_base_url)
            if self._api_key:
                self._client = Client(*self._api_key, self.account_sid, http_client=http_client)
            else:
                self._client = Client(self.account_sid, self.auth_token, http_client=http_client)
        return self._client

    def _call(self, function, *args, **kwargs):
        exceptions = _sdk("base.exceptions")
        try:
            return function(*args, **kwargs)
        except exceptions.TwilioRestException as error:
            raise ProviderError(
                error.msg,
                code=error.code,
                status=error.status,
                kind=ERROR_KINDS.get(str(error.code)),
                provider_message=error.msg,
            ) from error
        except exceptions.TwilioException as error:
            raise ProviderError(str(error), provider_message=str(error)) from error
        except OSError as error:  # connection refused, timeouts (requests wraps them)
            raise ProviderError(
                f"Twilio could not be reached: {error}",
                kind="provider_unreachable",
                provider="Twilio",
                detail=str(error),
            ) from error

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
        validator = _sdk("request_validator").RequestValidator(self.auth_token)
        return validator.validate(url, params, signature)

    def sign(self, url, params):
        validator = _sdk("request_validator").RequestValidator(self.auth_token)
        return validator.compute_signature(url, params)

    def search_numbers(
        self,
        country_code,
        area_code=None,
        contains=None,
        near_number=None,
        limit=20,
        number_type="local",
    ):
        filters = {"sms_enabled": True, "limit": limit}
        if area_code:
            filters["area_code"] = area_code
        if contains:
            filters["contains"] = contains
        if near_number:
            filters["near_number"] = near_number
        country = self.client.available_phone_numbers(country_code)
        kinds = {
            "mobile": country.mobile,
            "national": country.national,
            "toll-free": country.toll_free,
        }
        numbers = self._call(kinds.get(number_type, country.local).list, **filters)
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

    def purchase_number(
        self,
        number,
        sms_url,
        voice_url,
        status_callback=None,
        bundle_ref=None,
        address_ref=None,
    ):
        kwargs = {
            "phone_number": number,
            "sms_url": sms_url,
            "sms_method": "POST",
            "voice_url": voice_url,
            "voice_method": "POST",
        }
        if status_callback:
            kwargs["status_callback"] = status_callback
        if bundle_ref:
            kwargs["bundle_sid"] = bundle_ref
        if address_ref:
            kwargs["address_sid"] = address_ref
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
    response = _sdk("twiml.voice_response").VoiceResponse()
    response.say(text, language=language)
    response.hangup()
    return str(response)


def empty_messaging_twiml():
    """An empty TwiML answer: we reply to messages through the API, not TwiML."""
    return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
