from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, create_index, email_normalize

from ..tools.phone import PhoneNumberError, to_e164

CONSENT_STATES = [("pending", "Pending"), ("opted_in", "Opted In"), ("opted_out", "Opted Out")]


class ClientelingConsent(models.Model):
    """The consent ledger: one row per change, never rewritten.

    The current state for a customer, channel and store is the newest row.
    Only system administrators may correct or delete rows.
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
    store_id = fields.Many2one(
        "clienteling.store",
        string="Store",
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
        is_system = self.env.is_system()
        for vals in vals_list:
            if not is_system:
                # Only trusted code (sudo, imports by administrators) may backdate a row.
                vals["date"] = fields.Datetime.now()
                vals["user_id"] = self.env.uid
            vals["address"] = self._normalized_address(vals)
        consents = super().create(vals_list)
        consents.filtered(lambda c: c.channel == "sms")._sync_phone_blacklist()
        return consents

    def write(self, vals):
        if not self.env.is_system():
            raise AccessError(
                self.env._(
                    "The consent ledger cannot be changed: record a new consent instead. "
                    "Only system administrators may correct it."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_system(self):
        if not self.env.is_system():
            raise AccessError(
                self.env._("Consent records cannot be deleted; only system administrators may.")
            )

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
                        reason=str(error),
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

    def _sync_phone_blacklist(self):
        """Keep Odoo's phone blacklist in line with the ledger: a number is
        blacklisted while, for any store, its newest SMS consent is an opt-out."""
        numbers = set(
            self.filtered(lambda c: c.state in ("opted_in", "opted_out")).mapped("address")
        )
        if not numbers:
            return
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
        opted_in = [number for number, out in rows if not out]
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
