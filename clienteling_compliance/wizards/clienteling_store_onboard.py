from odoo import fields, models


class ClientelingStoreOnboard(models.TransientModel):
    _inherit = "clienteling.store.onboard"

    compliance_warning = fields.Char(related="store_id.compliance_warning")
