from odoo import fields, models
from odoo.exceptions import UserError


class ClientelingComplianceAddress(models.Model):
    """An address registered at the provider for an application: the company's,
    or a store's where the number must be registered in its locality."""

    _name = "clienteling.compliance.address"
    _description = "Compliance Address"

    application_id = fields.Many2one(
        "clienteling.compliance.application", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="application_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", required=True)
    store_id = fields.Many2one("clienteling.store")
    provider_ref = fields.Char(string="Provider ID", readonly=True, copy=False)

    _sql_constraints = [
        (
            "address_uniq",
            "unique(application_id, partner_id)",
            "An address is registered once per application.",
        )
    ]

    def _check_complete(self):
        self.ensure_one()
        partner = self.partner_id
        if not (partner.street and partner.city and partner.zip and partner.country_id):
            raise UserError(
                self.env._(
                    "%s needs a full address (street, city, postal code, country) to be sent "
                    "with the numbers.",
                    partner.display_name,
                )
            )

    def _ensure_at_provider(self, provider):
        self.ensure_one()
        if self.provider_ref:
            return self.provider_ref
        self._check_complete()
        partner = self.partner_id
        self.provider_ref = provider.create_address(
            self.application_id.company_id.name,
            partner.street,
            partner.city,
            partner.state_id.code or partner.city,
            partner.zip,
            partner.country_id.code,
            street2=partner.street2 or "",
        )
        return self.provider_ref
