import logging
from collections import defaultdict, namedtuple

from odoo import fields, models
from odoo.exceptions import MissingError
from odoo.tools import SQL

from odoo.addons.clienteling.tools.phone import PhoneNumberError, to_e164
from odoo.addons.sms.models.sms_sms import SmsSms as OdooSmsSms

from ..tools.provider import ProviderError

try:  # Odoo 18.0 builds from mid-2025 on: a pluggable SMS API
    from odoo.addons.sms.tools.sms_api import SmsApiBase
except ImportError:  # earlier builds: sms.sms._send calls Odoo's IAP gateway itself
    SmsApiBase = None

_logger = logging.getLogger(__name__)

# Whether Odoo chooses the sending API per SMS (``sms.sms._split_by_api``, as
# Odoo's own ``sms_twilio`` uses): then Odoo's SMS reach our account by that
# hook, else by the override of ``_send`` below.
ODOO_SMS_HOOK = SmsApiBase is not None and hasattr(OdooSmsSms, "_split_by_api")

# Kinds of provider errors (tools.provider.REASON_KINDS) -> sms.sms failure types
# (the rest are server errors).
FAILURE_TYPES = {
    "invalid_number": "sms_number_format",
    "not_sms_capable": "sms_number_format",
    "country_not_enabled": "sms_country_not_supported",
    "opted_out": "sms_optout",
    "credentials_refused": "sms_acc",
    "sender_unregistered": "sms_registration_needed",
}

# How SMS of one company go: through ``account`` (or Odoo's own gateway when
# empty) for ``to_send``; ``refused`` are opted out of ``refused_by`` (a store or
# company name) and go nowhere.
SmsRoute = namedtuple("SmsRoute", "company_id account to_send refused refused_by")


class ClientelingSmsApi(SmsApiBase or object):
    """Odoo's SMS API over a clienteling account: each SMS goes to the account's
    provider from its "Sender for Odoo SMS". Without an account, it refuses
    every SMS as opted out of ``refused_by`` (consent gate, no sending).

    Newer Odoo builds call it from ``sms.sms._send_with_api``; on earlier ones
    our ``_send`` override calls it and applies the results the same way."""

    PROVIDER_TO_SMS_FAILURE_TYPE = {
        "server_error": "sms_server",
        "sms_server": "sms_server",
        **{failure_type: failure_type for failure_type in FAILURE_TYPES.values()},
    }

    def __init__(self, env, account=None, refused_by=None, raise_exception=False):
        self.env = env
        self.company = env.company
        self.account = account
        self.refused_by = refused_by
        self.raise_exception = raise_exception

    def _set_company(self, company):
        self.company = company

    def _get_sms_api_error_messages(self):
        return {}

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        """Odoo's batch format (``[{content, numbers: [{uuid, number}]}]``) in,
        one result per number out (``{uuid, state[, failure_reason]}``)."""
        if self.refused_by is not None:
            failure_reason = self.env._(
                "The customer opted out of texts from %s (STOP): nothing was sent.",
                self.refused_by,
            )
            _logger.info(
                "%s SMS not sent: the numbers opted out",
                sum(len(message["numbers"]) for message in messages),
            )
            return [
                {
                    "uuid": number["uuid"],
                    "state": "sms_optout",
                    "failure_reason": failure_reason,
                    "clienteling": True,
                }
                for message in messages
                for number in message["numbers"]
            ]
        provider = self.account._get_provider()
        sender = self.account._odoo_sms_sender().number or None
        results = []
        for message in messages:
            for number in message["numbers"]:
                try:
                    provider.send(number["number"], sender, message["content"] or "")
                except ProviderError as error:
                    _logger.info("SMS refused by the provider: %s", error.code)
                    if self.raise_exception:
                        raise
                    results.append(
                        {
                            "uuid": number["uuid"],
                            "state": FAILURE_TYPES.get(error.kind or "", "sms_server"),
                            "failure_reason": self.account._provider_error_reason(error),
                            "clienteling": True,
                        }
                    )
                else:
                    results.append({"uuid": number["uuid"], "state": "success"})
        return results


