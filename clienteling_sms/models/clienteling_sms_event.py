import json
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.clienteling.tools.phone import PhoneNumberError, to_e164

from ..tools.privacy import mask_number
from ..tools.provider import (
    PayloadError,
    WebhookRefused,
    get_provider_class,
    provider_classes,
)
from ..tools.retry import retry_delay

# Events stored before the provider key was (all of them in Twilio's format).
LEGACY_FORMAT = "twilio"

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
    provider_key = fields.Char(
        string="Provider", readonly=True, help="The provider whose webhook route received it."
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
    def _store(self, kind, dedup_key, provider_sid, account, params, provider_key=None):
        """Insert the payload unless it is a replay; return the new event or an
        empty recordset (replay). One statement: concurrent replays insert once."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_sms_event
                       (kind, dedup_key, provider_sid, from_number, account_id, provider_key,
                        payload, state, attempts, create_uid, create_date, write_uid, write_date)
                VALUES (%(kind)s, %(key)s, %(sid)s, %(from)s, %(account)s, %(provider)s,
                        %(payload)s, 'pending', 0,
                        %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
                ON CONFLICT (dedup_key) DO NOTHING
                RETURNING id
                """,
                kind=kind,
                key=dedup_key,
                sid=provider_sid,
                account=account.id if account else None,
                provider=provider_key or (account.provider if account else None),
                payload=json.dumps(params, sort_keys=True),
                **{"from": self._sender_number(params) if kind == "inbound" else None},
                uid=self.env.uid,
            )
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.model
    def _receive(self, kind, account, params, process=True, provider_key=None):
        """Store a verified webhook, then process it now (``process``) or leave it
        to the processing cron, which this triggers. ``provider_key``: the route
        it came by (default: the account's provider), whose class parses it.
        Returns the event (empty for a replay). Raises ``PayloadError`` before
        storing anything malformed."""
        provider_key = provider_key or account.provider or LEGACY_FORMAT
        parser = get_provider_class(provider_key)
        if parser is None:
            raise PayloadError(f"No provider implementation for {provider_key}.")
        if kind == "inbound":
            parsed = parser.parse_inbound(params)
            key = f"in:{parsed.sid}"
        else:
            parsed = parser.parse_status(params)
            key = f"st:{parsed.sid}:{parsed.status}"
        event = self._store(kind, key, parsed.sid, account, params, provider_key)
        if event and process:
            event._process()
        elif event:
            self._trigger_processing()
        return event

    @api.model
    def _handle_webhook(self, provider_key, kind, path, params, headers):
        """Handle a provider's webhook request as its route does (run as superuser):
        ``path`` is the request's path and query, ``params`` its form (a dict or
        a MultiDict), ``headers`` its headers. The class of ``provider_key`` reads
        it; the account it names checks its signature; then, and only then, the
        request must be consistent: our number, in service, on that very account,
        whose id at the provider the request gives. Inbound texts and status
        callbacks are stored (and the processing cron triggered). Returns the
        answer (``tools.provider.WebhookResponse``) and the stored event (empty
        for a replay or a call); raises ``WebhookRefused`` (4xx, nothing stored)
        otherwise."""
        Account = self.env["clienteling.sms.account"]
        format_class = get_provider_class(provider_key)
        if format_class is None or provider_key not in Account._fields["provider"].get_values(
            self.env
        ):
            raise WebhookRefused(404, "no provider of that name")
        if kind not in ("inbound", "status", "voice"):
            raise WebhookRefused(404, "no webhook of that kind")
        raw_number, account_ref = format_class.webhook_identity(kind, params)
        number = self.env["clienteling.phone.number"]
        account = Account
        if raw_number:
            try:
                # read with the fields checked below: one query
                number = number.search_fetch(
                    [("number", "=", to_e164(raw_number))],
                    ["account_id", "state"],
                    limit=1,
                )
            except PhoneNumberError:
                number = number.browse()
            account = number.account_id
        if not account and account_ref:
            account = self._account_named(provider_key, account_ref)
        if not raw_number and not account_ref:
            raise WebhookRefused(400, "The request names no account.")
        if not account or not account.active:
            raise WebhookRefused(403, "an unknown account or number")
        if provider_key not in account._provider_class().webhook_keys:
            raise WebhookRefused(403, "an account of another provider")
        url = account.webhook_base_url.rstrip("/") + path
        signature = headers.get(format_class.signature_header or "", "")
        if not account._get_provider().verify_signature(url, params, signature):
            raise WebhookRefused(403, f"a missing or wrong signature ({path})")
        if account_ref != account._provider_account_ref():
            raise WebhookRefused(403, "the account it names is not the account of the number")
        if not number or number.state == "released" or number.account_id != account:
            raise WebhookRefused(
                404, f"{mask_number(raw_number)} is not a number of ours in service"
            )
        if kind == "voice":
            response = format_class.voice_response(
                account.voice_message or "", account.voice_language
            )
            if response is None:
                raise WebhookRefused(404, "no voice webhook for this provider")
            return response, self.browse()
        form = params.to_dict() if hasattr(params, "to_dict") else dict(params)
        try:
            # Store and answer at once; the processing cron (triggered now) does the rest.
            event = self._receive(kind, account, form, process=False, provider_key=provider_key)
        except PayloadError as error:
            raise WebhookRefused(400, str(error)) from error
        if kind == "inbound":
            return format_class.inbound_response(), event
        return format_class.status_response(), event

    @api.model
    def _account_named(self, provider_key, account_ref):
        """The account that ``account_ref`` names, for any provider answering on
        the route of ``provider_key``."""
        Account = self.env["clienteling.sms.account"]
        for provider_class in provider_classes().values():
            if provider_key not in provider_class.webhook_keys:
                continue
            domain = provider_class.account_domain(account_ref)
            account = Account.search(domain, limit=1) if domain else Account
            if account:
                return account
        return Account

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
        # the cron's id is cached: no query but this one on every webhook
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "clienteling_sms.ir_cron_process_events", raise_if_not_found=True
        )
        self.env.cr.execute(
            "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= (now() at time zone 'UTC') LIMIT 1",
            [cron_id],
        )
        if not self.env.cr.fetchone():
            self.env["ir.cron"].browse(cron_id)._trigger()

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
        """Process the events in order. Plain inbound texts (no STOP, START or
        HELP) are processed together with batched lookups, in one savepoint per
        run of them; should anything fail there, they are processed again one by
        one, as every other event (status callbacks, keywords, unknown numbers)."""
        plain = self._plain_texts() if len(self) > 1 else {}
        runs = []  # [(plain texts?, [event ids])], consecutive events alike together
        for event in self:
            if runs and runs[-1][0] == (event.id in plain):
                runs[-1][1].append(event.id)
            else:
                runs.append((event.id in plain, [event.id]))
        retries = []
        for is_plain, ids in runs:
            events = self.browse(ids)
            if is_plain:
                retries += events._process_together(plain)
            else:
                retries += events._process_each()
        if retries:
            self.env.ref("clienteling_sms.ir_cron_process_events")._trigger(min(retries))

    def _process_each(self):
        """Process the events one by one, each in its savepoint; returns the dates
        of the retries of those that failed."""
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
                event._mark_done()
        return retries

    def _mark_done(self):
        now = fields.Datetime.now()
        for attempts, events in self.grouped("attempts").items():
            events.write(
                {
                    "state": "done",
                    "error": False,
                    "attempts": attempts + 1,
                    "next_retry_date": False,
                    "processed_date": now,
                }
            )

    def _plain_texts(self):
        """``{event id: (inbound message, our number, customer number)}`` of the
        inbound events of ``self`` that are plain texts to one of our numbers,
        looked up together; the others are left out (processed one by one)."""
        parsed = {}
        for event in self.filtered(lambda e: e.kind == "inbound"):
            try:
                parsed[event.id] = event._parser().parse_inbound(event._params())
            except Exception:  # processed (and failed) one by one
                continue
        numbers = {}
        for number in self.env["clienteling.phone.number"].search(
            [
                ("number", "in", list({inbound.to_number for inbound in parsed.values()})),
                ("state", "!=", "released"),
            ]
        ):
            numbers.setdefault(number.number, number)
        Conversation = self.env["clienteling.conversation"]
        plain = {}
        senders = {}  # a sender texts several times: its number is read once
        word_lists = {}
        for event_id, inbound in parsed.items():
            number = numbers.get(inbound.to_number)
            if not number:
                continue
            key = (inbound.from_number, number.country_id.code)
            if key not in senders:
                customer_number = self._customer_number(inbound, number)
                senders[key] = customer_number, Conversation._number_is_textable(customer_number)
            customer_number, textable = senders[key]
            if Conversation._keyword_of(inbound, textable, number.account_id.sudo(), word_lists):
                continue
            plain[event_id] = (inbound, number, customer_number)
        return plain

    @api.model
    def _customer_number(self, inbound, number):
        try:
            return to_e164(inbound.from_number, number.country_id.code)
        except PhoneNumberError:
            return inbound.from_number  # short codes and alphanumeric senders

    def _process_together(self, plain):
        """Process these plain texts (listed in ``plain``) at once; one by one
        should that fail. Returns the dates of the retries, as ``_process_each``."""
        try:
            with self.env.cr.savepoint():
                self.with_context(clienteling_sms_processing=True)._process_plain_texts(plain)
        except Exception as error:  # each event's own error is kept below
            _logger.info(
                "Clienteling SMS events %s processed one by one: %s",
                self.ids,
                type(error).__name__,
            )
            return self._process_each()
        self._mark_done()
        return []

    def _process_plain_texts(self, plain):
        """As ``_process_inbound`` for each event, with the conversations and
        customers looked up together and the texts posted together."""
        Conversation = self.env["clienteling.conversation"].sudo()
        numbers = {plain[event.id][1].id: plain[event.id][1] for event in self}
        pairs = {(plain[event.id][1].id, plain[event.id][2]) for event in self}
        conversations = {
            (conversation.phone_number_id.id, conversation.customer_number): conversation
            for conversation in Conversation.search(
                [
                    ("phone_number_id", "in", list(numbers)),
                    ("customer_number", "in", list({customer for _number, customer in pairs})),
                ]
            )
        }
        for number_id, customer_number in pairs - set(conversations):
            conversations[number_id, customer_number] = Conversation._get_or_create(
                numbers[number_id], customer_number
            )
        unlinked = [c for c in conversations.values() if not c.partner_id]
        if unlinked:
            partners = defaultdict(list)
            for partner in self.env["res.partner"].search(
                [("phone_sanitized", "in", [c.customer_number for c in unlinked])]
            ):
                partners[partner.phone_sanitized].append(partner)
            for conversation in unlinked:
                found = partners[conversation.customer_number]
                if len(found) == 1:  # several customers share it: the associate chooses
                    conversation.partner_id = found[0]
        Conversation._receive_texts(
            [
                (conversations[plain[event.id][1].id, plain[event.id][2]], plain[event.id][0], None)
                for event in self
            ]
        )

    def _params(self):
        return json.loads(self.payload or "{}")

    def _parser(self):
        """The provider class that reads this event's payload."""
        key = self.provider_key or self.account_id.provider or LEGACY_FORMAT
        parser = get_provider_class(key)
        if parser is None:
            raise UserError(self.env._("No provider implementation for %s.", key))
        return parser

    def _process_inbound(self):
        inbound = self._parser().parse_inbound(self._params())
        number = self.env["clienteling.phone.number"].search(
            [("number", "=", inbound.to_number), ("state", "!=", "released")], limit=1
        )
        if not number:
            raise UserError(self.env._("No clienteling number %s.", inbound.to_number))
        customer_number = self._customer_number(inbound, number)
        conversation = self.env["clienteling.conversation"]._get_or_create(number, customer_number)
        if not conversation.partner_id:
            partners = self.env["res.partner"].search(
                [("phone_sanitized", "=", customer_number)], limit=2
            )
            if len(partners) == 1:  # several customers share it: the associate chooses
                conversation.partner_id = partners
        conversation._receive(inbound, self)

    def _process_status(self):
        parser = self._parser()
        update = parser.parse_status(self._params())
        message = self.env["clienteling.sms.message"].search(
            [("provider_sid", "=", update.sid)], limit=1
        )
        # unknown SID: nothing changes
        kind = update.error_kind or parser.error_kind(update.error_code)
        message._apply_status(
            update.status,
            update.error_code,
            self.env["clienteling.sms.account"]._provider_reason(kind, update.error_code)
            if update.error_code
            else None,
        )

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
