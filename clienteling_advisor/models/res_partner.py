from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def unlink(self):
        # After the deletion, which checked the user's rights: the lines have no
        # foreign key, their ids are enough.
        res = super().unlink()
        self.env["clienteling.advisor.recommendation"].sudo()._forget("partner_id", self)
        return res
