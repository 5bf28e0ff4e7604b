from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.customer_entry import check_submission, name_words
from ..tools.dates import check_month_day, day_month_text

ENTRY_STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("merged", "Merged"),
    ("rejected", "Rejected"),
]
# Submissions accepted from one network address in RATE_WINDOW (system parameter
# clienteling.customer_entry_rate_limit overrides the count).
RATE_LIMIT = 20
RATE_WINDOW = timedelta(minutes=10)
REJECTED_KEPT_DAYS = 30


class CustomerEntryRateLimited(UserError):
    """Too many submissions from one network address."""


class ClientelingCustomerEntry(models.Model):
    """A customer's details typed on the public entry form, held until an
    associate reviews them: nothing reaches the customer base before."""

    _name = "clienteling.customer.entry"
    _description = "Pending Customer Entry"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(required=True)
    email = fields.Char()
    mobile = fields.Char(help="In international (E.164) form.")
    birthday_month = fields.Integer()
    birthday_day = fields.Integer()
    birthday_year = fields.Integer()
    consent = fields.Boolean(
        string="Consent Given", readonly=True, help="The customer ticked the consent box."
    )
    consent_wording = fields.Text(
        readonly=True, help="The exact consent text the form showed the customer."
    )
    store_id = fields.Many2one(
        "clienteling.store", required=True, index=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    associate_id = fields.Many2one(
        "hr.employee",
        string="Entered With",
        readonly=True,
        ondelete="set null",
        help="The associate signed in on the device the form was filled on, if any.",
    )
    state = fields.Selection(
        ENTRY_STATES, required=True, default="pending", index=True, tracking=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="set null", tracking=True
    )
    remote_address = fields.Char(
        string="Network Address", readonly=True, index=True, groups="base.group_system"
    )
    user_agent = fields.Char(
        string="Browser", readonly=True, groups="base.group_system", help="Proof of consent."
    )
    lang = fields.Char(
        string="Form Language", readonly=True, help="The language the form was shown in."
    )
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed By", readonly=True)
    review_date = fields.Datetime(readonly=True)
    reject_reason = fields.Char()
    duplicate_ids = fields.Many2many(
        "res.partner", compute="_compute_duplicate_ids", string="Possible Duplicates"
    )
    duplicate_count = fields.Integer(compute="_compute_duplicate_ids")
    birthday_display = fields.Char(compute="_compute_birthday_display", string="Birthday")

    @api.constrains("birthday_month", "birthday_day", "birthday_year")
    def _check_birthday(self):
        for entry in self.filtered(lambda e: e.birthday_month or e.birthday_day):
            try:
                check_month_day(entry.birthday_month, entry.birthday_day, entry.birthday_year)
            except ValueError as error:
                raise ValidationError(str(error)) from error

    def _compute_birthday_display(self):
        for entry in self:
            entry.birthday_display = (
                day_month_text(entry.birthday_day, entry.birthday_month, entry.birthday_year)
                or False
            )

    def _duplicate_domain(self):
        """Customers with the same email or number, or whose name has every word of
        this entry's name (in any order, any case)."""
        self.ensure_one()
        branches = []
        if self.email:
            branches.append([("email_normalized", "=", self.email.lower())])
        if self.mobile:
            branches.append([("phone_sanitized", "=", self.mobile)])
        words = name_words(self.name)
        if words:
            branches.append(expression.AND([[("name", "ilike", word)] for word in words]))
        return expression.OR(branches) if branches else None

    @api.depends("name", "email", "mobile", "store_id")
    def _compute_duplicate_ids(self):
        Partner = self.env["res.partner"]
        for entry in self:
            domain = entry._duplicate_domain()
            duplicates = Partner.browse()
            if domain and entry.state == "pending":
                duplicates = Partner.search(
                    [
                        ("partner_share", "=", True),
                        ("company_id", "in", [False, entry.company_id.id]),
                        *domain,
                    ],
                    limit=20,
                )
            entry.duplicate_ids = duplicates
            entry.duplicate_count = len(duplicates)

    # Submission from the public form.

    def _entry_error_messages(self):
        _ = self.env._
        return {
            ("name", "required"): _("Please enter your name."),
            ("name", "too_long"): _("The name is too long (100 characters at most)."),
            ("name", "invalid"): _("The name contains characters that are not allowed."),
            ("email", "too_long"): _("The email address is too long."),
            ("email", "invalid"): _("Please enter a valid email address, like name@example.com."),
            ("mobile", "too_long"): _("The mobile number is too long."),
            ("mobile", "invalid"): _("Please enter a valid mobile number."),
            ("mobile", "contact_required"): _("Please enter a mobile number or an email address."),
            ("birthday", "too_long"): _("Please enter a valid birthday."),
            ("birthday", "invalid"): _("Please enter a valid birthday."),
        }

    @api.model
    def _submit(self, store, form, remote_address, associate=None, user_agent=None):
        """Store a submission of ``store``'s public form (a mapping of strings).

        Return ``(entry, errors)``: the new pending entry, or an empty recordset and
        a dict of field -> translated message, with nothing stored. Raise
        :class:`CustomerEntryRateLimited` when ``remote_address`` sent too many.
        """
        store.ensure_one()
        values, codes = check_submission(form, store.country_id.code or None)
        if codes:
            messages = self._entry_error_messages()
            return self.browse(), {field: messages[field, code] for field, code in codes.items()}
        self._check_rate(remote_address)
        entry = self.sudo().create(
            {
                "name": values["name"],
                "email": values["email"] or False,
                "mobile": values["mobile"] or False,
                "birthday_month": values["birthday_month"],
                "birthday_day": values["birthday_day"],
                "birthday_year": values["birthday_year"],
                "consent": values["consent"],
                # The words as shown: in the language the form was shown in.
                "consent_wording": store.with_context(lang=self.env.lang)._entry_consent_text()
                if values["consent"]
                else False,
                "store_id": store.id,
                "associate_id": associate.id if associate else False,
                "remote_address": remote_address,
                "user_agent": (user_agent or "")[:255] or False,
                "lang": self.env.lang,
            }
        )
        return entry, {}

    @api.model
    def _check_rate(self, remote_address):
        """Refuse a submission when ``remote_address`` already sent the limit in the
        window. Serialized per address, so concurrent requests cannot overshoot."""
        if not remote_address:
            return
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("clienteling.customer_entry_rate_limit", RATE_LIMIT)
        )
        self.env.cr.execute(
            SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", f"clienteling.entry.{remote_address}")
        )
        recent = (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("remote_address", "=", remote_address),
                    ("create_date", ">=", fields.Datetime.now() - RATE_WINDOW),
                ]
            )
        )
        if recent >= limit:
            raise CustomerEntryRateLimited(
                self.env._("Too many forms were sent from this network. Please try again later.")
            )

    # Review.

    def _check_pending(self):
        for entry in self:
            if entry.state != "pending":
                raise UserError(
                    self.env._(
                        "%(name)s was already reviewed (%(state)s).",
                        name=entry.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            entry.state
                        ],
                    )
                )

    def _mark_reviewed(self, state, partner=None):
        self.write(
            {
                "state": state,
                "partner_id": partner.id if partner else False,
                "reviewed_by_id": self.env.user.id,
                "review_date": fields.Datetime.now(),
            }
        )

    def _book_owner(self):
        """The associate whose client book an approved customer joins."""
        self.ensure_one()
        if not self.company_id.clienteling_auto_assign_books:
            return self.env["hr.employee"]
        if self.associate_id.active and self.associate_id.clienteling_store_id == self.store_id:
            return self.associate_id
        employee = self.env.user.employee_id
        return employee if employee.clienteling_store_id == self.store_id else employee.browse()

    def action_approve(self):
        """Create one new customer per entry, with its birthday and consent."""
        self._check_pending()
        partners = self.env["res.partner"]
        for entry in self:
            owner = entry._book_owner()
            partner = self.env["res.partner"].create(
                {
                    "name": entry.name,
                    "email": entry.email,
                    "mobile": entry.mobile,
                    "clienteling_store_id": entry.store_id.id,
                    "clienteling_associate_id": owner.id,
                    "company_id": entry.company_id.id,
                }
            )
            entry._apply_birthday(partner)
            entry._record_consent(partner)
            entry._mark_reviewed("approved", partner)
            entry.message_post(
                body=self.env._("Approved as a new customer: %s", partner.display_name)
            )
            partners |= partner
        if len(partners) == 1:
            return partners._get_records_action()
        return True

    def action_open_merge(self):
        self.ensure_one()
        self._check_pending()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge into an Existing Customer"),
            "res_model": "clienteling.customer.entry.merge",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_entry_id": self.id,
                "default_partner_id": self.duplicate_ids[:1].id,
            },
        }

    def _merge_into(self, partner, replace=()):
        """Fill ``partner``'s empty fields from this entry; overwrite the fields
        named in ``replace`` (``name``, ``email``, ``mobile``, ``birthday``)."""
        self.ensure_one()
        self._check_pending()
        values = {}
        for fname in ("name", "email", "mobile"):
            if self[fname] and (not partner[fname] or fname in replace):
                values[fname] = self[fname]
        if not partner.clienteling_store_id:
            values["clienteling_store_id"] = self.store_id.id
        if not partner.clienteling_associate_id:
            owner = self._book_owner()
            if owner:
                values["clienteling_associate_id"] = owner.id
        if values:
            partner.write(values)
        self._apply_birthday(partner, replace="birthday" in replace)
        self._record_consent(partner)
        self._mark_reviewed("merged", partner)
        self.message_post(body=self.env._("Merged into %s", partner.display_name))

    def action_reject(self):
        self._check_pending()
        self._mark_reviewed("rejected")

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id._get_records_action()

    def _apply_birthday(self, partner, replace=False):
        if not (self.birthday_month and self.birthday_day):
            return
        values = {
            "month": self.birthday_month,
            "day": self.birthday_day,
            "year": self.birthday_year or False,
        }
        birthday = partner.clienteling_important_date_ids.filtered(lambda d: d.kind == "birthday")
        if not birthday:
            self.env["clienteling.important.date"].create(
                dict(values, partner_id=partner.id, kind="birthday")
            )
        elif replace:
            birthday[:1].write(values)

    def _record_consent(self, partner):
        if not self.consent:
            return
        for channel, address in (("sms", self.mobile), ("email", self.email)):
            if address:
                partner._clienteling_record_consent(
                    channel,
                    "opted_in",
                    self.store_id,
                    "web_form",
                    wording=self.consent_wording,
                    address=address,
                    employee=self.associate_id or self.env.user.employee_id,
                    reference=f"clienteling.customer.entry,{self.id}",
                )

    @api.autovacuum
    def _gc_rejected_entries(self):
        """Rejected entries hold personal data nobody kept: delete them after 30 days."""
        limit = fields.Datetime.now() - timedelta(days=REJECTED_KEPT_DAYS)
        self.sudo().search([("state", "=", "rejected"), ("review_date", "<", limit)]).unlink()
