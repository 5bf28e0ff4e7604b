"""The provider interface: what clienteling_sms needs from an SMS provider.

A provider is a plain class built from an account's settings; models call it with
values, never records. Adding a provider (in this addon or another one) is a
subclass of :class:`SmsProvider` registered with :func:`register` (its ``key`` is
the account's ``provider`` value, added with ``selection_add``) and the account
fields it is built from (``account_fields``). The core's webhook routes
``/clienteling/sms/<key>/inbound|status|voice`` hand the request to the class of
``<key>``: which account it names, its signature, its payload, the answer.
"""

from dataclasses import dataclass, field

# What went wrong, as neutral kinds: providers map their own error codes to
# these (``SmsProvider.error_kinds``); models say them to users in their language
# (``clienteling.sms.account._provider_reason``).
REASON_KINDS = (
    "invalid_number",
    "country_not_enabled",
    "opted_out",
    "unroutable",
    "not_sms_capable",
    "sender_not_sms_capable",
    "sender_not_on_account",
    "unreachable",
    "blocked",
    "unknown_number",
    "landline_or_unreachable",
    "spam_filtered",
    "undelivered",
    "sender_unregistered",
    "credentials_refused",
    "not_found",
    "regulatory_approval_missing",
    "address_required",
    "address_outside_locality",
    # raised by a provider itself (not codes of the provider's API)
    "credentials_missing",  # params: provider
    "provider_unreachable",  # params: provider, detail (the system's words)
)

# Kinds of phone numbers a provider sells (Twilio's names).
NUMBER_TYPES = ("local", "mobile", "national", "toll-free")

# Provider classes by key (filled at import by ``register``, read-only afterwards).
_PROVIDERS = {}


def register(provider_class):
    """Class decorator: make ``provider_class`` the provider of its ``key``."""
    if not provider_class.key:
        raise ValueError("A provider class needs a key.")
    _PROVIDERS[provider_class.key] = provider_class
    return provider_class


def get_provider_class(key):
    """The registered provider class of ``key``, or None."""
    return _PROVIDERS.get(key)


def provider_classes():
    """{key: provider class} of every registered provider."""
    return dict(_PROVIDERS)


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
    """A provider refused a request. ``code`` is the provider's error code,
    ``kind`` what it means (one of ``REASON_KINDS``) when known, ``params`` its
    details (``provider_message``: the provider's own words, when it gave some).
    ``str()`` is English, for logs: models show users their translated reason
    (``clienteling.sms.account._provider_error_reason``)."""

    def __init__(self, message, code=None, status=None, kind=None, **params):
        super().__init__(message)
        self.code = str(code) if code is not None else None
        self.status = status
        self.kind = kind
        self.params = params


class WebhookRefused(Exception):
    """A webhook request refused with the HTTP ``status`` (nothing stored);
    ``str()`` says why, for the log (no secret, no full phone number)."""

    def __init__(self, status, message=""):
        super().__init__(message)
        self.status = status


class PayloadError(ValueError):
    """A webhook payload that lacks what it must have."""


@dataclass
class SendResult:
    sid: str
    status: str


@dataclass
class InboundMessage:
    sid: str
    account_ref: str
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
    error_kind: str = ""


@dataclass
class WebhookResponse:
    body: str = ""
    status: int = 200
    headers: list = field(default_factory=list)


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
    """Base class. Subclasses implement every method that raises here.

    Class attributes a subclass sets:

    - ``key``: the account's ``provider`` value and the webhook routes' segment;
    - ``account_fields``: ``{constructor argument: clienteling.sms.account field}``;
    - ``routing_fields`` / ``secret_fields``: account fields naming where it sends
      and its secrets (a non-administrator who changes the former clears the latter);
    - ``webhook_keys``: the route keys it accepts webhooks on (its own key);
    - ``signature_header``: the request header carrying a webhook's signature;
    - ``error_kinds``: ``{provider error code: one of REASON_KINDS}``.
    """

    key = None
    account_fields = {}
    routing_fields = ()
    secret_fields = ()
    webhook_keys = ()
    signature_header = None
    error_kinds = {}

    # Built from an account.

    @classmethod
    def from_settings(cls, settings):
        """The provider of an account, ``settings`` being ``account_fields`` read."""
        return cls(**settings)

    @classmethod
    def account_ref(cls, settings):
        """The account's id at the provider, as its webhooks name it."""
        raise NotImplementedError

    @classmethod
    def account_domain(cls, ref):
        """A domain on clienteling.sms.account finding the account a webhook's
        ``ref`` names, or None when ``ref`` cannot be one of this provider's."""
        return None

    @classmethod
    def chooses_sender(cls, settings):
        """Whether the provider picks a sender itself when none is given."""
        return False

    @classmethod
    def error_kind(cls, code):
        """What one of the provider's error codes means (one of ``REASON_KINDS``, or "")."""
        return cls.error_kinds.get(str(code or ""), "")

    # Outgoing.

    def send(self, to, from_, body, media_urls=(), status_callback=None):
        """Send one message; return a :class:`SendResult` or raise :class:`ProviderError`."""
        raise NotImplementedError

    def check_credentials(self):
        """Return the provider's short description of the account (its own name and
        status; empty when there is no account at a provider) or raise
        :class:`ProviderError`."""
        raise NotImplementedError

    def search_numbers(
        self,
        country_code,
        area_code=None,
        contains=None,
        near_number=None,
        limit=20,
        number_type="local",
    ):
        """Available numbers of ``number_type`` (one of ``NUMBER_TYPES``) that can
        send SMS: a list of :class:`AvailableNumber`."""
        raise NotImplementedError

    def purchase_number(
        self,
        number,
        sms_url,
        voice_url,
        status_callback=None,
        bundle_ref=None,
        address_ref=None,
    ):
        """Buy ``number`` with its webhooks set; return a :class:`PurchasedNumber`.
        ``bundle_ref`` and ``address_ref``: the provider's ids of the regulatory
        approval and the address the number is registered under, where the
        country asks for them."""
        raise NotImplementedError

    def release_number(self, sid):
        """Give the number back to the provider (permanent)."""
        raise NotImplementedError

    # Webhooks: the route of ``key`` calls the class methods; the account's
    # provider (an instance) checks the signature with the account's secret.

    def verify_signature(self, url, params, signature):
        """True when ``signature`` signs ``url`` + ``params`` with the account's secret."""
        raise NotImplementedError

    def sign(self, url, params):
        """The signature the provider would send with ``params`` posted to ``url``
        (simulated webhooks and tests)."""
        raise NotImplementedError

    @classmethod
    def webhook_identity(cls, kind, params):
        """``(our number, account ref)`` a webhook of ``kind`` (inbound, status,
        voice) names, each possibly empty."""
        raise NotImplementedError

    @classmethod
    def parse_inbound(cls, params):
        """An :class:`InboundMessage`, or raise :class:`PayloadError`."""
        raise NotImplementedError

    @classmethod
    def parse_status(cls, params):
        """A :class:`StatusUpdate`, or raise :class:`PayloadError`."""
        raise NotImplementedError

    @classmethod
    def inbound_payload(cls, sid, account_ref, from_number, to_number, body, media=()):
        """The form the provider posts for an inbound text (simulations, tests)."""
        raise NotImplementedError

    @classmethod
    def inbound_response(cls):
        """The answer to a stored inbound text (replies go through the API)."""
        return WebhookResponse(status=204)

    @classmethod
    def status_response(cls):
        return WebhookResponse(status=204)

    @classmethod
    def voice_response(cls, text, language):
        """The answer to a call: say ``text`` and hang up (None: not supported)."""
        return None
