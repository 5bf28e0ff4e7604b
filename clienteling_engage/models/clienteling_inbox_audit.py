from odoo import api, fields, models
from odoo.exceptions import AccessError

AUDIT_ACTIONS = [
    ("sync", "Imported"),
    ("read", "Read"),
    ("unread", "Marked Unread"),
    ("link", "Linked to Customer"),
    ("create_customer", "Customer Created"),
    ("assign", "Assigned to User"),
    ("todo", "To-Do"),
    ("appointment", "Appointment"),
    ("email_reply", "Email Reply"),
    ("sms_reply", "SMS Reply"),
    ("complete", "Completed"),
    ("reopen", "Reopened"),
    ("delete", "Deleted"),
    ("other", "Other"),
]


class ClientelingInboxAudit(models.Model):
    """Audit trail of the Engage inbox: one row per sync import and per action.

    Rows outlive their message (a deleted message keeps its trail). Only system
    administrators may change or delete them.
    """

    _name = "clienteling.inbox.audit"
    _description = "Engage Audit Trail"
    _order = "date desc, id desc"
    _rec_name = "action"

    message_id = fields.Many2one("clienteling.inbox.message", index=True, ondelete="set null")
    message_name = fields.Char(string="Message Subject")
    store_id = fields.Many2one("clienteling.store", index=True, ondelete="set null")
    account_id = fields.Many2one(
        "clienteling.mail.account", string="Mail Account", index=True, ondelete="set null"
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, ondelete="set null")
    date = fields.Datetime(string="Date and Time", default=fields.Datetime.now, required=True)
    action = fields.Selection(AUDIT_ACTIONS, required=True)
    details = fields.Text()

    def write(self, vals):
        if not self.env.is_system():
            raise AccessError(self.env._("The Engage audit trail cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_system(self):
        if not self.env.is_system():
            raise AccessError(
                self.env._("Engage audit rows can only be deleted by system administrators.")
            )
