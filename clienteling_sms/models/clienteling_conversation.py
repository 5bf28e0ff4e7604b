from datetime import timedelta

from markupsafe import escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import hmac as odoo_hmac
from odoo.tools.rendering_tools import parse_inline_template, render_inline_template

from odoo.addons.clienteling.tools import placeholders
from odoo.addons.clienteling.tools.phone import PhoneNumberError, to_e164

from ..tools import quiet_hours

REPLY_WINDOW = timedelta(hours=1)  # a reply to a customer who just wrote ignores quiet hours
MEDIA_LINK_DAYS = 7
# Set by the code that receives, sends and assigns numbers (under sudo), never by a person.
SYSTEM_FIELDS = {
    "customer_number",
    "phone_number_id",
    "store_id",
    "employee_id",
    "company_id",
    "last_message_date",
    "last_inbound_date",
    "unread_count",
    "channel_id",
}
UNPIN_AFTER = timedelta(days=30)  # conversations quiet for longer leave Discuss's sidebar
PINNED_TEXT_CHATS = 50  # an associate's most recent conversations that stay in it longer
KEEP_RECENT_FOR = timedelta(days=1)  # what happened today stays in the sidebar in any case


class ClientelingConversation(models.Model):
    """One text thread between a customer number and one of our numbers.

    The texts are the messages of its Discuss channel (``channel_id``, type
    ``clienteling_text``), whose members are the associates who answer the
    number; they are never copied to the customer's chatter, which every
    internal user reads. Delivery details are ``clienteling.sms.message`` rows.
    ``_send_message`` is the one way to send, writing in the chat included. The
    conversation's own chatter keeps its administrative history.
    """

    _name = "clienteling.conversation"
    _description = "Clienteling Conversation"
    _inherit = ["mail.thread"]
    _order = "last_message_date desc, id desc"
    _rec_names_search = ["partner_id", "customer_number"]

    partner_id = fields.Many2one(
        "res.partner", string="Customer", index="btree_not_null", tracking=True
    )
    customer_number = fields.Char(required=True, index=True, readonly=True, help="E.164")
    phone_number_id = fields.Many2one(
        "clienteling.phone.number", string="Our Number", required=True, index=True, readonly=True
    )
    store_id = fields.Many2one("clienteling.store", index=True, readonly=True)
    employee_id = fields.Many2one(
        "hr.employee",
        string="Associate",
        index="btree_not_null",
        help="The associate whose personal number it is.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    last_message_date = fields.Datetime(readonly=True, index=True)
    last_inbound_date = fields.Datetime(readonly=True)
    unread_count = fields.Integer(readonly=True)
    sms_message_ids = fields.One2many(
        "clienteling.sms.message", "conversation_id", string="Delivery"
    )
    channel_id = fields.Many2one(
        "discuss.channel",
        string="Chat",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The conversation in Discuss, where its texts are read and written.",
    )
    consent_state = fields.Selection(
        [
            ("none", "No Consent Yet"),
            ("pending", "Opt-in Sent"),
            ("opted_in", "Opted In"),
            ("opted_out", "Opted Out"),
        ],
        compute="_compute_consent_state",
    )
    shared_number = fields.Boolean(
        compute="_compute_shared_number",
        help="Several customers have this number: choose who is texting with Add to Contacts.",
    )
    is_sandbox = fields.Boolean(compute="_compute_is_sandbox", compute_sudo=True)
    can_reply = fields.Boolean(
        compute="_compute_can_reply",
        help="False for short codes and sender names (carrier notices): they cannot be texted back.",
    )

    _sql_constraints = [
        (
            "number_customer_uniq",
            "unique(phone_number_id, customer_number)",
            "One conversation per customer number and store number.",
        ),
    ]

    @api.depends("partner_id", "customer_number", "store_id")
    def _compute_display_name(self):
        for conversation in self:
            who = conversation.partner_id.name or conversation.customer_number
            conversation.display_name = f"{who} · {conversation.store_id.name or ''}".strip(" ·")

    def _compute_consent_state(self):
        for conversation in self:
            conversation.consent_state = conversation._consent_state() or "none"

    def _compute_shared_number(self):
        for conversation in self:
            conversation.shared_number = (
                not conversation.partner_id
                and self.env["res.partner"].search_count(
                    [("phone_sanitized", "=", conversation.customer_number)]
                )
                > 1
            )

    def _compute_can_reply(self):
        for conversation in self:
            conversation.can_reply = conversation._is_textable()

    def _compute_is_sandbox(self):
        for conversation in self:
            conversation.is_sandbox = conversation.phone_number_id.account_id.provider == "sandbox"

    def write(self, vals):
        if not self.env.su and SYSTEM_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The number, store and associate of a conversation follow its number: "
                    "they cannot be changed by hand."
                )
            )
        return super().write(vals)

    # Followers: only people who may read the conversation (its store's people,
    # the associate of a personal number, administrators), never the customer
    # (who gets texts, not Odoo notifications).

    def _clienteling_allowed_followers(self, partner_ids):
        """The partners of ``partner_ids`` who may follow every conversation of
        ``self``: partners of active internal users who can read them."""
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        allowed = []
        for partner in partners:
            users = partner.user_ids.filtered(lambda u: u.active and u._is_internal())
            if any(
                len(
                    self.with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                    ._filtered_access("read")
                )
                == len(self)
                for user in users
            ):
                allowed.append(partner.id)
        return allowed

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        if partner_ids and not self.env.context.get("mail_post_autofollow"):
            refused = set(partner_ids) - set(self._clienteling_allowed_followers(partner_ids))
            if refused:
                raise UserError(
                    self.env._(
                        "Only people who may read this conversation can follow it "
                        "(its store's associates and managers): %s.",
                        ", ".join(self.env["res.partner"].sudo().browse(refused).mapped("name")),
                    )
                )
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        if partner_ids:
            partner_ids = self._clienteling_allowed_followers(partner_ids)
            if not partner_ids:
                return True
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    # Odoo's notifications never text anyone: texts to the customer go through
    # _send_message, and colleagues are notified in their Odoo inbox.

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        for recipient in recipients:
            if recipient["notif"] == "sms":
                recipient["notif"] = "inbox" if recipient.get("uid") else "none"
        return recipients

    def _notify_thread_by_sms(self, message, recipients_data, msg_vals=False, **kwargs):
        return None

    # Consent, per customer number and store (STOP holds for the number).

    def _is_textable(self):
        """Whether the customer number can be texted back (a valid E.164 number,
        not a short code or an alphanumeric sender)."""
        self.ensure_one()
        try:
            return to_e164(self.customer_number) == self.customer_number
        except PhoneNumberError:
            return False

    def _consent_state(self):
        self.ensure_one()
        if not self.store_id or not self._is_textable():
            return False
        return (
            self.env["clienteling.consent"]
            .sudo()
            ._current_state(self.partner_id, "sms", self.store_id, address=self.customer_number)
        )

    def _record_consent(self, state, source, wording, reference=None, employee=None):
        self.ensure_one()
        return (
            self.env["clienteling.consent"]
            .sudo()
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "channel": "sms",
                    "address": self.customer_number,
                    "store_id": self.store_id.id,
                    "state": state,
                    "source": source,
                    "wording": wording,
                    "reference": reference,
                    "employee_id": employee.id if employee else False,
                }
            )
        )

    # Finding or creating a conversation.

    @api.model
    def _get_or_create(self, phone_number, customer_number, partner=None):
        """The conversation of ``customer_number`` (E.164) with ``phone_number``;
        safe when two webhooks create it at once."""
        domain = [
            ("phone_number_id", "=", phone_number.id),
            ("customer_number", "=", customer_number),
        ]
        conversation = self.sudo().search(domain, limit=1)
        if conversation:
            return conversation
        store = phone_number._sender_store()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_conversation
                       (customer_number, phone_number_id, store_id, employee_id, partner_id, company_id,
                        unread_count, create_uid, create_date, write_uid, write_date)
                VALUES (%(number)s, %(phone)s, %(store)s, %(employee)s, %(partner)s, %(company)s, 0,
                        %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
                ON CONFLICT (phone_number_id, customer_number) DO NOTHING
                """,
                number=customer_number,
                phone=phone_number.id,
                store=store.id or None,
                employee=phone_number.employee_id.id or None,
                partner=partner.id if partner else None,
                company=phone_number.company_id.id,
                uid=self.env.uid,
            )
        )
        return self.sudo().search(domain, limit=1)

    @api.model
    def _open_for_partner(self, partner, phone_number):
        """The conversation of ``partner`` with ``phone_number`` (created if needed),
        for a user who may read both."""
        phone_number.check_access("read")
        partner.check_access("read")
        number = partner._clienteling_text_number()
        conversation = self._get_or_create(phone_number, number, partner).sudo(False)
        # checked before the customer is linked to it: a conversation the user
        # may not read is not theirs to link
        conversation.check_access("read")
        if not conversation.partner_id:
            conversation.sudo().partner_id = partner
        return conversation

    # The chat in Discuss.

    def _chat_name(self):
        self.ensure_one()
        number = self.customer_number
        return f"{self.partner_id.name} ({number})" if self.partner_id else number

    def _chat_member_partners(self):
        """Partners of the users who answer this conversation: the associate of a
        personal number, else the store's associates (active internal users)."""
        self.ensure_one()
        employees = self.employee_id or self.store_id.sudo().employee_ids
        users = employees.sudo().user_id.filtered(lambda u: u.active and u._is_internal())
        return users.partner_id

    def _get_channel(self):
        """The conversation's Discuss channel, created with its members the first
        time it is needed (a conversation nobody wrote in has none)."""
        self.ensure_one()
        conversation = self.sudo()
        if not conversation.channel_id:
            members = conversation._chat_member_partners()
            channel = (
                self.env["discuss.channel"]
                .sudo()
                .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
                .create(
                    {
                        "name": conversation._chat_name(),
                        "channel_type": "clienteling_text",
                        "clienteling_conversation_id": conversation.id,
                        "channel_member_ids": [
                            Command.create({"partner_id": partner.id}) for partner in members
                        ],
                    }
                )
            )
            # Discuss adds whoever creates a channel (here: the webhook's or the
            # sender's user): the chat is the store's only
            channel.channel_member_ids.filtered(lambda m: m.partner_id not in members).unlink()
            conversation.channel_id = channel
        return conversation.channel_id

    def _sync_chat_members(self):
        """Add the associates who joined the store since the chat was created."""
        for conversation in self:
            channel = conversation.sudo().channel_id
            if not channel:
                continue
            missing = conversation._chat_member_partners() - channel.channel_member_ids.partner_id
            if missing:
                channel.add_members(partner_ids=missing.ids, post_joined_message=False)

    @api.model
    def _prune_chat_members(self, users):
        """Take ``users`` out of the chats of conversations they may no longer read
        (an associate who moved store, a personal number given to a colleague)."""
        self.env.flush_all()
        for user in users.sudo():
            readable = (
                self.with_user(user)
                .with_context(allowed_company_ids=user.company_ids.ids)
                ._search([])
            )
            self.env.cr.execute(
                SQL(
                    """
                    DELETE FROM discuss_channel_member m
                     USING discuss_channel c
                     WHERE c.id = m.channel_id
                       AND c.channel_type = 'clienteling_text'
                       AND m.partner_id = %(partner)s
                       AND c.clienteling_conversation_id NOT IN %(readable)s
                    """,
                    partner=user.partner_id.id,
                    readable=readable.subselect(),
                )
            )
        self.env["discuss.channel.member"].invalidate_model()
        self.env["discuss.channel"].invalidate_model(["channel_member_ids"])

    def _post_in_chat(self, text, author, media=None, email_from=None):
        """Post one text (sent or received) in the chat; members are notified."""
        self.ensure_one()
        channel = self._get_channel()
        self._sync_chat_members()
        if channel.name != self._chat_name():
            channel.name = self._chat_name()
        return channel.with_context(
            clienteling_text_post=True, mail_create_nosubscribe=True
        ).message_post(
            body=escape(text),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=author.id if author else False,
            email_from=email_from,
            attachment_ids=media.ids if media else [],
        )

    def _text_messages(self):
        """The texts of the conversation (``mail.message``), newest first."""
        channel = self.sudo().channel_id
        if not channel:
            return self.env["mail.message"]
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", channel.id),
                    ("message_type", "=", "comment"),
                ]
            )
        )

    def action_open_chat(self):
        """Open the conversation in Discuss."""
        self.ensure_one()
        self.check_access("read")
        channel = self._get_channel()
        partner = self.env.user.partner_id
        if partner not in channel.channel_member_ids.partner_id:
            # a store manager or an administrator reading the store's texts
            channel.add_members(partner_ids=partner.ids, post_joined_message=False)
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "name": self.env._("Texts"),
            # in the context too: a button's context carries the form's active_id
            "context": {"active_id": f"discuss.channel_{channel.id}"},
            "params": {"active_id": f"discuss.channel_{channel.id}"},
        }

    @api.model
    def _cron_unpin_quiet_chats(self, limit=50000):
        """Unpin, for each associate, the text chats they have read that are quiet:
        nothing happened in them for 30 days, or for a day when they are not among
        the associate's 50 most recent chats. Discuss loads pinned chats only (the
        others are found by search), and an associate may be a member of tens of
        thousands; unread chats stay, a new text pins a chat again. Returns the
        number of memberships unpinned (at most ``limit``)."""
        now = fields.Datetime.now()
        self.env["discuss.channel"].flush_model()
        self.env["discuss.channel.member"].flush_model()
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE discuss_channel_member
                   SET unpin_dt = %(now)s
                 WHERE id IN (
                        SELECT pinned.id
                          FROM (SELECT m.id, m.channel_id, m.new_message_separator,
                                       GREATEST(c.last_interest_dt, m.last_interest_dt) AS last_dt,
                                       row_number() OVER (
                                           PARTITION BY m.partner_id
                                           ORDER BY GREATEST(c.last_interest_dt, m.last_interest_dt)
                                                    DESC, m.channel_id DESC) AS rank
                                  FROM discuss_channel_member m
                                  JOIN discuss_channel c ON c.id = m.channel_id
                                 WHERE c.channel_type = 'clienteling_text'
                                   AND (m.unpin_dt IS NULL
                                        OR m.last_interest_dt >= m.unpin_dt
                                        OR c.last_interest_dt >= m.unpin_dt)) pinned
                         WHERE (pinned.last_dt < %(outdated)s
                                OR (pinned.rank > %(keep)s AND pinned.last_dt < %(recent)s))
                           AND NOT EXISTS (
                                SELECT 1 FROM mail_message msg
                                 WHERE msg.model = 'discuss.channel'
                                   AND msg.res_id = pinned.channel_id
                                   AND msg.id >= pinned.new_message_separator
                                   AND msg.message_type NOT IN ('notification', 'user_notification'))
                         LIMIT %(limit)s)
                """,
                now=now,
                outdated=now - UNPIN_AFTER,
                recent=now - KEEP_RECENT_FOR,
                keep=PINNED_TEXT_CHATS,
                limit=limit,
            )
        )
        count = self.env.cr.rowcount
        self.env["discuss.channel.member"].invalidate_model(["unpin_dt", "is_pinned"])
        return count

    # Sending.

    def _send_message(self, body, media=None, employee=None):
        """Send ``body`` (and ``media``: ir.attachment images) to the customer.

        - opted out: nothing is sent (UserError);
        - not opted in: only the opt-in message, as rendered for this customer;
        - outside quiet hours, a message the associate starts waits for the next
          allowed time (returned in state ``scheduled``, cancellable), unless the
          customer wrote within the last hour.
        Returns the ``clienteling.sms.message``.
        """
        self.ensure_one()
        self.check_access("write")
        body = (body or "").strip()
        if not body and not media:
            raise UserError(self.env._("Write a message first."))
        if not self.phone_number_id or self.phone_number_id.state != "assigned":
            raise UserError(
                self.env._(
                    "This conversation's number is no longer in service: start a new conversation."
                )
            )
        if not self._is_textable():
            raise UserError(
                self.env._(
                    "%s is a short code or a sender name: it cannot be texted back.",
                    self.customer_number,
                )
            )
        employee = employee or self.env.user.employee_id
        if not self.env.context.get("clienteling_sms_processing"):
            # a STOP received but still waiting for the cron holds already
            self.env["clienteling.sms.event"].sudo()._process_pending_from({self.customer_number})
        state = self._consent_state()
        if state == "opted_out":
            raise UserError(
                self.env._(
                    "%s opted out of texts from this store: nothing can be sent until they text START.",
                    self.display_name,
                )
            )
        is_opt_in_request = False
        if state != "opted_in":
            expected = self._render_opt_in(employee)
            if body != expected.strip() or media:
                raise UserError(
                    self.env._(
                        "%s has not opted in to texts from this store yet: send the opt-in message first.",
                        self.display_name,
                    )
                )
            is_opt_in_request = True
        now = fields.Datetime.now()
        account = self.phone_number_id.account_id.sudo()
        scheduled = None
        recent_inbound = self.last_inbound_date and self.last_inbound_date >= now - REPLY_WINDOW
        tz = self.store_id.tz or "UTC"
        if not recent_inbound and not quiet_hours.is_allowed(
            now, tz, account.quiet_hours_start, account.quiet_hours_end
        ):
            scheduled = quiet_hours.next_allowed(
                now, tz, account.quiet_hours_start, account.quiet_hours_end
            )
        message = self._post_outbound(body, media, employee, scheduled, is_opt_in_request)
        if self.partner_id and not scheduled:
            # a scheduled text counts as a contact when it is sent
            self.partner_id.sudo()._clienteling_register_contact(
                "sms", "outbound", now, employee or None
            )
        if is_opt_in_request:
            self._record_consent("pending", "associate", body, employee=employee)
        if not scheduled:
            # pending texts from this number were processed above
            message.with_context(clienteling_sms_processing=True)._deliver()
        return message

    def _render_opt_in(self, employee=None):
        self.ensure_one()
        opt_in = self.env["clienteling.quick.reply"].sudo()._get_opt_in_message(self.company_id)
        if not opt_in:
            raise UserError(self.env._("There is no opt-in message: configure one first."))
        partner = self.partner_id or self.env["res.partner"].new({"name": ""})
        return opt_in._render(partner, employee, self.store_id)

    def _render_placeholders(self, text, employee=None):
        """``text`` with the quick reply placeholders (``{{ customer.first_name }}``)
        filled for this customer: a quick reply picked in the chat (``::``) is
        inserted as written and rendered when sent."""
        self.ensure_one()
        if "{{" not in (text or ""):
            return text
        parsed = parse_inline_template(text)
        if placeholders.unknown_placeholders(part[1] for part in parsed):
            return text  # not a quick reply: sent as typed
        store = self.store_id
        company = store.company_id or self.company_id
        values = placeholders.render_values(
            customer={"name": self.partner_id.name or ""},
            associate={"name": employee.name} if employee else None,
            store={"name": store.name, "landline": store.landline} if store else None,
            company={"name": company.name},
        )
        return render_inline_template(
            [(literal, expr, default.strip()) for literal, expr, default in parsed], values
        )

    def action_send_opt_in(self):
        self.ensure_one()
        self.check_access("write")
        employee = self.env.user.employee_id
        return self._send_message(self._render_opt_in(employee), employee=employee)

    def _media_links(self, media):
        """Expiring signed URLs of ``media`` (ir.attachment)."""
        base = self.phone_number_id.account_id.sudo().webhook_base_url.rstrip("/")
        expires = int((fields.Datetime.now() + timedelta(days=MEDIA_LINK_DAYS)).timestamp())
        links = []
        for attachment in media:
            token = odoo_hmac(
                self.env(su=True), "clienteling-sms-media", f"{attachment.id}:{expires}"
            )
            links.append(f"{base}/clienteling/sms/media/{attachment.id}/{expires}/{token}")
        return links

    def _check_media(self, media):
        """Refuse what cannot be sent: attachments the user may not read, and
        anything but images."""
        for attachment in media:
            try:
                attachment.check_access("read")
                attachment.check("read")
            except AccessError as error:
                raise AccessError(
                    self.env._("You may not read attachment #%s: it cannot be sent.", attachment.id)
                ) from error
            if not (attachment.mimetype or "").startswith("image/"):
                raise UserError(
                    self.env._("%s is not an image: only images can be sent.", attachment.name)
                )

    def _post_outbound(self, body, media, employee, scheduled, is_opt_in_request):
        media = media or self.env["ir.attachment"]
        self._check_media(media)
        if media:
            # a copy goes with the text (the original stays where it was), except
            # images uploaded in this conversation's chat
            channel = self._get_channel()
            own = media.sudo().filtered(
                lambda a: a.res_model == "discuss.channel" and a.res_id == channel.id
            )
            media = own | (media - own).sudo().copy(
                {"res_model": "discuss.channel", "res_id": channel.id, "res_field": False}
            )
            media.sudo().public = False
        links = self._media_links(media) if media else []
        mms = bool(media) and self.phone_number_id.mms_capable
        text = body if mms or not links else "\n".join(filter(None, [body, *links]))
        author = (employee.user_id.partner_id if employee else False) or self.env.user.partner_id
        chatter = self._post_in_chat(text, author, media)
        message = (
            self.env["clienteling.sms.message"]
            .sudo()
            .create(
                {
                    "conversation_id": self.id,
                    "direction": "outbound",
                    "body": text,
                    "media_urls": "\n".join(links) if mms else False,
                    "mail_message_id": chatter.id,
                    "employee_id": employee.id if employee else False,
                    "state": "scheduled" if scheduled else "queued",
                    "scheduled_date": scheduled,
                    "is_opt_in_request": is_opt_in_request,
                }
            )
        )
        self.sudo().write({"last_message_date": fields.Datetime.now(), "unread_count": 0})
        return message

    def _send_system_reply(self, text):
        """Send a keyword confirmation (STOP, START, HELP) at once, whatever the
        consent and quiet hours: carriers require these answers."""
        self.ensure_one()
        message = self._post_outbound(text, None, None, None, False)
        message.is_system_reply = True
        message._deliver()
        return message

    # Receiving.

    def _receive(self, inbound, event):
        """Handle one inbound message (``tools.provider.InboundMessage``) for this
        conversation: keywords, chatter, contact dates, notifications."""
        self.ensure_one()
        account = self.phone_number_id.account_id.sudo()
        textable = self._is_textable()
        kind = account._keyword_kind(inbound.body)
        if inbound.opt_out_type in ("STOP", "START", "HELP") and not kind:
            kind = {"STOP": "opt_out", "START": "opt_in", "HELP": "help"}[inbound.opt_out_type]
        if not textable:
            # a short code or an alphanumeric sender (carrier notices...): kept and
            # shown, but nobody can text it back, so its keywords mean nothing
            kind = None
        previous = self._consent_state()
        author = self.partner_id
        text = inbound.body or ""
        media_lines = [url for url, _type in inbound.media]
        chatter = self._post_in_chat(
            "\n".join(filter(None, [text, *media_lines])),
            author,
            email_from=inbound.from_number if not author else None,
        )
        received = self.env["clienteling.sms.message"].create(
            {
                "conversation_id": self.id,
                "direction": "inbound",
                "body": text,
                "media_urls": "\n".join(media_lines) or False,
                "provider_sid": inbound.sid,
                "state": "received",
                "mail_message_id": chatter.id,
                "keyword": kind or False,
            }
        )
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "UPDATE clienteling_conversation SET unread_count = unread_count + 1, "
                "last_message_date = %(now)s, last_inbound_date = %(now)s WHERE id = %(id)s",
                now=now,
                id=self.id,
            )
        )
        self.invalidate_recordset(["unread_count", "last_message_date", "last_inbound_date"])
        self._on_inbound_text(received)
        if self.partner_id:
            # the text itself stays in this conversation (store-scoped), never in
            # the customer's chatter that every internal user reads
            self.partner_id.sudo()._clienteling_register_contact(
                "sms", "inbound", now, self.employee_id or None
            )
        store = self.store_id
        fill = {"store": store.name or "", "landline": store.landline or ""}
        account = account.with_context(lang=self.partner_id.lang or self.env.lang)
        if kind == "opt_out":
            self._record_consent("opted_out", "keyword", text, reference=inbound.sid)
            if previous != "opted_out":
                self._send_system_reply(self._fill(account.opt_out_reply, fill))
        elif kind == "opt_in":
            self._record_consent("opted_in", "keyword", text, reference=inbound.sid)
            if previous != "opted_in":
                self._send_system_reply(self._fill(account.opt_in_reply, fill))
        elif kind == "help":
            self._send_system_reply(self._fill(account.help_reply, fill))

    def _on_inbound_text(self, sms_message):
        """Called once for each text received in this conversation
        (``clienteling.sms.message``), after it is stored: nothing here, for other
        addons (the store inbox)."""

    @staticmethod
    def _fill(template, values):
        text = template or ""
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text

    # Screens.

    def action_mark_read(self):
        self.check_access("read")
        self.sudo().write({"unread_count": 0})

    def action_open_composer(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write a Text"),
            "res_model": "clienteling.sms.composer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }

    def action_link_customer(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "clienteling.conversation.link",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }

    def action_simulate_reply(self):
        self.ensure_one()
        self.check_access("write")
        if not self.is_sandbox:
            raise UserError(
                self.env._("Customer replies can only be simulated on a sandbox account.")
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "clienteling.sms.simulate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }
