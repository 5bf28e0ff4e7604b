from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clienteling_auto_assign_books = fields.Boolean(
        related="company_id.clienteling_auto_assign_books", readonly=False
    )
    clienteling_request_team_mode = fields.Boolean(
        related="company_id.clienteling_request_team_mode", readonly=False
    )
    clienteling_link_attribution_days = fields.Integer(
        related="company_id.clienteling_link_attribution_days", readonly=False
    )
