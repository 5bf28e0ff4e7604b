from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.customer_entry import CONTROL_CHARACTERS, check_submission, rate_key
from ..tools.dates import DateError, check_month_day

ENTRY_STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("merged", "Merged"),
    ("rejected", "Rejected"),
]
REJECTED_KEPT_DAYS = 30
# What the customer submitted, and where and how: the evidence of their consent.
# Only system administrators may change it (the store never changes).
EVIDENCE_FIELDS = frozenset(
    {
        "name",
        "email",
        "mobile",
        "birthday_month",
        "birthday_day",
        "birthday_year",
        "consent",
        "consent_wording",
        "store_id",
        "company_id",
        "associate_id",
        "remote_address",
        "remote_network",
        "user_agent",
        "lang",
    }
)
# Written by the review actions only.
REVIEW_FIELDS = frozenset({"state", "partner_id", "reviewed_by_id", "review_date"})


class ClientelingCustomerEntry(models.Model):
    """A customer's details typed on the public entry form, held until an
    associate reviews them: nothing reaches the customer base before."""

    _name = "clienteling.customer.entry"
    _description = "Pending Customer Entry"
    _inherit = ["mail.thread", "clienteling.rate.limit.mixin"]
    _order = "create_date desc, id desc"

    name = fields.Char(required=True, tracking=True)
    email = fields.Char(tracking=True)
    mobile = fields.Char(help="In international (E.164) form.", tracking=True)
    mobile_display = fields.Char(compute="_compute_mobile_display", string="Mobile Number")
    birthday_month = fields.Integer()
    birthday_day = fields.Integer()
    birthday_year = fields.Integer()
    consent = fields.Boolean(
        string="Consent Given",
        readonly=True,
        tracking=True,
        help="The customer ticked the consent box.",
    )
    consent_wording = fields.Text(
        readonly=True, tracking=True, help="The exact consent text the form showed the customer."
    )
    store_id = fields.Many2one(
        "clienteling.store", required=True, index=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    associate_id = fields.Many2one(
        "hr.employee",
        string="Entered With",
        readonly=True,
        tracking=True,
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
        string="Network Address", readonly=True, groups="base.group_system"
    )
    user_agent = fields.Char(
        string="Browser", readonly=True, groups="base.group_system", help="Proof of consent."
    )
    lang = fields.Char(
        string="Form Language", readonly=True, help="The language the form was shown in."
    )
    reviewed_by_id = fields.Many2one("res.users", readonly=True)
    review_date = fields.Datetime(readonly=True)
    reject_reason = fields.Char(help="Editable while the entry is pending.")
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
            except DateError as error:
                raise ValidationError(
                    self.env["clienteling.important.date"]._date_error_message(error)
                ) from error

    @api.depends("mobile", "store_id.country_id")
    def _compute_mobile_display(self):
        for entry in self:
            entry.mobile_display = entry.store_id._clienteling_display_number(entry.mobile)

    @api.depends("birthday_day", "birthday_month", "birthday_year")
    @api.depends_context("lang")
    def _compute_birthday_display(self):
        dates = self.env["clienteling.important.date"]
        for entry in self:
            entry.birthday_display = (
                dates._day_month_text(entry.birthday_day, entry.birthday_month, entry.birthday_year)
                or False
            )

    def _duplicate_domain(self):
        """Customers with the same email or number, or whose name has every word of
        this entry's name (in any order, any case)."""
        self.ensure_one()
        return self.env["res.partner"]._clienteling_duplicate_domain(
            email=self.email, mobile=self.mobile, name=self.name
        )

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

    # What the customer submitted is evidence.

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.is_system():
            raise AccessError(
                self.env._(
                    "Pending customers come from the stores' customer entry forms only: "
                    "add a customer directly instead."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if "store_id" in vals and any(entry.store_id.id != vals["store_id"] for entry in self):
                raise UserError(self.env._("The store of a pending customer cannot change."))
            if not self.env.user._is_system():
                locked = (EVIDENCE_FIELDS | REVIEW_FIELDS) & vals.keys()
                if locked:
                    raise AccessError(
                        self.env._(
                            "What a customer submitted cannot be changed (%(fields)s): approve, "
                            "merge or reject the entry, then edit the customer. Only system "
                            "administrators may correct an entry.",
                            fields=", ".join(
                                self._fields[fname].string for fname in sorted(locked)
                            ),
                        )
                    )
                if "reject_reason" in vals:
                    self._check_pending()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reviewed_evidence(self):
        if not self.env.is_system() and any(e.state in ("approved", "merged") for e in self):
            raise AccessError(
                self.env._(
                    "An approved or merged entry is the evidence of the customer's consent: "
                    "only system administrators may delete it."
                )
            )

    # Submission from the public form.

    def _entry_error_messages(self):
        return {
            ("name", "required"): self.env._("Please enter your name."),
            ("name", "too_long"): self.env._("The name is too long (100 characters at most)."),
            ("name", "invalid"): self.env._("The name contains characters that are not allowed."),
            ("email", "too_long"): self.env._("The email address is too long."),
            ("email", "invalid"): self.env._(
                "Please enter a valid email address, like name@example.com."
            ),
            ("mobile", "too_long"): self.env._("The mobile number is too long."),
            ("mobile", "invalid"): self.env._("Please enter a valid mobile number."),
            ("mobile", "contact_required"): self.env._(
                "Please enter a mobile number or an email address."
            ),
            ("birthday", "too_long"): self.env._("Please enter a valid birthday."),
            ("birthday", "invalid"): self.env._("Please enter a valid birthday."),
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
        self._check_rate(remote_address, store)
        entry = (
            self.sudo()
            .with_context(mail_notrack=True)
            .create(
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
                    "remote_network": rate_key(remote_address),
                    "user_agent": CONTROL_CHARACTERS.sub("", user_agent or "")[:255] or False,
                    "lang": self.env.lang,
                }
            )
        )
        # The entry as created (sudo), without the creation's mail_notrack.
        return self.sudo().browse(entry.ids), {}

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

    def _check_reviewable(self):
        """Before a review action: the user may review these entries (their store,
        their company) and they are still pending, checked under a row lock so
        that two reviewers cannot both act on one entry."""
        self.check_access("write")
        if self:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                    SQL.identifier(self._table),
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(["state"])
        self._check_pending()

    def _check_merge_target(self, partner):
        """``partner`` may receive this entry: a customer (not a user) of the
        entry's company that the user may read and change."""
        self.ensure_one()
        if not partner.exists():
            raise UserError(self.env._("Choose the customer to merge into."))
        partner.check_access("read")
        if partner.sudo().user_ids:
            raise UserError(
                self.env._(
                    "%s is a user of Odoo, not a customer: choose a customer.",
                    partner.display_name,
                )
            )
        if partner.company_id and partner.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "%(customer)s belongs to %(company)s, not to the company of %(store)s.",
                    customer=partner.display_name,
                    company=partner.company_id.name,
                    store=self.store_id.name,
                )
            )
        partner.check_access("write")

    def _mark_reviewed(self, state, partner=None):
        # After _check_reviewable: review fields are written by these actions only.
        self.sudo().write(
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
        self._check_reviewable()
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
        self.check_access("write")
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
        self._check_reviewable()
        self._check_merge_target(partner)
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
        self._check_reviewable()
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
        """The consent the customer gave on the form, as a ``web_form`` row of the
        ledger: written as the trusted code that received it (after
        ``_check_reviewable``; the entry is evidence nobody but a system
        administrator can change), dated when the customer submitted it, so a
        STOP they sent after the form still holds."""
        if not self.consent:
            return
        Consent = self.env["clienteling.consent"].sudo()
        for channel, address in (("sms", self.mobile), ("email", self.email)):
            if address:
                Consent.create(
                    {
                        "partner_id": partner.id,
                        "channel": channel,
                        "state": "opted_in",
                        "store_id": self.store_id.id,
                        "source": "web_form",
                        "wording": self.consent_wording,
                        "address": address,
                        "date": self.create_date,
                        "employee_id": self.associate_id.id,
                        "reference": f"clienteling.customer.entry,{self.id}",
                    }
                )

    @api.autovacuum
    def _gc_rejected_entries(self):
        """Rejected entries hold personal data nobody kept: delete them after 30 days."""
        limit = fields.Datetime.now() - timedelta(days=REJECTED_KEPT_DAYS)
        self.sudo().search([("state", "=", "rejected"), ("review_date", "<", limit)]).unlink()
