import hashlib
import json
import logging

from odoo import api, fields, models

from odoo.addons.clienteling_sms.tools.provider import ProviderError, WebhookRefused

_logger = logging.getLogger(__name__)


class ClientelingComplianceEvent(models.Model):
    """A provider's status callback about an application, kept as received
    (signature verified) before it is acted on; a replay of the same call is
    recognised and changes nothing."""

    _name = "clienteling.compliance.event"
    _description = "Compliance Status Callback"
    _order = "id desc"

    application_id = fields.Many2one(
        "clienteling.compliance.application", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="application_id.company_id", store=True)
    payload = fields.Json(readonly=True)
    digest = fields.Char(required=True, readonly=True)
    processed = fields.Boolean(readonly=True)

    _sql_constraints = [("digest_uniq", "unique(digest)", "This callback was already received.")]

    @api.model
    def _handle_callback(self, provider_key, application_id, path, params, headers):
        """Handle a status callback as its route does (as superuser): the
        application's account checks the signature before anything is stored.
        Returns the stored event (empty for a replay); raises WebhookRefused."""
        Account = self.env["clienteling.sms.account"]
        if provider_key not in Account._fields["provider"].get_values(self.env):
            raise WebhookRefused(404, "no provider of that name")
        application = self.env["clienteling.compliance.application"].browse(application_id).exists()
        if not application or not application.account_id.active:
            raise WebhookRefused(404, "no such application")
        account = application.account_id
        provider = account._get_provider()
        if provider_key not in provider.webhook_keys:
            raise WebhookRefused(403, "an application of another provider")
        url = account.webhook_base_url.rstrip("/") + path
        signature = headers.get(provider.signature_header or "", "")
        if not provider.verify_signature(url, params, signature):
            raise WebhookRefused(403, f"a missing or wrong signature ({path})")
        form = params.to_dict() if hasattr(params, "to_dict") else dict(params)
        account_ref = form.get("AccountSid")
        if account_ref and account_ref != account._provider_account_ref():
            raise WebhookRefused(403, "the account it names is not the application's")
        digest = hashlib.sha256(
            json.dumps([path, sorted(form.items()), signature]).encode()
        ).hexdigest()
        if self.search_count([("digest", "=", digest)], limit=1):
            return self.browse()  # a replay: nothing changes
        event = self.create({"application_id": application.id, "payload": form, "digest": digest})
        event._process()
        return event

    def _process(self):
        for event in self:
            try:
                with self.env.cr.savepoint():
                    event.application_id._receive_status_callback(event.payload or {})
                    event.processed = True
            except ProviderError as error:
                # the status poll asks the provider again later
                _logger.warning("Compliance callback %s not processed: %s", event.id, error)
