from odoo import fields, models
from odoo.exceptions import UserError


class ClientelingSmsSimulate(models.TransientModel):
    """Sandbox only: make the customer "reply", through the same processing as a
    real webhook (stored event, keywords, notifications)."""

    _name = "clienteling.sms.simulate"
    _description = "Simulate a Customer Reply"

    conversation_id = fields.Many2one("clienteling.conversation", required=True, ondelete="cascade")
    body = fields.Text(string="Customer's Reply", required=True)

    def action_simulate(self):
        self.ensure_one()
        # the customer's side, played by someone who may write in the conversation
        self.conversation_id.check_access("write")
        conversation = self.conversation_id.sudo()
        account = conversation.phone_number_id.account_id
        if account.provider != "sandbox":
            raise UserError(
                self.env._("Customer replies can only be simulated on a sandbox account.")
            )
        real = (
            self.env["clienteling.sms.account"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [("company_id", "=", account.company_id.id), ("provider", "!=", "sandbox")], limit=1
            )
        )
        if real:
            # a simulated START is a keyword opt-in for the store: never where the
            # store's customers are (or were) texted for real
            raise UserError(
                self.env._(
                    "Customer replies cannot be simulated in a company that texts its "
                    "customers through a real provider."
                )
            )
        account._simulate_inbound(
            conversation.phone_number_id.number, conversation.customer_number, self.body
        )
        return {"type": "ir.actions.act_window_close"}
