import base64
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, create_unique_index
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.models.res_partner import _tz_get

from ..tools import placeholders
from ..tools.phone import PhoneNumberError, display_number, to_e164
from ..tools.qr_code import qr_png

# What decides who works with a store's data, and its company and regulatory
# identity: Clienteling administrators only. Store managers manage the rest of their
# stores (name, time zone, landline, address, consent wording, entry link).
ADMIN_FIELDS = {
    "active",
    "code",
    "company_id",
    "country_id",
    "employee_ids",
    "environment",
    "manager_ids",
}


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
    landline_display = fields.Char(compute="_compute_landline_display", string="Landline Number")
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
    entry_token = fields.Char(
        string="Customer Entry Token",
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        groups="clienteling.group_clienteling_associate",
        help="The secret part of the customer entry form's link. Regenerate it to "
        "disable a link that was shared too widely.",
    )
    entry_url = fields.Char(
        compute="_compute_entry_url",
        string="Customer Entry Link",
        groups="clienteling.group_clienteling_associate",
        help="Open it on your device, or on a device you hand to the customer, to "
        "capture a new customer. Submissions wait for review as pending customers.",
    )
    entry_qr = fields.Binary(
        compute="_compute_entry_qr",
        attachment=False,
        string="Customer Entry QR Code",
        groups="clienteling.group_clienteling_associate",
        help="Scan it with a phone to open the customer entry form.",
    )
    connect_token = fields.Char(
        string="Connect Widget Token",
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        groups="clienteling.group_clienteling_associate",
        help="The part of the connect widget's and site footer form's links that names "
        "this store. Regenerate it to disable the links of a widget you removed.",
    )
    connect_url = fields.Char(
        compute="_compute_connect_url",
        string="Connect Widget Link",
        groups="clienteling.group_clienteling_associate",
        help="The store's connect page: customers send a question or ask for an "
        "appointment or personal shopping.",
    )
    connect_script = fields.Char(
        compute="_compute_connect_url",
        string="Connect Widget Script",
        groups="clienteling.group_clienteling_associate",
        help="Paste this one tag into any page of your website: it adds a button that "
        "opens the store's connect page.",
    )
    entry_consent_wording = fields.Text(
        string="Consent Wording",
        translate=True,
        default=lambda self: self._default_entry_consent_wording(),
        help="The consent text the customer entry form shows next to its checkbox; "
        "{{ store.name }} stands for the store's name. Its exact words are kept with each "
        "consent given.",
    )
    employee_count = fields.Integer(compute="_compute_employee_count", string="Associate Count")
    customer_count = fields.Integer(compute="_compute_customer_count", string="Store Book Size")
    # as the user sees them (their record rules)
    service_request_new_lead_count = fields.Integer(
        compute="_compute_service_request_counts", string="New Leads"
    )
    service_request_open_count = fields.Integer(
        compute="_compute_service_request_counts", string="Open Requests"
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A store code must be unique within its company.",
        ),
    ]

    def init(self):
        res = super().init()
        self._init_secret_tokens("entry_token")
        self._init_secret_tokens("connect_token")
        return res

    def _init_secret_tokens(self, column):
        """Give each store its own secret in ``column``, unique. A new column gets
        one default for every existing row: give each store its own, from Python's
        `secrets` (PostgreSQL's random() is no secret, and 12 has no
        gen_random_uuid()), in one statement."""
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM clienteling_store
                 WHERE %(column)s IS NULL
                    OR %(column)s IN (SELECT %(column)s FROM clienteling_store
                                       GROUP BY %(column)s HAVING count(*) > 1)
                """,
                column=SQL.identifier(column),
            )
        )
        store_ids = [row[0] for row in self.env.cr.fetchall()]
        if store_ids:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE clienteling_store AS store
                       SET %(column)s = new.token
                      FROM unnest(%(ids)s::int[], %(tokens)s::varchar[]) AS new(id, token)
                     WHERE store.id = new.id
                    """,
                    column=SQL.identifier(column),
                    ids=store_ids,
                    tokens=[secrets.token_urlsafe(24) for _id in store_ids],
                )
            )
        create_unique_index(self.env.cr, f"clienteling_store_{column}_uniq", self._table, [column])

    @api.depends("connect_token")
    def _compute_connect_url(self):
        for store in self:
            base = store.get_base_url()
            token = store.connect_token
            store.connect_url = f"{base}/clienteling/connect/{token}" if token else False
            store.connect_script = (
                f'<script src="{base}/clienteling/connect.js?store={token}" async="async"></script>'
                if token
                else False
            )

    def action_regenerate_connect_token(self):
        self.check_access("write")
        for store in self:
            store.sudo().connect_token = secrets.token_urlsafe(24)

    @api.depends("entry_token")
    def _compute_entry_url(self):
        # Not stored: the link follows the database's base URL of the moment.
        for store in self:
            store.entry_url = (
                f"{store.get_base_url()}/clienteling/join/{store.entry_token}"
                if store.entry_token
                else False
            )

    @api.depends("entry_url")
    def _compute_entry_qr(self):
        # drawn only when the image is read, not with every read of the link
        for store in self:
            store.entry_qr = store.entry_url and base64.b64encode(qr_png(store.entry_url))

    def action_open_entry_url(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.entry_url, "target": "new"}

    def _entry_consent_text(self):
        self.ensure_one()
        return placeholders.fill_store(
            self.entry_consent_wording, self.name, self._clienteling_display_number(self.landline)
        )

    def action_regenerate_entry_token(self):
        self.check_access("write")
        for store in self:
            store.sudo().entry_token = secrets.token_urlsafe(24)

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

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_service_request_counts(self):
        counts = {
            (store.id, state): count
            for store, state, count in self.env["clienteling.service.request"]._read_group(
                [
                    ("store_id", "in", self.ids),
                    ("state", "in", ("new_lead", "accepted", "replied")),
                ],
                ["store_id", "state"],
                ["__count"],
            )
        }
        for store in self:
            store.service_request_new_lead_count = counts.get((store.id, "new_lead"), 0)
            store.service_request_open_count = counts.get((store.id, "accepted"), 0) + counts.get(
                (store.id, "replied"), 0
            )

    @api.depends("landline", "country_id")
    def _compute_landline_display(self):
        for store in self:
            store.landline_display = store._clienteling_display_number(store.landline)

    def _clienteling_display_number(self, number):
        """``number`` (E.164) as shown to users: national for a number of this store's
        country (the company's without a store), international for another; the
        stored value stays E.164."""
        country = self[:1].country_id or self.env.company.country_id
        return display_number(number, country.code)

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
                        reason=self.env["res.partner"]._clienteling_phone_error_message(error),
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

    @api.model
    def _default_entry_consent_wording(self):
        # written with {store} in the translated source, stored as {{ store.name }}
        return placeholders.modernize(
            self.env._(
                "I agree to receive personal messages by text and email from {store}. "
                "Message frequency varies. Message and data rates may apply. "
                "Reply STOP to stop, HELP for help."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_landline(vals)
        stores = super().create(vals_list)
        # The default wording in every installed language, from the translations.
        languages = [code for code, _name in self.env["res.lang"].get_installed()]
        for store, vals in zip(stores, vals_list, strict=True):
            if "entry_consent_wording" not in vals and len(languages) > 1:
                store.update_field_translations(
                    "entry_consent_wording",
                    {
                        lang: self.with_context(lang=lang)._default_entry_consent_wording()
                        for lang in languages
                    },
                )
        if any(vals.get("manager_ids") for vals in vals_list):
            # The managers' record rules now include these stores.
            self.env["hr.employee"]._clienteling_clear_rule_cache()
        return stores

    def write(self, vals):
        self._check_admin_fields(vals)
        if not vals.get("landline"):
            res = super().write(vals)
        else:
            for store in self:
                store_vals = dict(vals)
                self._normalize_landline(store_vals, store.country_id)
                super(ClientelingStore, store).write(store_vals)
            res = True
        if "manager_ids" in vals:
            # The record rules of the managers added or removed change.
            self.env["hr.employee"]._clienteling_clear_rule_cache()
        return res

    def _check_admin_fields(self, vals):
        fnames = ADMIN_FIELDS & vals.keys()
        if (
            fnames
            and not self.env.su
            and not self.env.user.has_group("clienteling.group_clienteling_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only Clienteling administrators can change a store's %s.",
                    ", ".join(
                        sorted(
                            self._fields[fname]._description_string(self.env) for fname in fnames
                        )
                    ),
                )
            )

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
    def _clienteling_check_number_provisioning(
        self, country, company, number_type=None, store=None
    ):
        """Hook called before buying a phone number for ``country`` (res.country)
        in ``company``, of ``number_type`` (local, mobile, national, toll-free) for
        ``store`` when the number is a store's: raise a UserError to refuse. The
        default allows; the compliance addon refuses countries whose regulatory
        approval is missing."""
        return True

    def action_view_customers(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.res_partner_action_store_book"
        )
        action["domain"] = [("clienteling_store_id", "=", self.id)]
        action["context"] = {"default_clienteling_store_id": self.id}
        return action

    def action_view_employees(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.hr_employee_action_clienteling"
        )
        action["domain"] = [("clienteling_store_id", "=", self.id)]
        action["context"] = {"default_clienteling_store_id": self.id}
        return action

    def _action_service_requests(self, xmlid, **context):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = expression.AND(
            [safe_eval(action.get("domain") or "[]"), [("store_id", "=", self.id)]]
        )
        action["context"] = {"default_store_id": self.id, "search_default_open": 1, **context}
        return action

    def action_view_new_leads(self):
        return self._action_service_requests(
            "clienteling.clienteling_service_request_action_new_leads", create=False
        )

    def action_view_open_requests(self):
        return self._action_service_requests("clienteling.clienteling_service_request_action")
