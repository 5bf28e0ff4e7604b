from odoo import fields, models


class ClientelingProductLinkClick(models.Model):
    """One time a customer opened a shared product link (link preview fetchers
    and robots are not counted). Written by the public link only."""

    _name = "clienteling.product.link.click"
    _description = "Shared Product Link Click"
    _order = "clicked_at desc, id desc"
    _rec_name = "link_id"

    link_id = fields.Many2one(
        "clienteling.product.link", required=True, index=True, ondelete="cascade", readonly=True
    )
    product_id = fields.Many2one(related="link_id.product_id")
    partner_id = fields.Many2one(related="link_id.partner_id", string="Customer")
    employee_id = fields.Many2one(
        "hr.employee", string="Associate", index="btree_not_null", readonly=True
    )
    store_id = fields.Many2one("clienteling.store", index="btree_not_null", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    clicked_at = fields.Datetime(required=True, readonly=True, index=True)
