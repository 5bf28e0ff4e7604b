"""Test helpers of clienteling_sms, for its tests and for other addons' tests.

``mock_sms_provider()`` captures every text that would reach an SMS provider,
for any account and any provider (Twilio, the sandbox, a provider of another
addon), without network, the way Odoo's ``MockSMS`` and OCA queue_job's
``trap_jobs`` do::

    from odoo.addons.clienteling_sms.tests.common import mock_sms_provider

    with mock_sms_provider() as texts:
        conversation._send_message("Your coat is ready")
    texts.assertTextSent("+12125550142", body="Your coat is ready")
    texts.assertNoTextSent("+33612345670")

Inside the block, ``account._get_provider()`` returns the real provider, except
that ``send`` records a :class:`SentText` and answers with a new message id and
``status`` (``"queued"`` unless told); ``texts.fail(number, kind=...)`` makes
the next texts to ``number`` fail as the provider would (a ``ProviderError``
whose kind is one of ``tools.provider.REASON_KINDS``). Odoo's own SMS sent by
Odoo's gateway (a company without a clienteling account) never reach a
provider of ours: use Odoo's ``MockSMS`` for those.

``simulate_inbound(number_or_account, from_number, body)`` makes a customer text
one of our numbers through the path a real webhook takes: the provider's own
request, signed with the account's secret, checked and stored by the webhook
handling of the route, then processed as the cron does (``process=False``
leaves it pending). It returns the stored event.

``ClientelingSmsCase`` is the core's test case with a sandbox account and
numbers for its two stores.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest.mock import patch

from odoo.addons.clienteling.tests.common import ClientelingCase

from ..models.clienteling_sms_account import ClientelingSmsAccount
from ..tools.provider import ProviderError, SendResult
from ..tools.sandbox import new_sid


@dataclass
class SentText:
    """A text that reached a provider (inside ``mock_sms_provider``)."""

    account: object  # clienteling.sms.account (superuser)
    provider: str  # the account's provider key
    to: str
    from_number: str
    body: str
    media_urls: list = field(default_factory=list)
    status_callback: str = ""
    sid: str = ""


class SmsProviderTrap:
    """What ``mock_sms_provider()`` yields: the captured texts and assertions."""

    def __init__(self, status="queued"):
        self.status = status
        self.texts = []
        self._failures = {}

    def fail(self, number, kind="unreachable", code="trap", message="Refused by the test"):
        """Texts to ``number`` fail from now on, as the provider refusing them."""
        self._failures[number] = (kind, code, message)

    def texts_to(self, number):
        return [text for text in self.texts if text.to == number]

    def reset(self):
        self.texts.clear()

    def _send(self, account, to, from_, body, media_urls=(), status_callback=None):
        if to in self._failures:
            kind, code, message = self._failures[to]
            raise ProviderError(message, code=code, kind=kind)
        text = SentText(
            account=account,
            provider=account.provider,
            to=to,
            from_number=from_ or "",
            body=body,
            media_urls=list(media_urls or ()),
            status_callback=status_callback or "",
            sid=new_sid(),
        )
        self.texts.append(text)
        return SendResult(sid=text.sid, status=self.status)

    def _describe(self):
        return "\n".join(f"  to {t.to} from {t.from_number}: {t.body!r}" for t in self.texts) or (
            "  (none)"
        )

    def assertTextSent(self, number, body=None, *, contains=None, from_number=None, account=None):
        """At least one text went to ``number`` (as it reached the provider) with, when given, exactly
        ``body``, a body containing ``contains``, from ``from_number``, through
        ``account``. Returns the matching :class:`SentText` list."""
        found = [
            text
            for text in self.texts_to(number)
            if (body is None or text.body == body)
            and (contains is None or contains in text.body)
            and (from_number is None or text.from_number == from_number)
            and (account is None or text.account.id == account.id)
        ]
        if not found:
            raise AssertionError(
                f"No text to {number} matching body={body!r} contains={contains!r} "
                f"from={from_number!r} account={account and account.name!r}; texts sent:\n"
                + self._describe()
            )
        return found

    def assertNoTextSent(self, number=None):
        """No text went to ``number`` (to anyone when None)."""
        sent = self.texts_to(number) if number else self.texts
        if sent:
            raise AssertionError(f"Texts sent to {number or 'someone'}:\n" + self._describe())


class _TrappedProvider:
    """The account's real provider, whose ``send`` the trap answers."""

    def __init__(self, provider, account, trap):
        self._provider = provider
        self._account = account
        self._trap = trap

    def send(self, to, from_, body, media_urls=(), status_callback=None):
        return self._trap._send(self._account, to, from_, body, media_urls, status_callback)

    def __getattr__(self, name):
        return getattr(self._provider, name)


