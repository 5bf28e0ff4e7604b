from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def unlink(self):
        self.env["clienteling.advisor.recommendation"].sudo()._forget("partner_id", self)
        return super().unlink()
