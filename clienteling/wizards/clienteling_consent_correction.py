from odoo import api, fields, models

from ..models.clienteling_consent import CONSENT_STATES


class ClientelingConsentCorrection(models.TransientModel):
    """A system administrator corrects a customer's consent (e.g. ends an opt-out
    recorded by mistake): a new ``correction`` row with the written reason; the
    ledger keeps every earlier row."""

    _name = "clienteling.consent.correction"
    _description = "Correct a Consent"

    consent_id = fields.Many2one("clienteling.consent", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="consent_id.partner_id")
    address = fields.Char(related="consent_id.address")
    store_id = fields.Many2one(related="consent_id.store_id")
    current_state = fields.Selection(related="consent_id.state", string="Recorded State")
    state = fields.Selection(CONSENT_STATES, string="Correct State", required=True)
    reason = fields.Text(
        required=True, help="Why the recorded consent no longer holds; kept in the ledger."
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards.consent_id.check_access("read")
        return wizards

    def action_correct(self):
        self.ensure_one()
        consent = self.consent_id
        consent.check_access("read")
        correction = self.env["clienteling.consent"].create(
            {
                "partner_id": consent.partner_id.id,
                "channel": consent.channel,
                "address": consent.address,
                "store_id": consent.store_id.id,
                "state": self.state,
                "source": "correction",
                "reason": self.reason,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "clienteling.consent",
            "res_id": correction.id,
            "view_mode": "form",
        }
