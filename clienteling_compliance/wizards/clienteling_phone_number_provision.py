from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError


class ClientelingPhoneNumberProvision(models.TransientModel):
    _inherit = "clienteling.phone.number.provision"

    compliance_warnings = fields.Text(compute="_compute_compliance_warnings")

    @api.depends("store_ids", "employee_ids", "target")
    def _compute_compliance_warnings(self):
        for wizard in self:
            stores = (
                wizard.store_ids
                if wizard.target == "store"
                else wizard.employee_ids.clienteling_store_id
                if wizard.target == "employee"
                else self.env["clienteling.store"]
            )
            wizard.compliance_warnings = "\n".join(
                f"{store.name}: {store.compliance_warning}"
                for store in stores
                if store.compliance_warning
            )

    def _buy(self, country, near_store=None):
        """A refusal that offers the application stops a single purchase; in a
        batch of stores or associates it is that one's failure, and the others
        are bought."""
        try:
            return super()._buy(country, near_store=near_store)
        except RedirectWarning as refusal:
            targets = self.store_ids if self.target == "store" else self.employee_ids
            if self.target != "pool" and len(targets) > 1:
                raise UserError(refusal.args[0]) from refusal
            raise
