from odoo import api, models


class ClientelingSaleCredit(models.Model):
    _inherit = "clienteling.sale.credit"

    @api.model
    def _backfill_models(self):
        return [*super()._backfill_models(), "pos.order"]
