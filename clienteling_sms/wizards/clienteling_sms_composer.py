from odoo import api, fields, models

from ..tools import segments


class ClientelingSmsComposer(models.TransientModel):
    """Write a text: quick reply picker, characters and segments, images."""

    _name = "clienteling.sms.composer"
    _description = "Write a Text"

    conversation_id = fields.Many2one("clienteling.conversation", required=True, ondelete="cascade")
    consent_state = fields.Selection(related="conversation_id.consent_state")
    quick_reply_id = fields.Many2one(
        "clienteling.quick.reply", domain="[('kind', '=', 'quick_reply')]"
    )
    body = fields.Text(string="Message")
    attachment_ids = fields.Many2many("ir.attachment", string="Images")
    encoding = fields.Char(compute="_compute_counter")
    char_count = fields.Integer(string="Characters", compute="_compute_counter")
    segment_count = fields.Integer(string="Segments", compute="_compute_counter")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        conversation = self.env["clienteling.conversation"].browse(values.get("conversation_id"))
        conversation.check_access("read")
        if (
            conversation
            and conversation.consent_state in ("none", "pending")
            and "body" in fields_list
        ):
            values["body"] = conversation._render_opt_in(self.env.user.employee_id)
        return values

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
            conversation = self.conversation_id
            partner = conversation.partner_id or self.env["res.partner"].new({"name": ""})
            self.body = self.quick_reply_id._render(
                partner, self.env.user.employee_id, conversation.store_id
            )

    def action_send(self):
        self.ensure_one()
        self.conversation_id.check_access("write")
        self._send_text()
        return {"type": "ir.actions.act_window_close"}

    def _send_text(self):
        """Send the text (access to the conversation checked); the
        ``clienteling.sms.message`` sent."""
        return self.conversation_id._send_message(self.body, media=self.attachment_ids)
