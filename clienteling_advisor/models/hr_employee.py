from odoo import models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    def unlink(self):
        # After the deletion, which checked the user's rights: the lines have no
        # foreign key, their ids are enough.
        res = super().unlink()
        self.env["clienteling.advisor.recommendation"].sudo()._forget("employee_id", self)
        return res
