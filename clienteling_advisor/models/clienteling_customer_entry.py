from odoo import api, models


class ClientelingCustomerEntry(models.Model):
    _inherit = "clienteling.customer.entry"

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        self.env["clienteling.advisor.refresh"].sudo()._sync_pending_entries(entries)
        return entries

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self.env["clienteling.advisor.refresh"].sudo()._sync_pending_entries(self)
        return res

    def unlink(self):
        # After the deletion, which checked the user's rights.
        res = super().unlink()
        self.env["clienteling.advisor.recommendation"].sudo()._forget("entry_id", self)
        return res
