from odoo import models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    def unlink(self):
        self.env["clienteling.advisor.recommendation"].sudo()._forget("employee_id", self)
        return super().unlink()
