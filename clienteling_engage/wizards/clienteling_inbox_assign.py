from odoo import fields, models
from odoo.exceptions import UserError


class ClientelingInboxAssign(models.TransientModel):
    """Link inbox messages to a customer, assign them to a user (bulk), or confirm
    their deletion (the form's Delete action)."""

    _name = "clienteling.inbox.assign"
    _description = "Engage: Link to Customer or Assign to User"

    mode = fields.Selection(
        [("link", "Link to Customer"), ("assign", "Assign to User"), ("delete", "Delete")],
        required=True,
    )
    message_ids = fields.Many2many("clienteling.inbox.message", string="Messages", required=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    user_id = fields.Many2one("res.users", domain=[("share", "=", False)])

    def action_apply(self):
        """Link or assign; every message must be one the user may change (reading
        the field would silently leave out the others, so they are checked on the
        ids). Assignment is to a user of the messages' store (checked by the
        message); links and assignments are audited by the message's write."""
        self.ensure_one()
        self.check_access("write")  # the user's own wizard
        messages = self.sudo().message_ids.with_env(self.env)
        if not messages:
            raise UserError(self.env._("Choose the messages first."))
        messages.check_access("write")
        if self.mode == "delete":
            messages.action_delete()
            return self.env["ir.actions.act_window"]._for_xml_id(
                "clienteling_engage.clienteling_inbox_message_action"
            )
        if self.mode == "link":
            if not self.partner_id:
                raise UserError(self.env._("Choose the customer to link the messages to."))
            self.partner_id.check_access("read")
            for message in messages:
                if message.partner_id != self.partner_id:
                    message._link(self.partner_id)
        else:
            if not self.user_id:
                raise UserError(self.env._("Choose the user to assign the messages to."))
            messages.filtered(lambda m: m.user_id != self.user_id).write(
                {"user_id": self.user_id.id}
            )
        return {"type": "ir.actions.act_window_close"}
