import logging
from email.utils import parseaddr

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize, html2plaintext, plaintext2html

from ..tools import imap as imap_tools
from ..tools.phone import PhoneNumberError, to_e164
from .clienteling_mail_account import NETWORK_ERRORS

_logger = logging.getLogger(__name__)

CHANNELS = [("email", "Email"), ("sms", "SMS")]
# what associates' actions write; the rest is written by the sync (sudo)
USER_WRITABLE = {"is_read", "partner_id", "user_id", "completed_date"}


class ClientelingInboxMessage(models.Model):
    """A message of a store's Engage inbox: an email read over IMAP, or an SMS.

    Extension points for ``clienteling_sms`` (the core does not depend on it):

    * ``_clienteling_create_from_sms(store, number, body, date=None,
      reference=None)``: the SMS addon calls it for each inbound SMS to a store
      number; it creates (once per ``reference``) an inbox message of channel
      ``sms``, links it to the customer with that number and audits the import.
    * ``_clienteling_sms_reply_available()``: False here; the SMS addon returns
      True for messages it can answer (customer linked, store number, consent).
    * ``_clienteling_sms_reply()``: the "SMS reply" button calls it after the
      common checks and audits; here it raises, the SMS addon overrides it to
      return its composer action (sent through the store's number, under the
      consent rules).
    * ``_clienteling_audit(action, details)``: every addon writes its actions
      in the same audit trail.
    """

    _name = "clienteling.inbox.message"
    _description = "Engage Inbox Message"
    _order = "date desc, id desc"
    _rec_name = "subject"
    _rec_names_search = ["subject", "sender", "partner_id"]

    store_id = fields.Many2one(
        "clienteling.store", string="Store", index=True, ondelete="restrict", readonly=True
    )
    account_id = fields.Many2one(
        "clienteling.mail.account",
        string="Mail Account",
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    channel = fields.Selection(CHANNELS, required=True, default="email", readonly=True)
    sender = fields.Char(readonly=True, help="Email address or E.164 number of the sender.")
    sender_email = fields.Char(readonly=True, index="btree_not_null")
    subject = fields.Char(readonly=True)
    body = fields.Html(readonly=True, sanitize=True, sanitize_overridable=False)
    preview = fields.Char(compute="_compute_preview")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, readonly=True)
    attachment_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        domain=[("res_model", "=", "clienteling.inbox.message")],
        string="Attachments",
        readonly=True,
    )
    skipped_attachments = fields.Text(
        readonly=True, help="Attachments above the account's size limit, not downloaded."
    )
    parse_warning = fields.Text(readonly=True)
    is_read = fields.Boolean(string="Read", default=False, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index="btree_not_null", ondelete="set null"
    )
    user_id = fields.Many2one("res.users", string="Assigned To", index="btree_not_null")
    completed_date = fields.Datetime(string="Completed", readonly=True, index="btree_not_null")
    is_completed = fields.Boolean(compute="_compute_is_completed", search="_search_is_completed")
    message_id = fields.Char(string="Message-ID", readonly=True, index="btree_not_null")
    fingerprint = fields.Char(readonly=True, copy=False)
    imap_uid = fields.Integer(string="IMAP UID", readonly=True, copy=False)
    imap_uidvalidity = fields.Integer(string="IMAP UIDVALIDITY", readonly=True, copy=False)
    imap_flags_dirty = fields.Boolean(
        readonly=True, copy=False, help="The read state still has to be written to the server."
    )
    posted_message_id = fields.Many2one(
        "mail.message", string="In Customer History", readonly=True, ondelete="set null", copy=False
    )
    audit_ids = fields.One2many("clienteling.inbox.audit", "message_id", string="Audit Trail")
    audit_count = fields.Integer(compute="_compute_audit_count")
    sms_reply_available = fields.Boolean(compute="_compute_sms_reply_available")

    _sql_constraints = [
        (
            "fingerprint_uniq",
            "unique(account_id, fingerprint)",
            "This message is already in the inbox.",
        ),
    ]

    @api.depends("body")
    def _compute_preview(self):
        for message in self:
            message.preview = html2plaintext(message.body or "")[:120].replace("\n", " ")

    @api.depends("completed_date")
    def _compute_is_completed(self):
        for message in self:
            message.is_completed = bool(message.completed_date)

    def _search_is_completed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search: %s %s", operator, value))
        completed = (operator == "=") == bool(value)
        return [("completed_date", "!=" if completed else "=", False)]

    def _compute_audit_count(self):
        counts = dict(
            self.env["clienteling.inbox.audit"]._read_group(
                [("message_id", "in", self.ids)], ["message_id"], ["__count"]
            )
        )
        for message in self:
            message.audit_count = counts.get(message, 0)

    def _compute_sms_reply_available(self):
        for message in self:
            message.sms_reply_available = message._clienteling_sms_reply_available()

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group("clienteling.group_clienteling_manager"):
            forbidden = set(vals) - USER_WRITABLE
            if forbidden:
                raise AccessError(
                    self.env._(
                        "Inbox messages are changed through their actions (%s cannot be edited).",
                        ", ".join(sorted(forbidden)),
                    )
                )
        if "is_read" in vals and not self.env.context.get("clienteling_from_imap"):
            changed = self.filtered(lambda m: m.is_read != bool(vals["is_read"]) and m.imap_uid)
            if changed:
                super(ClientelingInboxMessage, changed).write({"imap_flags_dirty": True})
        return super().write(vals)

    # Import

    @api.model
    def _import_imap(self, account, uid, raw, flags, skipped=()):
        """Store one fetched message of ``account``; see :meth:`_import_imap_batch`."""
        return self._import_imap_batch(account, [(uid, raw, flags, skipped)])

    @api.model
    def _import_imap_batch(self, account, items):
        """Store fetched messages of ``account``: ``items`` is a list of
        ``(uid, raw bytes, flags, skipped parts)``. Idempotent on each message's
        fingerprint (Message-ID and content): a message already here only gets its
        new UID. Returns the new messages. Set-based: a few queries per batch."""
        Message = self.sudo().with_context(clienteling_from_imap=True)
        prints = {uid: imap_tools.fingerprint(raw) for uid, raw, _flags, _skipped in items}
        existing = {
            message.fingerprint: message
            for message in Message.search(
                [("account_id", "=", account.id), ("fingerprint", "in", list(prints.values()))]
            )
        }
        vals_list, attachments, details = [], [], []
        for uid, raw, flags, skipped in items:
            fingerprint = prints[uid]
            if fingerprint in existing:
                # seen again (UIDVALIDITY reset, resumed batch, copy in the folder)
                if existing[fingerprint].imap_uidvalidity != account.uidvalidity:
                    existing[fingerprint].write(
                        {"imap_uid": uid, "imap_uidvalidity": account.uidvalidity}
                    )
                continue
            existing[fingerprint] = Message
            vals, files, detail = self._imap_values(account, uid, raw, flags, skipped, fingerprint)
            vals_list.append(vals)
            attachments.append(files)
            details.append(detail)
        messages = Message.create(vals_list)
        attachment_vals = [
            {
                "name": name or "attachment",
                "raw": content.encode() if isinstance(content, str) else content,
                "res_model": self._name,
                "res_id": message.id,
            }
            for message, files in zip(messages, attachments, strict=True)
            for name, content in files
        ]
        if attachment_vals:
            self.env["ir.attachment"].sudo().create(attachment_vals)
        self.env["clienteling.inbox.audit"].sudo().create(
            [
                {
                    "message_id": message.id,
                    "message_name": message.subject or message.sender,
                    "store_id": message.store_id.id,
                    "account_id": account.id,
                    "user_id": self.env.uid,
                    "action": "sync",
                    "details": detail,
                }
                for message, detail in zip(messages, details, strict=True)
            ]
        )
        messages._auto_link()
        return messages

    def _imap_values(self, account, uid, raw, flags, skipped, fingerprint):
        """(create values, attachments, audit details) of one raw message, parsed
        by Odoo's ``message_parse``; an unreadable message keeps what could be read."""
        values, warning = account._parse_raw(raw)
        if values is None:
            error = warning
            header = imap_tools.split_raw(raw)[0]
            values = {
                "message_id": imap_tools.header_value(header, "Message-ID"),
                "subject": imap_tools.header_value(header, "Subject"),
                "email_from": imap_tools.header_value(header, "From"),
                "body": plaintext2html(raw.decode("utf-8", "replace")[:100000]),
                "attachments": [],
            }
            warning = self.env._("The message could not be fully read: %s", error)
        notes = [
            self.env._(
                "%(name)s (%(size)s) was not downloaded: larger than %(limit)s MB.",
                name=name,
                size=imap_tools.human_size(size),
                limit=account.max_attachment_size,
            )
            for name, size in skipped
        ]
        if b"\x00" in raw[:65536]:
            warning = warning or self.env._("The message contains invalid characters.")
        sender = values.get("email_from") or ""
        vals = {
            "account_id": account.id,
            "store_id": account.store_ids[:1].id,
            "company_id": account.company_id.id,
            "channel": "email",
            "sender": sender,
            "sender_email": email_normalize(parseaddr(sender)[1] or sender) or False,
            "subject": values.get("subject") or "",
            "body": values.get("body") or "",
            "date": values.get("date") or fields.Datetime.now(),
            "is_read": imap_tools.is_seen(flags),
            "message_id": (values.get("message_id") or "").strip() or False,
            "fingerprint": fingerprint,
            "imap_uid": uid,
            "imap_uidvalidity": account.uidvalidity,
            "parse_warning": warning,
            "skipped_attachments": "\n".join(notes) or False,
        }
        files = [(attachment[0], attachment[1]) for attachment in values.get("attachments") or []]
        detail = (
            self.env._("Imported from %(account)s (UID %(uid)s).", account=account.name, uid=uid)
            + (f"\n{warning}" if warning else "")
            + ("\n" + "\n".join(notes) if notes else "")
        )
        return vals, files, detail

    @api.model
    def _clienteling_create_from_sms(self, store, number, body, date=None, reference=None):
        """Extension point for ``clienteling_sms``: an inbound SMS to ``store``'s
        number, from ``number`` (any format), as an inbox message of channel
        ``sms``. Idempotent on ``reference`` (the provider's message id)."""
        if not store:
            raise UserError(self.env._("An inbound SMS needs the store it was sent to."))
        try:
            e164 = to_e164(number, store.country_id.code or None)
        except PhoneNumberError as error:
            raise UserError(
                self.env._(
                    "Invalid sender number %(number)s: %(reason)s", number=number, reason=error
                )
            ) from error
        fingerprint = f"sms:{reference}" if reference else False
        if fingerprint:
            existing = self.sudo().search(
                [("store_id", "=", store.id), ("fingerprint", "=", fingerprint)], limit=1
            )
            if existing:
                return existing
        message = self.sudo().create(
            {
                "store_id": store.id,
                "company_id": store.company_id.id,
                "channel": "sms",
                "sender": e164,
                "subject": (body or "").strip()[:80],
                "body": plaintext2html(body or ""),
                "date": date or fields.Datetime.now(),
                "fingerprint": fingerprint,
                "message_id": reference or False,
            }
        )
        message._clienteling_audit("sync", self.env._("SMS received from %s.", e164))
        message._auto_link()
        return message

    @api.model
    def _audit_sync_reset(self, account, uidvalidity):
        """One audit row per reset, on no message: UIDs were renumbered."""
        self.env["clienteling.inbox.audit"].sudo().create(
            {
                "action": "sync",
                "account_id": account.id,
                "store_id": account.store_ids[:1].id,
                "details": self.env._(
                    "UIDVALIDITY of %(account)s changed to %(value)s: messages matched again "
                    "by Message-ID and content.",
                    account=account.name,
                    value=uidvalidity,
                ),
            }
        )

    # Customer matching

    def _auto_link(self):
        """Link each unlinked message to the first customer (lowest id) with the
        sender's email, else with a phone number of the sender (SMS) or of the
        subject/body (an SMS relayed to the mailbox). Two searches per call."""
        todo = self.filtered(lambda m: not m.partner_id)
        if not todo:
            return
        Partner = self.env["res.partner"].sudo()
        emails = {m.sender_email for m in todo if m.sender_email}
        by_email = {}
        if emails:
            for partner in Partner.search(
                [("email_normalized", "in", list(emails))], order="id desc"
            ):
                by_email[partner.email_normalized] = partner
        numbers = {}
        for message in todo:
            if message.sender_email in by_email:
                continue
            found = [message.sender] if message.channel == "sms" and message.sender else []
            text = f"{message.subject or ''}\n{html2plaintext(message.body or '')[:2000]}"
            found += imap_tools.phone_numbers_in(text, message.store_id.country_id.code)
            if found:
                numbers[message] = found
        by_phone = {}
        all_numbers = {number for found in numbers.values() for number in found}
        if all_numbers:
            for partner in Partner.search(
                [("phone_sanitized", "in", list(all_numbers))], order="id desc"
            ):
                by_phone[partner.phone_sanitized] = partner
        for message in todo:
            partner = by_email.get(message.sender_email)
            if not partner:
                partner = next(
                    (by_phone[n] for n in numbers.get(message, []) if n in by_phone), None
                )
            if partner:
                message._link(partner, automatic=True)

    def _link(self, partner, automatic=False):
        self.ensure_one()
        values = {"partner_id": partner.id}
        if (
            partner.clienteling_store_id
            and self.account_id
            and partner.clienteling_store_id in self.account_id.store_ids
        ):
            values["store_id"] = partner.clienteling_store_id.id
        self.sudo().write(values)
        self._clienteling_audit(
            "link",
            (
                self.env._("Linked automatically to %s.", partner.display_name)
                if automatic
                else self.env._("Linked to %s.", partner.display_name)
            ),
        )
        self._post_to_customer()

    def _post_to_customer(self):
        """Insert the message in the linked customer's history, once."""
        for message in self.sudo().filtered(lambda m: m.partner_id and not m.posted_message_id):
            partner = message.partner_id
            if message.channel == "sms":
                body = message.body
            else:
                body = message.body or ""
            posted = partner.with_context(mail_create_nosubscribe=True).message_post(
                body=body,
                subject=message.subject or False,
                message_type="email" if message.channel == "email" else "sms",
                subtype_xmlid="mail.mt_note",
                author_id=partner.id,
                email_from=message.sender or False,
                attachments=[(a.name, a.raw) for a in message.attachment_ids],
            )
            message.posted_message_id = posted
            partner._clienteling_register_contact(message.channel, "inbound", message.date)

    # Audit

    def _clienteling_audit(self, action, details=False):
        Audit = self.env["clienteling.inbox.audit"].sudo()
        Audit.create(
            [
                {
                    "message_id": message.id,
                    "message_name": message.subject or message.sender,
                    "store_id": message.store_id.id,
                    "account_id": message.account_id.id,
                    "user_id": self.env.uid,
                    "action": action,
                    "details": details,
                }
                for message in self
            ]
        )

    # Read state, here and on the server

    def web_read(self, specification):
        if self.env.context.get("clienteling_inbox_open") and len(self) == 1:
            self.check_access("write")
            if not self.is_read:
                self.action_mark_read()
            self._auto_link()
        return super().web_read(specification)

    def action_mark_read(self):
        to_change = self.filtered(lambda m: not m.is_read)
        to_change.write({"is_read": True})
        to_change._clienteling_audit("read", self.env._("Marked as read."))
        to_change._imap_try_push()
        return True

    def action_mark_unread(self):
        to_change = self.filtered("is_read")
        to_change.write({"is_read": False})
        to_change._clienteling_audit("unread", self.env._("Marked as unread."))
        to_change._imap_try_push()
        return True

    def _imap_try_push(self):
        """Write read states to the server now; on failure the next sync does it."""
        for account in self.sudo().filtered("imap_flags_dirty").account_id:
            messages = self.sudo().filtered(lambda m, a=account: m.account_id == a)
            try:
                client = account._connect()
            except (imap_tools.ImapSyncError, *NETWORK_ERRORS) as error:
                _logger.info(
                    "Engage account %s: read state kept for the next sync: %s", account.id, error
                )
                continue
            try:
                client.select_folder(account.folder)
                messages._imap_push_flags(client)
            except NETWORK_ERRORS as error:
                _logger.info(
                    "Engage account %s: read state kept for the next sync: %s", account.id, error
                )
            finally:
                imap_tools.logout(client)

    def _imap_push_flags(self, client):
        """Set or clear \\Seen on the server (folder selected) for these messages."""
        messages = self.sudo().filtered(
            lambda m: m.imap_uid and m.imap_uidvalidity == m.account_id.uidvalidity
        )
        read = messages.filtered("is_read")
        unread = messages - read
        if read:
            client.add_flags(read.mapped("imap_uid"), [imap_tools.SEEN], silent=True)
        if unread:
            client.remove_flags(unread.mapped("imap_uid"), [imap_tools.SEEN], silent=True)
        self.sudo().with_context(clienteling_from_imap=True).write({"imap_flags_dirty": False})

    # Actions

    def _check_customer(self):
        missing = self.filtered(lambda m: not m.partner_id)
        if missing:
            raise UserError(
                self.env._(
                    "Link the message “%s” to a customer first (Link to Customer or Create "
                    "Customer).",
                    missing[0].subject or missing[0].sender,
                )
            )

    def _clienteling_action_context(self):
        self.ensure_one()
        return {"clienteling_inbox_message_id": self.id}

    def action_open_wizard(self, mode):
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "clienteling.inbox.assign",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Link to Customer")
            if mode == "link"
            else self.env._("Assign to User"),
            "context": {"default_mode": mode, "default_message_ids": self.ids},
        }

    def action_link_customer(self):
        return self.action_open_wizard("link")

    def action_assign_user(self):
        return self.action_open_wizard("assign")

    def action_create_customer(self):
        self.ensure_one()
        if self.partner_id:
            raise UserError(
                self.env._("This message is already linked to %s.", self.partner_id.display_name)
            )
        name, address = parseaddr(self.sender or "")
        values = {
            "name": name or address or self.sender or self.env._("New customer"),
            "clienteling_store_id": self.store_id.id,
            "country_id": self.store_id.country_id.id,
        }
        if self.channel == "sms":
            values["mobile"] = self.sender
        elif self.sender_email:
            values["email"] = self.sender_email
        employee = self.env.user.employee_id
        if employee and employee.clienteling_store_id == self.store_id:
            values["clienteling_associate_id"] = employee.id
        partner = self.env["res.partner"].create(values)
        self._clienteling_audit(
            "create_customer", self.env._("Created customer %s.", partner.display_name)
        )
        self._link(partner)
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": partner.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_todo(self):
        self.ensure_one()
        self._check_customer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("To-Do"),
            "res_model": "mail.activity",
            "view_mode": "form",
            "target": "new",
            "context": {
                **self._clienteling_action_context(),
                "default_res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "default_res_id": self.partner_id.id,
                "default_activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "default_summary": self.subject or self.env._("Follow up"),
                "default_note": self.body,
                "default_user_id": self.env.uid,
            },
        }

    def action_appointment(self):
        self.ensure_one()
        self._check_customer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Appointment"),
            "res_model": "calendar.event",
            "view_mode": "form",
            "target": "new",
            "context": {
                **self._clienteling_action_context(),
                "default_name": self.env._("Appointment with %s", self.partner_id.name),
                "default_partner_ids": [self.partner_id.id, self.env.user.partner_id.id],
                "default_user_id": self.env.uid,
                "default_description": self.body,
            },
        }

    def action_email_reply(self):
        self.ensure_one()
        self._check_customer()
        if not self.partner_id.email:
            raise UserError(
                self.env._("%s has no email address to reply to.", self.partner_id.display_name)
            )
        subject = self.subject or ""
        if subject and not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Email Reply"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                **self._clienteling_action_context(),
                "default_model": "res.partner",
                "default_res_ids": self.partner_id.ids,
                "default_composition_mode": "comment",
                "default_subject": subject,
                "default_partner_ids": self.partner_id.ids,
                "default_subtype_xmlid": "mail.mt_comment",
            },
        }

    def _clienteling_sms_reply_available(self):
        """Extension point: ``clienteling_sms`` returns True when it can answer."""
        return False

    def action_sms_reply(self):
        self.ensure_one()
        self._check_customer()
        return self._clienteling_sms_reply()

    def _clienteling_sms_reply(self):
        """Extension point: ``clienteling_sms`` returns its SMS composer action."""
        raise UserError(self.env._("SMS replies need the Clienteling SMS module."))

    def action_complete(self):
        to_complete = self.filtered(lambda m: not m.completed_date)
        to_complete.write({"completed_date": fields.Datetime.now()})
        to_complete._clienteling_audit("complete", self.env._("Marked completed."))
        return True

    def action_reopen(self):
        to_reopen = self.filtered("completed_date")
        to_reopen.write({"completed_date": False})
        to_reopen._clienteling_audit("reopen", self.env._("Completed date cleared."))
        return True

    def action_delete(self):
        """Delete here and from the IMAP mailbox (never from a customer's history).
        When the server cannot be reached nothing is deleted."""
        self.check_access("write")
        for account in self.account_id:
            messages = self.filtered(lambda m, a=account: m.account_id == a)
            uids = [
                m.imap_uid
                for m in messages
                if m.imap_uid and m.imap_uidvalidity == account.uidvalidity
            ]
            if uids:
                account.sudo()._imap_delete(uids)
        for message in self:
            message._clienteling_audit(
                "delete",
                self.env._(
                    "Deleted (from %(sender)s, %(subject)s).",
                    sender=message.sender,
                    subject=message.subject,
                ),
            )
        self.sudo().unlink()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_audit_trail(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Audit Trail"),
            "res_model": "clienteling.inbox.audit",
            "view_mode": "list,form",
            "domain": [("message_id", "=", self.id)],
            "context": {"create": False},
        }

    @api.model
    def action_sync_my_inbox(self):
        """The inbox's Sync button: sync the mailboxes of the user's stores."""
        stores = self.env.user.clienteling_store_ids
        domain = [("store_ids", "in", stores.ids)]
        if self.env.user.has_group("clienteling.group_clienteling_manager"):
            domain = [("company_id", "in", self.env.companies.ids)]
        accounts = self.env["clienteling.mail.account"].sudo().search(domain)
        if not accounts:
            raise UserError(self.env._("No mailbox is configured for your stores."))
        return accounts.action_sync()

    @api.model
    def _clienteling_audit_from_context(self, action, details):
        """Audit an action finished in another model's screen (To-Do, appointment,
        email reply) opened from an inbox message: the screen's context carries
        ``clienteling_inbox_message_id``."""
        message_id = self.env.context.get("clienteling_inbox_message_id")
        if not message_id:
            return self.browse()
        message = self.browse(message_id).exists()
        message._clienteling_audit(action, details)
        return message
