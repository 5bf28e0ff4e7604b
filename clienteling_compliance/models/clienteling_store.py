from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError

from odoo.addons.clienteling_sms.models.clienteling_phone_number import texting_number_type


class ClientelingStore(models.Model):
    _inherit = "clienteling.store"

    compliance_state = fields.Selection(
        [
            ("approved", "Approved"),
            ("not_needed", "No Approval Needed"),
            ("pending", "In Progress"),
            ("missing", "Missing"),
            ("test", "Sandbox Store"),
        ],
        compute="_compute_compliance",
        string="Compliance",
    )
    compliance_warning = fields.Char(compute="_compute_compliance")

    @api.depends("country_id", "company_id", "environment")
    def _compute_compliance(self):
        for store in self:
            store.compliance_state, store.compliance_warning = store._compliance_status()

    def _compliance_status(self):
        """(state, warning) of buying a texting number for this store."""
        self.ensure_one()
        if self.environment == "sandbox":
            return "test", False
        if not self.country_id:
            return "missing", self.env._("%s has no country.", self.name)
        try:
            self._clienteling_check_number_provisioning(
                self.country_id,
                self.company_id,
                number_type=texting_number_type(self.country_id.code),
                store=self,
            )
        except (RedirectWarning, UserError) as refusal:
            applications = (
                self.env["clienteling.compliance.application"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", self.company_id.id),
                        ("country_id", "=", self.country_id.id),
                        ("state", "not in", ("expired",)),
                    ]
                )
            )
            if "approved" in applications.mapped("state"):
                state = "approved"  # approved, yet bought through the provider's support
            else:
                state = "pending" if applications else "missing"
            return state, refusal.args[0]
        regulations = self.env["clienteling.compliance.application"]._regulations_for(
            self.company_id, self.country_id, texting_number_type(self.country_id.code)
        )
        if regulations and all(r.kind in ("none", "toll_free") for r in regulations):
            return "not_needed", False
        return "approved", False

    @api.constrains("environment", "country_id", "company_id", "active")
    def _check_one_test_store_per_country(self):
        for store in self.filtered(lambda s: s.environment in ("sandbox", "staging") and s.active):
            if self.search_count(
                [
                    ("id", "!=", store.id),
                    ("company_id", "=", store.company_id.id),
                    ("country_id", "=", store.country_id.id),
                    ("environment", "=", store.environment),
                ],
                limit=1,
            ):
                label = dict(self._fields["environment"]._description_selection(self.env))[
                    store.environment
                ]
                raise ValidationError(
                    self.env._(
                        "%(company)s already has a %(environment)s store in %(country)s: one "
                        "sandbox and one staging store per country.",
                        company=store.company_id.name,
                        environment=label.lower(),
                        country=store.country_id.name,
                    )
                )

    @api.model
    def _clienteling_check_number_provisioning(
        self, country, company, number_type=None, store=None
    ):
        """Refuse a number of a country and type without an approved application
        (per number where the country asks it). Sandbox stores are exempt (their
        numbers come from a sandbox account); staging stores are not."""
        super()._clienteling_check_number_provisioning(
            country, company, number_type=number_type, store=store
        )
        if store and store.environment == "sandbox":
            return True
        number_type = number_type or texting_number_type(country.code)
        Application = self.env["clienteling.compliance.application"]
        regulations = Application._regulations_for(company, country, number_type)
        # toll-free verification is of a number already bought (texts wait for it)
        if regulations and all(r.kind in ("none", "toll_free") for r in regulations):
            return True
        if not Application._approved_for(company, country, number_type, store=store):
            raise Application._gate_refusal(company, country, number_type, regulations, store)
        return True
