"""The sandbox provider: the whole flow with no provider account.

Outbound messages are "delivered" at once; numbers come from a pool of valid
fake numbers per country. Its webhooks have Twilio's format (the provider
shipped with the product, so a demo runs the code real webhooks run) and are
signed with the account's sandbox secret by the neutral scheme of
``tools.signature``: no Twilio SDK here.
"""

import uuid

import phonenumbers

from .provider import AvailableNumber, PurchasedNumber, SendResult, SmsProvider, register
from .signature import check_form_signature, form_signature
from .twilio_provider import TwilioWebhooks

REF_PREFIX = "SANDBOX"


def new_sid(prefix="SM"):
    return prefix + uuid.uuid4().hex


def number_pool(country_code, count=20, taken=()):
    """Valid, unassigned-looking mobile numbers of ``country_code`` (E.164)."""
    region = country_code.upper()
    example = phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
    )
    if example is None:
        return []
    national = str(example.national_number)
    pool = []
    for index in range(10**4):
        if len(pool) >= count:
            break
        candidate = phonenumbers.PhoneNumber(
            country_code=example.country_code,
            national_number=int(national[:-4] + f"{index:04d}"),
        )
        e164 = phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(candidate) and e164 not in taken:
            pool.append(e164)
    return pool


@register
class SandboxProvider(TwilioWebhooks, SmsProvider):
    key = "sandbox"
    account_fields = {"secret": "sandbox_secret", "account_id": "id"}
    # its own route, and Twilio's (where sandbox numbers were pointed first)
    webhook_keys = ("sandbox", "twilio")

    def __init__(self, secret, account_id=None):
        self.secret = secret
        self.account_id = account_id

    @classmethod
    def account_ref(cls, settings):
        return f"{REF_PREFIX}{settings.get('account_id')}"

    @classmethod
    def account_domain(cls, ref):
        number = ref[len(REF_PREFIX) :] if ref.startswith(REF_PREFIX) else ""
        return [("id", "=", int(number)), ("provider", "=", cls.key)] if number.isdigit() else None

    def send(self, to, from_, body, media_urls=(), status_callback=None):
        return SendResult(sid=new_sid(), status="delivered")

    def check_credentials(self):
        return ""  # no account at a provider to describe

    def sign(self, url, params):
        return form_signature(self.secret, url, params)

    # kept for callers of the first sandbox (the benchmark, tests)
    signature = sign

    def verify_signature(self, url, params, signature):
        return check_form_signature(self.secret, url, params, signature)

    def search_numbers(
        self,
        country_code,
        area_code=None,
        contains=None,
        near_number=None,
        limit=20,
        number_type="local",
        taken=(),
    ):
        return [
            AvailableNumber(
                number=number, region=country_code.upper(), sms=True, mms=True, voice=True
            )
            for number in number_pool(country_code, limit, taken)
        ]

    def purchase_number(
        self,
        number,
        sms_url,
        voice_url,
        status_callback=None,
        bundle_ref=None,
        address_ref=None,
    ):
        return PurchasedNumber(number=number, sid=new_sid("PN"), sms=True, mms=True, voice=True)

    def release_number(self, sid):
        return None
