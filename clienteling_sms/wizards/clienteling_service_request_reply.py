from odoo import api, fields, models
from odoo.exceptions import UserError


class ClientelingServiceRequestReply(models.TransientModel):
    """Reply to a request by text: open the customer's existing conversation or
    start one from the associate's (else the store's) number; a preview of the
    request goes in the chat, which opens."""

    _name = "clienteling.service.request.reply"
    _description = "Reply to a Request by Text"

    request_id = fields.Many2one("clienteling.service.request", required=True, ondelete="cascade")
    # what the user may do, computed from the request (never taken from the client)
    conversation_id = fields.Many2one(
        "clienteling.conversation", string="Existing Conversation", compute="_compute_options"
    )
    phone_number_id = fields.Many2one(
        "clienteling.phone.number", string="New Conversation From", compute="_compute_options"
    )
    can_start_new = fields.Boolean(compute="_compute_options")
    choice = fields.Selection(
        [
            ("existing", "Open the existing conversation"),
            ("new", "Start a new conversation"),
        ],
        required=True,
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        request_id = values.get("request_id") or self.env.context.get("default_request_id")
        if "choice" in fields_list and request_id:
            request = self.env["clienteling.service.request"].browse(request_id)
            existing = request._clienteling_reply_options()[1]
            values["choice"] = "existing" if existing else "new"
        return values

    @api.depends("request_id")
    def _compute_options(self):
        for wizard in self:
            number, existing = wizard.request_id._clienteling_reply_options()
            wizard.conversation_id = existing
            wizard.phone_number_id = number
            # a new conversation from the number the existing one uses would be that one
            wizard.can_start_new = bool(number) and (
                not existing
                or existing.phone_number_id != number
                or existing.customer_number != wizard.request_id.mobile
            )

    def action_confirm(self):
        self.ensure_one()
        request = self.request_id
        request._check_can_reply_by_text()
        number, existing = request._clienteling_reply_options()
        if self.choice == "existing":
            if not existing:
                raise UserError(
                    self.env._("%s has no conversation with your store yet.", request.customer_name)
                )
            conversation = existing
        else:
            if not number:
                raise UserError(
                    self.env._(
                        "%s has no clienteling number yet: onboard it first.",
                        request.store_id.name,
                    )
                )
            conversation = request._clienteling_start_conversation(number)
        conversation.check_access("write")
        if request.state == "new_lead":
            # answering a New Lead takes it (the first accept wins)
            request.action_accept()
        if not conversation._request_card_posted(request):
            # answered again: the chat already shows the request
            conversation._post_request_card(request)
        return conversation.action_open_chat()
