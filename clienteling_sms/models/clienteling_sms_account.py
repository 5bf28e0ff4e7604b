import secrets

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from ..tools import keywords
from ..tools.provider import ProviderError, get_provider_class, provider_classes
from ..tools.sandbox import new_sid

WEBHOOK_PATH = "/clienteling/sms/%s/%s"


def routing_fields():
    """Where an account sends and who it is at the provider: a person without
    system rights who changes one of these on an account with credentials
    clears them, so they can never redirect the account (and its secrets) to a
    server of theirs."""
    fields_ = {"provider", "webhook_base_url"}
    for provider_class in provider_classes().values():
        fields_.update(provider_class.routing_fields)
    return fields_


def secret_fields():
    return {f for cls in provider_classes().values() for f in cls.secret_fields}


def odoo_sms_routing_fields():
    """What decides whether an account sends Odoo's own SMS (_odoo_sms_account_id)."""
    return {"active", "company_id", "provider", "default_number_id"} | routing_fields()


class ClientelingSmsAccount(models.Model):
    """An SMS provider account of a company, used by every store number of it
    and by Odoo's own SMS features.

    Add a provider with ``provider = fields.Selection(selection_add=[...])``, its
    settings fields, and a ``tools.provider.SmsProvider`` subclass registered with
    ``tools.provider.register`` under the same key (see ``tools/provider.py``).
    """

    _name = "clienteling.sms.account"
    _description = "Clienteling SMS Account"
    _inherit = ["mail.thread"]

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    provider = fields.Selection(
        [("sandbox", "Sandbox (no real messages)"), ("twilio", "Twilio")],
        required=True,
        default="sandbox",
        tracking=True,
    )
    twilio_account_sid = fields.Char(
        string="Account SID", groups="base.group_system", tracking=True
    )
    twilio_auth_token = fields.Char(string="Auth Token", groups="base.group_system", copy=False)
    twilio_api_key_sid = fields.Char(
        string="API Key SID",
        groups="base.group_system",
        help="Optional: authenticate REST calls with an API key instead of the auth token. "
        "Webhook signatures are always checked with the auth token.",
    )
    twilio_api_key_secret = fields.Char(
        string="API Key Secret", groups="base.group_system", copy=False
    )
    twilio_messaging_service_sid = fields.Char(
        string="Messaging Service SID",
        groups="base.group_system",
        help="Optional: send through a Messaging Service (A2P 10DLC campaigns, Advanced Opt-Out).",
    )
    twilio_api_base_url = fields.Char(
        string="API Base URL",
        groups="base.group_system",
        help="Leave empty to reach Twilio directly. Set it only to go through an HTTP proxy "
        "or a test endpoint that answers like Twilio.",
    )
    sandbox_secret = fields.Char(
        groups="base.group_system",
        copy=False,
        default=lambda self: secrets.token_hex(16),
        help="Signs the sandbox's simulated webhooks.",
    )
    webhook_base_url = fields.Char(
        string="Public URL",
        required=True,
        default=lambda self: self.env["ir.config_parameter"].sudo().get_param("web.base.url"),
        help="The address of this Odoo as the provider reaches it (behind a proxy: the "
        "public https address). Webhook signatures are checked against it.",
    )
    default_number_id = fields.Many2one(
        "clienteling.phone.number",
        string="Sender for Odoo SMS",
        domain="[('account_id', '=', id), ('state', '!=', 'released')]",
        help="The number Odoo's own SMS features (Send SMS, SMS templates, SMS marketing) send from.",
    )
    number_ids = fields.One2many("clienteling.phone.number", "account_id", string="Numbers")
    opt_in_keywords = fields.Char(default=", ".join(keywords.DEFAULT_OPT_IN), required=True)
    opt_out_keywords = fields.Char(default=", ".join(keywords.DEFAULT_OPT_OUT), required=True)
    help_keywords = fields.Char(default=", ".join(keywords.DEFAULT_HELP), required=True)
    opt_in_reply = fields.Text(
        translate=True,
        default="You're subscribed to texts from {{ store.name }}. Msg & data rates may apply. Reply STOP to opt out.",
        help="Sent once when a customer opts in. {{ store.name }} is the store name.",
    )
    opt_out_reply = fields.Text(
        translate=True,
        default="You're unsubscribed from {{ store.name }} texts and will receive no more messages. Reply START to resubscribe.",
        help="The one confirmation sent when a customer opts out; nothing is sent after it.",
    )
    help_reply = fields.Text(
        translate=True,
        default="{{ store.name }}: texts from your store associate. Call us on {{ store.landline }}. Reply STOP to opt out.",
        help="Answer to HELP and INFO. {{ store.name }} and {{ store.landline }} are the store's.",
    )
    voice_message = fields.Text(
        translate=True,
        default="Thank you for calling. This number only receives text messages. Please send us a text.",
        help="Said to callers of a clienteling number.",
    )
    voice_language = fields.Char(
        default="en-US", required=True, help="Language code of the voice, e.g. fr-FR."
    )
    quiet_hours_start = fields.Float(
        default=8.0, help="Associates may start a conversation from this hour, store time."
    )
    quiet_hours_end = fields.Float(
        default=20.0,
        help="Messages an associate starts after this hour wait until the next morning.",
    )

    _sql_constraints = [
        (
            "one_active_per_company",
            "EXCLUDE USING btree (company_id WITH =) WHERE (active)",
            "A company has one active SMS account.",
        ),
        (
            "quiet_hours_valid",
            "CHECK (quiet_hours_start >= 0 AND quiet_hours_end <= 24 AND quiet_hours_start < quiet_hours_end)",
            "Quiet hours must start before they end, between 0 and 24.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.is_system():
            # field groups guard reads and writes, not creation: no credentials or
            # provider endpoints set by someone who may not see them
            for vals in vals_list:
                self.check_field_access_rights("write", list(vals))
        accounts = super().create(vals_list)
        self.env.registry.clear_cache()  # _odoo_sms_account_id
        return accounts

    def write(self, vals):
        secrets_ = secret_fields()
        if self.env.is_system():
            redirected = self.browse()
        else:
            redirected = self.sudo().filtered(
                lambda account: any(account[f] for f in secrets_) and account._routing_changed(vals)
            )
        res = super().write(vals)
        if redirected:
            redirected.write({fname: False for fname in secrets_})
            for account in redirected:
                account.message_post(
                    body=self.env._(
                        "The provider credentials were cleared because %s changed the "
                        "provider or its addresses: a system administrator must enter them again.",
                        self.env.user.name,
                    )
                )
        if odoo_sms_routing_fields() & set(vals):
            self.env.registry.clear_cache()  # _odoo_sms_account_id
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _odoo_sms_account_id
        return res

    def _routing_changed(self, vals):
        self.ensure_one()
        for fname in routing_fields():
            if fname in vals and (vals[fname] or False) != (self[fname] or False):
                return True
        return False

    @api.model
    def _for_company(self, company=None):
        return self.sudo().search([("company_id", "=", (company or self.env.company).id)], limit=1)

    @api.model
    def _odoo_sms_account(self, company_id):
        """The account sending Odoo's own SMS for ``company_id`` (sudo), or an
        empty recordset: Odoo's gateway sends them (no account, or an account
        without a sender for them). The account is cached: no query per SMS."""
        return self.sudo().browse(self._odoo_sms_account_id(company_id))

    @api.model
    @tools.ormcache("company_id")
    def _odoo_sms_account_id(self, company_id):
        # cleared when an account or a number changes what it depends on
        account = self._for_company(self.env["res.company"].browse(company_id))
        return account.id if account and account._odoo_sms_sender_ok() else None

    @api.model
    @tools.ormcache("company_id")
    def _company_has_account(self, company_id):
        """Whether ``company_id`` texts through Clienteling at all (cached like
        ``_odoo_sms_account_id``): its consent then holds for Odoo's gateway too."""
        return bool(self._for_company(self.env["res.company"].browse(company_id)))

    def _odoo_sms_sender_ok(self):
        """Whether the account can send Odoo's SMS: a sender number, or a provider
        that chooses one (a Twilio Messaging Service)."""
        self.ensure_one()
        return bool(self._odoo_sms_sender()) or self._provider_class().chooses_sender(
            self._provider_settings()
        )

    def _odoo_sms_sender(self):
        """The "Sender for Odoo SMS" number, unless released."""
        self.ensure_one()
        return self.default_number_id.filtered(lambda number: number.state != "released")

    def _provider_class(self):
        """The ``tools.provider.SmsProvider`` subclass of the account's provider."""
        self.ensure_one()
        provider_class = get_provider_class(self.provider)
        if provider_class is None:
            raise UserError(self.env._("No provider implementation for %s.", self.provider))
        return provider_class

    def _provider_settings(self):
        """The account fields the provider is built from, by constructor argument."""
        account = self.sudo()
        return {
            argument: account[fname]
            for argument, fname in self._provider_class().account_fields.items()
        }

    def _get_provider(self):
        self.ensure_one()
        try:
            return self._provider_class().from_settings(self._provider_settings())
        except ProviderError as error:
            raise UserError(
                self.env._(
                    "%(account)s: %(reason)s",
                    account=self.name,
                    reason=self._provider_error_reason(error),
                )
            ) from error

    @api.model
    def _provider_reason(self, kind, code=None, provider_message=None, **params):
        """Why a provider refused (``kind``: one of ``tools.provider.REASON_KINDS``,
        ``code``: the provider's error code), for the user, in their language."""
        if kind == "credentials_missing":
            return self.env._("The Twilio account SID and auth token are required.")
        if kind == "provider_unreachable":
            return self.env._(
                "%(provider)s could not be reached: %(detail)s",
                provider=params.get("provider") or "",
                detail=params.get("detail") or "",
            )
        reasons = {
            "invalid_number": self.env._("The number is not a valid phone number."),
            "country_not_enabled": self.env._(
                "Sending to this country is not enabled on the provider account."
            ),
            "opted_out": self.env._(
                "The customer has opted out of messages from this number (they replied STOP)."
            ),
            "unroutable": self.env._("The provider cannot route a message to this number."),
            "not_sms_capable": self.env._("The number cannot receive text messages (landline?)."),
            "sender_not_sms_capable": self.env._("This sender number cannot send text messages."),
            "sender_not_on_account": self.env._(
                "This sender number does not belong to the provider account."
            ),
            "unreachable": self.env._(
                "The customer's phone is unreachable (switched off or out of coverage)."
            ),
            "blocked": self.env._("The message was blocked by the customer's carrier or phone."),
            "unknown_number": self.env._(
                "The number is unknown to the carrier or no longer in service."
            ),
            "landline_or_unreachable": self.env._(
                "The number cannot receive text messages (landline or unreachable carrier)."
            ),
            "spam_filtered": self.env._("The carrier filtered the message as spam."),
            "undelivered": self.env._(
                "The message could not be delivered (unknown carrier error)."
            ),
            "sender_unregistered": self.env._(
                "The sender number is not registered for A2P 10DLC messaging."
            ),
            "credentials_refused": self.env._(
                "The provider refused the credentials (check the account settings)."
            ),
            "not_found": self.env._("The provider does not know this resource."),
            "regulatory_approval_missing": self.env._(
                "The provider refuses numbers of this country without an approved regulatory "
                "application (bundle)."
            ),
            "address_required": self.env._(
                "The provider needs a registered address for a number of this country."
            ),
            "address_outside_locality": self.env._(
                "The address is not in the area the number serves, or not on this account."
            ),
        }
        if kind in reasons:
            return reasons[kind]
        if provider_message:  # the provider's own words
            return provider_message
        if code:
            return self.env._("The provider refused the message (error %(code)s).", code=code)
        return self.env._("The provider refused the message.")

    @api.model
    def _provider_error_reason(self, error):
        """The reason of a :class:`ProviderError`, for the user."""
        return self._provider_reason(error.kind, error.code, **error.params)

    def _provider_account_ref(self):
        """The account's id at the provider, as its webhooks name it (Twilio's AccountSid)."""
        self.ensure_one()
        return self._provider_class().account_ref(self._provider_settings())

    def _simulate_inbound(self, to_number, from_number, body, media=(), sid=None, process=True):
        """Make ``from_number`` text ``to_number`` (a number of this account): the
        provider's own inbound request, signed with the account's secret, handled
        as the webhook route handles a real one (then processed at once with
        ``process``). Returns the stored event. For the sandbox's simulated
        replies and tests (``tests/common.py``)."""
        self.ensure_one()
        provider_class = self._provider_class()
        params = provider_class.inbound_payload(
            sid or new_sid(), self._provider_account_ref(), from_number, to_number, body, media
        )
        path = WEBHOOK_PATH % (self.provider, "inbound")
        url = self.webhook_base_url.rstrip("/") + path
        headers = {provider_class.signature_header: self._get_provider().sign(url, params)}
        Event = self.env["clienteling.sms.event"].sudo()
        _response, event = Event._handle_webhook(self.provider, "inbound", path, params, headers)
        if event and process:
            event._process()
        return event

    def _webhook_url(self, kind):
        self.ensure_one()
        return self.webhook_base_url.rstrip("/") + WEBHOOK_PATH % (self.provider, kind)

    def _keyword_kind(self, body):
        self.ensure_one()
        return keywords.classify(
            body,
            opt_in=keywords.parse_list(self.opt_in_keywords),
            opt_out=keywords.parse_list(self.opt_out_keywords),
            help_words=keywords.parse_list(self.help_keywords),
        )

    @api.constrains("opt_in_keywords", "opt_out_keywords", "help_keywords")
    def _check_keywords(self):
        for account in self:
            for fname in ("opt_in_keywords", "opt_out_keywords", "help_keywords"):
                if not keywords.parse_list(account[fname]):
                    raise UserError(self.env._("Each keyword list needs at least one word."))
            if "STOP" not in keywords.parse_list(account.opt_out_keywords):
                raise UserError(
                    self.env._("STOP must stay an opt-out keyword: carriers require it.")
                )

    def action_test_connection(self):
        self.ensure_one()
        self.check_access("write")
        try:
            description = self._get_provider().check_credentials()
        except ProviderError as error:
            raise UserError(
                self.env._("Connection failed: %s", self._provider_error_reason(error))
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Connection works"),
                # the sandbox has no account at a provider to describe
                "message": description or self.env._("Sandbox: messages are recorded, never sent."),
            },
        }
