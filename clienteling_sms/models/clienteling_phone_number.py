import logging

import phonenumbers

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.clienteling.tools.phone import (
    PhoneNumberError,
    display_number,
    region_of,
    to_e164,
)

from ..tools.provider import NUMBER_TYPES, ProviderError

_logger = logging.getLogger(__name__)

# Countries whose geographic (local) numbers text; elsewhere texting numbers are mobile.
LOCAL_TEXTING_REGIONS = {"US", "CA", "PR"}


def area_code_of(e164):
    """The geographic area code of a number ('212' for +12125550100), or None."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return None
    length = phonenumbers.length_of_geographical_area_code(number)
    return str(number.national_number)[:length] if length else None


def texting_number_type(country_code):
    """The kind of number that texts in ``country_code``."""
    return "local" if (country_code or "").upper() in LOCAL_TEXTING_REGIONS else "mobile"


class ClientelingPhoneNumber(models.Model):
    """A number bought from the provider: shared by a store's associates, or an
    associate's personal relay number."""

    _name = "clienteling.phone.number"
    _description = "Clienteling Phone Number"
    _inherit = ["mail.thread"]
    _rec_name = "number"
    _order = "state, number"

    number = fields.Char(required=True, index=True, tracking=True, help="E.164, e.g. +12125550100.")
    number_display = fields.Char(compute="_compute_number_display", string="Phone Number")
    account_id = fields.Many2one(
        "clienteling.sms.account", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    country_id = fields.Many2one("res.country", required=True)
    provider_sid = fields.Char(string="Provider ID", copy=False, index="btree_not_null")
    number_type = fields.Selection(
        [(key, key.replace("-", " ").capitalize()) for key in NUMBER_TYPES],
        default="local",
        required=True,
    )
    sms_capable = fields.Boolean(string="SMS", default=True)
    mms_capable = fields.Boolean(string="MMS")
    voice_capable = fields.Boolean(string="Voice")
    state = fields.Selection(
        [("available", "Available"), ("assigned", "Assigned"), ("released", "Released")],
        required=True,
        default="available",
        tracking=True,
    )
    store_id = fields.Many2one(
        "clienteling.store",
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    employee_id = fields.Many2one(
        "hr.employee", string="Associate", index="btree_not_null", tracking=True, check_company=True
    )
    date_purchased = fields.Datetime(default=fields.Datetime.now, readonly=True)
    date_assigned = fields.Datetime(readonly=True)
    date_released = fields.Datetime(readonly=True)
    conversation_count = fields.Integer(compute="_compute_conversation_count")

    _sql_constraints = [
        ("number_uniq", "unique(number)", "This number is already registered."),
        (
            "one_number_per_store",
            "EXCLUDE USING btree (store_id WITH =) WHERE (state = 'assigned' AND store_id IS NOT NULL)",
            "A store has one clienteling number.",
        ),
        (
            "one_number_per_employee",
            "EXCLUDE USING btree (employee_id WITH =) WHERE (state = 'assigned' AND employee_id IS NOT NULL)",
            "An associate has one personal clienteling number.",
        ),
    ]

    @api.depends("number", "country_id", "store_id.country_id", "employee_id")
    def _compute_number_display(self):
        for record in self:
            store = record.store_id or record.employee_id.clienteling_store_id
            record.number_display = display_number(
                record.number, (store.country_id or record.country_id).code
            )

    @api.depends("number_display")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record.number_display or record.number

    def _compute_conversation_count(self):
        counts = dict(
            self.env["clienteling.conversation"]._read_group(
                [("phone_number_id", "in", self.ids)], ["phone_number_id"], ["__count"]
            )
        )
        for number in self:
            number.conversation_count = counts.get(number, 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number"):
                try:
                    vals["number"] = to_e164(vals["number"])
                except PhoneNumberError as error:
                    raise ValidationError(
                        self.env["res.partner"]._clienteling_phone_error_message(error)
                    ) from error
                if not vals.get("country_id"):
                    region = region_of(vals["number"])
                    country = self.env["res.country"].search([("code", "=", region)], limit=1)
                    vals["country_id"] = country.id
        return super().create(vals_list)

    def write(self, vals):
        previous_users = self.employee_id.user_id if "employee_id" in vals else None
        res = super().write(vals)
        if {"state", "account_id"} & set(vals):
            # a released sender no longer sends Odoo's SMS (cached routing)
            self.env.registry.clear_cache()
        if vals.get("employee_id"):
            # A personal number given to another associate: its threads follow it.
            conversations = (
                self.env["clienteling.conversation"]
                .sudo()
                .search(
                    [("phone_number_id", "in", self.filtered(lambda n: n.state == "assigned").ids)]
                )
            )
            for conversation in conversations:
                conversation.employee_id = conversation.phone_number_id.employee_id
            conversations._sync_chat_members()
        if previous_users:
            self.env["clienteling.conversation"]._prune_chat_members(previous_users)
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # an account's sender for Odoo's SMS may be gone
        return res

    @api.constrains("state", "store_id", "employee_id")
    def _check_assignment(self):
        for number in self:
            if number.state == "assigned" and bool(number.store_id) == bool(number.employee_id):
                raise ValidationError(
                    self.env._(
                        "%s: assign the number to a store or to an associate (one of them).",
                        number.number,
                    )
                )
            if number.state != "assigned" and (number.store_id or number.employee_id):
                raise ValidationError(
                    self.env._("%s is not assigned: it has no store or associate.", number.number)
                )

    @api.model
    def _purchase(self, account, country, store=None, number_type=None):
        """Buy a number of ``country`` on ``account`` (near ``store``'s landline
        when given) and register it: the one way numbers are bought (the
        provisioning wizard, batch activation, scripts). The store hook
        ``_clienteling_check_number_provisioning`` may refuse first;
        ``_clienteling_purchase_options`` adds what the provider needs with it."""
        number_type = number_type or texting_number_type(country.code)
        self.env["clienteling.store"]._clienteling_check_number_provisioning(
            country, account.company_id, number_type=number_type, store=store
        )
        options = self._clienteling_purchase_options(account, country, number_type, store)
        provider = account._get_provider()
        # every number ever registered, whatever company (numbers are unique)
        known = set(self.sudo().with_context(active_test=False).search([]).mapped("number"))
        area_code = area_code_of(store.landline) if store and store.landline else None
        searches = [{"area_code": area_code}, {}] if area_code else [{}]
        for filters in searches:
            kwargs = dict(filters, limit=20, number_type=number_type)
            if account.provider == "sandbox":
                kwargs = {"limit": 20, "taken": known, "number_type": number_type}
            for candidate in provider.search_numbers(country.code, **kwargs):
                if candidate.number in known or not candidate.sms:
                    continue
                bought = provider.purchase_number(
                    candidate.number,
                    account._webhook_url("inbound"),
                    account._webhook_url("voice"),
                    account._webhook_url("status"),
                    **options,
                )
                return self.create(
                    {
                        "number": bought.number,
                        "account_id": account.id,
                        "country_id": country.id,
                        "number_type": number_type,
                        "provider_sid": bought.sid,
                        "sms_capable": bought.sms,
                        "mms_capable": bought.mms,
                        "voice_capable": bought.voice,
                    }
                )
        raise UserError(self.env._("The provider has no number available in %s.", country.name))

    @api.model
    def _clienteling_purchase_options(self, account, country, number_type, store=None):
        """Hook: the keyword arguments of the provider's ``purchase_number`` besides
        the number and its webhooks (``bundle_ref``, ``address_ref``). None here;
        the compliance addon gives the approved application's."""
        return {}

    def _assign(self, store=None, employee=None):
        """Assign this available number to ``store`` or ``employee``."""
        self.ensure_one()
        if self.state != "available":
            raise UserError(self.env._("%s is not available.", self.number))
        self.write(
            {
                "state": "assigned",
                "store_id": store.id if store else False,
                "employee_id": employee.id if employee else False,
                "date_assigned": fields.Datetime.now(),
            }
        )

    def _sender_store(self):
        """The store whose identity (consent, quiet hours) the number speaks for."""
        self.ensure_one()
        return self.store_id or self.employee_id.clienteling_store_id

    def action_unassign(self):
        self.check_access("write")
        for number in self.filtered(lambda n: n.state == "assigned"):
            number.write({"state": "available", "store_id": False, "employee_id": False})

    def action_release(self):
        """Give the numbers back to the provider. Permanent at the provider; the
        conversations and their history stay in Odoo."""
        self.check_access("write")
        for number in self.filtered(lambda n: n.state != "released"):
            if number.provider_sid:
                try:
                    number.account_id._get_provider().release_number(number.provider_sid)
                except ProviderError as error:
                    raise UserError(
                        self.env._(
                            "%(number)s could not be released: %(reason)s",
                            number=number.number,
                            reason=number.account_id._provider_error_reason(error),
                        )
                    ) from error
            number.write(
                {
                    "state": "released",
                    "store_id": False,
                    "employee_id": False,
                    "date_released": fields.Datetime.now(),
                }
            )
            _logger.info("Clienteling number %s released", number.number)
        return True

    def action_view_conversations(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling_sms.clienteling_conversation_action"
        )
        action["domain"] = [("phone_number_id", "=", self.id)]
        return action