class SmsSms(models.Model):
    """Odoo's own SMS (Send SMS, the SMS button of phone fields, templates,
    automated actions, SMS marketing, ``sms.sms`` created by code) go out through
    the company's clienteling account when it has a sender for them, instead of
    Odoo's gateway (IAP, or the provider of Odoo's ``sms_twilio``), and never to a
    number opted out of the sending number's store.

    On Odoo builds with ``_split_by_api`` this is done by that hook (and this
    module, loaded after ``sms_twilio`` in Odoo's module graph, takes its share
    first); on earlier builds by overriding ``_send``."""

    _inherit = "sms.sms"

    clienteling_failure_reason = fields.Char(
        string="Failure Reason", readonly=True, copy=False, help="Why Clienteling did not send it."
    )

    def _clienteling_routes(self):
        """How these SMS go, one :data:`SmsRoute` per company they are sent for:
        through the company's account when it has a sender for Odoo's SMS, else
        through Odoo's gateway; in a company that texts through Clienteling,
        never to a number opted out of the sender's store (of any of its stores
        when Odoo's gateway sends: no store speaks for it)."""
        Account = self.env["clienteling.sms.account"]
        companies = self._clienteling_companies()
        by_company = defaultdict(list)
        for sms in self:
            by_company[companies[sms.id]].append(sms.id)
        routes = []
        for company_id, sms_ids in by_company.items():
            records = self.browse(sms_ids)
            account = Account._odoo_sms_account(company_id)
            refused, refused_by = records.browse(), None
            if account:
                sender = account._odoo_sms_sender()
                refused = records._clienteling_opted_out(account.company_id.id, sender)
                store = sender._sender_store() if sender else None
                refused_by = store.name if store else account.company_id.name
            elif Account._company_has_account(company_id):
                refused = records._clienteling_opted_out(company_id, None)
                refused_by = self.env["res.company"].browse(company_id).name
            routes.append(SmsRoute(company_id, account, records - refused, refused, refused_by))
        return routes

    def _split_by_api(self):
        """Newer Odoo builds: which API sends which SMS. Our share first (our
        accounts, and the consent gate), the rest to Odoo's choice (``super``)."""
        through_odoo = self.browse()
        for route in self._clienteling_routes():
            if route.refused:
                yield ClientelingSmsApi(self.env, refused_by=route.refused_by), route.refused
            if route.account and route.to_send:
                yield ClientelingSmsApi(self.env, account=route.account), route.to_send
            elif not route.account:
                through_odoo |= route.to_send
        if through_odoo:
            yield from super(SmsSms, through_odoo)._split_by_api()

    def _handle_call_result_hook(self, results):
        """Newer Odoo builds: keep our reasons of failures, as the override does."""
        reasons = {
            r["uuid"]: r["failure_reason"]
            for r in results
            if r.get("clienteling") and r.get("failure_reason")
        }
        for sms in self.filtered(lambda sms: sms.uuid in reasons and sms.state == "error"):
            sms.clienteling_failure_reason = reasons[sms.uuid]
        return super()._handle_call_result_hook(results)

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        if ODOO_SMS_HOOK:
            if self.env.context.get("sms_api"):  # chosen by send() through _split_by_api
                return super()._send(
                    unlink_failed=unlink_failed,
                    unlink_sent=unlink_sent,
                    raise_exception=raise_exception,
                )
            # called directly: choose as send() does, never Odoo's default alone
            for sms_api, records in self._split_by_api():
                super(SmsSms, records.with_context(sms_api=sms_api))._send(
                    unlink_failed=unlink_failed,
                    unlink_sent=unlink_sent,
                    raise_exception=raise_exception,
                )
            return None
        through_odoo = self.browse()
        for route in self._clienteling_routes():
            if route.refused:
                api = ClientelingSmsApi(self.env, refused_by=route.refused_by)
                route.refused._clienteling_send_with(api, unlink_failed, unlink_sent)
            if route.account and route.to_send:
                api = ClientelingSmsApi(
                    self.env, account=route.account, raise_exception=raise_exception
                )
                route.to_send._clienteling_send_with(api, unlink_failed, unlink_sent)
            elif not route.account:
                through_odoo |= route.to_send
        if not through_odoo:
            return None
        return super(SmsSms, through_odoo)._send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            raise_exception=raise_exception,
        )

    def _clienteling_send_with(self, api, unlink_failed, unlink_sent):
        """Earlier Odoo builds: send through ``api`` (a :class:`ClientelingSmsApi`)
        and apply its results as newer builds' ``_send_with_api`` does."""
        all_sms = self.sudo().with_context(sms_skip_msg_notification=True)
        messages = [
            {
                "content": body,
                "numbers": [{"number": sms.number, "uuid": sms.uuid} for sms in records],
            }
            for body, records in all_sms.grouped("body").items()
        ]
        results = api._send_sms_batch(messages)
        by_uuid = {sms.uuid: sms for sms in all_sms}
        sent = all_sms.browse()
        failed = defaultdict(all_sms.browse)
        for result in results:
            if result["state"] == "success":
                sent |= by_uuid[result["uuid"]]
            else:
                key = (
                    api.PROVIDER_TO_SMS_FAILURE_TYPE.get(result["state"], "sms_server"),
                    result.get("failure_reason"),
                )
                failed[key] |= by_uuid[result["uuid"]]
        for (failure_type, failure_reason), records in failed.items():
            records.sms_tracker_id._action_update_from_sms_state(
                "error", failure_type=failure_type, failure_reason=failure_reason
            )
            records.write(
                {
                    "state": "error",
                    "failure_type": failure_type,
                    "clienteling_failure_reason": failure_reason,
                    **({"to_delete": True} if unlink_failed else {}),
                }
            )
        if sent:
            sent.sms_tracker_id._action_update_from_sms_state("pending")
            sent.write(
                {
                    "state": "pending",
                    "failure_type": False,
                    "clienteling_failure_reason": False,
                    **({"to_delete": True} if unlink_sent else {}),
                }
            )
        all_sms.mail_message_id._notify_message_notification_update()

    def _clienteling_companies(self):
        """{sms id: company id} the SMS are sent for: their document's company,
        else the current company. Reads each document model once (usually from
        the cache: the document was just posted on)."""
        default = self.env.company.id
        documents = defaultdict(set)
        for sms in self.sudo():
            message = sms.mail_message_id
            if message.model and message.res_id and message.model in self.env:
                documents[message.model].add(message.res_id)
        companies = {}
        for model, res_ids in documents.items():
            field = self.env[model]._fields.get("company_id")
            if not field or field.type != "many2one" or field.comodel_name != "res.company":
                continue
            records = self.env[model].sudo().with_context(active_test=False).browse(res_ids)
            records.fetch(["company_id"])
            for record in records:
                try:
                    companies[model, record.id] = record.company_id.id
                except MissingError:  # deleted since: the current company sends
                    continue
        result = {}
        for sms in self.sudo():
            message = sms.mail_message_id
            result[sms.id] = companies.get((message.model, message.res_id)) or default
        return result

    def _clienteling_numbers(self, region):
        """{sms id: E.164 numbers it may be} (read with ``region`` and with the
        recipient's country: the same number either way for full numbers)."""
        result = {}
        for sms in self:
            numbers = set()
            for default_region in {region, sms.partner_id.country_id.code or None}:
                try:
                    numbers.add(to_e164(sms.number, default_region))
                except PhoneNumberError:
                    continue
            result[sms.id] = numbers
        return result

    def _clienteling_opted_out(self, company_id, sender):
        """The SMS of these whose number's newest consent for the sending number's
        store is an opt-out (for any store of the company when the sender speaks
        for no store), whoever the number belongs to. One query for the batch."""
        store = sender._sender_store() if sender else self.env["clienteling.store"]
        numbers = self._clienteling_numbers(store.country_id.code or None)
        every_number = set().union(*numbers.values()) if numbers else set()
        if not every_number:
            return self.browse()
        if not self.env.context.get("clienteling_sms_processing"):
            # a STOP received but still waiting for the processing cron holds already
            self.env["clienteling.sms.event"].sudo()._process_pending_from(every_number)
        Consent = self.env["clienteling.consent"].sudo()
        Consent.flush_model(["channel", "address", "store_id", "company_id", "state", "date"])
        scope = SQL("store_id = %s", store.id) if store else SQL("company_id = %s", company_id)
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (address, store_id) address, state
                  FROM clienteling_consent
                 WHERE channel = 'sms' AND address IN %(numbers)s AND %(scope)s
              ORDER BY address, store_id, date DESC, id DESC
                """,
                numbers=tuple(every_number),
                scope=scope,
            )
        )
        out = {address for address, state in self.env.cr.fetchall() if state == "opted_out"}
        return self.filtered(lambda sms: numbers[sms.id] & out)
