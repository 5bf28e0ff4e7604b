from odoo import models
from odoo.exceptions import UserError


class ClientelingAdvisorRecommendation(models.Model):
    _inherit = "clienteling.advisor.recommendation"

    def action_text_customer(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Review the pending customer before texting them."))
        return self.partner_id.action_clienteling_text()
