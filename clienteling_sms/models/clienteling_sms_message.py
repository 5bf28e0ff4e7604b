import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools import segments
from ..tools.provider import ProviderError, advance_state

_logger = logging.getLogger(__name__)

MESSAGE_STATES = [
    ("scheduled", "Scheduled"),
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("undelivered", "Undelivered"),
    ("failed", "Failed"),
    ("canceled", "Canceled"),
    ("received", "Received"),
]


WAITING_STATES = ("scheduled", "queued")


class ClientelingSmsMessage(models.Model):
    """The delivery ledger of one text of a conversation.

    The words are stored once, in the conversation's chat (``mail_message_id``):
    the ledger keeps them (``pending_body``) only while the text waits to be
    handed to the provider; ``body`` reads them from wherever they are.
    """

    _name = "clienteling.sms.message"
    _description = "Clienteling Text Message"
    _order = "id desc"

    conversation_id = fields.Many2one(
        "clienteling.conversation", required=True, index=True, ondelete="cascade", readonly=True
    )
    store_id = fields.Many2one(related="conversation_id.store_id", store=True, index=True)
    company_id = fields.Many2one(related="conversation_id.company_id", store=True)
    partner_id = fields.Many2one(related="conversation_id.partner_id")
    direction = fields.Selection(
        [("inbound", "Received"), ("outbound", "Sent")], required=True, readonly=True
    )
    body = fields.Text(compute="_compute_body", search="_search_body", string="Text")
    pending_body = fields.Text(
        readonly=True, help="The words of a text waiting to be sent, until the provider has them."
    )
    media_urls = fields.Text(readonly=True)
    mail_message_id = fields.Many2one(
        "mail.message", index="btree_not_null", ondelete="set null", readonly=True
    )
    employee_id = fields.Many2one("hr.employee", string="Associate", readonly=True)
    # Stored for reporting (texts received per associate); filled by SQL on upgrade.
    number_employee_id = fields.Many2one(
        related="conversation_id.employee_id",
        store=True,
        string="Number's Associate",
        help="The associate whose own number the conversation is on; empty on a store number.",
    )
    provider_sid = fields.Char(string="Provider ID", readonly=True, copy=False)
    state = fields.Selection(MESSAGE_STATES, required=True, readonly=True, index=True)
    error_code = fields.Char(readonly=True)
    failure_reason = fields.Char(readonly=True)
    scheduled_date = fields.Datetime(readonly=True, index="btree_not_null")
    sent_date = fields.Datetime(readonly=True)
    segment_count = fields.Integer(readonly=True)
    is_opt_in_request = fields.Boolean(readonly=True)
    is_system_reply = fields.Boolean(
        readonly=True, help="A keyword confirmation (STOP, START, HELP)."
    )
    keyword = fields.Selection(
        [("opt_in", "Opt-in"), ("opt_out", "Opt-out"), ("help", "Help")], readonly=True
    )

    _sql_constraints = [
        ("provider_sid_uniq", "unique(provider_sid)", "A provider message is stored once."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            words = vals.pop("body", None) or ""
            vals.setdefault("segment_count", segments.segment_count(words))
            if vals.get("state") in WAITING_STATES:
                vals["pending_body"] = words
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state") and vals["state"] not in WAITING_STATES:
            vals = {**vals, "pending_body": False}  # the provider has the words now
        res = super().write(vals)
        if {"state", "failure_reason", "scheduled_date"} & vals.keys():
            self._notify_chat()
        return res

    def _chat_state(self):
        """What the chat shows under the text: its delivery state."""
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            "id": self.id,
            "state": self.state,
            "label": states.get(self.state, ""),
            "reason": self.failure_reason or "",
            "scheduled_date": fields.Datetime.to_string(self.scheduled_date)
            if self.state == "scheduled"
            else False,
            "direction": self.direction,
        }

    def _notify_chat(self):
        """Tell the chat's open windows that delivery states changed."""
        for message in self.sudo().filtered("mail_message_id"):
            chat_message = message.mail_message_id
            if chat_message.model != "discuss.channel":
                continue
            channel = self.env["discuss.channel"].browse(chat_message.res_id)
            channel._bus_send_store(chat_message, {"clienteling_text": message._chat_state()})

    def _search_body(self, operator, value):
        return [
            "|",
            ("pending_body", operator, value),
            ("mail_message_id", "any", [("body", operator, value)]),
        ]

    @api.depends("pending_body", "mail_message_id.body")
    def _compute_body(self):
        for message in self:
            chat_message = message.sudo().mail_message_id
            message.body = message.pending_body or (
                html2plaintext(chat_message.body, include_references=False).strip()
                if chat_message.body
                else False
            )

    def _deliver(self):
        """Hand queued or due scheduled messages to the provider. Consent is checked
        again at sending time: an opt-out received meanwhile cancels them."""
        to_send = self.sudo().filtered(lambda m: m.state in ("queued", "scheduled"))
        numbers = {n for n in to_send.conversation_id.mapped("customer_number")}
        if numbers and not self.env.context.get("clienteling_sms_processing"):
            self.env["clienteling.sms.event"].sudo()._process_pending_from(numbers)
        account_model = self.env["clienteling.sms.account"]
        for message in to_send:
            was_scheduled = bool(message.scheduled_date)
            conversation = message.conversation_id
            consent = conversation._consent_state()
            if not message.is_system_reply and (
                consent == "opted_out" or (consent != "opted_in" and not message.is_opt_in_request)
            ):
                message.write(
                    {
                        "state": "canceled",
                        "failure_reason": account_model._provider_reason("opted_out"),
                    }
                )
                continue
            number = conversation.phone_number_id
            account = number.account_id
            try:
                result = account._get_provider().send(
                    conversation.customer_number,
                    number.number,
                    message.body,
                    media_urls=(message.media_urls or "").split(),
                    status_callback=account._webhook_url("status"),
                )
            except ProviderError as error:
                _logger.info("Text %s refused by the provider: %s", message.id, error.code)
                message.write(
                    {
                        "state": "failed",
                        "error_code": error.code,
                        "failure_reason": account._provider_error_reason(error),
                    }
                )
                if error.kind == "opted_out":  # the provider holds an opt-out we did not see
                    conversation._record_consent(
                        "opted_out", "api", f"Provider error {error.code}", reference=error.code
                    )
                continue
            message.write(
                {
                    "provider_sid": result.sid,
                    "state": advance_state("queued", result.status),
                    "sent_date": fields.Datetime.now(),
                }
            )
            if was_scheduled and conversation.partner_id and not message.is_system_reply:
                conversation.partner_id._clienteling_register_contact(
                    "sms", "outbound", message.sent_date, message.employee_id or None
                )
        return True

    def _apply_status(self, status, error_code=None, failure_reason=None):
        """Apply a provider's status callback; ``failure_reason`` explains ``error_code``."""
        for message in self:
            new_state = advance_state(message.state, status)
            vals = {}
            if new_state != message.state:
                vals["state"] = new_state
            if error_code and new_state in ("failed", "undelivered"):
                vals.update(
                    error_code=error_code,
                    failure_reason=failure_reason
                    or self.env["clienteling.sms.account"]._provider_reason(None, error_code),
                )
            if vals:
                message.write(vals)

    def action_cancel(self):
        # acting for the conversations: whoever may write in them
        self.conversation_id.check_access("write")
        scheduled = self.filtered(lambda m: m.state == "scheduled")
        if scheduled != self:
            raise UserError(self.env._("Only scheduled messages can be canceled."))
        scheduled.sudo().write({"state": "canceled"})

    def action_send_now(self):
        """Send a scheduled message now, on the associate's responsibility."""
        self.conversation_id.check_access("write")
        scheduled = self.filtered(lambda m: m.state == "scheduled")
        scheduled.sudo().write({"state": "queued"})
        scheduled._deliver()

    @api.model
    def _cron_send_scheduled(self, limit=500):
        """Send the scheduled messages that are due; safe with several workers."""
        self.flush_model(["state", "scheduled_date"])
        self.env.cr.execute(
            """
            SELECT id FROM clienteling_sms_message
             WHERE state = 'scheduled' AND scheduled_date <= %s
             ORDER BY scheduled_date
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [fields.Datetime.now(), limit],
        )
        due = self.browse([row[0] for row in self.env.cr.fetchall()])
        due._deliver()
        return len(due)
