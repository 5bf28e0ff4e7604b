from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClientelingAssociatePick(models.Model):
    """A product an associate shows on their storefront."""

    _name = "clienteling.associate.pick"
    _description = "Associate's Storefront Pick"
    _order = "employee_id, sequence, id"
    _check_company_auto = True

    employee_id = fields.Many2one(
        "hr.employee",
        string="Associate",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.user.employee_id,
    )
    store_id = fields.Many2one(related="employee_id.clienteling_store_id", store=True, index=True)
    company_id = fields.Many2one(related="employee_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        ondelete="cascade",
        domain="[('sale_ok', '=', True)]",
    )
    sequence = fields.Integer(default=10)
    note = fields.Char(help="Why you pick it: shown under the product on your storefront.")

    _sql_constraints = [
        (
            "employee_product_uniq",
            "unique(employee_id, product_id)",
            "A product is picked once per associate.",
        ),
    ]

    @api.constrains("employee_id")
    def _check_employee(self):
        for pick in self:
            if not pick.employee_id.clienteling_store_id:
                raise ValidationError(
                    self.env._(
                        "%s has no Clienteling store: only associates have a storefront.",
                        pick.employee_id.name,
                    )
                )
