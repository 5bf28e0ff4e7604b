from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..tools.phone import PhoneNumberError, to_e164


class ClientelingStore(models.Model):
    _name = "clienteling.store"
    _description = "Clienteling Store"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short store identifier, unique within the company (e.g. a POS or ERP store id).",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    country_id = fields.Many2one(
        "res.country",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.country_id,
        help="Country of the store: the default region of every number typed for it.",
    )
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        help="Local time of the store, used for quiet hours and daily lists.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Address",
        check_company=True,
        help="The store's address and public contact details.",
    )
    landline = fields.Char(
        tracking=True,
        help="The store's voice number. Type it as dialled locally or with its country "
        "code; it is stored in international (E.164) form.",
    )
    environment = fields.Selection(
        [("production", "Production"), ("staging", "Staging"), ("sandbox", "Sandbox")],
        required=True,
        default="production",
        tracking=True,
        help="Staging and sandbox stores are for trying clienteling before a country goes live.",
    )
    employee_ids = fields.One2many(
        "hr.employee", "clienteling_store_id", string="Associates", check_company=True
    )
    manager_ids = fields.Many2many(
        "hr.employee",
        "clienteling_store_manager_rel",
        "store_id",
        "employee_id",
        string="Managers",
        check_company=True,
    )
    employee_count = fields.Integer(compute="_compute_employee_count", string="Associate Count")
    customer_count = fields.Integer(compute="_compute_customer_count", string="Store Book Size")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A store code must be unique within its company.",
        ),
    ]

    @api.depends("employee_ids")
    def _compute_employee_count(self):
        for store in self:
            store.employee_count = len(store.employee_ids)

    def _compute_customer_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("clienteling_store_id", "in", self.ids)], ["clienteling_store_id"], ["__count"]
            )
        )
        for store in self:
            store.customer_count = counts.get(store, 0)

    @api.constrains("landline", "country_id")
    def _check_landline(self):
        for store in self.filtered("landline"):
            try:
                normalized = to_e164(
                    store.landline, store.country_id.code, expected_region=store.country_id.code
                )
            except PhoneNumberError as error:
                raise ValidationError(
                    self.env._(
                        "Store %(store)s: the landline is not accepted. %(reason)s",
                        store=store.name,
                        reason=str(error),
                    )
                ) from error
            if normalized != store.landline:
                # Values are normalized on create/write: this is only reached by
                # bypassing them (e.g. an import writing the column directly).
                raise ValidationError(
                    self.env._(
                        "Store %(store)s: the landline must be stored as %(number)s.",
                        store=store.name,
                        number=normalized,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_landline(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not vals.get("landline"):
            return super().write(vals)
        for store in self:
            store_vals = dict(vals)
            self._normalize_landline(store_vals, store.country_id)
            super(ClientelingStore, store).write(store_vals)
        return True

    def _normalize_landline(self, vals, country=None):
        """Put the landline of ``vals`` in E.164 when it can be read.

        A number that cannot be read is left as typed, for ``_check_landline`` to
        refuse with the reason.
        """
        if not vals.get("landline"):
            return
        if vals.get("country_id"):
            country = self.env["res.country"].browse(vals["country_id"])
        elif not country:
            country = self.env.company.country_id
        try:
            vals["landline"] = to_e164(vals["landline"], country.code or None)
        except PhoneNumberError:
            return

    @api.model
    def _clienteling_check_number_provisioning(self, country, company):
        """Hook called before buying a phone number for ``country`` (res.country)
        in ``company``: raise a UserError to refuse. The default allows; the
        compliance addon refuses countries whose regulatory approval is missing."""
        return True

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.res_partner_action_store_book"
        )
        action["domain"] = [("clienteling_store_id", "=", self.id)]
        action["context"] = {"default_clienteling_store_id": self.id}
        return action

    def action_view_employees(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.hr_employee_action_clienteling"
        )
        action["domain"] = [("clienteling_store_id", "=", self.id)]
        action["context"] = {"default_clienteling_store_id": self.id}
        return action
