from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.clienteling_sms.models.clienteling_phone_number import texting_number_type

APPLICATION_KEY = "clienteling_compliance_application"


class ClientelingPhoneNumber(models.Model):
    _inherit = "clienteling.phone.number"

    compliance_application_id = fields.Many2one(
        "clienteling.compliance.application",
        string="Regulatory Application",
        readonly=True,
        index="btree_not_null",
        help="The approved application the number was bought under.",
    )

    @api.model
    def _purchase(self, account, country, store=None, number_type=None):
        if store and store.environment == "sandbox" and account.provider != "sandbox":
            raise UserError(
                self.env._(
                    "%s is a sandbox store: its numbers come from a sandbox SMS account.",
                    store.name,
                )
            )
        Application = self.env["clienteling.compliance.application"]
        application = Application.browse()
        number_type = number_type or texting_number_type(country.code)
        if not (store and store.environment == "sandbox"):
            application = Application._approved_for(
                account.company_id, country, number_type, store=store, account=account
            )
            regulations = Application._regulations_for(account.company_id, country, number_type)
            if application and not any(r.self_service for r in regulations):
                type_label = dict(self._fields["number_type"]._description_selection(self.env))[
                    number_type
                ].lower()
                raise UserError(
                    self.env._(
                        "Numbers of %(country)s are bought through the provider's support, even "
                        "with an approval: ask them for a %(type)s number, then register it under "
                        "Clienteling > Configuration > Texting > Numbers.",
                        country=country.name,
                        type=type_label,
                    )
                )
        # always set here (never taken from the caller's context)
        this = self.with_context(**{APPLICATION_KEY: application.id})
        number = super(ClientelingPhoneNumber, this)._purchase(
            account, country, store=store, number_type=number_type
        )
        if application:
            number.sudo().compliance_application_id = application
            if application.per_number:
                application.phone_number_id = number
            application.message_post(
                body=self.env._("%s was bought under this application.", number.number)
            )
        return number

    @api.model
    def _clienteling_purchase_options(self, account, country, number_type, store=None):
        """The approved bundle and the address (the store's where the locality
        matters) the number is bought under."""
        options = super()._clienteling_purchase_options(account, country, number_type, store)
        application = (
            self.env["clienteling.compliance.application"]
            .sudo()
            .browse(self.env.context.get(APPLICATION_KEY))
            .exists()
        )
        if not application:
            return options
        if application.bundle_ref:
            options["bundle_ref"] = application.bundle_ref
        if application.address_rule != "none":
            # the number's store: the one it is bought for, else the application's
            store = store or application.store_id
            locality = application.address_rule == "locality" and store
            address = application._address_for(store if locality else None)
            options["address_ref"] = address._ensure_at_provider(application._compliance_provider())
        return options