@contextmanager
def mock_sms_provider(status="queued"):
    """Capture what would reach SMS providers; yields a :class:`SmsProviderTrap`."""
    trap = SmsProviderTrap(status)
    get_provider = ClientelingSmsAccount._get_provider

    def _get_provider(account):
        return _TrappedProvider(get_provider(account), account.sudo(), trap)

    with patch.object(ClientelingSmsAccount, "_get_provider", _get_provider):
        yield trap


def simulate_inbound(number_or_account, from_number, body, media=(), sid=None, process=True):
    """``from_number`` texts ``body`` to ``number_or_account``: a
    ``clienteling.phone.number``, or a ``clienteling.sms.account`` (its sender for
    Odoo's SMS, else its first number in service). ``media``: ``[(url,
    content_type)]``. Goes through the webhook handling of the account's route
    (signature, checks, storage), then processing unless ``process`` is False.
    Returns the stored ``clienteling.sms.event`` (empty for a replayed ``sid``)."""
    record = number_or_account.sudo()
    if record._name == "clienteling.sms.account":
        number = (
            record._odoo_sms_sender()
            or record.number_ids.filtered(lambda n: n.state != "released")[:1]
        )
        account = record
    else:
        number, account = record, record.account_id
    if not number:
        raise ValueError(f"{account.name} has no number in service to text.")
    return account._simulate_inbound(
        number.number, from_number, body, media=media, sid=sid, process=process
    )


class ClientelingSmsCase(ClientelingCase):
    """The core's two stores (New York, Paris) with a sandbox account, a store
    number each, and a personal number for the New York associate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        existing = cls.env["clienteling.sms.account"].search([("company_id", "=", cls.company.id)])
        existing.write({"active": False})
        existing.flush_recordset()
        cls.account = cls.env["clienteling.sms.account"].create(
            {
                "name": "Test sandbox",
                "provider": "sandbox",
                "webhook_base_url": "https://shop.example.com",
                # quiet hours have their own tests (TestSending): here texts go at any hour
                "quiet_hours_start": 0,
                "quiet_hours_end": 24,
            }
        )
        Number = cls.env["clienteling.phone.number"]
        cls.number_a = Number.create(
            {"number": "+12125550170", "account_id": cls.account.id, "mms_capable": True}
        )
        cls.number_b = Number.create({"number": "+33612345670", "account_id": cls.account.id})
        cls.number_personal = Number.create(
            {"number": "+12125550171", "account_id": cls.account.id}
        )
        cls.number_a._assign(store=cls.store_a)
        cls.number_b._assign(store=cls.store_b)
        cls.number_personal._assign(employee=cls.employee_a)
        cls.Conversation = cls.env["clienteling.conversation"]
        cls.Event = cls.env["clienteling.sms.event"]

    def _inbound(self, body, from_="+12125550142", to="+12125550170", sid=None, **extra):
        params = {
            "MessageSid": sid or new_sid(),
            "AccountSid": self.account._provider_account_ref(),
            "From": from_,
            "To": to,
            "Body": body,
            "NumMedia": "0",
            **extra,
        }
        return self.Event.sudo()._receive("inbound", self.account, params)

    def _conversation(self, number=None, customer=None):
        return self.Conversation._open_for_partner(
            customer or self.customer_a, number or self.number_a
        )

    def _opt_in(self, conversation):
        conversation._record_consent("opted_in", "keyword", "YES")

    def _outbound(self, conversation):
        return conversation.sms_message_ids.filtered(lambda m: m.direction == "outbound")
