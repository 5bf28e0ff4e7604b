import logging
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import MissingError
from odoo.tools import SQL

from odoo.addons.clienteling.tools.phone import PhoneNumberError, to_e164

from ..tools.provider import ProviderError

_logger = logging.getLogger(__name__)

# Provider error codes -> sms.sms failure types (the rest are server errors).
FAILURE_TYPES = {
    "21211": "sms_number_format",
    "21614": "sms_number_format",
    "21408": "sms_country_not_supported",
    "21610": "sms_optout",
    "20003": "sms_acc",
    "30034": "sms_registration_needed",
}


class SmsSms(models.Model):
    """Odoo's own SMS (Send SMS, the SMS button of phone fields, templates,
    automated actions, SMS marketing, ``sms.sms`` created by code) go out through
    the company's clienteling account when it has a sender for them, instead of
    Odoo's IAP, and never to a number opted out of the sending number's store."""

    _inherit = "sms.sms"

    clienteling_failure_reason = fields.Char(
        string="Failure Reason", readonly=True, copy=False, help="Why Clienteling did not send it."
    )

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        through_odoo = self.browse()
        Account = self.env["clienteling.sms.account"]
        companies = self._clienteling_companies()
        by_company = defaultdict(list)
        for sms in self:
            by_company[companies[sms.id]].append(sms.id)
        for company_id, sms_ids in by_company.items():
            records = self.browse(sms_ids)
            account = Account._odoo_sms_account(company_id)
            if account:
                records._clienteling_send(account, unlink_failed, unlink_sent, raise_exception)
                continue
            # Odoo's gateway sends them: in a company that texts through Clienteling,
            # still never to a number opted out of any of its stores (no store
            # speaks for Odoo's sender)
            opted_out = records.browse()
            if Account._company_has_account(company_id):
                opted_out = records._clienteling_opted_out(company_id, None)
            if opted_out:
                company = self.env["res.company"].browse(company_id)
                opted_out.sudo()._clienteling_refuse(company.name, unlink_failed)
                opted_out.mail_message_id._notify_message_notification_update()
            through_odoo |= records - opted_out
        if not through_odoo:
            return None
        return super(SmsSms, through_odoo)._send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            raise_exception=raise_exception,
        )

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

    def _clienteling_send(self, account, unlink_failed, unlink_sent, raise_exception):
        """Send through ``account``: nothing to numbers opted out of the sender's
        store (``sms_optout`` failure with its reason), the rest to the provider."""
        sender = account._odoo_sms_sender()
        all_sms = self.sudo().with_context(sms_skip_msg_notification=True)
        opted_out = all_sms._clienteling_opted_out(account.company_id.id, sender)
        if opted_out:
            store = sender._sender_store() if sender else None
            opted_out._clienteling_refuse(
                store.name if store else account.company_id.name, unlink_failed
            )
        provider = account._get_provider() if all_sms - opted_out else None
        sent = all_sms.browse()
        for sms in all_sms - opted_out:
            try:
                provider.send(sms.number, sender.number or None, sms.body or "")
            except ProviderError as error:
                _logger.info("SMS %s refused by the provider: %s", sms.id, error.code)
                if raise_exception:
                    raise
                failure_type = FAILURE_TYPES.get(error.code or "", "sms_server")
                sms.sms_tracker_id._action_update_from_sms_state(
                    "error", failure_type=failure_type, failure_reason=error.reason
                )
                sms.write(
                    {
                        "state": "error",
                        "failure_type": failure_type,
                        "clienteling_failure_reason": error.reason,
                        **({"to_delete": True} if unlink_failed else {}),
                    }
                )
            else:
                sent |= sms
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

    def _clienteling_refuse(self, sender_name, unlink_failed):
        """Fail these SMS as opted out (``sms_optout``) with the reason, unsent."""
        reason = self.env._(
            "The customer opted out of texts from %s (STOP): nothing was sent.", sender_name
        )
        _logger.info("%s SMS not sent: the numbers opted out", len(self))
        self.sms_tracker_id._action_update_from_sms_state(
            "error", failure_type="sms_optout", failure_reason=reason
        )
        self.write(
            {
                "state": "error",
                "failure_type": "sms_optout",
                "clienteling_failure_reason": reason,
                **({"to_delete": True} if unlink_failed else {}),
            }
        )

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
