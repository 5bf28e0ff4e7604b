from odoo import fields, models
from odoo.exceptions import UserError


class ClientelingAdvisorSnoozeWizard(models.TransientModel):
    _name = "clienteling.advisor.snooze.wizard"
    _description = "Snooze Advisor Recommendations"

    recommendation_ids = fields.Many2many(
        "clienteling.advisor.recommendation",
        "clienteling_advisor_snooze_wizard_rel",
        "wizard_id",
        "recommendation_id",
    )
    days = fields.Integer(default=7, required=True)

    def action_snooze(self):
        self.ensure_one()
        if not 1 <= self.days <= 365:
            raise UserError(self.env._("Snooze for 1 to 365 days."))
        self.recommendation_ids._snooze(self.days)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
