from odoo import models


class ClientelingStore(models.Model):
    _inherit = "clienteling.store"

    def unlink(self):
        # After the deletion, which checked the user's rights: the lines have no
        # foreign key, their ids are enough.
        res = super().unlink()
        self.env["clienteling.advisor.recommendation"].sudo()._forget("store_id", self)
        return res
