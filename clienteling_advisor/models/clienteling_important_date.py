from odoo import models


class ClientelingImportantDate(models.Model):
    _inherit = "clienteling.important.date"

    def unlink(self):
        self.env["clienteling.advisor.recommendation"].sudo()._forget("important_date_id", self)
        return super().unlink()
