from odoo import fields, models


class HrEmployeeBase(models.AbstractModel):
    """Clienteling fields shared by employees and their public profiles.

    Associates usually have no HR rights and see colleagues through
    ``hr.employee.public``: the store and role must be readable there too.
    """

    _inherit = "hr.employee.base"

    clienteling_store_id = fields.Many2one("clienteling.store", index="btree_not_null")
    clienteling_role = fields.Selection(
        [("associate", "Associate"), ("store_manager", "Store Manager")],
        help="Gives the employee's user the matching Clienteling access rights.",
    )
    # The storefront is public: its fields are readable on public profiles too.
    clienteling_storefront_slug = fields.Char(
        string="Storefront Address",
        copy=False,
        help="The last part of the storefront's link (/clienteling/a/<address>): lowercase "
        "letters, digits and dashes.",
    )
    clienteling_storefront_bio = fields.Text(
        string="Storefront Bio", copy=False, help="A few words the storefront shows about you."
    )
    clienteling_storefront_published = fields.Boolean(
        string="Storefront Published",
        copy=False,
        help="Customers can open the storefront and send requests from it.",
    )
    clienteling_client_book_count = fields.Integer(
        compute="_compute_clienteling_client_book_count", string="Client Book Size"
    )

    def _compute_clienteling_client_book_count(self):
        counts = {
            employee.id: count
            for employee, count in self.env["res.partner"]._read_group(
                [("clienteling_associate_id", "in", self.ids)],
                ["clienteling_associate_id"],
                ["__count"],
            )
        }
        for employee in self:
            employee.clienteling_client_book_count = counts.get(employee.id, 0)
