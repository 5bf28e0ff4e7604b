from odoo import api, fields, models
from odoo.exceptions import UserError


class ClientelingAdvisorRecommendation(models.Model):
    _inherit = "clienteling.advisor.recommendation"

    # Text shows only where it can work: a customer the current user can text
    # (res.partner.clienteling_can_text, computed as this user).
    can_text = fields.Boolean(compute="_compute_can_text", compute_sudo=False)

    @api.depends("partner_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_can_text(self):
        for line in self:
            line.can_text = bool(line.partner_id) and line.partner_id.clienteling_can_text

    def action_text_customer(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Review the pending customer before texting them."))
        return self.partner_id.action_clienteling_text()
