from odoo import fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    clienteling_store_id = fields.Many2one(
        "clienteling.store",
        string="Clienteling Store",
        index="btree_not_null",
        check_company=True,
        help="The store whose sales this point of sale rings up: its paid orders are "
        "credited to this store and update the customers' purchases.",
    )
