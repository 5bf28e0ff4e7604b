from odoo import api, fields, models
from odoo.exceptions import UserError


class ClientelingStoreOnboard(models.TransientModel):
    """Onboard a store: pick a store with a valid landline and one of the
    company's available clienteling numbers."""

    _name = "clienteling.store.onboard"
    _description = "Onboard a Store to Clienteling"

    store_id = fields.Many2one(
        "clienteling.store",
        required=True,
        domain="[('landline', '!=', False), ('sms_onboarded', '=', False)]",
        help="Only stores with a valid landline are listed.",
    )
    landline = fields.Char(related="store_id.landline", string="Store Landline")
    phone_number_id = fields.Many2one(
        "clienteling.phone.number",
        string="Clienteling Number",
        required=True,
        domain="[('state', '=', 'available'), ('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(related="store_id.company_id")
    store_available = fields.Boolean(compute="_compute_availability")
    number_available = fields.Boolean(compute="_compute_availability")

    @api.depends("store_id")
    def _compute_availability(self):
        Store = self.env["clienteling.store"]
        Number = self.env["clienteling.phone.number"]
        for wizard in self:
            wizard.store_available = bool(
                Store.search_count([("landline", "!=", False), ("sms_onboarded", "=", False)])
            )
            company = wizard.store_id.company_id or self.env.company
            wizard.number_available = bool(
                Number.search_count([("state", "=", "available"), ("company_id", "=", company.id)])
            )

    def action_onboard(self):
        self.ensure_one()
        store = self.store_id
        store.check_access("write")
        self.phone_number_id.check_access("write")
        if not store.landline:
            raise UserError(
                self.env._(
                    "%s has no valid landline: add it on the store first (calls are forwarded to it).",
                    store.name,
                )
            )
        if store.sms_onboarded:
            raise UserError(self.env._("%s is already onboarded.", store.name))
        if self.phone_number_id.state != "available":
            raise UserError(
                self.env._(
                    "No clienteling number is available: provision one first (Clienteling > Configuration > Numbers)."
                )
            )
        self.env["clienteling.store"]._clienteling_check_number_provisioning(
            store.country_id,
            store.company_id,
            number_type=self.phone_number_id.number_type,
            store=store,
        )
        self.phone_number_id._assign(store=store)
        store.write({"sms_onboarded": True, "sms_onboarded_date": fields.Datetime.now()})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(store)s texts from %(number)s. Associates may need to reload Odoo.",
                    store=store.name,
                    number=self.phone_number_id.number,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
