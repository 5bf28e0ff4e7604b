from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    clienteling_auto_assign_books = fields.Boolean(
        string="Assign New Customers to Their Creator",
        default=True,
        help="A customer created by an associate from the Clienteling app joins that "
        "associate's client book and store book.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["clienteling.quick.reply"].sudo()._ensure_opt_in_message(companies)
        return companies
