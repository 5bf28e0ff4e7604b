from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.clienteling_conversation import CONSENT_STATES
from ..tools import segments


class ClientelingSmsComposer(models.TransientModel):
    """Write a text: quick reply picker, characters and segments, images."""

    _name = "clienteling.sms.composer"
    _description = "Write a Text"

    conversation_id = fields.Many2one("clienteling.conversation", ondelete="cascade")
    # a new conversation: created only when the text is sent
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    phone_number_id = fields.Many2one(
        "clienteling.phone.number", string="From Number", readonly=True
    )
    consent_state = fields.Selection(CONSENT_STATES, compute="_compute_consent_state")
    quick_reply_id = fields.Many2one(
        "clienteling.quick.reply", domain="[('kind', '=', 'quick_reply')]"
    )
    body = fields.Text(string="Message")
    attachment_ids = fields.Many2many("ir.attachment", string="Images")
    product_ids = fields.Many2many(
        "product.product",
        "clienteling_sms_composer_product_rel",
        string="Share Products",
        domain="[('sale_ok', '=', True)]",
        help="A short link to each product goes with the text, and the first "
        "product's image where the number sends pictures.",
    )
    encoding = fields.Char(compute="_compute_counter")
    char_count = fields.Integer(string="Characters", compute="_compute_counter")
    segment_count = fields.Integer(string="Segments", compute="_compute_counter")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        conversation = self.env["clienteling.conversation"].browse(values.get("conversation_id"))
        conversation.check_access("read")
        partner = self.env["res.partner"].browse(values.get("partner_id"))
        number = self.env["clienteling.phone.number"].browse(values.get("phone_number_id"))
        if not conversation and partner and number:
            partner.check_access("read")
            number.check_access("read")
            conversation = self.env["clienteling.conversation"].new(
                {
                    "partner_id": partner.id,
                    "phone_number_id": number.id,
                    "store_id": number.sudo()._sender_store().id,
                    "company_id": number.company_id.id,
                    "customer_number": partner._clienteling_text_number(),
                }
            )
        if conversation and "body" in fields_list:
            if (conversation._consent_state() or "none") in ("none", "pending"):
                values["body"] = conversation._render_opt_in(self.env.user.employee_id)
        return values

    @api.depends("conversation_id", "partner_id", "phone_number_id")
    def _compute_consent_state(self):
        for composer in self:
            conversation = composer._conversation_or_draft()
            composer.consent_state = (
                conversation._consent_state() if conversation else False
            ) or "none"

    def _conversation_or_draft(self):
        """The conversation, or a draft of the one the first text will create."""
        self.ensure_one()
        if self.conversation_id or not (self.partner_id and self.phone_number_id):
            return self.conversation_id
        number = self.phone_number_id.sudo()
        return (
            self.env["clienteling.conversation"]
            .sudo()
            .new(
                {
                    "partner_id": self.partner_id.id,
                    "phone_number_id": number.id,
                    "store_id": number._sender_store().id,
                    "company_id": number.company_id.id,
                    "customer_number": self.partner_id._clienteling_text_number(),
                }
            )
        )

    @api.depends("body")
    def _compute_counter(self):
        for composer in self:
            figures = segments.describe(composer.body or "")
            composer.encoding = figures["encoding"]
            composer.char_count = figures["length"]
            composer.segment_count = figures["segments"]

    @api.onchange("quick_reply_id")
    def _onchange_quick_reply_id(self):
        if self.quick_reply_id:
            conversation = self._conversation_or_draft()
            partner = conversation.partner_id or self.env["res.partner"].new({"name": ""})
            self.body = self.quick_reply_id._render(
                partner, self.env.user.employee_id, conversation.store_id
            )

    def action_send(self):
        self.ensure_one()
        new = not self.conversation_id
        if new:
            if not (self.partner_id and self.phone_number_id):
                raise UserError(self.env._("Choose the customer to text."))
            # the conversation exists from its first text on
            self.conversation_id = self.env["clienteling.conversation"]._open_for_partner(
                self.partner_id, self.phone_number_id
            )
        self.conversation_id.check_access("write")
        self._send_text()
        if new:
            return self.conversation_id.action_open_chat()
        return {"type": "ir.actions.act_window_close"}

    def _send_text(self):
        """Send the text (access to the conversation checked), with a link to each
        product to share; the ``clienteling.sms.message`` sent."""
        if self.product_ids:
            return self.conversation_id._share_products(
                self.product_ids, self.body, media=self.attachment_ids
            )
        return self.conversation_id._send_message(self.body, media=self.attachment_ids)
