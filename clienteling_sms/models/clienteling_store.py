from odoo import api, fields, models


class ClientelingStore(models.Model):
    _inherit = "clienteling.store"

    phone_number_ids = fields.One2many(
        "clienteling.phone.number", "store_id", string="Clienteling Numbers"
    )
    clienteling_number_id = fields.Many2one(
        "clienteling.phone.number",
        compute="_compute_clienteling_number_id",
    )
    sms_onboarded = fields.Boolean(string="Onboarded for SMS", readonly=True, tracking=True)
    sms_onboarded_date = fields.Datetime(readonly=True)

    @api.depends("phone_number_ids.state")
    def _compute_clienteling_number_id(self):
        for store in self:
            store.clienteling_number_id = store.phone_number_ids.filtered(
                lambda n: n.state == "assigned"
            )[:1]
