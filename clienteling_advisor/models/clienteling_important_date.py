from odoo import models


class ClientelingImportantDate(models.Model):
    _inherit = "clienteling.important.date"

    def unlink(self):
        # After the deletion, which checked the user's rights: the lines have no
        # foreign key, their ids are enough.
        res = super().unlink()
        self.env["clienteling.advisor.recommendation"].sudo()._forget("important_date_id", self)
        return res
