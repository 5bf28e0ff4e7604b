import email
import email.policy
import logging
import socket
import ssl
import time

from imapclient import IMAPClient

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, plaintext2html
from odoo.tools.mail import decode_message_header, email_split_and_format

from ..tools import imap as imap_tools

_logger = logging.getLogger(__name__)

NETWORK_ERRORS = (OSError, socket.timeout, ssl.SSLError, IMAPClient.Error, EOFError)

PROVIDER_HELP = """IMAP settings come from the store's email provider (Gmail, Yahoo, Microsoft 365, \
GoDaddy...). Gmail and Yahoo refuse normal passwords for IMAP: turn on 2-step verification and \
create an "app password" (Google account > Security > App passwords; Yahoo > Account security > \
Generate app password), then enter that password here. Microsoft 365 needs IMAP enabled for the \
mailbox by its administrator."""

# Where the password is sent: changing one of them without system rights forgets it,
# so that nobody can point the account at their own server and receive it.
CONNECTION_FIELDS = ("host", "port", "security", "login")


class ClientelingMailAccount(models.Model):
    """A store mailbox read by the Engage inbox over IMAP.

    One account may serve several stores (a shared mailbox) or one store each.
    The sync is UID based: it keeps UIDVALIDITY, the last UID imported and the
    HIGHESTMODSEQ (CONDSTORE) of the folder, so that a sync with nothing new is
    one STATUS command. Messages are fetched in batches with BODY.PEEK (never
    marking them read) and parsed with Odoo's own mail tools (header decoding and
    ``mail.thread._message_parse_extract_payload``), without the routing lookups of
    ``message_parse``.

    No message stops a mailbox: what cannot be read is imported as far as it can
    be (see :meth:`_parse_raw` and ``clienteling.inbox.message._import_imap_batch``).
    Each batch is imported with its ``last_uid`` in a savepoint and each account is
    synced in its own: a failure is recorded in ``last_error`` (shown in the inbox)
    and never stops another account.
    """

    _name = "clienteling.mail.account"
    _description = "Engage Mail Account"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    store_ids = fields.Many2many(
        "clienteling.store",
        "clienteling_mail_account_store_rel",
        "account_id",
        "store_id",
        string="Stores",
        help="Stores whose inbox shows this mailbox. A mailbox may be shared by several "
        "stores, or each store may have its own.",
    )
    host = fields.Char(string="IMAP Server", required=True, help=PROVIDER_HELP)
    port = fields.Integer(required=True, default=993)
    security = fields.Selection(
        [("ssl", "SSL/TLS"), ("starttls", "STARTTLS"), ("none", "None (unencrypted)")],
        required=True,
        default="ssl",
    )
    login = fields.Char(required=True)
    password = fields.Char(groups="base.group_system", copy=False, help=PROVIDER_HELP)
    password_set = fields.Boolean(
        compute="_compute_password_set",
        compute_sudo=True,
        help="A password is stored (only system administrators can read or change it).",
    )
    folder = fields.Char(required=True, default="INBOX")
    batch_size = fields.Integer(
        default=imap_tools.DEFAULT_BATCH, help="Messages fetched per IMAP command."
    )
    max_attachment_size = fields.Integer(
        string="Max Attachment Size (MB)",
        default=25,
        help="Attachments larger than this are not downloaded: the message keeps a note "
        "with their name and size.",
    )
    timeout = fields.Integer(
        string="Timeout (s)", default=60, help="Connection and socket timeout."
    )
    uidvalidity = fields.Integer(string="UIDVALIDITY", readonly=True, copy=False)
    last_uid = fields.Integer(string="Last UID", readonly=True, copy=False)
    highest_modseq = fields.Char(string="Highest MODSEQ", readonly=True, copy=False)
    last_sync_date = fields.Datetime(string="Last Sync", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    message_count = fields.Integer(compute="_compute_message_count", string="Messages")
    sync_interval = fields.Integer(
        string="Sync Every (minutes)",
        compute="_compute_sync_interval",
        inverse="_inverse_sync_interval",
        help="Interval of the scheduled sync, shared by every mailbox.",
    )

    def _compute_password_set(self):
        for account in self:
            account.password_set = bool(account.password)

    def write(self, vals):
        """Changing where the password goes (server, port, security, login) forgets
        the password unless a system administrator does it."""
        moved_fields = [fname for fname in CONNECTION_FIELDS if fname in vals]
        if not moved_fields or self.env.is_system():
            return super().write(vals)
        before = {account.id: [account[fname] for fname in moved_fields] for account in self}
        result = super().write(vals)
        moved = self.filtered(
            lambda account: [account[fname] for fname in moved_fields] != before[account.id]
        ).sudo()
        moved.filtered("password").write({"password": False})
        return result

    def _sync_cron(self):
        return self.env.ref("clienteling_engage.ir_cron_engage_sync", raise_if_not_found=False)

    def _compute_sync_interval(self):
        cron = self._sync_cron()
        factor = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080, "months": 43200}
        minutes = cron.sudo().interval_number * factor[cron.sudo().interval_type] if cron else 0
        for account in self:
            account.sync_interval = minutes

    def _inverse_sync_interval(self):
        cron = self._sync_cron()
        for account in self:
            if account.sync_interval < 1:
                raise ValidationError(self.env._("The sync interval must be at least one minute."))
            if cron:
                cron.sudo().write(
                    {"interval_number": account.sync_interval, "interval_type": "minutes"}
                )

    @api.constrains("port", "batch_size", "timeout", "max_attachment_size")
    def _check_numbers(self):
        for account in self:
            if not 0 < account.port < 65536:
                raise ValidationError(
                    self.env._(
                        "Mail account %s: the port must be between 1 and 65535.", account.name
                    )
                )
            if account.batch_size <= 0 or account.timeout <= 0 or account.max_attachment_size < 0:
                raise ValidationError(
                    self.env._(
                        "Mail account %s: batch size and timeout must be positive, the "
                        "attachment size limit zero or more.",
                        account.name,
                    )
                )

    def _compute_message_count(self):
        counts = dict(
            self.env["clienteling.inbox.message"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.message_count = counts.get(account, 0)

    @api.constrains("host", "login", "folder")
    def _check_text_fields(self):
        for account in self:
            for fname in ("host", "login", "folder"):
                value = account[fname] or ""
                if not value.strip() or any(char in value for char in "\r\n\0"):
                    raise ValidationError(
                        self.env._(
                            "Mail account %(account)s: %(field)s is empty or contains line breaks.",
                            account=account.name,
                            field=self._fields[fname].string,
                        )
                    )

    @api.onchange("security")
    def _onchange_security(self):
        self.port = 993 if self.security == "ssl" else 143

    # Connection

    def _connect(self):
        """Authenticated IMAPClient; raises ImapSyncError (never shows the password)."""
        self.ensure_one()
        return imap_tools.connect(
            self.host.strip(),
            self.port,
            self.security,
            self.login.strip(),
            self.sudo().password or "",
            connect_timeout=min(self.timeout, 30),
            read_timeout=self.timeout,
        )

    @api.model
    def _imap_error_message(self, error):
        """Why the mailbox could not be used (an :class:`ImapSyncError`), for the user."""
        params = error.params
        if error.code == "unknown_security":
            return self.env._(
                "Unknown connection security '%(security)s'.", security=params["security"]
            )
        if error.code == "unreachable":
            return self.env._(
                "Cannot reach %(host)s:%(port)s: %(detail)s.",
                host=params["host"],
                port=params["port"],
                detail=params["detail"],
            )
        if error.code == "login_refused":
            return self.env._(
                "The server refused the login of '%(login)s': %(detail)s",
                login=params["login"],
                detail=params["detail"],
            )
        if error.code == "connection_failed":
            return self.env._(
                "Connection to %(host)s:%(port)s failed: %(detail)s.",
                host=params["host"],
                port=params["port"],
                detail=params["detail"],
            )
        if error.code == "folder":
            return self.env._(
                "Folder '%(folder)s': %(detail)s", folder=params["folder"], detail=params["detail"]
            )
        return str(error)

    def action_test_connection(self):
        self.ensure_one()
        self.check_access("write")
        try:
            client = self._connect()
            try:
                state = imap_tools.folder_state(client, self.folder)
            finally:
                imap_tools.logout(client)
        except imap_tools.ImapSyncError as error:
            raise UserError(
                self.env._("Connection failed: %s", self._imap_error_message(error))
            ) from error
        except NETWORK_ERRORS as error:
            raise UserError(self.env._("Connection failed: %s", error)) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Connection works"),
                "message": self.env._(
                    "%(folder)s holds %(count)s messages.",
                    folder=self.folder,
                    count=state["messages"],
                ),
                "sticky": False,
            },
        }

    def action_sync(self):
        """Sync now. A failure is kept on the account (``last_error``) and told in a
        warning, never raised: raising would roll the error back with the request."""
        self.check_access("write")
        results = self.sudo()._sync()
        failed = self.filtered("last_error")
        if failed:
            message = "\n".join(
                self.env._("%(account)s: %(error)s", account=account.name, error=account.last_error)
                for account in failed
            )
            title = self.env._("Sync failed")
        else:
            message = self.env._("%s new messages.", sum(results.values()))
            title = self.env._("Mailbox synced")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "title": title,
                "message": message,
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_sync(self):
        self.search([])._sync()

    # Sync

    def _lock_for_sync(self):
        """The accounts of ``self`` that no other worker is syncing (row locks)."""
        if not self:
            return self
        self.env.cr.execute(
            SQL(
                "SELECT id FROM clienteling_mail_account WHERE id IN %s FOR UPDATE SKIP LOCKED",
                tuple(self.ids),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _sync(self):
        """Sync each account; return {account id: new messages}. A failing account
        records its error in ``last_error`` and does not stop the others; what was
        imported before the failure is kept (the next sync resumes after it)."""
        results = {}
        for account in self.filtered("active")._lock_for_sync():
            try:
                with self.env.cr.savepoint():
                    results[account.id] = account._sync_one()
            except Exception as error:  # one account's failure never stops the others
                _logger.exception("Engage account %s: sync failed", account.id)
                results[account.id] = 0
                account._record_sync_error(
                    self.env._("Unexpected error: %s", str(error) or type(error).__name__)
                )
        return results

    def _sync_one(self):
        """Sync this account; expected failures (login, network, a server error)
        are recorded on it. Each batch is imported in a savepoint, so an unexpected
        error keeps the batches imported before it."""
        self.ensure_one()
        started = time.monotonic()
        counter = {"new": 0}
        client = None
        try:
            client = self._connect()
            self._sync_with(client, counter)
            self.sudo().write({"last_error": False, "last_sync_date": fields.Datetime.now()})
        except imap_tools.ImapSyncError as error:
            self._record_sync_error(self._imap_error_message(error))
        except NETWORK_ERRORS as error:
            self._record_sync_error(
                self.env._(
                    "Connection lost (%(error)s); will resume after UID %(uid)s.",
                    error=error or type(error).__name__,
                    uid=self.last_uid,
                )
            )
        except Exception as error:  # recorded here: the batches already imported stay
            _logger.exception("Engage account %s: sync failed", self.id)
            self._record_sync_error(
                self.env._(
                    "Unexpected error (%(error)s); will resume after UID %(uid)s.",
                    error=str(error) or type(error).__name__,
                    uid=self.last_uid,
                )
            )
        finally:
            if client is not None:
                imap_tools.logout(client)
        _logger.info(
            "Engage account %s synced: %s new messages in %.2fs",
            self.id,
            counter["new"],
            time.monotonic() - started,
        )
        return counter["new"]

    def _record_sync_error(self, message):
        _logger.warning("Engage account %s: sync failed: %s", self.id, message)
        self.sudo().write({"last_error": message, "last_sync_date": fields.Datetime.now()})

    def _sync_with(self, client, counter):
        Message = self.env["clienteling.inbox.message"].sudo()
        server = imap_tools.folder_state(client, self.folder)
        plan = imap_tools.plan(
            {
                "uidvalidity": self.uidvalidity,
                "last_uid": self.last_uid,
                "modseq": int(self.highest_modseq or 0) or None,
            },
            server,
        )
        dirty = Message.search([("account_id", "=", self.id), ("imap_flags_dirty", "=", True)])
        if not (plan["fetch_new"] or plan["fetch_flags"] or plan["reset"] or dirty):
            return
        client.select_folder(self.folder)
        if plan["reset"]:
            _logger.info(
                "Engage account %s: UIDVALIDITY changed (%s -> %s), re-reading the folder",
                self.id,
                self.uidvalidity,
                server["uidvalidity"],
            )
            self.sudo().write({"uidvalidity": server["uidvalidity"], "last_uid": 0})
            Message._audit_sync_reset(self, server["uidvalidity"])
        elif not self.uidvalidity:
            self.sudo().write({"uidvalidity": server["uidvalidity"]})
        if dirty and not plan["reset"]:
            with self.env.cr.savepoint():
                dirty._imap_push_flags(client)
        if plan["fetch_flags"]:
            with self.env.cr.savepoint():
                self._pull_flags(client, plan)
        if plan["fetch_new"] or plan["reset"]:
            uids = imap_tools.uids_above(
                client.search(["UID", f"{plan['last_uid'] + 1}:*"]), plan["last_uid"]
            )
            for batch in imap_tools.batched(uids, self.batch_size):
                # the batch and last_uid together, or neither
                with self.env.cr.savepoint():
                    counter["new"] += self._import_batch(client, batch)
        if server["modseq"] is not None:
            self.sudo().highest_modseq = str(server["modseq"])

    def _pull_flags(self, client, plan):
        """Read \\Seen from the server for the messages already imported: one
        SEARCH of the seen UIDs, then two UPDATEs of what differs."""
        Message = (
            self.env["clienteling.inbox.message"].sudo().with_context(clienteling_from_imap=True)
        )
        if not plan["last_uid"]:
            return
        seen = client.search(["UID", f"1:{plan['last_uid']}", "SEEN"])
        seen = [uid for uid in seen if uid <= plan["last_uid"]]
        common = [
            ("account_id", "=", self.id),
            ("imap_uidvalidity", "=", self.uidvalidity),
            ("imap_uid", "<=", plan["last_uid"]),
            ("imap_flags_dirty", "=", False),
        ]
        Message.search([*common, ("is_read", "=", False), ("imap_uid", "in", seen)]).write(
            {"is_read": True}
        )
        Message.search([*common, ("is_read", "=", True), ("imap_uid", "not in", seen)]).write(
            {"is_read": False}
        )

    def _import_batch(self, client, uids):
        """Fetch and store one batch of UIDs; return how many messages were new."""
        limit = max(self.max_attachment_size, 0) * 1024 * 1024
        sizes = client.fetch(uids, ["RFC822.SIZE", "FLAGS", "INTERNALDATE"])
        small = [uid for uid in uids if uid in sizes and sizes[uid][b"RFC822.SIZE"] <= limit]
        large = [uid for uid in uids if uid in sizes and uid not in small]
        fetched = {}
        if small:
            for uid, data in client.fetch(small, ["BODY.PEEK[]"]).items():
                fetched[uid] = (data.get(b"BODY[]") or b"", [])
        for uid in large:
            fetched[uid] = self._fetch_without_large_parts(client, uid, limit)
        items = [
            (
                uid,
                fetched[uid][0],
                sizes[uid].get(b"FLAGS"),
                fetched[uid][1],
                sizes[uid].get(b"INTERNALDATE"),
            )
            for uid in uids
            if uid in fetched  # not expunged meanwhile
        ]
        new = len(self.env["clienteling.inbox.message"]._import_imap_batch(self, items))
        self.sudo().last_uid = max(uids)
        return new

    def _fetch_without_large_parts(self, client, uid, limit):
        """Raw message without its parts above ``limit`` octets, and the list of
        skipped parts (filename, size), read from BODYSTRUCTURE."""
        structure = client.fetch([uid], ["BODYSTRUCTURE"])[uid][b"BODYSTRUCTURE"]
        keep, skip = imap_tools.split_parts(structure, limit)
        header_key = "BODY.PEEK[HEADER]"
        items = [header_key]
        if structure.is_multipart:
            for part in keep:
                items += [f"BODY.PEEK[{part['section']}.MIME]", f"BODY.PEEK[{part['section']}]"]
        elif keep:
            items.append("BODY.PEEK[TEXT]")
        data = client.fetch([uid], items)[uid]
        header = data[b"BODY[HEADER]"]
        if not structure.is_multipart:
            raw = header + (data.get(b"BODY[TEXT]") or b"")
        else:
            parts = [
                (data.get(f"BODY[{part['section']}.MIME]".encode()) or b"")
                + (data.get(f"BODY[{part['section']}]".encode()) or b"")
                for part in keep
            ]
            raw = imap_tools.rebuild(header, parts)
        return raw, [(part["filename"] or part["mimetype"], part["size"]) for part in skip]

    def _parse_raw(self, raw):
        """Read a raw message with Odoo's own mail parsing, tolerating what it
        cannot read; never raises. Returns a dict with the keys of
        ``mail.thread.message_parse`` that the inbox uses (message_id, subject,
        email_from, date: UTC naive or None, body: HTML, attachments: list of
        (name, bytes)) and ``warnings``: sentences for a person about what could
        not be read (then the inbox keeps the raw source too).

        The headers are decoded by ``decode_message_header`` and the body and
        attachments extracted by ``_message_parse_extract_payload``, as
        ``message_parse`` does, without its routing work (recipient partner
        lookups, parent thread, bounce detection) that an inbox does not need and
        that costs three queries per message. What Odoo's parser returns as
        attachment content (bytes, text, or a whole message for forwarded
        messages, digests and bounces) is turned into bytes, as ``mail.thread``
        does before storing it. Unknown charsets (``X-UNKNOWN``) are replaced by
        one that decodes the text; a part that still cannot be read is shown as
        text, its headers never as body.
        """
        warnings = []
        raw, dropped = imap_tools.repair_headers(raw)
        header = imap_tools.split_raw(raw)[0]
        if dropped:
            warnings.append(
                self.env._(
                    "Lines among the headers that are not headers were ignored (%s).", dropped
                )
            )
        try:
            message = email.message_from_bytes(raw, policy=email.policy.SMTP)
        except Exception as error:  # the parser is meant never to raise
            _logger.info("Engage account %s: unparsable message: %s", self.id, error)
            message = None
        defects, replaced = self._repair_message(message)
        values = {
            "message_id": self._read_header(message, header, "Message-Id"),
            "subject": self._read_header(message, header, "Subject"),
            "email_from": self._read_header(message, header, "From", separator=","),
        }
        values["date"] = imap_tools.parse_date(self._read_header(message, header, "Date"))
        senders = email_split_and_format(values["email_from"])
        if senders:
            values["email_from"] = senders[0]
        if replaced:
            warnings.append(
                self.env._(
                    "The message declares a character set that does not exist (%s): its "
                    "text may show wrong characters.",
                    ", ".join(sorted(set(replaced))),
                )
            )
        try:
            if message is None:
                raise ValueError("no MIME structure")
            payload = self.env["mail.thread"]._message_parse_extract_payload(message, dict(values))
            body, attachments = payload["body"], payload["attachments"]
        except Exception as error:  # shown as text with the original attached
            _logger.info("Engage account %s: message read as text: %s", self.id, error)
            html, text = imap_tools.text_parts(message, raw)
            body = html if html is not None else plaintext2html(text)
            attachments = []
            warnings.append(
                self.env._(
                    "Part of the message could not be read (%s): its text is shown and the "
                    "original is attached.",
                    str(error) or type(error).__name__,
                )
            )
        values["body"] = imap_tools.clean_text(body or "")
        values["attachments"] = self._attachment_files(attachments, warnings)
        if defects:
            warnings.append(
                self.env._(
                    "The message is malformed; it is shown as far as it could be read (%s).",
                    "; ".join(sorted(defects)),
                )
            )
        values["warnings"] = warnings
        return values

    @api.model
    def _repair_message(self, message):
        """(names of the MIME defects found, charsets replaced) of a parsed message."""
        if message is None:
            return set(), []
        try:
            defects = {type(defect).__name__ for part in message.walk() for defect in part.defects}
            replaced = imap_tools.repair_charsets(message)
        except Exception as error:  # a tree the email package cannot walk
            _logger.info("Engage account %s: cannot walk a message: %s", self.id, error)
            return {type(error).__name__}, []
        return defects, replaced

    @api.model
    def _read_header(self, message, header, name, separator=" "):
        """Decoded value of header ``name``: Odoo's decoding, or when it raises on
        a broken header, the raw header with its encoded words decoded."""
        if message is not None:
            try:
                value = imap_tools.clean_text(
                    decode_message_header(message, name, separator=separator)
                ).strip()
                if value:
                    return value
            except Exception as error:  # broken header: read it raw
                _logger.info("Engage account %s: header %s read raw: %s", self.id, name, error)
        return imap_tools.decode_words(imap_tools.header_value(header, name))

    @api.model
    def _attachment_files(self, attachments, warnings):
        """[(name, bytes)] of the attachments extracted by Odoo's parser."""
        files = []
        for attachment in attachments:
            name, content = attachment[0], attachment[1]
            info = attachment[2] if len(attachment) > 2 and attachment[2] else {}
            data = imap_tools.attachment_bytes(content, info.get("encoding"))
            file_name = imap_tools.attachment_name(name, content)
            if data is None:
                if content is not None:
                    warnings.append(self.env._("The attachment %s could not be read.", file_name))
                continue
            files.append((file_name, data))
        return files

    def _imap_delete(self, uids):
        """Delete ``uids`` from the folder (\\Deleted then UID EXPUNGE); raise a
        UserError when the server cannot be reached, so that nothing is deleted."""
        self.ensure_one()
        try:
            client = self._connect()
        except imap_tools.ImapSyncError as error:
            raise UserError(
                self.env._("Nothing was deleted: %s", self._imap_error_message(error))
            ) from error
        try:
            state = client.select_folder(self.folder)
            if int(state[b"UIDVALIDITY"]) != self.uidvalidity:
                raise UserError(
                    self.env._("Nothing was deleted: the mailbox changed, sync it first.")
                )
            client.delete_messages(uids, silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:
                client.expunge()
        except NETWORK_ERRORS as error:
            raise UserError(self.env._("Nothing was deleted: %s", error)) from error
        finally:
            imap_tools.logout(client)
