"""The provider interface: what clienteling_sms needs from an SMS provider.

A provider is a plain class built from an account's settings; models call it with
values, never records. Adding a provider is one class here (or in another
addon's ``tools``) plus one ``_get_provider`` override on the account model.
"""

from dataclasses import dataclass, field

# Provider error codes mapped to reasons a person can act on.
ERROR_REASONS = {
    "21211": "The number is not a valid phone number.",
    "21408": "Sending to this country is not enabled on the provider account.",
    "21610": "The customer has opted out of messages from this number (they replied STOP).",
    "21612": "The provider cannot route a message to this number.",
    "21614": "The number cannot receive text messages (landline?).",
    "21606": "This sender number cannot send text messages.",
    "21660": "This sender number does not belong to the provider account.",
    "30003": "The customer's phone is unreachable (switched off or out of coverage).",
    "30004": "The message was blocked by the customer's carrier or phone.",
    "30005": "The number is unknown to the carrier or no longer in service.",
    "30006": "The number cannot receive text messages (landline or unreachable carrier).",
    "30007": "The carrier filtered the message as spam.",
    "30008": "The message could not be delivered (unknown carrier error).",
    "30034": "The sender number is not registered for A2P 10DLC messaging.",
    "20003": "The provider refused the credentials (check the account SID and auth token).",
    "20404": "The provider does not know this resource.",
}

# Delivery states in the order a message goes through them; a callback never
# moves a message backwards (callbacks can arrive out of order).
STATE_RANK = {
    "scheduled": 0,
    "queued": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
}
PROVIDER_TO_STATE = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "queued",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}


def error_reason(code, default=None):
    """The reason for a provider error code, for a person."""
    return ERROR_REASONS.get(
        str(code or ""), default or f"The provider refused the message (error {code})."
    )


def advance_state(current, reported):
    """The state to keep when a provider reports ``reported`` (a provider status)
    for a message in ``current``: never backwards, unknown statuses ignored."""
    new = PROVIDER_TO_STATE.get((reported or "").lower())
    if new is None:
        return current
    if current in STATE_RANK and STATE_RANK[new] < STATE_RANK[current]:
        return current
    if STATE_RANK.get(current) == 3:  # final states stay final
        return current
    return new


class ProviderError(Exception):
    """A provider refused a request. ``code`` is the provider's error code."""

    def __init__(self, message, code=None, status=None):
        super().__init__(message)
        self.code = str(code) if code is not None else None
        self.status = status

    @property
    def reason(self):
        return error_reason(self.code, default=str(self))


class PayloadError(ValueError):
    """A webhook payload that lacks what it must have."""


@dataclass
class SendResult:
    sid: str
    status: str


@dataclass
class InboundMessage:
    sid: str
    account_sid: str
    from_number: str
    to_number: str
    body: str
    media: list = field(default_factory=list)  # [(url, content_type)]
    opt_out_type: str = ""


@dataclass
class StatusUpdate:
    sid: str
    status: str
    error_code: str = ""


@dataclass
class AvailableNumber:
    number: str
    region: str = ""
    locality: str = ""
    sms: bool = True
    mms: bool = False
    voice: bool = False


@dataclass
class PurchasedNumber:
    number: str
    sid: str
    sms: bool = True
    mms: bool = False
    voice: bool = False


class SmsProvider:
    """Base class. Subclasses implement every method that raises here."""

    key = None

    def send(self, to, from_, body, media_urls=(), status_callback=None):
        """Send one message; return a :class:`SendResult` or raise :class:`ProviderError`."""
        raise NotImplementedError

    def check_credentials(self):
        """Return a short description of the account or raise :class:`ProviderError`."""
        raise NotImplementedError

    def verify_signature(self, url, params, signature):
        """True when ``signature`` signs ``url`` + ``params`` with the account's secret."""
        raise NotImplementedError

    def search_numbers(
        self, country_code, area_code=None, contains=None, near_number=None, limit=20
    ):
        """Available numbers that can send SMS: a list of :class:`AvailableNumber`."""
        raise NotImplementedError

    def purchase_number(self, number, sms_url, voice_url, status_callback=None):
        """Buy ``number`` with its webhooks set; return a :class:`PurchasedNumber`."""
        raise NotImplementedError

    def release_number(self, sid):
        """Give the number back to the provider (permanent)."""
        raise NotImplementedError

    # Webhook payloads share Twilio's form fields for every provider shipped here.

    @staticmethod
    def parse_inbound(params):
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
            account_sid=params.get("AccountSid", ""),
            from_number=from_number,
            to_number=to_number,
            body=params.get("Body", ""),
            media=media,
            opt_out_type=params.get("OptOutType", ""),
        )

    @staticmethod
    def parse_status(params):
        sid = params.get("MessageSid") or params.get("SmsSid")
        status = params.get("MessageStatus") or params.get("SmsStatus")
        if not sid or not status:
            raise PayloadError("A status callback needs MessageSid and MessageStatus.")
        return StatusUpdate(
            sid=sid, status=status.lower(), error_code=params.get("ErrorCode") or ""
        )
