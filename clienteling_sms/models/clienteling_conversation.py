import base64
import mimetypes
from collections import Counter, defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.misc import hmac as odoo_hmac
from odoo.tools.rendering_tools import parse_inline_template, render_inline_template

from odoo.addons.clienteling.tools import placeholders
from odoo.addons.clienteling.tools.phone import PhoneNumberError, display_number, to_e164
from odoo.addons.mail.tools.discuss import Store

from ..tools import keywords, quiet_hours

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
CONSENT_STATES = [
    ("none", "No Consent Yet"),
    ("pending", "Opt-in Sent"),
    ("opted_in", "Opted In"),
    ("opted_out", "Opted Out"),
]
UNPIN_AFTER = timedelta(days=30)  # conversations quiet for longer leave Discuss's sidebar
NOTIFY_PREFETCH = 25  # received texts read together when their chats are notified
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
    consent_state = fields.Selection(CONSENT_STATES, compute="_compute_consent_state")
    shared_number = fields.Boolean(
        compute="_compute_shared_number",
        help="Several customers have this number: choose who is texting with Add to Contacts.",
    )
    is_sandbox = fields.Boolean(compute="_compute_is_sandbox", compute_sudo=True)
    customer_number_display = fields.Char(
        string="Number",
        compute="_compute_customer_number_display",
        help="The customer's number as the store's country writes it.",
    )
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

    def _compute_customer_number_display(self):
        for conversation in self:
            conversation.customer_number_display = display_number(
                conversation.customer_number, conversation.store_id.sudo().country_id.code
            )

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
        return self._number_is_textable(self.customer_number)

    @api.model
    def _number_is_textable(self, number):
        try:
            return to_e164(number) == number
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
        """The customer's name and number, as the store's country writes numbers."""
        self.ensure_one()
        number = display_number(self.customer_number, self.store_id.sudo().country_id.code)
        return f"{self.partner_id.name} · {number}" if self.partner_id else number

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
            conversation._create_chats()
        return conversation.channel_id

    def _create_chats(self):
        """Create the Discuss channels of these conversations that have none, with
        their members, together (the associates looked up once per store or
        personal number)."""
        conversations = self.sudo().filtered(lambda c: not c.channel_id)
        if not conversations:
            return
        members = {}
        for conversation in conversations:
            key = (conversation.employee_id.id, conversation.store_id.id)
            if key not in members:
                members[key] = conversation._chat_member_partners()
        expected = [
            members[conversation.employee_id.id, conversation.store_id.id]
            for conversation in conversations
        ]
        channels = (
            self.env["discuss.channel"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                [
                    {
                        "name": conversation._chat_name(),
                        "channel_type": "clienteling_text",
                        "clienteling_conversation_id": conversation.id,
                        "channel_member_ids": [
                            Command.create({"partner_id": partner.id}) for partner in partners
                        ],
                    }
                    for conversation, partners in zip(conversations, expected, strict=True)
                ]
            )
        )
        # Discuss adds whoever creates a channel (here: the webhook's or the
        # sender's user): the chat is the store's only
        self.env["discuss.channel.member"].union(
            *(
                channel.channel_member_ids.filtered(lambda m, p=partners: m.partner_id not in p)
                for channel, partners in zip(channels, expected, strict=True)
            )
        ).unlink()
        for conversation, channel in zip(conversations, channels, strict=True):
            conversation.channel_id = channel

    def _sync_chat_members(self):
        """Add the associates who joined the store since the chat was created. The
        associates are looked up once per store (or personal number), the chats'
        members read together."""
        expected = {}
        for conversation in self.sudo():
            channel = conversation.channel_id
            if not channel:
                continue
            key = (conversation.employee_id.id, conversation.store_id.id)
            if key not in expected:
                expected[key] = conversation._chat_member_partners()
            missing = expected[key] - channel.channel_member_ids.partner_id
            if missing:
                channel.add_members(partner_ids=missing.ids, post_joined_message=False)

    def _prepare_chats(self):
        """Before texts are posted in them: each conversation's chat, created if
        needed, with its current members and name."""
        conversations = self.sudo()
        conversations._create_chats()
        conversations._sync_chat_members()
        for conversation in conversations:
            name = conversation._chat_name()
            if conversation.channel_id.name != name:
                conversation.channel_id.name = name

    @api.model
    def _prune_chat_members(self, users):
        """Take ``users`` out of the chats of conversations they may no longer read
        (an associate who moved store, a personal number given to a colleague)."""
        self.env.flush_all()
        Member = self.env["discuss.channel.member"].sudo()
        for user in users.sudo():
            if not Member.search_count(
                [
                    ("partner_id", "=", user.partner_id.id),
                    ("channel_id.channel_type", "=", "clienteling_text"),
                ],
                limit=1,
            ):
                continue
            if not self.with_user(user).has_access("read"):
                readable = self.browse()._search([("id", "=", 0)])
            else:
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
        self._prepare_chats()
        channel = self.sudo().channel_id
        return channel.with_context(
            clienteling_text_post=True, mail_create_nosubscribe=True
        ).message_post(
            body=escape(text).replace("\n", Markup("<br>")),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=author.id if author else False,
            email_from=email_from,
            attachment_ids=media.ids if media else [],
        )

    def _request_card_posted(self, request):
        """Whether the chat already holds the preview card of ``request``."""
        self.ensure_one()
        channel = self.sudo().channel_id
        if not channel:
            return False
        return bool(
            self.env["mail.message"]
            .sudo()
            .search_count(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", channel.id),
                    ("subtype_id", "=", self.env.ref("clienteling_sms.mt_service_request_card").id),
                    ("body", "ilike", f'/odoo/clienteling.service.request/{request.id}"'),
                ],
                limit=1,
            )
        )

    def _post_request_card(self, request, author=None):
        """Post the preview card of a service request in the chat: a notice the
        store's associates read, never a text (nothing reaches the customer).
        ``author``: a partner, the current user's by default."""
        self.ensure_one()
        self._prepare_chats()
        author = author or self.env.user.partner_id
        # sudo: posted by the code (the chat refuses anything but texts and notices
        # from users); a "notification" is never sent
        return (
            self.sudo()
            .channel_id.with_context(mail_create_nosubscribe=True)
            .message_post(
                body=request._clienteling_card_html(),
                message_type="notification",
                subtype_xmlid="clienteling_sms.mt_service_request_card",
                author_id=author.id,
            )
        )

    def _post_received_in_chats(self, posts):
        """Post received texts in their chats, in order: ``posts`` is a list of
        ``(conversation, text, author, email_from)``. The same messages and
        notifications as ``message_post`` on each chat (members' unread counters,
        ``discuss.channel/new_message`` on the bus, web push), with what it
        computes per message computed once per chat, and the messages created
        together. Returns the ``mail.message`` records, in the order of ``posts``."""
        if not posts:
            return self.env["mail.message"]
        conversations = self.browse().union(*(post[0] for post in posts)).sudo()
        conversations._prepare_chats()
        channels = conversations.channel_id
        channels = channels.with_context(
            clienteling_text_post=True, mail_create_nosubscribe=True, mail_post_autofollow=False
        )._fallback_lang()
        # message_post marks the chat's interest with every message
        channels.last_interest_dt = fields.Datetime.now()
        company = self.env.company
        alias_domains = channels._mail_get_alias_domains(default_company=company)
        companies = channels._mail_get_companies(default=company)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        channel_by_id = {channel.id: channel for channel in channels}
        authors = []
        for conversation, _text, author, email_from in posts:
            channel = channel_by_id[conversation.channel_id.id]
            authors.append(
                channel._message_compute_author(author.id if author else False, email_from)
            )
        # the reply-to address of each chat, for each sender address (its default)
        reply_tos = {}
        for email_from in {email_from for _author_id, email_from in authors}:
            chats = channels.browse(
                {
                    post[0].channel_id.id
                    for post, author in zip(posts, authors, strict=True)
                    if author[1] == email_from
                }
            )
            for channel_id, reply_to in chats._notify_get_reply_to(default=email_from).items():
                reply_tos[channel_id, email_from] = reply_to
        values_list, targets = [], []
        for (conversation, text, _author, _email_from), (author_id, email_from) in zip(
            posts, authors, strict=True
        ):
            channel = channel_by_id[conversation.channel_id.id]
            values = {
                "email_add_signature": True,
                "record_name": channel.display_name,
                "author_id": author_id,
                "author_guest_id": False,
                "email_from": email_from,
                "model": channel._name,
                "res_id": channel.id,
                "body": escape(text).replace("\n", Markup("<br>")),
                "message_type": "comment",
                "parent_id": channel._message_compute_parent_id(False),
                "subject": False,
                "subtype_id": subtype_id,
                "partner_ids": [],
                "record_alias_domain_id": alias_domains[channel.id].id,
                "record_company_id": companies[channel.id].id,
                "reply_to": reply_tos[channel.id, email_from],
            }
            values.update(channel._process_attachments_for_post([], [], values))
            values_list.append(values)
            targets.append(channel)
        messages = channels[:1]._message_create(values_list)
        posted = list(zip(messages, values_list, targets, strict=True))
        # Discuss notifies a chat's members, but its author, of each message: the
        # members and their devices are read once per chat and author
        recipients = {}
        for message, values, channel in posted:
            key = (channel.id, values["author_id"])
            if key not in recipients:
                recipients[key] = channel._notify_get_recipients(message, values)
        members = {r["id"] for found in recipients.values() for r in found}
        push = bool(members) and bool(
            self.env["mail.push.device"].sudo().search_count([("partner_id", "in", list(members))])
        )
        user_partner = self.env.user.partner_id
        for index, (message, values, channel) in enumerate(posted):
            if user_partner and values["author_id"] == user_partner.id:
                # the user's own message is seen by them (message_post's hook)
                channel._message_post_after_hook(message, values)
            # read with a few of its neighbours: Discuss's formatting of a message
            # goes through all the messages it is prefetched with
            start = index - index % NOTIFY_PREFETCH
            message = message.with_prefetch(messages[start : start + NOTIFY_PREFETCH]._ids)
            found = recipients[channel.id, values["author_id"]]
            if any(r["notif"] != "web_push" for r in found):
                channel._notify_thread(message, values)  # someone to notify otherwise
                continue
            # what discuss.channel's _notify_thread does for members (web push only)
            if push:
                channel._notify_thread_by_web_push(message, found, values)
            channel._bus_send_store(channel, {"is_pinned": True}, subchannel="members")
            channel._bus_send(
                "discuss.channel/new_message",
                # msg_vals: a message just created is not scheduled (one query less)
                {"data": Store(message, msg_vals=values).get_result(), "id": channel.id},
            )
        return messages

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
    def _move_texts_to_chats(self):
        """Move texts kept in conversations' chatter (``sms`` messages, before
        18.0.1.3.0, and the demo data) to the conversations' chats. Returns the
        numbers of conversations, texts moved and chats unpinned."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """
            SELECT DISTINCT res_id FROM mail_message
             WHERE model = 'clienteling.conversation' AND message_type = 'sms'
            """
        )
        conversations = self.sudo().browse([row[0] for row in cr.fetchall()]).exists()
        conversations._create_chats()
        self.env.flush_all()
        cr.execute(
            """
            UPDATE ir_attachment a
               SET res_model = 'discuss.channel', res_id = c.channel_id
              FROM clienteling_conversation c
             WHERE a.res_model = 'clienteling.conversation' AND a.res_id = c.id
               AND c.channel_id IS NOT NULL
            """
        )
        cr.execute(
            """
            UPDATE mail_message m
               SET model = 'discuss.channel', res_id = c.channel_id, message_type = 'comment',
                   subtype_id = (SELECT res_id FROM ir_model_data
                                  WHERE module = 'mail' AND name = 'mt_comment'),
                   record_name = NULL
              FROM clienteling_conversation c
             WHERE m.model = 'clienteling.conversation' AND m.res_id = c.id
               AND m.message_type = 'sms' AND c.channel_id IS NOT NULL
            """
        )
        moved = cr.rowcount
        # texts written by an associate are theirs in the chat
        cr.execute(
            """
            UPDATE mail_message m SET author_id = u.partner_id
              FROM clienteling_sms_message t
              JOIN hr_employee e ON e.id = t.employee_id
              JOIN res_users u ON u.id = e.user_id
             WHERE t.mail_message_id = m.id AND t.direction = 'outbound'
               AND m.model = 'discuss.channel' AND m.author_id IS DISTINCT FROM u.partner_id
            """
        )
        # a chat's last activity is its last text; members have read it up to the
        # last text, except the conversations' unread texts
        cr.execute(
            """
            WITH last AS (
                SELECT res_id, max(date) AS date, max(id) AS message_id FROM mail_message
                 WHERE model = 'discuss.channel' AND message_type = 'comment' GROUP BY res_id)
            UPDATE discuss_channel ch SET last_interest_dt = last.date
              FROM last, clienteling_conversation c
             WHERE last.res_id = ch.id AND c.channel_id = ch.id
            """
        )
        cr.execute(
            """
            WITH seen AS (
                SELECT c.channel_id,
                       (SELECT m.id FROM mail_message m
                         WHERE m.model = 'discuss.channel' AND m.res_id = c.channel_id
                           AND m.message_type = 'comment'
                         ORDER BY m.id DESC OFFSET c.unread_count LIMIT 1) AS message_id
                  FROM clienteling_conversation c WHERE c.channel_id IS NOT NULL)
            UPDATE discuss_channel_member mb
               SET last_interest_dt = ch.last_interest_dt,
                   seen_message_id = seen.message_id,
                   new_message_separator = COALESCE(seen.message_id, 0) + 1
              FROM seen, discuss_channel ch
             WHERE mb.channel_id = seen.channel_id AND ch.id = seen.channel_id
            """
        )
        self.env.invalidate_all()
        unpinned = self._cron_unpin_quiet_chats()
        return len(conversations), moved, unpinned

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
        self._on_outbound_text(message)
        return message

    # Sharing products.

    def _share_products(self, products, body="", media=None, employee=None):
        """Send ``body`` followed by a short link to each of ``products``
        (``clienteling.product.link``: one per product, customer and associate)
        and, where our number sends MMS, the first product's image, through
        ``_send_message``: consent, quiet hours and STOP hold as for any text.
        Returns the ``clienteling.sms.message``."""
        self.ensure_one()
        self.check_access("write")
        if not products:
            raise UserError(self.env._("Choose the products to share."))
        products.check_access("read")
        employee = employee or self.env.user.employee_id
        # sudo: links are written by sharing only, here in a conversation the user
        # may text in (checked above)
        links = (
            self.env["clienteling.product.link"]
            .sudo()
            ._get_or_create_links(
                products,
                partner=self.partner_id,
                employee=employee,
                store=self.store_id,
                origin=self,
            )
        )
        base_url = self.phone_number_id.account_id.sudo().webhook_base_url
        lang = self.partner_id.lang or self.env.lang
        lines = [
            f"{link.product_id.with_context(lang=lang, display_default_code=False).display_name}: "
            f"{link._public_url(base_url)}"
            for link in links
        ]
        text = "\n".join(filter(None, [(body or "").strip(), *lines]))
        media = media or self.env["ir.attachment"]
        image = self.env["ir.attachment"]
        if self.phone_number_id.mms_capable:
            image = self._product_image(products)
        message = self._send_message(text, media=media | image, employee=employee)
        # the text carries a copy of it (see _post_outbound)
        image.sudo().unlink()
        return message

    def _product_image(self, products):
        """A new attachment with the image of the first of ``products`` that has
        one, to send as MMS; an empty recordset when none has."""
        product = next((product for product in products if product.image_128), None)
        if not product:
            return self.env["ir.attachment"]
        raw = base64.b64decode(product.image_1024)
        mimetype = guess_mimetype(raw, default="image/png")
        return self.env["ir.attachment"].create(
            {
                "name": product.display_name + (mimetypes.guess_extension(mimetype) or ""),
                "raw": raw,
                "mimetype": mimetype,
            }
        )

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
        conversation: keywords, chat, contact dates, notifications."""
        self.ensure_one()
        kind = self._inbound_keyword(inbound)
        # the consent matters to keywords only
        previous = self._consent_state() if kind else None
        self._receive_texts([(self, inbound, kind)])
        if not kind:
            return
        text = inbound.body or ""
        store = self.store_id
        fill = {
            "store": store.name or "",
            "landline": display_number(store.landline or "", store.country_id.code),
        }
        account = self.phone_number_id.account_id.sudo()
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

    def _on_outbound_text(self, sms_message):
        """Called once for each text an associate sends in this conversation
        (``clienteling.sms.message``, sent or scheduled), wherever it was written,
        for other addons (the store inbox's audit) to extend. Here: the text is
        the first reply to the customer's open service requests at this store,
        unless it is a request's own confirmation."""
        self.ensure_one()
        if self.store_id and not self.env.context.get("clienteling_request_confirmation"):
            self.env["clienteling.service.request"]._clienteling_record_reply(
                self.store_id,
                sms_message.create_date or fields.Datetime.now(),
                partner=self.partner_id,
                mobile=self.customer_number,
            )

    def _inbound_keyword(self, inbound):
        """What the received ``inbound`` asks: 'opt_out' (STOP), 'opt_in' (START),
        'help' (HELP) or None (a plain text)."""
        self.ensure_one()
        return self._keyword_of(
            inbound, self._is_textable(), self.phone_number_id.account_id.sudo()
        )

    @api.model
    def _keyword_of(self, inbound, textable, account, word_lists=None):
        """``_inbound_keyword`` of a text from a number that can be texted back
        (``textable``) or not, to a number of ``account``. ``word_lists``: a dict
        where the account's keyword lists are kept, read once for many texts."""
        if not textable:
            # a short code or an alphanumeric sender (carrier notices...): kept and
            # shown, but nobody can text it back, so its keywords mean nothing
            return None
        if word_lists is None:
            kind = account._keyword_kind(inbound.body)
        else:
            if account.id not in word_lists:
                word_lists[account.id] = {
                    "opt_in": keywords.parse_list(account.opt_in_keywords),
                    "opt_out": keywords.parse_list(account.opt_out_keywords),
                    "help_words": keywords.parse_list(account.help_keywords),
                }
            kind = keywords.classify(inbound.body, **word_lists[account.id])
        if inbound.opt_out_type in ("STOP", "START", "HELP") and not kind:
            kind = {"STOP": "opt_out", "START": "opt_in", "HELP": "help"}[inbound.opt_out_type]
        return kind

    def _receive_texts(self, texts):
        """Store received texts, in order: ``texts`` is a list of ``(conversation,
        inbound, keyword kind)`` (``tools.provider.InboundMessage``). Each is posted
        in its chat, stored as a ``clienteling.sms.message``, counted unread; the
        store's hooks run (``_on_inbound_texts``) and the customers' contact dates
        are updated. Keywords are the caller's. Returns the
        ``clienteling.sms.message`` rows, in order."""
        posts = []
        for conversation, inbound, _kind in texts:
            author = conversation.partner_id
            media_lines = [url for url, _type in inbound.media]
            posts.append(
                (
                    conversation,
                    "\n".join(filter(None, [inbound.body or "", *media_lines])),
                    author,
                    inbound.from_number if not author else None,
                )
            )
        chatters = self._post_received_in_chats(posts)
        received = self.env["clienteling.sms.message"].create(
            [
                {
                    "conversation_id": conversation.id,
                    "direction": "inbound",
                    "body": inbound.body or "",
                    "media_urls": "\n".join(url for url, _type in inbound.media) or False,
                    "provider_sid": inbound.sid,
                    "state": "received",
                    "mail_message_id": chatter.id,
                    "keyword": kind or False,
                }
                for (conversation, inbound, kind), chatter in zip(texts, chatters, strict=True)
            ]
        )
        now = fields.Datetime.now()
        counts = Counter(conversation.id for conversation, _inbound, _kind in texts)
        conversations = self.browse(list(counts))
        counters = ["unread_count", "last_message_date", "last_inbound_date"]
        conversations.flush_recordset(counters)
        self.env.cr.execute(
            SQL(
                """
                UPDATE clienteling_conversation c
                   SET unread_count = c.unread_count + v.texts,
                       last_message_date = %(now)s, last_inbound_date = %(now)s
                  FROM (VALUES %(values)s) AS v(id, texts)
                 WHERE c.id = v.id
                """,
                now=now,
                values=SQL(", ").join(SQL("(%s, %s)", cid, texts) for cid, texts in counts.items()),
            )
        )
        conversations.invalidate_recordset(counters)
        self._on_inbound_texts(received)
        # the texts themselves stay in their conversations (store-scoped), never in
        # the customers' chatter that every internal user reads
        contacts = defaultdict(lambda: self.env["res.partner"])
        for conversation, _inbound, _kind in texts:
            contacts[conversation.employee_id] |= conversation.partner_id
        for employee, partners in contacts.items():
            partners.sudo()._clienteling_register_contact("sms", "inbound", now, employee or None)
        return received

    def _on_inbound_texts(self, sms_messages):
        """Called once for the texts received together (``clienteling.sms.message``,
        in the order received), after they are stored: ``_on_inbound_text`` for
        each; other addons may handle them at once."""
        for sms_message in sms_messages:
            self.browse(sms_message.conversation_id.id)._on_inbound_text(sms_message)

    def _on_inbound_text(self, sms_message):
        """Called once for each text received in this conversation
        (``clienteling.sms.message``), after it is stored: nothing here, for other
        addons (the store inbox)."""

    @staticmethod
    def _fill(template, values):
        return placeholders.fill_store(template or "", values["store"], values["landline"])

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
            "name": self.env._("Add to Contacts"),
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
            "name": self.env._("Simulate a Customer Reply"),
            "res_model": "clienteling.sms.simulate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }
