from odoo import fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    clienteling_conversation_ids = fields.One2many(
        "clienteling.conversation",
        "partner_id",
        string="Text Conversations",
        groups="clienteling.group_clienteling_associate",
    )
    clienteling_conversation_count = fields.Integer(
        compute="_compute_clienteling_conversation_count",
        groups="clienteling.group_clienteling_associate",
    )

    def _compute_clienteling_conversation_count(self):
        counts = dict(
            self.env["clienteling.conversation"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.clienteling_conversation_count = counts.get(partner, 0)

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
        conversation = self.env["clienteling.conversation"]._open_for_partner(self, number)
        return {
            "type": "ir.actions.act_window",
            "res_model": "clienteling.conversation",
            "res_id": conversation.id,
            "view_mode": "form",
        }

    def action_view_clienteling_conversations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling_sms.clienteling_conversation_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        return action
