import datetime
import email
import email.policy
import logging
from collections import defaultdict
from email.utils import parseaddr

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import (
    create_index,
    email_normalize,
    format_datetime,
    html2plaintext,
    plaintext2html,
)

from odoo.addons.clienteling.tools.phone import PhoneNumberError, to_e164

from ..tools import imap as imap_tools
from ..tools import mail_display
from .clienteling_mail_account import NETWORK_ERRORS

_logger = logging.getLogger(__name__)

CHANNELS = [("email", "Email"), ("sms", "SMS")]
# What people may change (through the actions, or by RPC): the rest is evidence,
# written by the sync and the SMS addon (sudo) or by system administrators.
USER_WRITABLE = {"is_read", "partner_id", "user_id", "completed_date"}
# Every change of these is audited, whatever the path.
AUDITED_FIELDS = ("partner_id", "user_id", "completed_date", "is_read")
# The raw source kept with a message that could not be read completely.
ORIGINAL_NAME = "original-message.eml"


class ClientelingInboxMessage(models.Model):
    """A message of a store's Engage inbox: an email read over IMAP, or an SMS.

    For other addons:

    * ``_clienteling_create_from_sms(store, number, body, date=None,
      reference=None)``: an inbound text to a store number (``clienteling_engage_sms``
      calls it); it creates (once per ``reference``) an inbox message of channel
      ``sms``, links it to the customer with that number and audits the import.
    * ``_clienteling_audit(action, details)``: every addon writes its actions
      in the same audit trail.

    What is done about a message stays with it, in its store: the e-mail reply is
    posted in its chatter (sent to the customer), its To-Dos are its activities,
    its appointments are private events linked to it. Nothing is written on the
    customer (``res.partner``), whose chatter, activities and attachments every
    internal user can read; the thread's followers and recipients who are internal
    users must be able to read the message.
    """

    _name = "clienteling.inbox.message"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Engage Inbox Message"
    _order = "date desc, id desc"
    _rec_name = "subject"
    _rec_names_search = ["subject", "sender", "partner_id"]

    store_id = fields.Many2one("clienteling.store", index=True, ondelete="restrict", readonly=True)
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
    sender_display = fields.Char(compute="_compute_sender_display", string="From")
    sender_email = fields.Char(readonly=True, index="btree_not_null")
    subject = fields.Char(readonly=True)
    body = fields.Html(
        readonly=True,
        sanitize=True,
        sanitize_style=True,
        sanitize_overridable=False,
        help="The message as shown: styles that could cover the screen and remote "
        "content (images, tracking pixels) removed.",
    )
    body_original = fields.Html(
        string="Body with Remote Content",
        readonly=True,
        sanitize=True,
        sanitize_style=True,
        sanitize_overridable=False,
        help="The message with its remote images, kept when some were blocked; shown "
        'after "Load Remote Images".',
    )
    remote_content_blocked = fields.Boolean(
        readonly=True, help="Remote images or backgrounds were not loaded."
    )
    show_remote_images = fields.Boolean(string="Remote Images Loaded", readonly=True, copy=False)
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
        "res.partner",
        string="Customer",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    user_id = fields.Many2one("res.users", string="Assigned To", index="btree_not_null")
    completed_date = fields.Datetime(string="Completed", readonly=True, index="btree_not_null")
    is_completed = fields.Boolean(compute="_compute_is_completed", search="_search_is_completed")
    state = fields.Selection(
        [("open", "Open"), ("assigned", "Assigned"), ("completed", "Completed")],
        string="Status",
        compute="_compute_state",
    )
    partner_email = fields.Char(related="partner_id.email", string="Customer Email")
    # Replies show only where they can work (no button that answers with an error).
    can_email_reply = fields.Boolean(compute="_compute_can_email_reply")
    message_id = fields.Char(string="Message-ID", readonly=True, index="btree_not_null")
    fingerprint = fields.Char(readonly=True, copy=False)
    imap_uid = fields.Integer(string="IMAP UID", readonly=True, copy=False)
    imap_uidvalidity = fields.Integer(string="IMAP UIDVALIDITY", readonly=True, copy=False)
    imap_flags_dirty = fields.Boolean(
        readonly=True, copy=False, help="The read state still has to be written to the server."
    )
    account_name = fields.Char(related="account_id.name", string="Mailbox")
    account_error = fields.Text(
        related="account_id.last_error", string="Mailbox Error", help="Why the last sync failed."
    )
    audit_ids = fields.One2many("clienteling.inbox.audit", "message_id", string="Audit Trail")
    audit_count = fields.Integer(compute="_compute_audit_count")

    _check_company_auto = True

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

    @api.depends("completed_date", "user_id")
    def _compute_state(self):
        for message in self:
            if message.completed_date:
                message.state = "completed"
            else:
                message.state = "assigned" if message.user_id else "open"

    def _search_is_completed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._(
                    "Unsupported search: %(operator)s %(value)s", operator=operator, value=value
                )
            )
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

    def init(self):
        # the sync looks up the UIDs of a batch
        create_index(
            self.env.cr,
            "clienteling_inbox_message_account_uid_idx",
            self._table,
            ["account_id", "imap_uidvalidity", "imap_uid"],
            where="imap_uid IS NOT NULL",
        )

    @api.constrains("user_id")
    def _check_user_id_store(self):
        """Messages are assigned only to users of their store."""
        for message in self.sudo().filtered("user_id"):
            stores = message.store_id or message.account_id.store_ids
            user = message.user_id
            if not stores & user.clienteling_store_ids or message.company_id not in (
                user.company_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(stores)s: a message is assigned to a user "
                        "of its store.",
                        user=user.name,
                        stores=", ".join(stores.mapped("name")) or self.env._("no store"),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.is_system():
            raise AccessError(
                self.env._(
                    "Inbox messages come from the store mailboxes and numbers; they cannot be "
                    "created by hand."
                )
            )
        # no "created" note and no follower: the sync is not a person
        messages = super(
            ClientelingInboxMessage,
            self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True),
        ).create(vals_list)
        return messages.with_env(self.env)

    def write(self, vals):
        """People change only what triage needs (``USER_WRITABLE``, to a customer
        they can read, to a user of the message's store); system administrators and
        the sync (sudo) anything. Every change of ``AUDITED_FIELDS`` is audited."""
        if not self.env.su:
            self.check_access("write")
            forbidden = set(vals) - USER_WRITABLE
            if forbidden and not self.env.is_system():
                raise AccessError(
                    self.env._(
                        "Inbox messages are changed through their actions (%s cannot be edited).",
                        ", ".join(sorted(forbidden)),
                    )
                )
            if vals.get("partner_id"):
                self.env["res.partner"].browse(vals["partner_id"]).check_access("read")
        audited = [fname for fname in AUDITED_FIELDS if fname in vals]
        before = {message.id: {f: message[f] for f in audited} for message in self}
        from_server = self.env.su and self.env.context.get("clienteling_from_imap")
        if "is_read" in vals and not from_server:
            changed = self.filtered(lambda m: m.is_read != bool(vals["is_read"]) and m.imap_uid)
            if changed:
                super(ClientelingInboxMessage, changed).write({"imap_flags_dirty": True})
        result = super().write(vals)
        if audited:
            self._audit_changes(before, audited)
        if vals.get("partner_id"):
            for message in self:
                message.partner_id.sudo()._clienteling_register_contact(
                    message.channel, "inbound", message.date
                )
        return result

    def _audit_changes(self, before, fnames):
        """One audit row per audited field that changed, worded for a person."""
        rows = []
        for message in self:
            for fname in fnames:
                old, new = before[message.id][fname], message[fname]
                if old != new:
                    action, details = message._audit_change(fname, old, new)
                    rows.append(message._clienteling_audit_values(action, details))
        if rows:
            self.env["clienteling.inbox.audit"].sudo().create(rows)

    def _audit_change(self, fname, old, new):
        """(audit action, details) of a change of ``fname`` from ``old`` to ``new``.
        What the sync did (sudo, from the server or automatic) says so; a context
        given by a person is not trusted."""
        context = self.env.context if self.env.su else {}
        if fname == "is_read":
            if context.get("clienteling_from_imap"):
                details = (
                    self.env._("Read in another mail client.")
                    if new
                    else self.env._("Marked unread in another mail client.")
                )
            else:
                details = self.env._("Marked as read.") if new else self.env._("Marked as unread.")
            return ("read" if new else "unread"), details
        if fname == "completed_date":
            if not new:
                return "reopen", self.env._("Completed date cleared.")
            if old:
                return "complete", self.env._("Completed date changed to %s.", new)
            return "complete", self.env._("Marked completed.")
        old_name, new_name = old.sudo().display_name, new.sudo().display_name
        if fname == "user_id":
            if not new:
                return "assign", self.env._("Assignment to %s removed.", old_name)
            return "assign", self.env._("Assigned to %s.", new_name)
        if not new:
            return "link", self.env._("Link to %s removed.", old_name)
        if context.get("clienteling_auto_link"):
            return "link", self.env._("Linked automatically to %s.", new_name)
        if old:
            return "link", self.env._(
                "Linked to %(new)s (was %(old)s).", new=new_name, old=old_name
            )
        return "link", self.env._("Linked to %s.", new_name)

    @api.ondelete(at_uninstall=False)
    def _unlink_audited(self):
        """Messages are deleted through "Delete" (here and on the mail server) or
        by system administrators; each deletion is audited."""
        if not self.env.su and not self.env.is_system():
            raise AccessError(
                self.env._(
                    "Delete inbox messages with their Delete action: it also deletes them "
                    "from the mailbox and keeps the audit trail."
                )
            )
        self.env["clienteling.inbox.audit"].sudo().create(
            [
                message._clienteling_audit_values(
                    "delete",
                    self.env._(
                        "Deleted (from %(sender)s, %(subject)s).",
                        sender=message.sender,
                        subject=message.subject,
                    ),
                )
                for message in self
            ]
        )

    # Import

    @api.model
    def _import_imap(self, account, uid, raw, flags, skipped=()):
        """Store one fetched message of ``account``; see :meth:`_import_imap_batch`."""
        return self._import_imap_batch(account, [(uid, raw, flags, skipped)])

    @api.model
    def _import_imap_batch(self, account, items):
        """Store fetched messages of ``account``: ``items`` is a list of ``(uid, raw
        bytes, flags, skipped parts[, INTERNALDATE])``. Returns the new messages.

        Never raises because of a message: one that cannot be imported normally is
        imported with what could be read (text, headers, the raw source attached
        and a parse warning), so that no message can stop the mailbox. The batch is
        stored set-based (a few queries) in a savepoint; when that fails, each
        message is stored in its own savepoint, and a message that fails again is
        stored as plain text with its raw source.

        Idempotent: a UID already imported (same UIDVALIDITY) is skipped; after a
        UIDVALIDITY change, messages are matched again by fingerprint (identical
        copies one to one, in UID order)."""
        Message = self.sudo().with_context(clienteling_from_imap=True)
        entries = Message._imap_match(account, items)
        prepared = [Message._imap_prepare(account, entry) for entry in entries]
        try:
            with self.env.cr.savepoint():
                messages = Message._imap_store(account, prepared)
        except Exception:  # one message of the batch: store them one by one
            _logger.warning(
                "Engage account %s: batch import failed, importing one by one",
                account.id,
                exc_info=True,
            )
            messages = Message.browse()
            for entry, values in zip(entries, prepared, strict=True):
                messages |= Message._imap_store_alone(account, entry, values)
        messages._imap_auto_link()
        return messages

    @api.model
    def _imap_match(self, account, items):
        """The items of a batch to create, as dicts (uid, raw, flags, skipped,
        received, fingerprint). Items already imported are left out; after a
        UIDVALIDITY change, the messages imported before get their new UID."""
        uids = [item[0] for item in items]
        done = set(
            self.search(
                [
                    ("account_id", "=", account.id),
                    ("imap_uidvalidity", "=", account.uidvalidity),
                    ("imap_uid", "in", uids),
                ]
            ).mapped("imap_uid")
        )
        entries = [
            {
                "uid": item[0],
                "raw": item[1],
                "flags": item[2],
                "skipped": item[3] if len(item) > 3 else (),
                "received": item[4] if len(item) > 4 else None,
                "base": imap_tools.fingerprint(item[1]),
                "legacy": imap_tools.legacy_fingerprint(item[1]),
            }
            for item in items
            if item[0] not in done
        ]
        if not entries:
            return []
        copies, legacy = self._imap_known(account, entries)
        taken = {
            base: max(imap_tools.fingerprint_base(m.fingerprint)[1] for m in found)
            for base, found in copies.items()
        }
        todo, rematched = [], set()

        def stale(message):
            return message.imap_uidvalidity != account.uidvalidity and message not in rematched

        for entry in entries:
            base = entry["base"]
            old = next(filter(stale, copies.get(base, [])), None)
            values = {}
            if old is None:
                old = next(filter(stale, legacy.get(entry["legacy"], [])), None)
                if old is not None:  # imported before 18.0.1.1.0
                    taken[base] = taken.get(base, 0) + 1
                    values["fingerprint"] = imap_tools.fingerprint_copy(base, taken[base])
            if old is not None:
                rematched.add(old)
                old.write(
                    {**values, "imap_uid": entry["uid"], "imap_uidvalidity": account.uidvalidity}
                )
                continue
            taken[base] = taken.get(base, 0) + 1
            entry["fingerprint"] = imap_tools.fingerprint_copy(base, taken[base])
            todo.append(entry)
        return todo

    @api.model
    def _imap_known(self, account, entries):
        """Messages of ``account`` already stored with the fingerprints of
        ``entries``: ({base: [messages, copy order]}, {legacy fingerprint: [messages]})."""
        bases = {entry["base"] for entry in entries}
        legacies = {entry["legacy"] for entry in entries}
        found = self.search(
            [("account_id", "=", account.id), ("fingerprint", "in", list(bases | legacies))]
        )
        with_base = {m.fingerprint for m in found if m.fingerprint in bases}
        if with_base:
            copies_domain = expression.OR(
                [("fingerprint", "=like", f"{base}{imap_tools.COPY_SEPARATOR}%")]
                for base in with_base
            )
            found |= self.search(expression.AND([[("account_id", "=", account.id)], copies_domain]))
        copies, legacy = defaultdict(list), defaultdict(list)
        for message in found.sorted(lambda m: (imap_tools.fingerprint_base(m.fingerprint), m.id)):
            base = imap_tools.fingerprint_base(message.fingerprint)[0]
            if base in bases:
                copies[base].append(message)
            elif message.fingerprint in legacies:
                legacy[message.fingerprint].append(message)
        return copies, legacy

    @api.model
    def _imap_prepare(self, account, entry):
        """(create values, attachments, audit details) of one entry; never raises."""
        try:
            parsed = account._parse_raw(entry["raw"])
            return self._imap_values(account, entry, parsed)
        except Exception as error:  # a bug or an unforeseen message: keep what can be read
            _logger.warning(
                "Engage account %s: UID %s read as text", account.id, entry["uid"], exc_info=True
            )
            return self._imap_degraded(account, entry, error)

    @api.model
    def _imap_values(self, account, entry, parsed):
        """(create values, attachments, audit details) of a message read by
        :meth:`clienteling.mail.account._parse_raw`."""
        warnings = list(parsed["warnings"])
        received = imap_tools.utc_naive(entry["received"])
        now = fields.Datetime.now()
        date = parsed.get("date")
        if date and date > now + datetime.timedelta(days=1):
            warnings.append(
                self.env._(
                    "The message is dated %s, in the future: the date it was received is shown.",
                    date,
                )
            )
            date = None
        if b"\x00" in entry["raw"][:65536]:
            warnings.append(self.env._("The message contains invalid characters."))
        body, body_original = mail_display.display_html(parsed.get("body") or "")
        files = list(parsed.get("attachments") or [])
        if warnings:
            files.append((ORIGINAL_NAME, entry["raw"]))
        vals = self._imap_common_values(account, entry, parsed)
        vals.update(
            {
                "body": body,
                "body_original": body_original or False,
                "remote_content_blocked": bool(body_original),
                "date": date or received or now,
                "parse_warning": "\n".join(warnings) or False,
            }
        )
        return vals, files, self._imap_details(account, entry, warnings)

    @api.model
    def _imap_degraded(self, account, entry, error):
        """Values of a message that could not be imported normally: headers read
        from the raw source, its text parts as plain text, the raw source attached."""
        raw = entry["raw"]
        header = imap_tools.split_raw(imap_tools.repair_headers(raw)[0])[0]
        try:
            message = email.message_from_bytes(raw, policy=email.policy.compat32)
        except Exception:  # the parser is meant never to raise
            message = None
        _html, text = imap_tools.text_parts(message, raw)
        parsed = {
            name: imap_tools.decode_words(imap_tools.header_value(header, header_name))
            for name, header_name in (
                ("message_id", "Message-ID"),
                ("subject", "Subject"),
                ("email_from", "From"),
            )
        }
        warning = self.env._(
            "The message could not be read normally (%s): it is shown as plain text and "
            "the original is attached.",
            str(error) or type(error).__name__,
        )
        date = imap_tools.parse_date(imap_tools.header_value(header, "Date"))
        if date and date > fields.Datetime.now() + datetime.timedelta(days=1):
            date = None
        vals = self._imap_common_values(account, entry, parsed)
        vals.update(
            {
                "body": plaintext2html(text[:100000]),
                "date": date or imap_tools.utc_naive(entry["received"]) or fields.Datetime.now(),
                "parse_warning": warning,
            }
        )
        return vals, [(ORIGINAL_NAME, raw)], self._imap_details(account, entry, [warning])

    @api.model
    def _imap_common_values(self, account, entry, parsed):
        sender = imap_tools.clean_text(parsed.get("email_from") or "")
        return {
            "account_id": account.id,
            "store_id": account.store_ids[:1].id,
            "company_id": account.company_id.id,
            "channel": "email",
            "sender": sender,
            "sender_email": email_normalize(parseaddr(sender)[1] or sender) or False,
            "subject": imap_tools.clean_text(parsed.get("subject") or ""),
            "is_read": imap_tools.is_seen(entry["flags"]),
            "message_id": imap_tools.clean_text((parsed.get("message_id") or "").strip()) or False,
            "fingerprint": entry["fingerprint"],
            "imap_uid": entry["uid"],
            "imap_uidvalidity": account.uidvalidity,
            "skipped_attachments": "\n".join(self._imap_skipped_notes(account, entry)) or False,
        }

    @api.model
    def _imap_size_text(self, size):
        """A size in bytes for the user: "512 bytes", "2.0 MB"."""
        amount, unit = imap_tools.size_in_unit(size)
        if unit == "KB":
            return self.env._("%(amount)s KB", amount=amount)
        if unit == "MB":
            return self.env._("%(amount)s MB", amount=amount)
        if unit == "GB":
            return self.env._("%(amount)s GB", amount=amount)
        return self.env._("%(amount)s bytes", amount=amount)

    @api.model
    def _imap_skipped_notes(self, account, entry):
        return [
            self.env._(
                "%(name)s (%(size)s) was not downloaded: larger than %(limit)s MB.",
                name=name,
                size=self._imap_size_text(size),
                limit=account.max_attachment_size,
            )
            for name, size in entry["skipped"]
        ]

    @api.model
    def _imap_details(self, account, entry, warnings):
        notes = self._imap_skipped_notes(account, entry)
        return "\n".join(
            [
                self.env._(
                    "Imported from %(account)s (UID %(uid)s).",
                    account=account.name,
                    uid=entry["uid"],
                ),
                *warnings,
                *notes,
            ]
        )

    @api.model
    def _imap_store(self, account, prepared):
        """Create the messages, their attachments and audit rows, set-based."""
        messages = self.create([vals for vals, _files, _detail in prepared])
        attachment_vals = [
            {
                "name": imap_tools.clean_text(name) or "attachment",
                "raw": content,
                "res_model": self._name,
                "res_id": message.id,
            }
            for message, (_vals, files, _detail) in zip(messages, prepared, strict=True)
            for name, content in files
        ]
        if attachment_vals:
            self.env["ir.attachment"].sudo().create(attachment_vals)
        self.env["clienteling.inbox.audit"].sudo().create(
            [
                {
                    **message._clienteling_audit_values("sync", detail),
                    "account_id": account.id,
                }
                for message, (_vals, _files, detail) in zip(messages, prepared, strict=True)
            ]
        )
        return messages

    @api.model
    def _imap_store_alone(self, account, entry, values):
        """Store one message in its own savepoint; when that fails, as plain text
        with its raw source; when that fails too, leave it on the server with an
        audit row saying so (the sync goes on)."""
        try:
            with self.env.cr.savepoint():
                return self._imap_store(account, [values])
        except Exception as error:  # stored again, as text
            _logger.warning(
                "Engage account %s: UID %s stored as text", account.id, entry["uid"], exc_info=True
            )
            failure = error
        try:
            with self.env.cr.savepoint():
                return self._imap_store(account, [self._imap_degraded(account, entry, failure)])
        except Exception as error:  # left on the server, audited
            _logger.exception("Engage account %s: UID %s not imported", account.id, entry["uid"])
            self._audit_account_sync(
                account,
                self.env._(
                    "UID %(uid)s of %(account)s could not be imported (%(error)s); it "
                    "stays on the mail server.",
                    uid=entry["uid"],
                    account=account.name,
                    error=str(error) or type(error).__name__,
                ),
            )
            return self.browse()

    def _imap_auto_link(self):
        """Link the new messages to their customers; a failure only leaves a
        message unlinked."""
        try:
            with self.env.cr.savepoint():
                self._auto_link()
        except Exception:  # link them one by one
            _logger.warning("Engage: linking a batch failed", exc_info=True)
            for message in self:
                try:
                    with self.env.cr.savepoint():
                        message._auto_link()
                except Exception:  # left unlinked
                    _logger.warning("Engage: message %s left unlinked", message.id, exc_info=True)

    @api.model
    def _clienteling_create_from_sms(self, store, number, body, date=None, reference=None):
        """An inbound SMS to ``store``'s number, from ``number`` (any format), as
        an inbox message of channel ``sms`` (``clienteling_engage_sms`` calls it).
        Idempotent on ``reference`` (the provider's message id)."""
        return self._clienteling_create_from_sms_batch([(store, number, body, date, reference)])

    @api.model
    def _clienteling_create_from_sms_batch(self, texts):
        """``_clienteling_create_from_sms`` for many texts at once: ``texts`` is a
        list of ``(store, number, body, date, reference)``. Existing messages are
        looked up, the new ones created, audited and linked together. Returns the
        messages, in the order of ``texts``."""
        rows = []
        for store, number, body, date, reference in texts:
            if not store:
                raise UserError(self.env._("An inbound SMS needs the store it was sent to."))
            try:
                e164 = to_e164(number, store.country_id.code or None)
            except PhoneNumberError as error:
                raise UserError(
                    self.env._(
                        "Invalid sender number %(number)s: %(reason)s",
                        number=number,
                        reason=self.env["res.partner"]._clienteling_phone_error_message(error),
                    )
                ) from error
            fingerprint = f"sms:{reference}" if reference else False
            rows.append((store, e164, body, date, reference, fingerprint))
        fingerprints = [row[5] for row in rows if row[5]]
        found = {}
        if fingerprints:
            for message in self.sudo().search(
                [
                    ("store_id", "in", list({row[0].id for row in rows})),
                    ("fingerprint", "in", fingerprints),
                ]
            ):
                found.setdefault((message.store_id.id, message.fingerprint), message)
        to_create = []
        targets = []  # per text: the key of its message, or the index of the one created
        for store, e164, body, date, reference, fingerprint in rows:
            key = (store.id, fingerprint)
            if fingerprint and key in found:
                targets.append(key)
                continue
            if fingerprint:
                found[key] = None  # created below, once
                targets.append(key)
            else:
                targets.append(len(to_create))
            to_create.append(
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
        created = self.sudo().create(to_create)
        for message in created:
            if message.fingerprint:
                found[(message.store_id.id, message.fingerprint)] = message
        self.env["clienteling.inbox.audit"].sudo().create(
            [
                message._clienteling_audit_values(
                    "sync", self.env._("SMS received from %s.", message.sender)
                )
                for message in created
            ]
        )
        created._auto_link()
        result = self.sudo().browse()
        for target in targets:
            result |= created[target] if isinstance(target, int) else found[target]
        return result

    @api.model
    def _audit_sync_reset(self, account, uidvalidity):
        """One audit row per reset, on no message: UIDs were renumbered."""
        self._audit_account_sync(
            account,
            self.env._(
                "UIDVALIDITY of %(account)s changed to %(value)s: messages matched again "
                "by content.",
                account=account.name,
                value=uidvalidity,
            ),
        )

    @api.model
    def _audit_account_sync(self, account, details):
        """An audit row of the sync of ``account`` on no message."""
        self.env["clienteling.inbox.audit"].sudo().create(
            {
                "action": "sync",
                "account_id": account.id,
                "store_id": account.store_ids[:1].id,
                "details": details,
            }
        )

    # Customer matching

    def _auto_link(self):
        """Link each unlinked message to the first customer (lowest id) with the
        sender's email, else with a phone number of the sender (SMS) or of the
        subject/body (an SMS relayed to the mailbox). Two searches per call.
        Callers check the access to the messages first (sudo below: a message of a
        shared mailbox may belong to another store of the mailbox)."""
        todo = self.sudo().filtered(lambda m: not m.partner_id)
        if not todo:
            return
        Partner = self.env["res.partner"].sudo()
        # customers shared by every company or of the messages' company
        companies = [("company_id", "in", [False, *todo.company_id.ids])]
        emails = {m.sender_email for m in todo if m.sender_email}
        by_email = {}
        if emails:
            for partner in Partner.search(
                [("email_normalized", "in", list(emails)), *companies], order="id desc"
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
                [("phone_sanitized", "in", list(all_numbers)), *companies], order="id desc"
            ):
                by_phone[partner.phone_sanitized] = partner
        for message in todo:
            partner = by_email.get(message.sender_email)
            if not partner:
                partner = next(
                    (by_phone[n] for n in numbers.get(message, []) if n in by_phone), None
                )
            if partner and partner.company_id in (partner.company_id.browse(), message.company_id):
                message._link(partner, automatic=True)

    def _link(self, partner, automatic=False):
        """Link this message to ``partner`` (audited and the customer's contact date
        updated by :meth:`write`). A message of a mailbox shared by several stores
        moves to the customer's store. The message stays in the store's inbox:
        nothing is copied into the customer's chatter, which every internal user
        can read; the customer's form lists the messages the user may read."""
        self.ensure_one()
        if not automatic:
            self.check_access("write")
            partner.check_access("read")
        values = {"partner_id": partner.id}
        store = partner.sudo().clienteling_store_id
        if store and store in self.sudo().account_id.store_ids:
            values["store_id"] = store.id
        self.sudo().with_context(clienteling_auto_link=automatic).write(values)

    # The message's thread: replies, notes, To-Dos; it stays in the store

    def _clienteling_outsiders(self, partners):
        """The partners among ``partners`` who are internal users none of whom may
        read all of these messages (another store or company). The messages'
        customer (even an employee) and customers (no user, or a portal user) are
        not outsiders: replies go to them."""
        outsiders = partners.browse()
        for partner in partners.sudo() - self.sudo().partner_id:
            users = partner.user_ids.filtered(lambda u: not u.share)
            if users and not any(self._clienteling_readable_by(user) for user in users):
                outsiders |= partner
        return outsiders.with_env(partners.env)

    def _clienteling_readable_by(self, user):
        """Whether ``user`` may read all of these messages (record rules)."""
        return self.with_env(self.env(user=user.id, su=False, context={})).has_access("read")

    def message_post(self, **kwargs):
        """Post in the message's chatter: internal users named as recipients must
        be able to read the message; what goes out to the customer (a comment that
        is not an internal note) is audited and counts as a contact."""
        partner_ids = kwargs.get("partner_ids") or []
        outsiders = self._clienteling_outsiders(self.env["res.partner"].browse(partner_ids))
        if outsiders:
            raise UserError(
                self.env._(
                    "%(names)s cannot read this message (another store): only users of its "
                    "store follow or receive it.",
                    names=", ".join(outsiders.mapped("display_name")),
                )
            )
        message = super().message_post(**kwargs)
        self._clienteling_audit_sent(message)
        return message

    def _clienteling_audit_sent(self, message):
        """Audit a message of this thread that was e-mailed to someone (a reply),
        and register the contact with the customer when they received it."""
        message = message.sudo()
        if message.message_type != "comment" or message.subtype_id.internal:
            return
        recipients = message.notification_ids.filtered(
            lambda n: n.notification_type == "email"
        ).res_partner_id
        if not recipients:
            return
        self._clienteling_audit(
            "email_reply",
            self.env._(
                "Email “%(subject)s” sent to %(recipients)s.",
                subject=message.subject or message.record_name,
                recipients=", ".join(recipients.mapped("display_name")),
            ),
        )
        if self.partner_id in recipients:
            # this user posted here (write access checked by mail): its customer's dates
            self.partner_id.sudo()._clienteling_register_contact(
                "email", "outbound", employee=self.env.user.employee_id
            )

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        """Users of another store or company never follow the message."""
        if partner_ids:
            outsiders = self._clienteling_outsiders(self.env["res.partner"].browse(partner_ids))
            partner_ids = [pid for pid in partner_ids if pid not in outsiders.ids]
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """Followers who moved to another store are no longer notified."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        users = [r for r in recipients if r.get("uid") and not r.get("share")]
        if not users:
            return recipients
        outsiders = self._clienteling_outsiders(
            self.env["res.partner"].browse([r["id"] for r in users])
        )
        return [r for r in recipients if r["id"] not in outsiders.ids]

    # Audit

    def _clienteling_audit_values(self, action, details=False):
        self.ensure_one()
        return {
            "message_id": self.id,
            "message_name": self.subject or self.sender,
            "store_id": self.store_id.id,
            "account_id": self.account_id.id,
            "user_id": self.env.uid,
            "action": action,
            "details": details,
        }

    def _clienteling_audit(self, action, details=False):
        """Append ``action`` to the audit trail of these messages (extension point)."""
        self.env["clienteling.inbox.audit"].sudo().create(
            [message._clienteling_audit_values(action, details) for message in self]
        )

    # Read state, here and on the server

    def web_read(self, specification):
        if self.env.context.get("clienteling_inbox_open") and len(self) == 1:
            self.check_access("write")
            if not self.is_read:
                self.action_mark_read()
            self._auto_link()
        return super().web_read(specification)

    # Opening a message in the inbox marks it read: not in a read-only transaction
    # (Odoo's web_read is one; /web/dataset/call_kw reads this attribute).
    web_read._readonly = False

    @api.model
    @api.readonly
    def web_search_read(self, *args, **kwargs):
        # listing messages (the list calls web_read) opens none of them
        return super(
            ClientelingInboxMessage, self.with_context(clienteling_inbox_open=False)
        ).web_search_read(*args, **kwargs)

    def action_mark_read(self):
        self.check_access("write")
        to_change = self.filtered(lambda m: not m.is_read)
        to_change.write({"is_read": True})
        to_change._imap_try_push()
        return True

    def action_mark_unread(self):
        self.check_access("write")
        to_change = self.filtered("is_read")
        to_change.write({"is_read": False})
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

    @api.depends("sender", "channel", "store_id.country_id")
    def _compute_sender_display(self):
        for message in self:
            message.sender_display = (
                message.store_id._clienteling_display_number(message.sender)
                if message.channel == "sms"
                else message.sender
            )

    @api.depends("partner_id.email")
    def _compute_can_email_reply(self):
        for message in self:
            message.can_email_reply = bool(message.partner_id.email)

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

    def action_open_wizard(self, mode):
        self.check_access("write")
        titles = {
            "link": self.env._("Link to Customer"),
            "assign": self.env._("Assign to User"),
            "delete": self.env._("Delete"),
        }
        if mode not in titles:
            raise UserError(self.env._("Unknown action %s.", mode))
        return {
            "type": "ir.actions.act_window",
            "res_model": "clienteling.inbox.assign",
            "view_mode": "form",
            "target": "new",
            "name": titles[mode],
            "context": {"default_mode": mode, "default_message_ids": self.ids},
        }

    def action_link_customer(self):
        return self.action_open_wizard("link")

    def action_assign_user(self):
        return self.action_open_wizard("assign")

    def action_create_customer(self):
        self.ensure_one()
        self.check_access("write")
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

    def _clienteling_reference(self):
        """A short reference to this message for what is shared beyond its store
        (an appointment seen by the customer): never its content."""
        self.ensure_one()
        date = format_datetime(self.env, self.date)
        if self.channel == "email" and self.subject:
            return self.env._("E-mail “%(subject)s” of %(date)s", subject=self.subject, date=date)
        return self.env._("Message of %s", date)

    def action_todo(self):
        """A To-Do on this message (not on the customer, whose activities every
        internal user can read), for the user: in their activities, audited."""
        self.ensure_one()
        self.check_access("write")
        self._check_customer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("To-Do"),
            "res_model": "mail.activity",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model_id": self.env["ir.model"]._get_id(self._name),
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "default_summary": self.subject or self.env._("Follow up"),
                "default_user_id": self.env.uid,
            },
        }

    def action_appointment(self):
        """A private event linked to this message, with the customer and the user:
        other users see "Busy"; the description is a reference, not the message."""
        self.ensure_one()
        self.check_access("write")
        self._check_customer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Appointment"),
            "res_model": "calendar.event",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_name": self.env._("Appointment with %s", self.partner_id.name),
                "default_partner_ids": [self.partner_id.id, self.env.user.partner_id.id],
                "default_user_id": self.env.uid,
                "default_res_model_id": self.env["ir.model"]._get_id(self._name),
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_privacy": "private",
                "default_description": plaintext2html(self._clienteling_reference()),
            },
        }

    def action_email_reply(self):
        """The mail composer on this message, to the customer: the reply is sent to
        them and kept in this message's chatter (audited when sent)."""
        self.ensure_one()
        self.check_access("write")
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
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_subject": subject,
                "default_partner_ids": self.partner_id.ids,
                "default_subtype_xmlid": "mail.mt_comment",
            },
        }

    def action_complete(self):
        self.check_access("write")
        self.filtered(lambda m: not m.completed_date).write(
            {"completed_date": fields.Datetime.now()}
        )
        return True

    def action_reopen(self):
        self.check_access("write")
        self.filtered("completed_date").write({"completed_date": False})
        return True

    def action_load_remote_images(self):
        """Show this message with its remote images (as mail clients do on request):
        the images' servers learn that it was opened. Audited."""
        self.ensure_one()
        self.check_access("write")
        if not self.remote_content_blocked or self.show_remote_images:
            return True
        self.sudo().show_remote_images = True
        self._clienteling_audit("other", self.env._("Remote images loaded."))
        return True

    def action_delete(self):
        """Delete here and from the IMAP mailbox (audited). When the server cannot
        be reached nothing is deleted."""
        self.check_access("write")
        for account in self.sudo().account_id:
            messages = self.sudo().filtered(lambda m, a=account: m.account_id == a)
            uids = [
                m.imap_uid
                for m in messages
                if m.imap_uid and m.imap_uidvalidity == account.uidvalidity
            ]
            if uids:
                account._imap_delete(uids)
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
    def _clienteling_my_accounts(self):
        """The active mailboxes of the user's inbox: of their stores (sudo: associates
        cannot read accounts), or for Clienteling administrators every mailbox of
        their companies (record rules)."""
        self.browse().check_access("read")
        Account = self.env["clienteling.mail.account"]
        if self.env.user.has_group("clienteling.group_clienteling_manager"):
            return Account.search([])
        return Account.sudo().search(
            [
                ("store_ids", "in", self.env.user.clienteling_store_ids.ids),
                ("company_id", "in", self.env.companies.ids),
            ]
        )

    @api.model
    def action_sync_my_inbox(self):
        """The inbox's Sync button: sync the mailboxes of the user's stores."""
        accounts = self._clienteling_my_accounts()
        if not accounts:
            raise UserError(self.env._("No mailbox is configured for your stores."))
        return accounts.action_sync()

    @api.model
    def clienteling_mailbox_warnings(self):
        """The mailboxes of the user's inbox whose last sync failed, for the banner
        of the inbox: [{id, name, error}]."""
        return [
            {"id": account.id, "name": account.name, "error": account.last_error}
            for account in self._clienteling_my_accounts().sudo()
            if account.last_error
        ]
