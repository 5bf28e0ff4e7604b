import logging

from odoo import models

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
    """Odoo's own SMS (Send SMS, templates, SMS marketing) go out through the
    company's clienteling account when it has one, instead of Odoo's IAP."""

    _inherit = "sms.sms"

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        Account = self.env["clienteling.sms.account"]
        through_odoo = self.browse()
        for company, records in self.grouped(lambda sms: sms._clienteling_company()).items():
            account = Account._for_company(company)
            if account:
                records._clienteling_send(account, unlink_failed, unlink_sent, raise_exception)
            else:
                through_odoo |= records
        if not through_odoo:
            return None
        return super(SmsSms, through_odoo)._send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            raise_exception=raise_exception,
        )

    def _clienteling_company(self):
        """The company an SMS is sent for: its document's, else the sender's."""
        self.ensure_one()
        message = self.sudo().mail_message_id
        if message.model and message.res_id and message.model in self.env:
            document = self.env[message.model].sudo().browse(message.res_id).exists()
            if document and "company_id" in document._fields and document.company_id:
                return document.company_id
        return self.env.company

    def _clienteling_send(self, account, unlink_failed, unlink_sent, raise_exception):
        provider = account._get_provider()
        sender = account.default_number_id.number or None
        all_sms = self.sudo().with_context(sms_skip_msg_notification=True)
        for sms in all_sms:
            try:
                provider.send(sms.number, sender, sms.body or "")
            except ProviderError as error:
                _logger.info("SMS %s refused by the provider: %s", sms.id, error.code)
                if raise_exception:
                    raise
                failure_type = FAILURE_TYPES.get(error.code or "", "sms_server")
                sms.sms_tracker_id._action_update_from_sms_state("error", failure_type=failure_type)
                sms.write(
                    {
                        "state": "error",
                        "failure_type": failure_type,
                        **({"to_delete": True} if unlink_failed else {}),
                    }
                )
            else:
                sms.sms_tracker_id._action_update_from_sms_state("pending")
                sms.write(
                    {
                        "state": "pending",
                        "failure_type": False,
                        **({"to_delete": True} if unlink_sent else {}),
                    }
                )
        all_sms.mail_message_id._notify_message_notification_update()
