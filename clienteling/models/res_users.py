from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    clienteling_store_ids = fields.Many2many(
        "clienteling.store",
        compute="_compute_clienteling_store_ids",
        compute_sudo=True,
        string="Clienteling Stores",
        help="Stores this user works in or manages, through their employees. "
        "Record rules give associates and store managers these stores' records.",
    )

    @api.depends("employee_ids.clienteling_store_id", "employee_ids.clienteling_managed_store_ids")
    def _compute_clienteling_store_ids(self):
        for user in self:
            employees = user.employee_ids
            user.clienteling_store_ids = (
                employees.clienteling_store_id | employees.clienteling_managed_store_ids
            )

    def action_clienteling_edit_storefront(self):
        """My Profile: edit my own storefront."""
        self.ensure_one()
        if self != self.env.user:
            raise AccessError(
                self.env._("You can only open your own storefront from your profile.")
            )
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "=", self.env.uid), ("clienteling_store_id", "!=", False)])
        )
        employee = (
            employees.filtered(lambda e: e.company_id == self.env.company)[:1] or employees[:1]
        )
        if not employee:
            raise UserError(self.env._("Only associates of a Clienteling store have a storefront."))
        return employee.sudo(False).action_clienteling_edit_storefront()
