from odoo import models


class ClientelingStore(models.Model):
    _inherit = "clienteling.store"

    def unlink(self):
        self.env["clienteling.advisor.recommendation"].sudo()._forget("store_id", self)
        return super().unlink()
