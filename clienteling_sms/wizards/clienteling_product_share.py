from odoo import api, fields, models

from ..models.clienteling_conversation import CONSENT_STATES


class ClientelingProductShare(models.TransientModel):
    """Share products in a text conversation: a short link to each, the first
    product's image where the number sends pictures."""

    _name = "clienteling.product.share"
    _description = "Share Products"

    conversation_id = fields.Many2one(
        "clienteling.conversation", required=True, readonly=True, ondelete="cascade"
    )
    consent_state = fields.Selection(CONSENT_STATES, compute="_compute_consent_state")
    mms_capable = fields.Boolean(compute="_compute_consent_state")
    product_ids = fields.Many2many(
        "product.product",
        "clienteling_product_share_product_rel",
        string="Products",
        domain="[('sale_ok', '=', True)]",
    )
    body = fields.Text(string="Message", help="Written before the links.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        conversation = self.env["clienteling.conversation"].browse(values.get("conversation_id"))
        conversation.check_access("write")
        return values

    @api.depends("conversation_id")
    def _compute_consent_state(self):
        for wizard in self:
            conversation = wizard.conversation_id
            wizard.consent_state = (conversation._consent_state() if conversation else False) or (
                "none"
            )
            wizard.mms_capable = conversation.phone_number_id.mms_capable

    def action_share(self):
        self.ensure_one()
        self.conversation_id._share_products(self.product_ids, self.body)
        return {"type": "ir.actions.act_window_close"}
