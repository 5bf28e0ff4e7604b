from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, create_index, email_normalize

from ..tools.phone import PhoneNumberError, to_e164

CONSENT_STATES = [("pending", "Pending"), ("opted_in", "Opted In"), ("opted_out", "Opted Out")]
# Written only by the code that received them (keyword processing, the public
# form's approval), in superuser mode: never by a person through the ORM.
WITNESSED_SOURCES = ("keyword", "web_form")
# Imports and integrations: system administrators (and trusted code).
SYSTEM_SOURCES = ("import", "api", "correction")


class ClientelingConsent(models.Model):
    """The consent ledger: one row per change, never rewritten.

    The current state for a customer, channel and store is the newest row.
    Only system administrators may correct or delete rows, with a written reason.

    A row records what really happened. Trusted code (superuser mode: keyword
    processing, the customer entry approval, webhooks) writes any source. A person
    (any other call, RPC included) records only what they witnessed as themselves:
    source ``associate``, their own employee, now, no provider reference; system
    administrators may also record ``import``, ``api`` and ``correction`` rows.
    Only the customer (keyword, signed form) turns an opt-out back into another
    state, or a system administrator who writes the reason.
    """

    _name = "clienteling.consent"
    _description = "Clienteling Consent"
    _order = "date desc, id desc"
    _rec_names_search = ["partner_id", "address"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        ondelete="restrict",
        help="Empty when an unknown number texted a keyword: the consent holds for the number.",
    )
    channel = fields.Selection([("sms", "SMS"), ("email", "Email")], required=True)
    address = fields.Char(
        required=True,
        index=True,
        help="The number (E.164) or email address the consent is for. Defaults to the "
        "customer's mobile or email.",
    )
    address_display = fields.Char(compute="_compute_address_display", string="Number or Email")
    store_id = fields.Many2one(
        "clienteling.store",
        required=True,
        index=True,
        ondelete="restrict",
        help="The sender identity (store number or mailbox) the consent is for.",
    )
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    state = fields.Selection(CONSENT_STATES, required=True)
    source = fields.Selection(
        [
            ("keyword", "Keyword Reply"),
            ("web_form", "Web Form"),
            ("associate", "Associate"),
            ("import", "Import"),
            ("api", "API"),
            ("correction", "Administrator Correction"),
        ],
        required=True,
        default="associate",
    )
    wording = fields.Text(
        help="The exact text shown to the customer, or received from them (e.g. 'STOP')."
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    employee_id = fields.Many2one("hr.employee", string="Associate", ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, ondelete="set null"
    )
    reference = fields.Char(
        help="Proof reference: provider message id of the keyword, form submission, import batch."
    )
    reason = fields.Text(
        help="Why a system administrator recorded or corrected this row: required to turn "
        "an opt-out into another state and to correct the ledger."
    )

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "clienteling_consent_current_idx",
            self._table,
            ["partner_id", "channel", "store_id", "date DESC", "id DESC"],
        )
        create_index(
            self.env.cr,
            "clienteling_consent_address_idx",
            self._table,
            ["address", "channel", "store_id", "date DESC", "id DESC"],
        )
        return res

    @api.depends("address", "store_id.country_id")
    def _compute_address_display(self):
        for consent in self:
            consent.address_display = consent.store_id._clienteling_display_number(consent.address)

    @api.depends("partner_id", "channel", "state", "store_id")
    def _compute_display_name(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for consent in self:
            consent.display_name = (
                f"{consent.partner_id.display_name or consent.address} · {channels.get(consent.channel, '')} "
                f"· {states.get(consent.state, '')} · {consent.store_id.name or ''}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._prepare_person_rows(vals_list)
        for vals in vals_list:
            vals["address"] = self._normalized_address(vals)
        consents = super().create(vals_list)
        if not self.env.su:
            consents._check_opt_out_reversal()
        consents._sync_phone_blacklist()
        return consents

    @api.model
    def _prepare_person_rows(self, vals_list):
        """Make rows a person creates say what that person really did, or refuse."""
        user = self.env.user
        is_system = user._is_system()
        sources = dict(self._fields["source"]._description_selection(self.env))
        for vals in vals_list:
            source = vals.get("source") or "associate"
            if source in WITNESSED_SOURCES or (source != "associate" and not is_system):
                raise AccessError(
                    self.env._(
                        "You can only record a consent you witnessed yourself (source "
                        "Associate), not one with source %s: keyword replies and web forms "
                        "are recorded by the code that received them.",
                        sources.get(source, source),
                    )
                )
            if source == "correction" and not (vals.get("reason") or "").strip():
                raise UserError(self.env._("Write the reason for the correction."))
            vals["source"] = source
            vals["user_id"] = user.id
            if is_system and source != "associate":
                continue  # imports and integrations keep their dates, people, references
            vals["date"] = fields.Datetime.now()
            if vals.get("reference"):
                raise AccessError(
                    self.env._("A consent you record yourself carries no provider reference.")
                )
            store = self.env["clienteling.store"].sudo().browse(vals.get("store_id"))
            own = user.employee_ids
            employee = own.browse(vals.get("employee_id") or [])
            if employee and employee not in own:
                raise AccessError(
                    self.env._(
                        "A consent you record yourself is recorded under your own name, not %s's.",
                        employee.sudo().name,
                    )
                )
            if not employee:
                employee = own.filtered(lambda e, c=store.company_id: e.company_id == c)[:1]
            vals["employee_id"] = employee.id

    def _previous_row(self):
        """The row of the same address, channel and store just before this one."""
        self.ensure_one()
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("address", "=", self.address),
                    ("channel", "=", self.channel),
                    ("store_id", "=", self.store_id.id),
                    ("id", "!=", self.id),
                    *expression.OR(
                        [
                            [("date", "<", self.date)],
                            [("date", "=", self.date), ("id", "<", self.id)],
                        ]
                    ),
                ],
                limit=1,
            )
        )

    def _is_current(self):
        self.ensure_one()
        return self._current_state_row(self.address, self.channel, self.store_id) == self

    @api.model
    def _current_state_row(self, address, channel, store):
        return self.sudo().search(
            [("address", "=", address), ("channel", "=", channel), ("store_id", "=", store.id)],
            limit=1,
        )

    def _check_opt_out_reversal(self):
        """Refuse new rows of a person that end an opt-out (an opt-in, or even a
        pending opt-in request): only the customer can, or a system administrator
        with a written reason."""
        is_system = self.env.user._is_system()
        for consent in self.filtered(lambda c: c.state != "opted_out"):
            if consent._previous_row().state != "opted_out" or not consent._is_current():
                continue
            who = consent.partner_id.sudo().display_name or consent.address
            if not is_system:
                raise AccessError(
                    self.env._(
                        "%(customer)s opted out of %(store)s: only the customer can opt in "
                        "again (by replying START or signing a new form), or a system "
                        "administrator with a written reason.",
                        customer=who,
                        store=consent.store_id.sudo().name,
                    )
                )
            if not (consent.reason or "").strip():
                raise UserError(
                    self.env._(
                        "%s opted out: write the reason why this opt-out no longer holds.",
                        who,
                    )
                )

    def _may_lift_opt_out(self):
        """Rows that may take a number off Odoo's phone blacklist: the customer's
        own word (keyword, form) or a system administrator's written reason. An
        associate's opt-in never lifts a blacklist someone else put in place."""
        may_correct = self.env.su or self.env.user._is_system()
        return self.filtered(
            lambda c: c.source in WITNESSED_SOURCES or (may_correct and (c.reason or "").strip())
        )

    def write(self, vals):
        if not self.env.is_system():
            raise AccessError(
                self.env._(
                    "The consent ledger cannot be changed: record a new consent instead. "
                    "Only system administrators may correct it."
                )
            )
        if not self.env.su and not (vals.get("reason") or "").strip():
            raise UserError(self.env._("Write the reason for correcting the consent ledger."))
        before = self.filtered(lambda c: c.channel == "sms").mapped("address")
        res = super().write(vals)
        self._sync_phone_blacklist(extra_numbers=before, lift=True)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_system(self):
        if not self.env.is_system():
            raise AccessError(
                self.env._("Consent records cannot be deleted; only system administrators may.")
            )
        if not self.env.su:
            for consent in self.filtered(lambda c: c.state == "opted_out"):
                if consent._is_current():
                    raise UserError(
                        self.env._(
                            "%s's opt-out is their current consent and cannot be deleted: "
                            "record the correction with its reason instead.",
                            consent.partner_id.display_name or consent.address,
                        )
                    )

    def unlink(self):
        numbers = self.filtered(lambda c: c.channel == "sms").mapped("address")
        res = super().unlink()
        self.browse()._sync_phone_blacklist(extra_numbers=numbers)
        return res

    @api.model
    def _normalized_address(self, vals):
        """The E.164 number or normalized email of a new row; raise when there is none."""
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        store = self.env["clienteling.store"].browse(vals.get("store_id"))
        raw = vals.get("address")
        if vals.get("channel") == "sms":
            if not raw:
                raw = partner.phone_sanitized or partner.mobile or partner.phone
            if not raw:
                raise ValidationError(
                    self.env._(
                        "%s has no phone number to record an SMS consent for.", partner.display_name
                    )
                )
            try:
                return to_e164(raw, store.country_id.code or partner.country_id.code or None)
            except PhoneNumberError as error:
                raise ValidationError(
                    self.env._(
                        "Invalid number for %(customer)s: %(reason)s",
                        customer=partner.display_name,
                        reason=self.env["res.partner"]._clienteling_phone_error_message(error),
                    )
                ) from error
        if vals.get("channel") == "email":
            email = email_normalize(raw or partner.email or "")
            if not email:
                raise ValidationError(
                    self.env._(
                        "%s has no valid email address to record an email consent for.",
                        partner.display_name,
                    )
                )
            return email
        return raw

    @api.model
    def _current_state(self, partner, channel, store, address=None):
        """Newest state for ``partner`` with ``store``, or with ``address`` for that
        number or email whoever it belongs to (STOP holds for the number). False
        when nothing was recorded."""
        domain = [("channel", "=", channel), ("store_id", "=", store.id)]
        if address:
            normalized = self._normalized_address(
                {
                    "partner_id": partner.id,
                    "store_id": store.id,
                    "channel": channel,
                    "address": address,
                }
            )
            domain.append(("address", "=", normalized))
        else:
            domain.append(("partner_id", "=", partner.id))
        return self.search(domain, limit=1).state or False

    def _sync_phone_blacklist(self, extra_numbers=(), lift=False):
        """Keep Odoo's phone blacklist in line with the ledger: a number is
        blacklisted while, for any store, its newest SMS consent is an opt-out.

        Numbers are taken off the blacklist only for rows that may lift an
        opt-out (:meth:`_may_lift_opt_out`), or with ``lift`` (a correction):
        a blacklist entry an associate did not put there stays."""
        sms = self.filtered(lambda c: c.channel == "sms")
        numbers = set(sms.filtered(lambda c: c.state != "pending").mapped("address"))
        numbers.update(extra_numbers)
        if not numbers:
            return
        liftable = numbers if lift else set(sms._may_lift_opt_out().mapped("address"))
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT address, bool_or(state = 'opted_out')
                  FROM (
                        SELECT DISTINCT ON (address, store_id) address, state
                          FROM clienteling_consent
                         WHERE channel = 'sms' AND address IN %(numbers)s AND state != 'pending'
                      ORDER BY address, store_id, date DESC, id DESC
                       ) AS latest
              GROUP BY address
                """,
                numbers=tuple(numbers),
            )
        )
        blacklist = self.env["phone.blacklist"].sudo()
        rows = self.env.cr.fetchall()
        opted_out = [number for number, out in rows if out]
        opted_in = [number for number, out in rows if not out and number in liftable]
        if opted_out:
            blacklist._add(
                opted_out, message=self.env._("Opted out of SMS from a store (Clienteling).")
            )
        if opted_in:
            already = blacklist.search([("number", "in", opted_in)])
            if already:
                blacklist._remove(
                    already.mapped("number"),
                    message=self.env._("Opted in again to SMS from every store (Clienteling)."),
                )
