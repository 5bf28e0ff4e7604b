import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.clienteling.tools.phone import PhoneNumberError, to_e164

from ..tools.provider import SmsProvider
from ..tools.retry import retry_delay

_logger = logging.getLogger(__name__)


class ClientelingSmsEvent(models.Model):
    """A webhook payload, stored before it is processed.

    ``dedup_key`` is unique: a replayed webhook, even concurrent, is stored
    once and processed once. A failed processing leaves the event in state
    ``failed``: the cron tries it again after 1, 2, 4, 8... minutes, then, after
    ``tools.retry.MAX_ATTEMPTS``, leaves it to a person (state ``abandoned``,
    reason shown).
    """

    _name = "clienteling.sms.event"
    _description = "Clienteling SMS Webhook Event"
    _order = "id desc"

    kind = fields.Selection(
        [("inbound", "Inbound Message"), ("status", "Status Callback")],
        required=True,
        readonly=True,
    )
    dedup_key = fields.Char(required=True, readonly=True)
    provider_sid = fields.Char(string="Provider ID", index=True, readonly=True)
    from_number = fields.Char(
        index="btree_not_null", readonly=True, help="Sender of an inbound text, as received."
    )
    account_id = fields.Many2one(
        "clienteling.sms.account", index=True, readonly=True, ondelete="set null"
    )
    payload = fields.Text(readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Done"),
            ("failed", "Failed (will retry)"),
            ("abandoned", "Given Up"),
        ],
        default="pending",
        required=True,
        index=True,
        help="Given Up: processing failed every time; a person must look at the error, then Retry.",
    )
    error = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_retry_date = fields.Datetime(
        readonly=True, index="btree_not_null", help="When the cron tries a failed event again."
    )
    processed_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("dedup_key_uniq", "unique(dedup_key)", "This webhook was already received.")
    ]

    @api.model
    def _store(self, kind, dedup_key, provider_sid, account, params):
        """Insert the payload unless it is a replay; return the new event or an
        empty recordset (replay). One statement: concurrent replays insert once."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_sms_event
                       (kind, dedup_key, provider_sid, from_number, account_id, payload, state,
                        attempts, create_uid, create_date, write_uid, write_date)
                VALUES (%(kind)s, %(key)s, %(sid)s, %(from)s, %(account)s, %(payload)s, 'pending', 0,
                        %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
                ON CONFLICT (dedup_key) DO NOTHING
                RETURNING id
                """,
                kind=kind,
                key=dedup_key,
                sid=provider_sid,
                account=account.id if account else None,
                payload=json.dumps(params, sort_keys=True),
                **{"from": self._sender_number(params) if kind == "inbound" else None},
                uid=self.env.uid,
            )
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.model
    def _receive(self, kind, account, params, process=True):
        """Store a verified webhook, then process it now (``process``) or leave it
        to the processing cron, which this triggers. Returns the event (empty for
        a replay). Raises ``PayloadError`` before storing anything malformed."""
        if kind == "inbound":
            parsed = SmsProvider.parse_inbound(params)
            key = f"in:{parsed.sid}"
        else:
            parsed = SmsProvider.parse_status(params)
            key = f"st:{parsed.sid}:{parsed.status}"
        event = self._store(kind, key, parsed.sid, account, params)
        if event and process:
            event._process()
        elif event:
            self._trigger_processing()
        return event

    @api.model
    def _sender_number(self, params):
        try:
            return to_e164(params.get("From"))
        except PhoneNumberError:
            return params.get("From")

    @api.model
    def _trigger_processing(self):
        """Wake the processing cron, unless a trigger is already waiting for it
        (waking it costs a connection and a NOTIFY on every webhook otherwise)."""
        cron = self.env.ref("clienteling_sms.ir_cron_process_events")
        self.env.cr.execute(
            "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= (now() at time zone 'UTC') LIMIT 1",
            [cron.id],
        )
        if not self.env.cr.fetchone():
            cron._trigger()

    @api.model
    def _process_pending_from(self, numbers):
        """Process at once the received, not yet processed texts from ``numbers``:
        a STOP still waiting for the cron must hold before anything is sent."""
        pending = self.search(
            [
                ("kind", "=", "inbound"),
                ("state", "=", "pending"),
                ("from_number", "in", list(numbers)),
            ]
        )
        pending._process()

    def _process(self):
        retries = []
        for event in self:
            try:
                with self.env.cr.savepoint():
                    getattr(
                        event.with_context(clienteling_sms_processing=True),
                        f"_process_{event.kind}",
                    )()
            except Exception as error:
                attempts = event.attempts + 1
                retry = retry_delay(attempts)
                _logger.warning(
                    "Clienteling SMS event %s failed (attempt %s, %s): %s",
                    event.id,
                    attempts,
                    f"retry in {retry} minutes" if retry else "given up",
                    type(error).__name__,
                )
                event.write(
                    {
                        "state": "failed" if retry else "abandoned",
                        "error": str(error),
                        "attempts": attempts,
                        "next_retry_date": (
                            fields.Datetime.now() + timedelta(minutes=retry) if retry else False
                        ),
                    }
                )
                if retry:
                    retries.append(event.next_retry_date)
            else:
                event.write(
                    {
                        "state": "done",
                        "error": False,
                        "attempts": event.attempts + 1,
                        "next_retry_date": False,
                        "processed_date": fields.Datetime.now(),
                    }
                )
        if retries:
            self.env.ref("clienteling_sms.ir_cron_process_events")._trigger(min(retries))

    def _params(self):
        return json.loads(self.payload or "{}")

    def _process_inbound(self):
        inbound = SmsProvider.parse_inbound(self._params())
        number = self.env["clienteling.phone.number"].search(
            [("number", "=", inbound.to_number), ("state", "!=", "released")], limit=1
        )
        if not number:
            raise UserError(self.env._("No clienteling number %s.", inbound.to_number))
        try:
            customer_number = to_e164(inbound.from_number, number.country_id.code)
        except PhoneNumberError:
            customer_number = inbound.from_number  # short codes and alphanumeric senders
        conversation = self.env["clienteling.conversation"]._get_or_create(number, customer_number)
        if not conversation.partner_id:
            partners = self.env["res.partner"].search(
                [("phone_sanitized", "=", customer_number)], limit=2
            )
            if len(partners) == 1:  # several customers share it: the associate chooses
                conversation.partner_id = partners
        conversation._receive(inbound, self)

    def _process_status(self):
        update = SmsProvider.parse_status(self._params())
        message = self.env["clienteling.sms.message"].search(
            [("provider_sid", "=", update.sid)], limit=1
        )
        message._apply_status(update.status, update.error_code)  # unknown SID: nothing changes

    def action_retry(self):
        """A person retries failed or given-up events now (processed as the cron does)."""
        self.check_access("read")
        self.sudo().filtered(lambda e: e.state != "done")._process()

    @api.model
    def _cron_process_events(self, limit=500):
        """Process stored webhooks, oldest first: new ones, then failed ones whose
        retry is due. Several workers may run it: rows are locked."""
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT id FROM clienteling_sms_event
             WHERE state = 'pending'
                OR (state = 'failed' AND next_retry_date <= %s)
             ORDER BY state DESC, id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [fields.Datetime.now(), limit],
        )
        events = self.browse([row[0] for row in self.env.cr.fetchall()])
        events._process()
        if events:
            # More may have arrived meanwhile: the cron runs again at once while any remain.
            remaining = self.search_count([("state", "=", "pending")])
            self.env["ir.cron"]._notify_progress(done=len(events), remaining=remaining)
        return len(events)
