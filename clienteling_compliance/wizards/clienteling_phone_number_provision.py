from odoo import api, fields, models


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
