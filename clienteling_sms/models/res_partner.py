from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The customer's texts, as the current user may see them: computed per user
    # with the conversations' record rules (never from a cache another user filled).
    clienteling_conversation_ids = fields.Many2many(
        "clienteling.conversation",
        compute="_compute_clienteling_conversation_ids",
        compute_sudo=False,
        string="Text Conversations",
        groups="clienteling.group_clienteling_associate",
    )
    clienteling_conversation_count = fields.Integer(
        compute="_compute_clienteling_conversation_ids",
        compute_sudo=False,
        groups="clienteling.group_clienteling_associate",
    )

    # Whether the Text button can work for the current user: the customer has a
    # mobile number and a clienteling number serves the user or the customer's store.
    clienteling_can_text = fields.Boolean(
        compute="_compute_clienteling_can_text",
        compute_sudo=False,
        groups="clienteling.group_clienteling_associate",
    )

    @api.depends("mobile", "phone", "phone_sanitized", "clienteling_store_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_clienteling_can_text(self):
        numbers = self.env["clienteling.phone.number"]
        employee = self.env.user.employee_id
        # the numbers action_clienteling_text looks for, in the same order
        own = bool(
            numbers.search_count(
                [
                    ("state", "=", "assigned"),
                    "|",
                    ("employee_id", "=", employee.id),
                    ("store_id", "=", employee.clienteling_store_id.id),
                ],
                limit=1,
            )
        )
        served = set()
        if not own:
            served = set(
                numbers.search(
                    [
                        ("state", "=", "assigned"),
                        ("store_id", "in", self.clienteling_store_id.ids),
                    ]
                ).store_id.ids
            )
        for partner in self:
            reachable = bool(
                partner.phone_sanitized
                or partner._phone_format(fname="mobile")
                or partner._phone_format(fname="phone")
            )
            partner.clienteling_can_text = reachable and (
                own or partner.clienteling_store_id.id in served
            )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_clienteling_conversation_ids(self):
        conversations = self.env["clienteling.conversation"].search(
            [("partner_id", "in", self.ids)]
        )
        by_partner = conversations.grouped("partner_id")
        for partner in self:
            mine = by_partner.get(partner, conversations.browse())
            partner.clienteling_conversation_ids = mine
            partner.clienteling_conversation_count = len(mine)

    def action_clienteling_text(self):
        """Open (or start) the conversation with this customer on the current
        associate's number, else their store's."""
        self.ensure_one()
        employee = self.env.user.employee_id
        number = self.env["clienteling.phone.number"].search(
            [
                ("state", "=", "assigned"),
                "|",
                ("employee_id", "=", employee.id),
                ("store_id", "=", employee.clienteling_store_id.id),
            ],
            order="employee_id",
            limit=1,
        )
        if not number:
            number = self.env["clienteling.phone.number"].search(
                [("state", "=", "assigned"), ("store_id", "=", self.clienteling_store_id.id)],
                limit=1,
            )
        if not number:
            raise UserError(
                self.env._("Your store has no clienteling number yet: onboard it first.")
            )
        conversation = self.env["clienteling.conversation"].search(
            [
                ("phone_number_id", "=", number.id),
                ("customer_number", "=", self._clienteling_text_number()),
            ],
            limit=1,
        )
        if conversation.channel_id or conversation.sms_message_ids:
            return conversation.action_open_chat()
        # nothing written yet: the composer, which creates the conversation on sending
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write a Text"),
            "res_model": "clienteling.sms.composer",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_conversation_id": conversation.id,
                "default_partner_id": self.id,
                "default_phone_number_id": number.id,
            },
        }

    def _clienteling_text_number(self):
        """The number texts to this customer go to (E.164); an error if none."""
        self.ensure_one()
        number = (
            self.phone_sanitized
            or self._phone_format(fname="mobile")
            or self._phone_format(fname="phone")
        )
        if not number:
            raise UserError(self.env._("%s has no valid mobile number.", self.display_name))
        return number

    def action_view_clienteling_conversations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling_sms.clienteling_conversation_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        return action
