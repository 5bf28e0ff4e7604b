from odoo import fields, models
from odoo.exceptions import UserError


class ClientelingInboxAssign(models.TransientModel):
    """Link inbox messages to a customer, or assign them to a user (bulk)."""

    _name = "clienteling.inbox.assign"
    _description = "Engage: Link to Customer or Assign to User"

    mode = fields.Selection(
        [("link", "Link to Customer"), ("assign", "Assign to User")], required=True
    )
    message_ids = fields.Many2many("clienteling.inbox.message", string="Messages", required=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    user_id = fields.Many2one("res.users", string="User", domain=[("share", "=", False)])

    def action_apply(self):
        self.ensure_one()
        messages = self.message_ids
        messages.check_access("write")
        if self.mode == "link":
            if not self.partner_id:
                raise UserError(self.env._("Choose the customer to link the messages to."))
            for message in messages:
                if message.partner_id != self.partner_id:
                    message._link(self.partner_id)
        else:
            if not self.user_id:
                raise UserError(self.env._("Choose the user to assign the messages to."))
            stores = messages.store_id
            user_stores = self.user_id.sudo().clienteling_store_ids
            if stores - user_stores and not self.user_id.has_group(
                "clienteling.group_clienteling_manager"
            ):
                raise UserError(
                    self.env._(
                        "%(user)s does not work in %(stores)s.",
                        user=self.user_id.name,
                        stores=", ".join((stores - user_stores).mapped("name")),
                    )
                )
            messages.write({"user_id": self.user_id.id})
            messages._clienteling_audit("assign", self.env._("Assigned to %s.", self.user_id.name))
        return {"type": "ir.actions.act_window_close"}
