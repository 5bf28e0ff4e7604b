from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_clienteling_store_id = fields.Many2one(
        related="pos_config_id.clienteling_store_id", readonly=False
    )
