from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClientelingAdvisorSnooze(models.Model):
    """An associate's choice to hide a customer from one Advisor list, for some
    days or for good. Kept apart from the lists, which refreshes rebuild."""

    _name = "clienteling.advisor.snooze"
    _description = "Advisor Dismissal or Snooze"
    _order = "id desc"

    employee_id = fields.Many2one(
        "hr.employee", string="Associate", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    category = fields.Selection(
        selection=lambda self: self.env["clienteling.advisor.category"]._code_selection(),
        required=True,
    )
    until = fields.Date(help="Shown again from this date. Empty: dismissed for good.")
    company_id = fields.Many2one(related="employee_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "employee_partner_category_uniq",
            "unique(employee_id, partner_id, category)",
            "One dismissal or snooze per associate, customer and list.",
        ),
    ]

    @api.constrains("category")
    def _check_category(self):
        codes = dict(self.env["clienteling.advisor.category"]._code_selection())
        for snooze in self:
            if snooze.category not in codes:
                raise ValidationError(
                    self.env._("%(list)s is not an Advisor list.", list=snooze.category)
                )

    @api.model
    def _active(self, employees):
        """The snoozes of ``employees`` still in effect today."""
        if not employees:
            return self.browse()
        today = fields.Date.context_today(self)
        return self.search(
            [
                ("employee_id", "in", employees.ids),
                "|",
                ("until", "=", False),
                ("until", ">", today),
            ]
        )

    @api.model
    def _set(self, employee, partner, category, until):
        existing = self.search(
            [
                ("employee_id", "=", employee.id),
                ("partner_id", "=", partner.id),
                ("category", "=", category),
            ]
        )
        if existing:
            existing.until = until
            return existing
        return self.create(
            {
                "employee_id": employee.id,
                "partner_id": partner.id,
                "category": category,
                "until": until,
            }
        )

    def action_restore(self):
        """Show the customer in the list again."""
        self.unlink()
