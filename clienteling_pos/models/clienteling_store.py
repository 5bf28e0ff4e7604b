from odoo import fields, models


class ClientelingStore(models.Model):
    _inherit = "clienteling.store"

    pos_config_ids = fields.One2many("pos.config", "clienteling_store_id", string="Points of Sale")
