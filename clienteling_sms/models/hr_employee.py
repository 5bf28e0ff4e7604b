from odoo import models

# What decides which stores' texts an employee's user may read.
ACCESS_FIELDS = {"clienteling_store_id", "clienteling_managed_store_ids", "user_id", "active"}


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    def write(self, vals):
        users = self.user_id if ACCESS_FIELDS & vals.keys() else None
        res = super().write(vals)
        if users:
            # an associate who moved store leaves the old store's chats; the new
            # store's chats take them in at their next text
            self.env["clienteling.conversation"].sudo()._prune_chat_members(users)
        return res
