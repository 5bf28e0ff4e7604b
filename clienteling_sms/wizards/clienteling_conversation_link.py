from odoo import api, fields, models
from odoo.exceptions import UserError


class ClientelingConversationLink(models.TransientModel):
    """Add to contacts: link an unknown number's conversation to a customer."""

    _name = "clienteling.conversation.link"
    _description = "Add to Contacts"

    conversation_id = fields.Many2one("clienteling.conversation", required=True, ondelete="cascade")
    customer_number = fields.Char(related="conversation_id.customer_number")
    mode = fields.Selection(
        [
            ("create", "Create a new contact"),
            ("add_number", "Add the number to an existing contact"),
            ("search_name", "Search my contacts by name"),
            ("search_number", "Search my contacts by number"),
        ],
        required=True,
        default="create",
    )
    name = fields.Char(string="New Contact Name")
    partner_id = fields.Many2one("res.partner", string="Contact")
    search_name = fields.Char()
    candidate_ids = fields.Many2many(
        "res.partner", compute="_compute_candidate_ids", string="Matches"
    )

    @api.depends("mode", "search_name", "customer_number")
    def _compute_candidate_ids(self):
        Partner = self.env["res.partner"]
        Partner.flush_model(["phone", "mobile"])  # the number search reads the columns directly
        for wizard in self:
            if wizard.mode == "search_name" and wizard.search_name:
                wizard.candidate_ids = Partner.search(
                    [("name", "ilike", wizard.search_name)], limit=20
                )
            elif wizard.mode == "search_number":
                wizard.candidate_ids = Partner.search(
                    [("phone_mobile_search", "=", wizard.customer_number)], limit=20
                )
            else:
                wizard.candidate_ids = Partner

    def action_link(self):
        self.ensure_one()
        conversation = self.conversation_id
        conversation.check_access("write")
        number = conversation.customer_number
        if self.mode == "create":
            if not (self.name or "").strip():
                raise UserError(self.env._("Give the new contact a name."))
            partner = self.env["res.partner"].create(
                {
                    "name": self.name.strip(),
                    "mobile": number,
                    "clienteling_store_id": conversation.store_id.id,
                    "clienteling_associate_id": conversation.employee_id.id,
                }
            )
        else:
            partner = self.partner_id
            if not partner:
                raise UserError(self.env._("Choose the contact to link."))
            partner.check_access("read")
            if self.mode == "add_number" and partner.phone_sanitized != number:
                if not partner.mobile:
                    partner.mobile = number
                elif not partner.phone:
                    partner.phone = number
                else:
                    raise UserError(
                        self.env._(
                            "%s already has a mobile and a phone number: edit the contact first.",
                            partner.name,
                        )
                    )
        conversation.partner_id = partner
        return {"type": "ir.actions.act_window_close"}
