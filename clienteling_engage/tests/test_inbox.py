import datetime
import email
import email.policy
import importlib.util
import os
import unittest
import uuid
from email.message import EmailMessage
from pathlib import Path
from unittest.mock import patch

from imapclient import IMAPClient

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.clienteling.tests.common import (
    ASSOCIATE_GROUPS,
    MANAGER_GROUPS,
    STORE_MANAGER_GROUPS,
    BrowserCase,
    ClientelingCase,
)
from odoo.addons.clienteling.tests.system_tools import DOVECOT, require_tool
from odoo.addons.mail.tests.common import MockEmail, mail_new_test_user

from ..tools import imap as imap_tools
from .imap_server import DovecotServer

# ../shared/corpus/mime from the repository root (see its README): real-world and
# malformed e-mails that nobody here wrote
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "mime"
INBOX_LOGGER = "odoo.addons.clienteling_engage.models.clienteling_inbox_message"
ACCOUNT_LOGGER = "odoo.addons.clienteling_engage.models.clienteling_mail_account"

PASSWORD = "s3cret-Pa55"


def make_email(
    subject="Hello",
    sender="Someone <someone@example.org>",
    body="Hi there",
    message_id=None,
    attachments=(),
    html=None,
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "store@example.com"
    message["Subject"] = subject
    message["Date"] = "Sat, 21 Nov 2026 10:00:00 +0000"
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@example.org>"
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for name, content, mimetype in attachments:
        maintype, subtype = mimetype.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


class EngageCase(ClientelingCase):
    """ClientelingCase plus a real Dovecot IMAP server for the whole class."""

    @classmethod
    def setUpClass(cls):
        dovecot = require_tool(DOVECOT)  # skipped without Dovecot, failed under CI
        super().setUpClass()
        cls.imap_server = DovecotServer(dovecot).start()
        cls.addClassCleanup(cls.imap_server.stop)

    def new_account(self, stores=None, **values):
        """A fresh mailbox on the server and its Engage account."""
        login = f"shop-{uuid.uuid4().hex[:8]}"
        self.imap_server.add_user(login, PASSWORD)
        return self.env["clienteling.mail.account"].create(
            {
                "name": f"Mailbox {login}",
                "host": self.imap_server.host,
                "port": self.imap_server.port,
                "security": "none",
                "login": login,
                "password": PASSWORD,
                "store_ids": [(6, 0, (stores or self.store_a).ids)],
                **values,
            }
        )

    def deliver(self, account, messages, seen=False):
        self.imap_server.deliver(account.login, messages, seen=seen)

    def imap(self, account):
        client = IMAPClient(
            self.imap_server.host, port=self.imap_server.port, ssl=False, timeout=10
        )
        client.login(account.login, PASSWORD)
        client.select_folder("INBOX")
        self.addCleanup(client.logout)
        return client

    def messages(self, account):
        return self.env["clienteling.inbox.message"].search([("account_id", "=", account.id)])


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxSync(EngageCase):
    def test_first_sync(self):
        account = self.new_account()
        self.deliver(account, [make_email("One"), make_email("Two")])
        self.deliver(account, make_email("Three"), seen=True)
        self.assertEqual(account._sync(), {account.id: 3})
        messages = self.messages(account)
        self.assertEqual(sorted(messages.mapped("subject")), ["One", "Three", "Two"])
        self.assertEqual(messages.filtered("is_read").subject, "Three")
        self.assertEqual(messages.store_id, self.store_a)
        self.assertEqual(messages[0].sender_email, "someone@example.org")
        self.assertIn("Hi there", messages[0].body)
        self.assertTrue(account.uidvalidity)
        self.assertEqual(account.last_uid, 3)
        self.assertFalse(account.last_error)
        for message in messages:
            self.assertEqual(message.audit_ids.mapped("action"), ["sync"])
        # BODY.PEEK: syncing marked nothing read on the server
        flags = self.imap(account).get_flags([1, 2, 3])
        self.assertEqual([b"\\Seen" in flags[uid] for uid in (1, 2, 3)], [False, False, True])

    def test_incremental_sync(self):
        account = self.new_account(batch_size=2)
        self.deliver(account, [make_email(f"First {i}") for i in range(3)])
        account._sync()
        self.deliver(account, [make_email("Later 1"), make_email("Later 2")])
        self.assertEqual(account._sync(), {account.id: 2})
        self.assertEqual(len(self.messages(account)), 5)
        self.assertEqual(account.last_uid, 5)
        # nothing new: nothing imported, nothing audited
        audits = self.env["clienteling.inbox.audit"].search_count([("account_id", "=", account.id)])
        self.assertEqual(account._sync(), {account.id: 0})
        self.assertEqual(len(self.messages(account)), 5)
        self.assertEqual(
            self.env["clienteling.inbox.audit"].search_count([("account_id", "=", account.id)]),
            audits,
        )

    def test_read_state_both_ways(self):
        account = self.new_account()
        self.deliver(account, [make_email("A"), make_email("B")])
        account._sync()
        message_a, message_b = self.messages(account).sorted("imap_uid")
        # opening a message in Odoo marks it read here and on the server
        message_a.with_context(clienteling_inbox_open=True).web_read({"subject": {}})
        self.assertTrue(message_a.is_read)
        self.assertFalse(message_a.imap_flags_dirty)
        self.assertIn("read", message_a.audit_ids.mapped("action"))
        client = self.imap(account)
        self.assertIn(b"\\Seen", client.get_flags([message_a.imap_uid])[message_a.imap_uid])
        message_a.action_mark_unread()
        self.assertNotIn(b"\\Seen", client.get_flags([message_a.imap_uid])[message_a.imap_uid])
        # read in another mail client: the next sync reads it
        client.add_flags([message_b.imap_uid], [b"\\Seen"])
        account._sync()
        self.assertTrue(message_b.is_read)
        client.remove_flags([message_b.imap_uid], [b"\\Seen"])
        account._sync()
        self.assertFalse(message_b.is_read)

    def test_listing_marks_nothing_read(self):
        account = self.new_account()
        self.deliver(account, make_email("Only one"))
        account._sync()
        message = self.messages(account)
        self.env.invalidate_all()
        self.env["clienteling.inbox.message"].with_user(self.user_associate_a).with_context(
            clienteling_inbox_open=True
        ).web_search_read([("id", "=", message.id)], {"subject": {}})
        self.assertFalse(message.is_read)
        message.with_user(self.user_associate_a).with_context(clienteling_inbox_open=True).web_read(
            {"subject": {}}
        )
        self.assertTrue(message.is_read)

    def test_read_state_pushed_at_next_sync_when_server_down(self):
        account = self.new_account()
        self.deliver(account, make_email("A"))
        account._sync()
        message = self.messages(account)
        real_port = account.port
        account.port = 1  # unreachable: the read state waits for the next sync
        message.action_mark_read()
        self.assertTrue(message.imap_flags_dirty)
        account.port = real_port
        account._sync()
        self.assertFalse(message.imap_flags_dirty)
        self.assertIn(b"\\Seen", self.imap(account).get_flags([1])[1])

    def test_delete_here_and_on_server(self):
        account = self.new_account()
        self.deliver(
            account, [make_email("Keep"), make_email("Drop", sender=self.customer_a.email)]
        )
        account._sync()
        drop = self.messages(account).filtered(lambda m: m.subject == "Drop")
        self.assertEqual(drop.partner_id, self.customer_a)
        uid = drop.imap_uid
        self.env.invalidate_all()
        drop.with_user(self.user_associate_a).action_delete()
        self.assertFalse(drop.exists())
        self.assertEqual(self.imap(account).search(["ALL"]), [1] if uid == 2 else [2])
        audit = self.env["clienteling.inbox.audit"].search(
            [("account_id", "=", account.id), ("action", "=", "delete")]
        )
        self.assertEqual(audit.message_name, "Drop")
        self.assertEqual(audit.user_id, self.user_associate_a)
        # syncing again does not bring it back
        account._sync()
        self.assertEqual(self.messages(account).mapped("subject"), ["Keep"])

    def test_delete_refused_when_server_unreachable(self):
        account = self.new_account()
        self.deliver(account, make_email("A"))
        account._sync()
        message = self.messages(account)
        account.port = 1
        with self.assertRaisesRegex(UserError, "Nothing was deleted"):
            message.action_delete()
        self.assertTrue(message.exists())

    def test_uidvalidity_reset(self):
        account = self.new_account()
        self.deliver(account, [make_email("A"), make_email("B"), make_email("C")])
        account._sync()
        old_uidvalidity = account.uidvalidity
        old = self.messages(account)
        old.filtered(lambda m: m.subject == "B").action_complete()
        self.imap_server.reset_mailbox(account.login)
        self.deliver(account, make_email("D"))
        self.assertEqual(account._sync(), {account.id: 1})
        messages = self.messages(account)
        self.assertEqual(sorted(messages.mapped("subject")), ["A", "B", "C", "D"])
        self.assertNotEqual(account.uidvalidity, old_uidvalidity)
        self.assertEqual(set(messages.mapped("imap_uidvalidity")), {account.uidvalidity})
        self.assertEqual(sorted(messages.mapped("imap_uid")), [1, 2, 3, 4])
        # what was done on the old messages is kept
        self.assertTrue(messages.filtered(lambda m: m.subject == "B").completed_date)

    def test_connection_dropped_mid_fetch_then_resumed(self):
        account = self.new_account(batch_size=2)
        self.deliver(account, [make_email(f"M{i}") for i in range(5)])
        Account = type(account)
        original = Account._import_batch
        calls = []

        def drop_after_first_batch(self, client, uids):
            calls.append(uids)
            if len(calls) == 2:
                client.socket().shutdown(2)  # the network goes away for real
            return original(self, client, uids)

        with patch.object(Account, "_import_batch", drop_after_first_batch):
            account._sync()
        self.assertIn("Connection lost", account.last_error)
        self.assertEqual(len(self.messages(account)), 2)
        self.assertEqual(account.last_uid, 2)
        account._sync()
        self.assertFalse(account.last_error)
        messages = self.messages(account)
        self.assertEqual(sorted(messages.mapped("subject")), [f"M{i}" for i in range(5)])

    def test_refetched_batch_creates_no_duplicate(self):
        account = self.new_account()
        self.deliver(account, [make_email("A"), make_email("B")])
        account._sync()
        account.sudo().last_uid = 0  # as if the state was lost after the import
        self.assertEqual(account._sync(), {account.id: 0})
        self.assertEqual(len(self.messages(account)), 2)

    def test_malformed_and_8bit_messages(self):
        account = self.new_account()
        latin1 = (
            b"From: =?iso-8859-1?q?Ren=E9?= <rene@example.fr>\r\n"
            b"Subject: Caf\xe9 cr\xe8me\r\nMessage-ID: <latin@x>\r\n"
            b"Content-Type: text/plain\r\n\r\nD\xe9j\xe0 vu, \xe0 bient\xf4t\r\n"
        )
        broken = (
            b"From: broken@example.org\r\nSubject: Broken\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
            b"--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n%%% not base64 \xff\xfe\r\n"
        )
        garbage = b"\x00\x01\x02 this is not an email at all \xff\r\n"
        self.deliver(account, [latin1, broken, garbage, make_email("After")])
        account._sync()
        self.assertFalse(account.last_error)
        messages = self.messages(account)
        self.assertEqual(len(messages), 4)
        rene = messages.filtered(lambda m: m.sender_email == "rene@example.fr")
        self.assertIn("Caf", rene.subject)
        self.assertIn("vu", rene.body)
        self.assertTrue(messages.filtered(lambda m: m.subject == "After"))
        self.assertTrue(messages.filtered(lambda m: m.subject == "Broken"))
        broken = messages.filtered(lambda m: m.subject == "Broken")
        self.assertIn("malformed", broken.parse_warning)
        self.assertIn("malformed", broken.audit_ids.details)

    def test_large_attachment_kept_as_note(self):
        account = self.new_account(max_attachment_size=1)
        raw = make_email(
            "Catalogue",
            body="See the files",
            attachments=[
                ("small.txt", b"small file", "text/plain"),
                ("catalogue.pdf", b"%PDF" + b"x" * (2 * 1024 * 1024), "application/pdf"),
            ],
        )
        self.deliver(account, [raw, make_email("Small")])
        account._sync()
        message = self.messages(account).filtered(lambda m: m.subject == "Catalogue")
        self.assertIn("See the files", message.body)
        self.assertEqual(message.attachment_ids.mapped("name"), ["small.txt"])
        self.assertEqual(message.attachment_ids.raw, b"small file")
        self.assertIn("catalogue.pdf", message.skipped_attachments)
        self.assertRegex(message.skipped_attachments, r"catalogue.pdf \(2\.\d MB\)")
        self.assertIn("catalogue.pdf", message.audit_ids.details)

    def test_attachments_are_downloadable(self):
        account = self.new_account()
        self.deliver(
            account, make_email("Photo", attachments=[("shoe.png", b"\x89PNG fake", "image/png")])
        )
        account._sync()
        attachment = self.messages(account).attachment_ids
        self.assertEqual(attachment.name, "shoe.png")
        self.assertEqual(attachment.with_user(self.user_associate_a).raw, b"\x89PNG fake")

    def test_two_stores_share_one_account(self):
        account = self.new_account(stores=self.store_a | self.store_b)
        self.deliver(account, make_email("Shared"))
        account._sync()
        message = self.messages(account)
        Message = self.env["clienteling.inbox.message"]
        for user in (self.user_associate_a, self.user_associate_b):
            self.assertEqual(Message.with_user(user).search([("id", "=", message.id)]), message)
        # a message linked to a Paris customer belongs to the Paris store
        self.customer_b.email = "louise@example.fr"
        self.deliver(account, make_email("Bonjour", sender="louise@example.fr"))
        account._sync()
        bonjour = self.messages(account).filtered(lambda m: m.subject == "Bonjour")
        self.assertEqual(bonjour.partner_id, self.customer_b)
        self.assertEqual(bonjour.store_id, self.store_b)

    def test_auto_link_by_email_not_in_partner_chatter(self):
        account = self.new_account()
        self.deliver(
            account,
            make_email(
                "Sizes",
                sender="Jane <JANE.DOE@example.com>",
                attachments=[("sizes.png", b"png", "image/png")],
            ),
        )
        account._sync()
        message = self.messages(account)
        self.assertEqual(message.partner_id, self.customer_a)
        # the e-mail stays in the store's inbox: the customer's chatter, which every
        # internal user reads, holds neither it nor its attachment
        self.assertFalse(self.customer_a.message_ids.filtered(lambda m: m.subject == "Sizes"))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("name", "=", "sizes.png")]
            )
        )
        self.assertEqual(self.customer_a.clienteling_inbox_message_ids, message)
        self.assertEqual(
            self.customer_a.clienteling_last_contact_date, message.date, "contact date kept"
        )
        self.assertEqual(sorted(message.audit_ids.mapped("action")), ["link", "sync"])
        self.assertIn("Linked automatically to Jane Doe.", message.audit_ids.mapped("details"))
        message._auto_link()
        self.assertEqual(len(message.audit_ids), 2, "linked once")

    def test_auto_link_by_phone_in_body(self):
        account = self.new_account()
        self.deliver(
            account,
            make_email(
                "SMS from (212) 555-0142",
                sender="sms-gateway@carrier.example",
                body="Text message from +1 212-555-0142: is my order ready?",
            ),
        )
        self.deliver(account, make_email("No number", sender="nobody@example.net"))
        account._sync()
        linked = self.messages(account).filtered("partner_id")
        self.assertEqual(linked.partner_id, self.customer_a)
        self.assertEqual(len(linked), 1)


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxActions(EngageCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_associate_a2 = mail_new_test_user(
            cls.env, login="t_assoc_a2", name="Al Associate", groups=ASSOCIATE_GROUPS
        )
        cls.env["hr.employee"].create(
            {
                "name": "Al Associate",
                "user_id": cls.user_associate_a2.id,
                "clienteling_store_id": cls.store_a.id,
                "clienteling_role": "associate",
            }
        )

    def setUp(self):
        super().setUp()
        self.account = self.new_account()
        self.deliver(
            self.account,
            [
                make_email("Unknown", sender="New Person <new.person@example.net>"),
                make_email("Known", sender="jane.doe@example.com"),
            ],
        )
        self.account._sync()
        messages = self.messages(self.account)
        self.unknown = messages.filtered(lambda m: m.subject == "Unknown").with_user(
            self.user_associate_a
        )
        self.known = messages.filtered(lambda m: m.subject == "Known").with_user(
            self.user_associate_a
        )

    def last_audit(self, message):
        return message.sudo().audit_ids.sorted("id")[-1]

    def test_actions_need_a_customer(self):
        for action in (
            "action_todo",
            "action_appointment",
            "action_email_reply",
        ):
            with self.assertRaisesRegex(UserError, "Link the message"):
                getattr(self.unknown, action)()

    def test_link_to_customer(self):
        wizard = Form(
            self.env["clienteling.inbox.assign"]
            .with_user(self.user_associate_a)
            .with_context(default_mode="link", default_message_ids=self.unknown.ids)
        )
        wizard.partner_id = self.customer_a
        wizard.save().action_apply()
        self.assertEqual(self.unknown.partner_id, self.customer_a)
        audit = self.last_audit(self.unknown)
        self.assertEqual((audit.action, audit.user_id), ("link", self.user_associate_a))
        self.assertIn("Jane Doe", audit.details)
        self.assertFalse(self.customer_a.message_ids.filtered(lambda m: m.subject == "Unknown"))

    def test_create_customer(self):
        action = self.unknown.action_create_customer()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(partner.name, "New Person")
        self.assertEqual(partner.email, "new.person@example.net")
        self.assertEqual(partner.clienteling_store_id, self.store_a)
        self.assertEqual(partner.clienteling_associate_id, self.employee_a)
        self.assertEqual(self.unknown.partner_id, partner)
        actions = self.unknown.sudo().audit_ids.mapped("action")
        self.assertIn("create_customer", actions)
        self.assertIn("link", actions)
        with self.assertRaisesRegex(UserError, "already linked"):
            self.unknown.action_create_customer()

    def test_assign_to_user_in_bulk(self):
        both = self.unknown | self.known
        wizard = (
            self.env["clienteling.inbox.assign"]
            .with_user(self.user_associate_a)
            .create(
                {"mode": "assign", "message_ids": both.ids, "user_id": self.user_associate_a2.id}
            )
        )
        wizard.action_apply()
        self.assertEqual(both.user_id, self.user_associate_a2)
        for message in both:
            self.assertEqual(self.last_audit(message).action, "assign")
        # limit to user
        Message = self.env["clienteling.inbox.message"].with_user(self.user_associate_a)
        self.assertEqual(Message.search([("user_id", "=", self.user_associate_a2.id)]), both)
        # not to someone of another store
        wizard = (
            self.env["clienteling.inbox.assign"]
            .with_user(self.user_associate_a)
            .create(
                {"mode": "assign", "message_ids": both.ids, "user_id": self.user_associate_b.id}
            )
        )
        with self.assertRaisesRegex(UserError, "does not work in"):
            wizard.action_apply()

    def assert_hidden_from_store_b(self, unique):
        """Nothing of ``unique`` reaches store B's associate, who reads the customer:
        not the customer's chatter, activities or attachments, not a mail.message
        search, not the inbox message."""
        user = self.user_associate_b
        self.env.invalidate_all()
        customer = self.customer_a.with_user(user)
        self.assertEqual(customer.read(["name"])[0]["name"], "Jane Doe")  # readable
        self.assertFalse(
            customer.message_ids.filtered(lambda m: unique in (m.body or "") + (m.subject or ""))
        )
        self.assertFalse(customer.activity_ids)
        Mail = self.env["mail.message"].with_user(user)
        self.assertFalse(Mail.search([("body", "ilike", unique)]))
        self.assertFalse(Mail.search([("subject", "ilike", unique)]))
        self.assertFalse(Mail.search([("record_name", "ilike", unique)]))
        self.assertFalse(
            self.env["mail.activity"]
            .with_user(user)
            .search([])
            .filtered(lambda a: unique in (a.summary or "") + (a.note or "") + (a.res_name or ""))
        )
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(user)
            .search([("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id)])
        )
        with self.assertRaises(AccessError):
            self.known.with_user(user).read(["subject"])
        # and nothing of it was written on the shared customer at all
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer_a.id)]
            )
        )
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", self.customer_a.id),
                    "|",
                    ("body", "ilike", unique),
                    ("subject", "ilike", unique),
                ]
            )
        )

    def test_todo(self):
        action = self.known.action_todo()
        self.assertNotIn("default_note", action["context"])
        # The action's context alone, as the web client opens the form.
        activity = (
            self.env(context=action["context"])["mail.activity"]
            .with_user(self.user_associate_a)
            .create({"summary": "Call back about sizes"})
        )
        self.assertEqual(activity.res_model, "clienteling.inbox.message")
        self.assertEqual(activity.res_id, self.known.id)
        self.assertEqual(activity.user_id, self.user_associate_a)
        self.assertEqual(activity.date_deadline, fields.Date.context_today(activity))
        audit = self.last_audit(self.known)
        self.assertEqual((audit.action, audit.user_id), ("todo", self.user_associate_a))
        self.assertIn("Call back about sizes", audit.details)
        # in the associate's activities (the systray), on the inbox message
        self.env.invalidate_all()
        groups = self.env["res.users"].with_user(self.user_associate_a)._get_activity_groups()
        inbox = next(g for g in groups if g["model"] == "clienteling.inbox.message")
        self.assertEqual(inbox["today_count"], 1)
        self.assertEqual(self.known.activity_ids, activity)
        self.assertEqual(self.known.activity_ids.summary, "Call back about sizes")
        # marking it done leaves its trace on the message, in the store
        activity.action_feedback(feedback="Called back about sizes")
        self.assertIn("Called back about sizes", str(self.known.message_ids.mapped("body")))
        self.assert_hidden_from_store_b("sizes")

    def test_todo_only_for_users_of_the_store(self):
        context = self.known.action_todo()["context"]
        Activity = self.env(context=context)["mail.activity"].with_user(self.user_associate_a)
        with self.assertRaisesRegex(ValidationError, "cannot read the message"):
            Activity.create({"user_id": self.user_associate_b.id})
        activity = Activity.create({"user_id": self.user_associate_a2.id})
        self.assertEqual(activity.res_id, self.known.id)
        with self.assertRaisesRegex(ValidationError, "cannot read the message"):
            activity.write({"user_id": self.user_associate_b.id})
        self.assertEqual(activity.user_id, self.user_associate_a2)

    def test_appointment(self):
        fitting = self.env["calendar.event.type"].create({"name": "Fitting"})
        self.known.sudo().body = "<p>Secret body: my measurements are 90-60-90</p>"
        action = self.known.action_appointment()
        event = (
            self.env(context=action["context"])["calendar.event"]
            .with_user(self.user_associate_a)
            .create(
                {
                    "start": "2026-12-01 15:00:00",
                    "stop": "2026-12-01 16:00:00",
                    "categ_ids": [(4, fitting.id)],
                }
            )
        )
        self.assertIn(self.customer_a, event.partner_ids)
        self.assertEqual(event.privacy, "private")
        self.assertEqual((event.res_model, event.res_id), (self.known._name, self.known.id))
        self.assertIn("Known", event.description)
        self.assertNotIn("measurements", event.description)
        audit = self.last_audit(self.known)
        self.assertEqual(audit.action, "appointment")
        self.assertIn("2026-12-01", audit.details)
        # the associate's calendar shows it in full
        self.assertEqual(event.with_user(self.user_associate_a).name, "Appointment with Jane Doe")
        # store B's associate (no attendee) reads "Busy", no description, no attendee
        self.env.invalidate_all()
        hidden = event.with_user(self.user_associate_b)
        data = hidden.read(["name", "description", "partner_ids", "res_id", "categ_ids"])[0]
        self.assertEqual(data["name"], "Busy")
        self.assertFalse(data["description"])
        self.assertFalse(data["partner_ids"])
        self.assertFalse(data["res_id"])
        self.assertFalse(data["categ_ids"])
        self.assertEqual(hidden.display_name, "Busy")
        Event = self.env["calendar.event"].with_user(self.user_associate_b)
        # a search finds the slot, never its content
        for fname in ("name", "description"):
            for text in ("Jane Doe", "Known"):
                shown = str(Event.search([(fname, "ilike", text)]).read(["name", "description"]))
                self.assertNotIn("Jane Doe", shown, f"{fname} ilike {text}")
                self.assertNotIn("Known", shown, f"{fname} ilike {text}")
        self.assert_hidden_from_store_b("Known")
        # it stays private
        with self.assertRaisesRegex(ValidationError, "stays private"):
            event.with_user(self.user_associate_a).privacy = "public"
        self.assertEqual(event.privacy, "private")

    def test_appointment_private_whatever_the_screen_says(self):
        context = self.known.action_appointment()["context"]
        event = (
            self.env(context=context)["calendar.event"]
            .with_user(self.user_associate_a)
            .create(
                {
                    "start": "2026-12-02 15:00:00",
                    "stop": "2026-12-02 16:00:00",
                    "privacy": "public",
                }
            )
        )
        self.assertEqual(event.privacy, "private")
        # an event of the associate linked to the message later: private as well
        other = (
            self.env["calendar.event"]
            .with_user(self.user_associate_a)
            .create(
                {
                    "name": "Coffee",
                    "start": "2026-12-03 15:00:00",
                    "stop": "2026-12-03 16:00:00",
                    "privacy": "public",
                }
            )
        )
        other.write(
            {
                "res_model_id": self.env["ir.model"]._get_id(self.known._name),
                "res_id": self.known.id,
            }
        )
        self.assertEqual(other.privacy, "private")

    def test_email_reply(self):
        action = self.known.action_email_reply()
        self.assertEqual(action["context"]["default_model"], "clienteling.inbox.message")
        composer = Form(
            self.env(context=action["context"])["mail.compose.message"].with_user(
                self.user_associate_a
            )
        )
        self.assertEqual(composer.subject, "Re: Known")
        composer.body = "<p>Your size is in stock, ref XK-4471.</p>"
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_associate_a)
            .create({"name": "xk-4471.png", "raw": b"png", "res_model": "mail.compose.message"})
        )
        composer.attachment_ids.add(attachment)
        with self.mock_mail_gateway():
            composer.save().action_send_mail()
        # sent to the customer's address
        mail = self._new_mails.filtered(lambda m: "XK-4471" in (m.body_html or ""))
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer_a)
        self.assertEqual(mail.state, "sent")
        sent = [m for m in self._mails if "XK-4471" in m["body"]]
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["email_to"], ['"Jane Doe" <jane.doe@example.com>'])
        self.assertEqual(sent[0]["subject"], "Re: Known")
        # kept on the message, in its store, with its attachment
        reply = self.known.message_ids.filtered(lambda m: "XK-4471" in (m.body or ""))
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.message_type, "comment")
        self.assertEqual(reply.attachment_ids, attachment)
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (self.known._name, self.known.id)
        )
        audit = self.last_audit(self.known)
        self.assertEqual((audit.action, audit.user_id), ("email_reply", self.user_associate_a))
        self.assertIn("Jane Doe", audit.details)
        contact = self.env["clienteling.associate.contact"].search(
            [("partner_id", "=", self.customer_a.id), ("employee_id", "=", self.employee_a.id)]
        )
        self.assertEqual((contact.last_channel, contact.last_direction), ("email", "outbound"))
        self.assert_hidden_from_store_b("XK-4471")
        with self.assertRaises(AccessError):
            attachment.with_user(self.user_associate_b).read(["datas"])
        with self.assertRaises(AccessError):
            reply.with_user(self.user_associate_b).read(["body"])

    def test_reply_from_the_chatter_is_audited(self):
        known = self.known.with_user(self.user_associate_a)
        with self.mock_mail_gateway():
            known.message_post(
                body="Your parcel ships today, ref ZQ-9012.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer_a.ids,
            )
            # an internal note goes to nobody and is not a reply
            known.message_post(body="Note ZQ-9013", message_type="comment")
        self.assertEqual(
            [m["email_to"] for m in self._mails if "ZQ-9012" in m["body"]],
            [['"Jane Doe" <jane.doe@example.com>']],
        )
        self.assertFalse([m for m in self._mails if "ZQ-9013" in m["body"]])
        replies = self.known.sudo().audit_ids.filtered(lambda a: a.action == "email_reply")
        self.assertEqual(len(replies), 1)
        self.assertIn("Jane Doe", replies.details)
        self.assert_hidden_from_store_b("ZQ-901")

    def test_complete_and_reopen(self):
        Message = self.env["clienteling.inbox.message"].with_user(self.user_associate_a)
        (self.known | self.unknown).action_complete()
        self.assertTrue(self.known.completed_date)
        self.assertEqual(self.last_audit(self.known).action, "complete")
        open_domain = [("completed_date", "=", False), ("account_id", "=", self.account.id)]
        self.assertFalse(Message.search(open_domain))
        self.assertEqual(
            Message.search([("is_completed", "=", True), ("account_id", "=", self.account.id)]),
            self.known | self.unknown,
        )
        self.known.action_reopen()
        self.assertFalse(self.known.completed_date)
        self.assertEqual(self.last_audit(self.known).action, "reopen")

    def test_audit_trail_button_and_protection(self):
        action = self.known.action_audit_trail()
        trail = (
            self.env["clienteling.inbox.audit"]
            .with_user(self.user_associate_a)
            .search(action["domain"])
        )
        self.assertEqual(set(trail.mapped("action")), {"sync", "link"})
        with self.assertRaises(AccessError):
            trail[0].write({"details": "changed"})
        with self.assertRaises(AccessError):
            trail[0].unlink()
        with self.assertRaises(AccessError):
            trail[0].with_user(self.user_manager).unlink()
        with self.assertRaises(AccessError):
            trail[0].with_user(self.user_manager).write({"details": "changed"})
        # messages themselves change through their actions only
        with self.assertRaisesRegex(AccessError, "imap_uid"):
            self.known.write({"imap_uid": 99})
        trail[0].sudo().write({"details": "corrected by an administrator"})

    def test_sms_extension_point(self):
        Message = self.env["clienteling.inbox.message"]
        sms = Message._clienteling_create_from_sms(
            self.store_a, "(212) 555-0142", "Is my order ready?", reference="SM123"
        )
        self.assertEqual((sms.channel, sms.sender), ("sms", "+12125550142"))
        self.assertEqual(sms.partner_id, self.customer_a)
        self.assertIn(sms, self.customer_a.clienteling_inbox_message_ids)
        self.assertEqual(
            Message._clienteling_create_from_sms(
                self.store_a, "+12125550142", "again", reference="SM123"
            ),
            sms,
        )
        with self.assertRaisesRegex(UserError, "Invalid sender number"):
            Message._clienteling_create_from_sms(self.store_a, "hello", "x")
        # many at once (a batch of received texts): in order, each reference once,
        # linked and audited like one by one
        texts = [
            (self.store_a, "+12125550142", "First", None, "SMb1"),
            (self.store_a, "+12125550199", "From a stranger", None, None),
            (self.store_a, "+12125550142", "First (replayed)", None, "SMb1"),
            (self.store_a, "+12125550142", "Kept before", None, "SM123"),
            (self.store_a, "+12125550142", "Second", None, "SMb2"),
        ]
        batch = Message._clienteling_create_from_sms_batch(texts)
        self.assertEqual(
            batch.mapped("subject"), ["First", "From a stranger", "Is my order ready?", "Second"]
        )
        self.assertEqual(batch[0].partner_id, self.customer_a)
        self.assertFalse(batch[1].partner_id)
        self.assertIn(sms, batch)
        audits = (
            self.env["clienteling.inbox.audit"]
            .sudo()
            .search([("message_id", "in", (batch - sms).ids), ("action", "=", "sync")])
        )
        self.assertEqual(len(audits), 3)
        with self.assertRaisesRegex(UserError, "Invalid sender number"):
            Message._clienteling_create_from_sms_batch(
                [
                    (self.store_a, "+12125550142", "ok", None, "SMb3"),
                    (self.store_a, "hello", "x", None, None),
                ]
            )
        self.assertFalse(Message.sudo().search([("message_id", "=", "SMb3")]))


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxSecurity(EngageCase):
    def test_store_a_cannot_read_store_b_inbox(self):
        account_a = self.new_account(stores=self.store_a)
        account_b = self.new_account(stores=self.store_b)
        self.deliver(account_a, make_email("For A"))
        self.deliver(account_b, make_email("For B"))
        (account_a | account_b)._sync()
        message_a, message_b = self.messages(account_a), self.messages(account_b)
        Message = self.env["clienteling.inbox.message"].with_user(self.user_associate_a)
        self.assertEqual(Message.search([("id", "in", (message_a | message_b).ids)]), message_a)
        with self.assertRaises(AccessError):
            message_b.with_user(self.user_associate_a).read(["subject"])
        with self.assertRaises(AccessError):
            message_b.with_user(self.user_associate_a).action_complete()
        with self.assertRaises(AccessError):
            message_b.with_user(self.user_associate_a).action_delete()
        Audit = self.env["clienteling.inbox.audit"].with_user(self.user_associate_a)
        self.assertFalse(Audit.search([("message_id", "=", message_b.id)]))
        self.assertEqual(
            self.env["clienteling.inbox.message"]
            .with_user(self.user_manager)
            .search([("id", "in", (message_a | message_b).ids)]),
            message_a | message_b,
        )

    def test_attachments_follow_the_inbox_rules(self):
        account = self.new_account(stores=self.store_a)
        self.deliver(account, make_email("Photo", attachments=[("a.png", b"png", "image/png")]))
        account._sync()
        attachment = self.messages(account).attachment_ids
        self.assertEqual(attachment.with_user(self.user_associate_a).raw, b"png")
        with self.assertRaises(AccessError):
            attachment.with_user(self.user_associate_b).read(["raw"])

    def test_neutralize_archives_accounts(self):
        account = self.new_account()
        for query in get_neutralization_queries(["clienteling_engage"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(account.active)
        self.assertEqual(account._sync(), {})

    def test_accounts_and_password_restricted(self):
        account = self.new_account()
        with self.assertRaises(AccessError):
            account.with_user(self.user_associate_a).read(["host"])
        with self.assertRaises(AccessError):
            account.with_user(self.user_manager).read(["password"])
        self.assertEqual(account.sudo().password, PASSWORD)

    def test_bad_settings_and_login(self):
        with self.assertRaisesRegex(ValidationError, "port"):
            self.new_account(port=0)
        with self.assertRaisesRegex(ValidationError, "line breaks"):
            self.new_account(folder="INBOX\r\nA1 DELETE INBOX")
        account = self.new_account()
        account.sudo().password = "wrong"
        self.deliver(account, make_email("A"))
        with self.assertRaisesRegex(UserError, "refused the login") as error:
            account.action_test_connection()
        self.assertNotIn("wrong", str(error.exception).replace(account.login, ""))
        # the failure is told and kept on the account (raising would roll it back)
        action = account.action_sync()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("refused the login", action["params"]["message"])
        self.assertIn("refused the login", account.last_error)
        self.assertFalse(self.messages(account))
        account.folder = "Missing"
        account.sudo().password = PASSWORD
        account._sync()
        self.assertIn("Folder 'Missing': ", account.last_error)
        self.assertFalse(self.messages(account))

    def test_imap_errors_and_sizes_told_in_words(self):
        Account = self.env["clienteling.mail.account"]
        with self.assertRaises(imap_tools.ImapSyncError) as error:
            imap_tools.connect("localhost", 1, "tls13", "u", "p")
        self.assertEqual(
            Account._imap_error_message(error.exception), "Unknown connection security 'tls13'."
        )
        refused = imap_tools.ImapSyncError(
            "connection_failed", "", host="imap.example.com", port=993, detail="reset"
        )
        self.assertEqual(
            Account._imap_error_message(refused),
            "Connection to imap.example.com:993 failed: reset.",
        )
        Message = self.env["clienteling.inbox.message"]
        self.assertEqual(Message._imap_size_text(512), "512 bytes")
        self.assertEqual(Message._imap_size_text(1536), "1.5 KB")
        self.assertEqual(Message._imap_size_text(5 * 1024**3), "5.0 GB")

    def test_scheduled_sync_interval(self):
        account = self.new_account()
        account.sync_interval = 15
        cron = self.env.ref("clienteling_engage.ir_cron_engage_sync")
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
        self.assertEqual(self.new_account().sync_interval, 15)
        with self.assertRaisesRegex(ValidationError, "at least one minute"):
            account.sync_interval = 0
        self.deliver(account, make_email("By cron"))
        self.env["clienteling.mail.account"]._cron_sync()
        self.assertEqual(self.messages(account).subject, "By cron")

    def test_scheduled_sync_leaves_archived_accounts_alone(self):
        archived = self.new_account()
        self.deliver(archived, make_email("Not polled"))
        archived.active = False
        cron = self.env.ref("clienteling_engage.ir_cron_engage_sync")
        cron.method_direct_trigger()
        self.assertFalse(self.messages(archived))
        self.assertFalse(archived.last_sync_date)
        archived.active = True
        cron.method_direct_trigger()
        self.assertEqual(self.messages(archived).subject, "Not polled")

    def test_sync_button_of_the_inbox(self):
        account = self.new_account()
        self.deliver(account, make_email("A"))
        self.env["clienteling.inbox.message"].with_user(
            self.user_associate_a
        ).action_sync_my_inbox()
        self.assertEqual(len(self.messages(account)), 1)
        with self.assertRaisesRegex(UserError, "No mailbox"):
            self.env["clienteling.inbox.message"].with_user(
                self.user_associate_b
            ).action_sync_my_inbox()


def raw_email(headers, body):
    """A raw message (CRLF) from header lines and a body (str or bytes), exactly as
    written."""
    body = body.encode() if isinstance(body, str) else body
    return ("\n".join(headers) + "\n\n").encode().replace(b"\n", b"\r\n") + body + b"\r\n"


def forwarded_email():
    inner = email.message_from_bytes(
        make_email("Original question", sender="Jane <jane.doe@example.com>", body="Size 8?"),
        policy=email.policy.default,
    )
    outer = EmailMessage()
    outer["From"] = "Colleague <colleague@example.org>"
    outer["To"] = "store@example.com"
    outer["Subject"] = "Fwd: Original question"
    outer["Message-ID"] = f"<{uuid.uuid4().hex}@example.org>"
    outer["Date"] = "Sun, 22 Nov 2026 09:00:00 +0000"
    outer.set_content("See the customer's question below.")
    outer.add_attachment(inner)  # message/rfc822, as mail clients forward
    return outer.as_bytes()


BOUNCE = """From: MAILER-DAEMON@example.net
To: store@example.com
Subject: Undelivered Mail Returned to Sender
Date: Mon, 23 Nov 2026 08:00:00 +0000
Message-ID: <bounce-1@example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="RPT"

--RPT
Content-Type: text/plain; charset=us-ascii

The mail system could not deliver your message.
--RPT
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; nobody@example.net
Action: failed
Status: 5.1.1
--RPT
Content-Type: message/rfc822

From: store@example.com
To: nobody@example.net
Subject: Your order is ready
Message-ID: <sent-1@example.com>

Your order is ready for pick-up.
--RPT--
"""

DIGEST = """From: list@example.org
To: store@example.com
Subject: Weekly digest
Date: Tue, 24 Nov 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/digest; boundary="DIG"

--DIG

From: a@example.org
Subject: First post

Hello from the first post.
--DIG

From: b@example.org
Subject: Second post

Hello from the second post.
--DIG--
"""

EXTERNAL_BODY = """From: catalogue@example.org
To: store@example.com
Subject: The catalogue
Date: Wed, 25 Nov 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="EXT"

--EXT
Content-Type: text/plain

The catalogue is on our server.
--EXT
Content-Type: message/external-body; access-type=URL;
 URL="http://example.org/catalogue.pdf"

Content-Type: application/pdf

--EXT--
"""


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxCorpus(EngageCase):
    """The corpus of real-world and malformed e-mails (../shared/corpus/mime)."""

    def test_every_corpus_message_imported_once(self):
        if not CORPUS.is_dir():
            message = f"The e-mail corpus is not at {CORPUS} (see the repository's CI checkout)."
            if os.environ.get("CI"):
                self.fail(message)
            raise unittest.SkipTest(message)
        files = sorted(path for path in CORPUS.iterdir() if path.is_file())
        self.assertGreaterEqual(len(files), 100)
        account = self.new_account()  # the default settings
        self.deliver(account, [path.read_bytes() for path in files])
        self.assertEqual(account._sync(), {account.id: len(files)})
        self.assertFalse(account.last_error)
        self.assertEqual(account.last_uid, len(files))
        messages = self.messages(account)
        # every delivered message exactly once: one inbox message per UID
        self.assertEqual(sorted(messages.mapped("imap_uid")), list(range(1, len(files) + 1)))
        self.assertEqual(len(set(messages.mapped("fingerprint"))), len(files))
        for message in messages:
            self.assertEqual(message.audit_ids.mapped("action").count("sync"), 1)
        # a message that was not read completely keeps its raw source
        for message in messages.filtered("parse_warning"):
            self.assertIn("original-message.eml", message.attachment_ids.mapped("name"))
        # a second sync adds nothing, and no message stops the mailbox
        self.assertEqual(account._sync(), {account.id: 0})
        account.sudo().last_uid = 0  # as if the state was lost: the batch is read again
        self.assertEqual(account._sync(), {account.id: 0})
        self.assertEqual(len(self.messages(account)), len(files))
        self.deliver(account, make_email("After the corpus"))
        self.assertEqual(account._sync(), {account.id: 1})
        self.assertFalse(account.last_error)
        self.assertEqual(len(self.messages(account)), len(files) + 1)


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxMalformed(EngageCase):
    """Each class of message that stopped a mailbox, built here: imported, never
    raised, the batch goes on."""

    def sync_one(self, raw, **values):
        account = self.new_account(**values)
        self.deliver(account, [raw, make_email("Next in the batch")])
        self.assertEqual(account._sync(), {account.id: 2})
        self.assertFalse(account.last_error)
        self.assertEqual(account.last_uid, 2)
        messages = self.messages(account)
        self.assertTrue(messages.filtered(lambda m: m.subject == "Next in the batch"))
        return messages.filtered(lambda m: m.imap_uid == 1)

    def test_forwarded_message_attached(self):
        message = self.sync_one(forwarded_email())
        self.assertEqual(message.subject, "Fwd: Original question")
        self.assertIn("See the customer", message.body)
        forwarded = message.attachment_ids.filtered(lambda a: a.name.endswith(".eml"))
        self.assertEqual(len(forwarded), 1)
        self.assertIn(b"Subject: Original question", forwarded.raw)
        self.assertIn(b"Size 8?", forwarded.raw)

    def test_bounce_report(self):
        message = self.sync_one(raw_email(BOUNCE.splitlines()[:7], BOUNCE.split("\n\n", 1)[1]))
        self.assertEqual(message.subject, "Undelivered Mail Returned to Sender")
        self.assertIn("could not deliver", message.body)
        names = message.attachment_ids.mapped("name")
        self.assertTrue(any(name.endswith(".eml") for name in names), names)

    def test_digest(self):
        message = self.sync_one(raw_email(DIGEST.splitlines()[:6], DIGEST.split("\n\n", 1)[1]))
        self.assertEqual(message.subject, "Weekly digest")
        self.assertEqual(message.date, datetime.datetime(2026, 11, 24, 8, 0))

    def test_external_body(self):
        message = self.sync_one(
            raw_email(EXTERNAL_BODY.splitlines()[:6], EXTERNAL_BODY.split("\n\n", 1)[1])
        )
        self.assertEqual(message.subject, "The catalogue")
        self.assertIn("on our server", message.body)

    def test_unknown_charset_keeps_date_and_no_headers_in_body(self):
        raw = raw_email(
            [
                "Received: from relay.example.net by mx.example.com; Thu, 26 Nov 2026 07:59:00 +0000",
                "Date: Thu, 26 Nov 2026 08:00:00 -0500",
                "From: sms-relay@carrier.example",
                "To: store@example.com",
                "Message-Id: <xunknown@carrier.example>",
                "Content-Type: text/plain; charset=X-UNKNOWN",
            ],
            "Envoyé par texto: la robe est prête ?".encode("latin-1"),
        )
        message = self.sync_one(raw)
        self.assertEqual(message.date, datetime.datetime(2026, 11, 26, 13, 0))
        self.assertIn("Envoyé par texto", message.body)
        for header in ("Received:", "Message-Id", "Content-Type", "charset"):
            self.assertNotIn(header, message.body)
        self.assertIn("X-UNKNOWN", message.parse_warning)
        self.assertIn("original-message.eml", message.attachment_ids.mapped("name"))

    def test_lines_among_headers_and_obsolete_headers(self):
        raw = raw_email(
            [
                "Received: from a.example by b.example; Fri, 27 Nov 2026 08:00:00 +0000",
                "quite Delivered-To: store@example.com",
                "Date: Fri, 27 Nov 2026 09:00:00 +0000",
                "From   : Jane <jane.doe@example.com>",
                "Subject: Headers after a broken line",
            ],
            "Only this is the body.",
        )
        message = self.sync_one(raw)
        self.assertEqual(message.subject, "Headers after a broken line")
        self.assertEqual(message.sender_email, "jane.doe@example.com")
        self.assertEqual(message.date, datetime.datetime(2026, 11, 27, 9, 0))
        self.assertIn("Only this is the body", message.body)
        self.assertNotIn("Subject", message.body)
        self.assertIn("not headers", message.parse_warning)

    def test_nul_and_control_characters(self):
        raw = raw_email(
            ["From: x@example.org", "Subject: Nul\x00 in the\x1b subject"],
            "Body with a NUL \x00 here.",
        )
        message = self.sync_one(raw)  # Dovecot replaces NUL bytes
        self.assertTrue(message.subject.startswith("Nul"))
        self.assertIn("Body with a NUL", message.body)
        # another server may not: PostgreSQL refuses NUL in text
        account = self.new_account()
        account.sudo().uidvalidity = 7
        nul = self.env["clienteling.inbox.message"]._import_imap_batch(account, [(1, raw, (), ())])
        self.assertEqual(nul.subject, "Nul in the subject")
        self.assertIn("Body with a NUL  here", nul.body)
        self.assertIn("invalid characters", nul.parse_warning)
        self.assertIn(b"\x00", nul.attachment_ids.filtered(lambda a: a.name.endswith(".eml")).raw)

    def test_future_date_and_missing_date_use_the_reception_date(self):
        future = raw_email(
            ["From: a@example.org", "Subject: From 3609", "Date: Thu, 30 Jun 3609 09:33:50 +0000"],
            "The year is wrong.",
        )
        undated = raw_email(["From: b@example.org", "Subject: Undated"], "No Date header.")
        account = self.new_account()
        self.deliver(account, [future, undated])
        account._sync()
        now = fields.Datetime.now()
        for message in self.messages(account):
            self.assertLess(abs(message.date - now), datetime.timedelta(minutes=5))
        future = self.messages(account).filtered(lambda m: m.subject == "From 3609")
        self.assertIn("in the future", future.parse_warning)

    def test_unreadable_payload_shown_as_text_with_the_original(self):
        Thread = type(self.env["mail.thread"])
        original = Thread._message_parse_extract_payload

        def explode(self, message, message_dict, save_original=False):
            if message_dict.get("subject") == "Explode":
                raise ValueError("a parser bug")
            return original(self, message, message_dict, save_original=save_original)

        raw = make_email("Explode", body="The text is still shown.")
        with patch.object(Thread, "_message_parse_extract_payload", explode):
            message = self.sync_one(raw)
        self.assertIn("The text is still shown", message.body)
        self.assertNotIn("Message-ID", message.body)
        self.assertIn("a parser bug", message.parse_warning)
        original_eml = message.attachment_ids.filtered(lambda a: a.name == "original-message.eml")
        self.assertEqual(original_eml.raw, raw.replace(b"\n", b"\r\n"))

    def test_message_that_fails_to_store_is_stored_as_text(self):
        Attachment = type(self.env["ir.attachment"])
        original = Attachment.create

        def refuse(self, vals_list):
            vals_list = vals_list if isinstance(vals_list, list) else [vals_list]
            if any(vals.get("name") == "boom.bin" for vals in vals_list):
                raise ValueError("storage refused boom.bin")
            return original(self, vals_list)

        account = self.new_account()
        raws = [
            make_email("Before"),
            make_email("Boom", attachments=[("boom.bin", b"x", "application/octet-stream")]),
            make_email("After"),
        ]
        self.deliver(account, raws)
        with patch.object(Attachment, "create", refuse), mute_logger(INBOX_LOGGER):
            self.assertEqual(account._sync(), {account.id: 3})
        self.assertFalse(account.last_error)
        self.assertEqual(account.last_uid, 3)
        messages = self.messages(account)
        self.assertEqual(sorted(messages.mapped("subject")), ["After", "Before", "Boom"])
        boom = messages.filtered(lambda m: m.subject == "Boom")
        self.assertIn("could not be read normally", boom.parse_warning)
        self.assertIn("storage refused boom.bin", boom.parse_warning)
        self.assertEqual(boom.attachment_ids.mapped("name"), ["original-message.eml"])
        self.assertIn(b"boom.bin", boom.attachment_ids.raw)
        self.assertFalse(
            any(messages.filtered(lambda m: m.subject != "Boom").mapped("parse_warning"))
        )

    def test_message_that_cannot_be_stored_at_all_is_audited_and_skipped(self):
        Message = type(self.env["clienteling.inbox.message"])
        original = Message._imap_store

        def doomed(self, account, prepared):
            if any(vals.get("subject") == "Doomed" for vals, _files, _detail in prepared):
                raise ValueError("the database refuses it")
            return original(self, account, prepared)

        account = self.new_account()
        self.deliver(account, [make_email("Doomed"), make_email("Fine")])
        with patch.object(Message, "_imap_store", doomed), mute_logger(INBOX_LOGGER):
            account._sync()
        self.assertFalse(account.last_error)
        self.assertEqual(account.last_uid, 2, "the mailbox goes on")
        self.assertEqual(self.messages(account).mapped("subject"), ["Fine"])
        audit = self.env["clienteling.inbox.audit"].search(
            [("account_id", "=", account.id), ("message_id", "=", False)]
        )
        self.assertIn("UID 1", audit.details)
        self.assertIn("stays on the mail server", audit.details)

    def test_different_messages_without_id_and_date_never_merge(self):
        account = self.new_account()
        alike = [
            raw_email(["From: a@example.org", "Subject: Yes"], "Yes"),
            raw_email(["From: b@example.org", "Subject: Yes"], "Yes"),
            raw_email(["From: a@example.org", "To: other@example.com", "Subject: Yes"], "Yes"),
            raw_email(["From: a@example.org", "Subject: Yes"], "Yes"),  # a copy of the first
        ]
        self.deliver(account, alike)
        account._sync()
        messages = self.messages(account).sorted("imap_uid")
        self.assertEqual(len(messages), 4)
        self.assertEqual(len(set(messages.mapped("fingerprint"))), 4)
        # triage of one of them survives a UIDVALIDITY change on that one only
        messages[1].action_complete()
        messages[3].action_complete()
        self.imap_server.reset_mailbox(account.login)
        self.assertEqual(account._sync(), {account.id: 0})
        messages = self.messages(account).sorted("imap_uid")
        self.assertEqual(len(messages), 4)
        self.assertEqual(messages.filtered("completed_date").mapped("imap_uid"), [2, 4])
        self.assertEqual(messages[1].sender, "b@example.org")

    def test_messages_imported_before_the_upgrade_are_recognized(self):
        account = self.new_account()
        raw = make_email("Imported by 18.0.1.0.0")
        self.deliver(account, raw)
        account._sync()
        message = self.messages(account)
        message.sudo().fingerprint = imap_tools.legacy_fingerprint(raw)
        message.action_complete()
        self.imap_server.reset_mailbox(account.login)
        self.assertEqual(account._sync(), {account.id: 0})
        self.assertEqual(self.messages(account), message)
        self.assertTrue(message.fingerprint.startswith("v2:"))
        self.assertTrue(message.completed_date)


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxAccountFailures(EngageCase):
    """An account's failure is recorded on it and never stops another account."""

    def test_failing_account_does_not_stop_another(self):
        broken, working = self.new_account(), self.new_account()
        self.deliver(broken, make_email("Never read"))
        self.deliver(working, make_email("Still read"))
        Account = type(broken)
        original = Account._sync_with

        def bug(self, client, counter):
            if self == broken:
                raise RuntimeError("a bug in one account")
            return original(self, client, counter)

        with patch.object(Account, "_sync_with", bug), mute_logger(ACCOUNT_LOGGER):
            self.env["clienteling.mail.account"]._cron_sync()
        self.assertIn("a bug in one account", broken.last_error)
        self.assertFalse(self.messages(broken))
        self.assertFalse(working.last_error)
        self.assertEqual(self.messages(working).subject, "Still read")

    def test_database_error_in_one_account_does_not_stop_another(self):
        broken, working = self.new_account(), self.new_account()
        self.deliver(broken, make_email("Never read"))
        self.deliver(working, make_email("Still read"))
        Account = type(broken)
        original = Account._import_batch

        def sql_error(self, client, uids):
            if self == broken:
                self.env.cr.execute("SELECT * FROM no_such_table")
            return original(self, client, uids)

        with (
            patch.object(Account, "_import_batch", sql_error),
            mute_logger(ACCOUNT_LOGGER, "odoo.sql_db"),
        ):
            results = (broken | working)._sync()
        self.assertEqual(results, {broken.id: 0, working.id: 1})
        self.assertIn("no_such_table", broken.last_error)
        self.assertEqual(broken.last_uid, 0, "the failed batch is read again next time")
        self.assertEqual(self.messages(working).subject, "Still read")
        # fixed: the next sync resumes
        self.assertEqual(broken._sync(), {broken.id: 1})
        self.assertFalse(broken.last_error)

    def test_unreachable_account_does_not_stop_another(self):
        down, working = self.new_account(port=1), self.new_account()
        self.deliver(working, make_email("Still read"))
        self.env["clienteling.mail.account"]._cron_sync()
        self.assertIn("Cannot reach", down.last_error)
        self.assertEqual(self.messages(working).subject, "Still read")

    def test_error_shown_in_the_inbox_of_the_account_stores(self):
        account = self.new_account(port=1)
        account._sync()
        Message = self.env["clienteling.inbox.message"]
        warnings = Message.with_user(self.user_associate_a).clienteling_mailbox_warnings()
        self.assertEqual([w["id"] for w in warnings], [account.id])
        self.assertIn("Cannot reach", warnings[0]["error"])
        self.assertEqual(
            [w["id"] for w in Message.with_user(self.user_manager).clienteling_mailbox_warnings()],
            [account.id],
        )
        self.assertEqual(
            Message.with_user(self.user_associate_b).clienteling_mailbox_warnings(), []
        )
        # and on each of its messages
        account.port = self.imap_server.port
        self.deliver(account, make_email("A"))
        account._sync()
        message = self.messages(account)
        account.port = 1
        account._sync()
        self.env.invalidate_all()
        self.assertIn("Cannot reach", message.with_user(self.user_associate_a).account_error)
        account.port = self.imap_server.port
        account._sync()
        self.assertEqual(
            Message.with_user(self.user_associate_a).clienteling_mailbox_warnings(), []
        )


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxCustomerHistory(EngageCase):
    """Customers' e-mails stay in store-scoped inbox messages, listed on the
    customer's form for the users who may read them."""

    def test_customer_form_lists_readable_messages_only(self):
        self.customer_b.email = "louise@example.fr"
        account_a = self.new_account(stores=self.store_a)
        account_b = self.new_account(stores=self.store_b)
        # the same customer wrote to both stores
        self.deliver(account_a, make_email("To New York", sender="louise@example.fr"))
        self.deliver(account_b, make_email("À Paris", sender="louise@example.fr"))
        (account_a | account_b)._sync()
        message_a, message_b = self.messages(account_a), self.messages(account_b)
        self.assertEqual(message_a.partner_id, self.customer_b)
        self.assertFalse(
            self.customer_b.message_ids.filtered(lambda m: "Paris" in (m.subject or ""))
        )
        for user, expected in (
            (self.user_associate_a, message_a),
            (self.user_associate_b, message_b),
            (self.user_manager, message_a | message_b),
        ):
            self.env.invalidate_all()
            partner = self.customer_b.with_user(user)
            self.assertEqual(partner.clienteling_inbox_message_ids, expected, user.name)
            data = partner.web_read({"clienteling_inbox_message_ids": {"fields": {"subject": {}}}})
            self.assertEqual(
                {row["subject"] for row in data[0]["clienteling_inbox_message_ids"]},
                set(expected.mapped("subject")),
            )
        # nobody finds them through the shared partner chatter
        Mail = self.env["mail.message"].with_user(self.user_associate_a)
        self.assertFalse(Mail.search([("model", "=", "res.partner"), ("subject", "=", "À Paris")]))

    def test_migration_removes_chatter_copies(self):
        """18.0.1.1.0 post-migrate: the copies posted into partners' chatter go,
        with their attachments; other chatter messages stay."""
        path = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.1.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("clienteling_post_migrate_18_0_1_1_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)

        account = self.new_account()
        self.deliver(
            account,
            make_email(
                "Old style",
                sender="jane.doe@example.com",
                html='<p style="position:fixed">Hi<img src="http://tracker.example/p.gif"></p>',
            ),
        )
        account._sync()
        message = self.messages(account)
        copy = self.customer_a.message_post(
            body="copy", attachments=[("copy.png", b"png")], message_type="email"
        )
        kept = self.customer_a.message_post(body="a note of the customer", message_type="comment")
        copied_attachment = copy.attachment_ids
        self.assertTrue(copied_attachment)
        # the former column, as 18.0.1.0.0 left it
        self.env.cr.execute(
            "ALTER TABLE clienteling_inbox_message ADD COLUMN posted_message_id integer"
        )
        self.env.cr.execute(
            "UPDATE clienteling_inbox_message SET posted_message_id = %s WHERE id = %s",
            (copy.id, message.id),
        )
        # and the body as 18.0.1.0.0 stored it
        self.env.cr.execute(
            "UPDATE clienteling_inbox_message SET body = %s, body_original = NULL, "
            "remote_content_blocked = false WHERE id = %s",
            (
                '<p style="position:fixed;z-index:9">Hi<img src="http://tracker.example/p.gif"></p>',
                message.id,
            ),
        )
        self.env.invalidate_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(copy.exists())
        self.assertFalse(copied_attachment.exists())
        self.assertTrue(kept.exists())
        self.assertNotIn("position", message.body)
        self.assertNotIn("tracker.example", message.body)
        self.assertTrue(message.remote_content_blocked)
        self.assertIn("tracker.example", message.body_original)

    def test_migration_moves_old_actions_to_the_message(self):
        """18.0.1.1.0 post-engage-actions: the To-Do, appointment and reply that the
        old actions wrote on the customer move to the inbox message they were
        audited on; the rest stays."""
        path = (
            Path(__file__).resolve().parents[1]
            / "migrations"
            / "18.0.1.1.0"
            / "post-engage-actions.py"
        )
        spec = importlib.util.spec_from_file_location("clienteling_post_engage_actions", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)

        account = self.new_account()
        self.deliver(account, make_email("Old actions", sender="jane.doe@example.com"))
        account._sync()
        message = self.messages(account).with_user(self.user_associate_a)
        self.assertEqual(message.partner_id, self.customer_a)
        # what 18.0.1.0.0 wrote, as the associate, audited on the message
        associate = self.user_associate_a
        partner_model = self.env["ir.model"]._get_id("res.partner")
        todo_type = self.env.ref("mail.mail_activity_data_todo").id
        todo = (
            self.env["mail.activity"]
            .with_user(associate)
            .create(
                {
                    "res_model_id": partner_model,
                    "res_id": self.customer_a.id,
                    "activity_type_id": todo_type,
                    "summary": "Old actions",
                    "note": "<p>the e-mail: secret 77-A</p>",
                    "user_id": associate.id,
                }
            )
        )
        event = (
            self.env["calendar.event"]
            .with_user(associate)
            .create(
                {
                    "name": "Appointment with Jane Doe",
                    "start": "2026-12-01 15:00:00",
                    "stop": "2026-12-01 16:00:00",
                    "description": "<p>the e-mail: secret 77-A</p>",
                    "partner_ids": [(6, 0, (self.customer_a | associate.partner_id).ids)],
                }
            )
        )
        reply = self.customer_a.with_user(associate).message_post(
            body="Your reply 77-B",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("reply-77.png", b"png")],
        )
        for action in ("todo", "appointment", "email_reply"):
            message._clienteling_audit(action, "as 18.0.1.0.0 did")
        # not audited on a message (another user): stays on the customer
        other = (
            self.env["mail.activity"]
            .with_user(self.user_store_manager_a)
            .create(
                {
                    "res_model_id": partner_model,
                    "res_id": self.customer_a.id,
                    "activity_type_id": todo_type,
                    "summary": "Birthday call",
                    "user_id": self.user_store_manager_a.id,
                }
            )
        )
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual((todo.res_model, todo.res_id), (message._name, message.id))
        self.assertEqual(todo.res_name, "Old actions")
        self.assertEqual((other.res_model, other.res_id), ("res.partner", self.customer_a.id))
        self.assertEqual(event.privacy, "private")
        self.assertEqual((event.res_model, event.res_id), (message._name, message.id))
        self.assertNotIn("77-A", event.description)
        self.assertIn("Old actions", event.description)
        self.assertEqual((reply.model, reply.res_id), (message._name, message.id))
        self.assertEqual(
            (reply.attachment_ids.res_model, reply.attachment_ids.res_id),
            (message._name, message.id),
        )
        self.assertIn(reply, message.message_ids)
        self.assertEqual(message.activity_ids, todo)
        # store B's associate finds none of it any more
        user = self.user_associate_b
        self.env.invalidate_all()
        Mail = self.env["mail.message"].with_user(user)
        self.assertFalse(Mail.search([("body", "ilike", "77-B")]))
        self.assertFalse(self.customer_a.with_user(user).activity_ids - other)
        self.assertEqual(event.with_user(user).read(["name"])[0]["name"], "Busy")
        with self.assertRaises(AccessError):
            reply.attachment_ids.with_user(user).read(["datas"])


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxAccountSecrets(EngageCase):
    """Moving an account elsewhere without system rights forgets its password."""

    def test_connection_change_by_clienteling_administrator_clears_password(self):
        for fname, value in (
            ("host", "imap.attacker.example"),
            ("port", 1143),
            ("security", "ssl"),
            ("login", "attacker"),
        ):
            account = self.new_account()
            self.env.invalidate_all()
            account.with_user(self.user_manager).write({fname: value})
            self.assertFalse(account.sudo().password, fname)
            self.assertFalse(account.password_set)
        # and "Test Connection" on a server of theirs receives no password
        account = self.new_account()
        account.with_user(self.user_manager).write({"login": account.login})  # unchanged
        self.assertEqual(account.sudo().password, PASSWORD)
        account.with_user(self.user_manager).write({"login": "someone-else"})
        with self.assertRaisesRegex(UserError, "refused the login"):
            account.with_user(self.user_manager).action_test_connection()

    def test_other_changes_and_system_administrators_keep_it(self):
        account = self.new_account()
        account.with_user(self.user_manager).write(
            {"name": "Renamed", "folder": "INBOX", "batch_size": 50, "timeout": 30}
        )
        self.assertEqual(account.sudo().password, PASSWORD)
        self.assertTrue(account.password_set)
        admin = self.env.ref("base.user_admin")
        account.with_user(admin).write({"host": "localhost", "security": "none"})
        self.assertEqual(account.sudo().password, PASSWORD)
        self.assertIn(
            "holds",
            account.with_user(self.user_manager).action_test_connection()["params"]["message"],
        )


HOSTILE_HTML = """<html><head><style>body { display: none }</style></head><body>
<p>Your order is ready.</p>
<a href="https://phish.example/login" style="position:fixed; top:0; left:0; width:100vw;
   height:100vh; z-index:99999; display:block; margin-top:-300px; color:red">Click</a>
<img src="https://tracker.example/pixel.gif?u=42" width="1" height="1">
<div style="background-image:url('https://tracker.example/bg.png'); font-size:14px">Styled</div>
<img src="/web/session/logout">
</body></html>"""


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxDisplayAndWrites(EngageCase):
    def setUp(self):
        super().setUp()
        self.account = self.new_account()
        self.deliver(
            self.account,
            [
                make_email("Hostile", body="plain", html=HOSTILE_HTML),
                make_email("Plain", sender="jane.doe@example.com"),
            ],
        )
        self.account._sync()
        messages = self.messages(self.account)
        self.hostile = messages.filtered(lambda m: m.subject == "Hostile")
        self.plain = messages.filtered(lambda m: m.subject == "Plain")
        self.env.invalidate_all()

    def test_styles_cannot_cover_the_screen_and_remote_images_wait(self):
        body = self.hostile.body
        self.assertIn("Your order is ready", body)
        for forbidden in (
            "position",
            "z-index",
            "100vw",
            "100vh",
            "-300px",
            "<style",
            "display: none",
        ):
            self.assertNotIn(forbidden, body)
        for remote in ("tracker.example", "/web/session/logout", "src="):
            self.assertNotIn(remote, body)
        self.assertIn("font-size:14px", body)
        self.assertTrue(self.hostile.remote_content_blocked)
        self.assertFalse(self.plain.remote_content_blocked)
        self.assertFalse(self.plain.body_original)
        original = self.hostile.body_original
        self.assertIn("https://tracker.example/pixel.gif", original)
        self.assertIn("https://tracker.example/bg.png", original)
        for forbidden in ("position", "z-index", "/web/session/logout"):
            self.assertNotIn(forbidden, original)

    def test_load_remote_images_on_request_audited(self):
        message = self.hostile.with_user(self.user_associate_a)
        self.assertFalse(message.show_remote_images)
        message.action_load_remote_images()
        self.assertTrue(message.show_remote_images)
        audit = message.sudo().audit_ids.filtered(lambda a: "Remote images" in (a.details or ""))
        self.assertEqual(audit.user_id, self.user_associate_a)
        message.action_load_remote_images()  # once
        self.assertEqual(len(message.sudo().audit_ids.filtered(lambda a: a.action == "other")), 1)

    def test_writes_through_rpc_are_audited(self):
        message = self.hostile.with_user(self.user_associate_a)
        message.write({"partner_id": self.customer_a.id})
        message.write({"user_id": self.user_associate_a.id})
        message.write({"completed_date": "2026-11-29 10:00:00"})
        message.write({"is_read": True})
        message.write({"completed_date": False, "user_id": False, "partner_id": False})
        trail = message.sudo().audit_ids.filtered(lambda a: a.action != "sync").sorted("id")
        self.assertEqual(
            [(a.action, a.details) for a in trail],
            [
                ("link", "Linked to Jane Doe."),
                ("assign", "Assigned to Ann Associate."),
                ("complete", "Marked completed."),
                ("read", "Marked as read."),
                ("link", "Link to Jane Doe removed."),
                ("assign", "Assignment to Ann Associate removed."),
                ("reopen", "Completed date cleared."),
            ],
        )
        self.assertEqual(trail.user_id, self.user_associate_a)
        # linked by a write too, the customer's contact date follows
        self.assertEqual(self.customer_a.clienteling_last_contact_date, self.hostile.date)

    def test_assignment_only_to_users_of_the_store(self):
        for user in (self.user_associate_a, self.user_manager):
            with self.assertRaisesRegex(ValidationError, "does not work in"):
                self.hostile.with_user(user).write({"user_id": self.user_associate_b.id})
            with self.assertRaisesRegex(ValidationError, "does not work in"):
                self.hostile.with_user(user).write({"user_id": self.user_manager.id})
        self.assertFalse(self.hostile.user_id)
        self.hostile.with_user(self.user_associate_a).write(
            {"user_id": self.user_store_manager_a.id}
        )
        self.assertEqual(self.hostile.user_id, self.user_store_manager_a)

    def test_evidence_is_read_only_but_for_system_administrators(self):
        evidence = {
            "subject": "Forged",
            "sender": "ceo@example.com",
            "sender_email": "ceo@example.com",
            "body": "<p>forged</p>",
            "body_original": "<p>forged</p>",
            "date": "2020-01-01 00:00:00",
            "account_id": False,
            "store_id": self.store_b.id,
            "company_id": self.company.id,
            "channel": "sms",
            "message_id": "<forged@x>",
            "fingerprint": "forged",
            "imap_uid": 99,
            "parse_warning": False,
            "attachment_ids": [(5, 0, 0)],
            "show_remote_images": True,
            "remote_content_blocked": False,
            "imap_flags_dirty": True,
        }
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_manager):
            for fname, value in evidence.items():
                self.env.invalidate_all()
                with self.assertRaises(AccessError, msg=f"{user.name}: {fname}"):
                    self.hostile.with_user(user).write({fname: value})
        self.assertEqual(self.hostile.subject, "Hostile")
        self.hostile.with_user(self.env.ref("base.user_admin")).write({"subject": "Corrected"})
        self.assertEqual(self.hostile.subject, "Corrected")

    def test_no_forged_message_and_no_silent_deletion(self):
        values = {
            "store_id": self.store_a.id,
            "channel": "email",
            "sender": "jane.doe@example.com",
            "subject": "Forged e-mail from a customer",
        }
        for user in (self.user_associate_a, self.user_manager):
            with self.assertRaises(AccessError):
                self.env["clienteling.inbox.message"].with_user(user).create(values)
            with self.assertRaises(AccessError):
                self.hostile.with_user(user).unlink()
        self.assertTrue(self.hostile.exists())
        # a system administrator's deletion is audited
        subject, account = self.hostile.subject, self.account
        self.hostile.with_user(self.env.ref("base.user_admin")).unlink()
        audit = self.env["clienteling.inbox.audit"].search(
            [("account_id", "=", account.id), ("action", "=", "delete")]
        )
        self.assertEqual(audit.message_name, subject)

    def test_associate_creates_a_customer_from_an_email(self):
        # a shared mailbox: the associate cannot read the mail account
        self.account.store_ids = self.store_a | self.store_b
        self.env.invalidate_all()
        message = self.hostile.with_user(self.user_associate_a)
        with self.assertRaises(AccessError):
            self.account.with_user(self.user_associate_a).read(["store_ids"])
        action = message.action_create_customer()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(message.partner_id, partner)
        self.assertEqual(partner.clienteling_store_id, self.store_a)
        self.assertEqual(message.store_id, self.store_a)
        self.assertIn("create_customer", message.sudo().audit_ids.mapped("action"))


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxAttackers(EngageCase):
    """Every button and wizard of the inbox, tried by an associate of another
    store, a store manager of another store and a Clienteling Administrator of
    another company (RPC-style calls): refused, nothing written, nothing done on
    the mail server. A Clienteling Administrator without system rights runs the
    triage of their company's stores, and is refused what needs system rights
    (evidence, forged or silently deleted messages, the password: see the classes
    above)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_store_manager_b = mail_new_test_user(
            cls.env, login="t_mgr_b", name="Sue Store Manager", groups=STORE_MANAGER_GROUPS
        )
        cls.env["hr.employee"].create(
            {
                "name": "Sue Store Manager",
                "user_id": cls.user_store_manager_b.id,
                "clienteling_store_id": cls.store_b.id,
                "clienteling_role": "store_manager",
            }
        )
        cls.company_2 = cls.env["res.company"].create({"name": "Other Retailer"})
        cls.user_other_company = mail_new_test_user(
            cls.env,
            login="t_cl_mgr_2",
            name="Olga Other Company",
            groups=MANAGER_GROUPS,
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.free_customer = cls.env["res.partner"].create({"name": "In No Store Book"})

    def setUp(self):
        super().setUp()
        self.account = self.new_account(stores=self.store_a)
        self.deliver(
            self.account,
            [
                make_email("Unknown", sender="new.person@example.net", html=HOSTILE_HTML),
                make_email("Known", sender="jane.doe@example.com"),
            ],
        )
        self.deliver(self.account, make_email("Done", sender="jane.doe@example.com"), seen=True)
        self.account._sync()
        messages = self.messages(self.account)
        self.unknown = messages.filtered(lambda m: m.subject == "Unknown")
        self.known = messages.filtered(lambda m: m.subject == "Known")
        self.done = messages.filtered(lambda m: m.subject == "Done")
        self.done.action_complete()
        self.account.sudo().last_error = "Cannot reach the server"
        self.attackers = (
            self.user_associate_b,
            self.user_store_manager_b,
            self.user_other_company,
        )

    def snapshot(self):
        self.env.invalidate_all()
        messages = self.messages(self.account)
        return {
            "messages": messages.read(
                [
                    "is_read",
                    "partner_id",
                    "user_id",
                    "completed_date",
                    "show_remote_images",
                    "store_id",
                    "subject",
                ]
            ),
            "audit": self.env["clienteling.inbox.audit"].search_count([]),
            "partners": self.env["res.partner"].search_count([]),
            "activities": self.env["mail.activity"].search_count([]),
            "events": self.env["calendar.event"].search_count([]),
            "chatter": self.env["mail.message"].search_count([]),
            "server": self.server_state(),
            "account": self.account.read(["last_uid", "last_error", "host"]),
        }

    def server_state(self):
        """{UID: (\\Seen, \\Deleted)} of the mailbox, read in a session of its own."""
        client = IMAPClient(self.imap_server.host, port=self.imap_server.port, ssl=False)
        try:
            client.login(self.account.login, PASSWORD)
            client.select_folder("INBOX", readonly=True)
            flags = client.get_flags(client.search(["ALL"]))
        finally:
            client.logout()
        return {
            uid: (imap_tools.SEEN in values, imap_tools.DELETED in values)
            for uid, values in flags.items()
        }

    def assert_refused(self, name, call):
        before = self.snapshot()
        for user in self.attackers:
            self.env.invalidate_all()
            # AccessError is a UserError
            with self.assertRaises(UserError, msg=f"{name} by {user.name}"):
                call(user)
            self.assertEqual(self.snapshot(), before, f"{name} by {user.name} wrote something")

    def test_buttons_refused(self):
        Inbox = self.env["clienteling.inbox.message"]

        def on(message, method, *args, **context):
            return lambda user: getattr(message.with_user(user).with_context(**context), method)(
                *args
            )

        calls = {
            "mark read": on(self.unknown, "action_mark_read"),
            "mark unread": on(self.done, "action_mark_unread"),
            "open": lambda user: (
                self.unknown.with_user(user)
                .with_context(clienteling_inbox_open=True)
                .web_read({"subject": {}})
            ),
            "delete": on(self.unknown | self.known, "action_delete"),
            "link wizard": on(self.unknown, "action_link_customer"),
            "assign wizard": on(self.unknown, "action_assign_user"),
            "open wizard": on(self.unknown, "action_open_wizard", "assign"),
            "create customer": on(self.unknown, "action_create_customer"),
            "to-do": on(self.known, "action_todo"),
            "appointment": on(self.known, "action_appointment"),
            "email reply": on(self.known, "action_email_reply"),
            "complete": on(self.unknown, "action_complete"),
            "reopen": on(self.done, "action_reopen"),
            "audit trail": on(self.known, "action_audit_trail"),
            "load remote images": on(self.unknown, "action_load_remote_images"),
            "test connection": on(self.account, "action_test_connection"),
            "sync account": on(self.account, "action_sync"),
            "sync my inbox": lambda user: Inbox.with_user(user).action_sync_my_inbox(),
        }
        self.deliver(self.account, make_email("Not synced by them"))
        for name, call in calls.items():
            self.assert_refused(name, call)

    def test_writes_and_wizards_refused(self):
        for fname, value in (
            ("partner_id", self.free_customer.id),
            ("user_id", False),
            ("completed_date", "2026-11-29 10:00:00"),
            ("is_read", True),
        ):
            self.assert_refused(
                f"write {fname}",
                lambda user, f=fname, v=value: self.unknown.with_user(user).write({f: v}),
            )

        def wizard(mode, **values):
            def call(user):
                Wizard = self.env["clienteling.inbox.assign"].with_user(user)
                Wizard.create(
                    {"mode": mode, "message_ids": [(6, 0, self.unknown.ids)], **values}
                ).action_apply()

            return call

        self.assert_refused("link wizard", wizard("link", partner_id=self.free_customer.id))
        self.assert_refused("assign wizard", wizard("assign", user_id=self.user_associate_b.id))

    def test_todo_appointment_reply_on_another_stores_message_refused(self):
        inbox_model = self.env["ir.model"]._get_id("clienteling.inbox.message")

        def todo(user):
            self.env["mail.activity"].with_user(user).create(
                {
                    "res_model_id": inbox_model,
                    "res_id": self.known.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": "Forged To-Do",
                    "user_id": user.id,
                }
            )

        def appointment(user):
            self.env["calendar.event"].with_user(user).create(
                {
                    "name": "Forged appointment",
                    "start": "2026-12-01 15:00:00",
                    "stop": "2026-12-01 16:00:00",
                    "partner_ids": [(4, self.customer_a.id)],
                    "res_model_id": inbox_model,
                    "res_id": self.known.id,
                }
            )

        def email_reply(user):
            composer = (
                self.env["mail.compose.message"]
                .with_user(user)
                .create(
                    {
                        "model": "clienteling.inbox.message",
                        "res_ids": str(self.known.ids),
                        "composition_mode": "comment",
                        "subject": "Forged reply",
                        "body": "<p>sent in the name of another store</p>",
                        "partner_ids": [(4, self.customer_a.id)],
                    }
                )
            )
            composer.action_send_mail()

        def link_event(user):
            event = (
                self.env["calendar.event"]
                .with_user(user)
                .create(
                    {"name": "Mine", "start": "2026-12-01 15:00:00", "stop": "2026-12-01 16:00:00"}
                )
            )
            event.write({"res_model_id": inbox_model, "res_id": self.known.id})

        self.assert_refused("To-Do on another store's message", todo)
        self.assert_refused("appointment on another store's message", appointment)
        self.assert_refused("reply on another store's message", email_reply)
        self.assert_refused("event linked to another store's message", link_event)
        self.assertFalse(self.env["mail.mail"].search([("subject", "=", "Forged reply")]))
        # a context naming the message no longer means anything
        self.env["mail.activity"].with_user(self.user_associate_b).with_context(
            clienteling_inbox_message_id=self.known.id
        ).create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.free_customer.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Not about the message",
                "user_id": self.user_associate_b.id,
            }
        )
        self.assertFalse(self.known.audit_ids.filtered(lambda a: a.action == "todo"))
        # the same calls work for the store's associate, and are audited
        for call in (todo, appointment, email_reply):
            call(self.user_associate_a)
        self.assertEqual(
            self.known.audit_ids.filtered(lambda a: a.user_id == self.user_associate_a).mapped(
                "action"
            ),
            ["email_reply", "appointment", "todo"],
        )

    def test_mass_mailing_inbox_messages_refused(self):
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_associate_a)
            .create(
                {
                    "model": "clienteling.inbox.message",
                    "res_ids": str((self.known | self.done).ids),
                    "composition_mode": "mass_mail",
                    "subject": "Mass reply",
                    "body": "<p>to everyone</p>",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "one at a time"):
            composer.action_send_mail()
        self.assertFalse(self.env["mail.mail"].search([("subject", "=", "Mass reply")]))

    def test_followers_and_recipients_of_the_store_only(self):
        known = self.known.with_user(self.user_associate_a)
        # another store's user is not made a follower, nor a recipient
        known.message_subscribe(partner_ids=self.user_associate_b.partner_id.ids)
        self.assertNotIn(self.user_associate_b.partner_id, known.sudo().message_partner_ids)
        with self.assertRaisesRegex(UserError, "cannot read this message"):
            known.message_post(
                body="Look at this, Bea", partner_ids=self.user_associate_b.partner_id.ids
            )
        self.assertFalse(self.env["mail.message"].search([("body", "ilike", "Look at this, Bea")]))
        # a follower from before (e.g. who moved to another store) is not notified
        self.env["mail.followers"].sudo().create(
            {
                "res_model": known._name,
                "res_id": known.id,
                "partner_id": self.user_associate_b.partner_id.id,
                "subtype_ids": [(6, 0, self.env.ref("mail.mt_comment").ids)],
            }
        )
        message = known.message_post(
            body="Customer called again", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertNotIn(
            self.user_associate_b.partner_id, message.sudo().notification_ids.res_partner_id
        )
        Mail = self.env["mail.message"].with_user(self.user_associate_b)
        self.assertFalse(Mail.search([("body", "ilike", "Customer called again")]))
        # the store's users may follow it
        known.message_subscribe(partner_ids=self.user_store_manager_a.partner_id.ids)
        self.assertIn(self.user_store_manager_a.partner_id, known.sudo().message_partner_ids)
        # an employee of another store who wrote as a customer gets the reply
        bea = self.user_associate_b.partner_id
        known.sudo().partner_id = bea
        reply = known.message_post(
            body="Your order is in", message_type="comment", partner_ids=bea.ids
        )
        self.assertIn(bea, reply.sudo().notification_ids.res_partner_id)

    def test_nothing_leaks_through_warnings_and_history(self):
        Inbox = self.env["clienteling.inbox.message"]
        for user in self.attackers:
            self.env.invalidate_all()
            self.assertEqual(Inbox.with_user(user).clienteling_mailbox_warnings(), [])
            self.assertFalse(Inbox.with_user(user).search([("id", "in", self.known.ids)]))
            if user != self.user_other_company:
                customer = self.customer_a.with_user(user)
                self.assertFalse(customer.clienteling_inbox_message_ids)

    def test_no_link_to_a_customer_of_another_company(self):
        self.env["res.partner"].create(
            {
                "name": "Other Company's Customer",
                "email": "olga.customer@example.net",
                "company_id": self.company_2.id,
            }
        )
        self.deliver(self.account, make_email("Hello", sender="olga.customer@example.net"))
        self.account._sync()
        message = self.messages(self.account).filtered(lambda m: m.subject == "Hello")
        self.assertFalse(message.partner_id)
        other = self.env["res.partner"].search([("email", "=", "olga.customer@example.net")])
        with self.assertRaises(UserError):
            message.write({"partner_id": other.id})
        self.assertFalse(message.partner_id)

    def test_clienteling_administrator_runs_the_triage(self):
        message = self.unknown.with_user(self.user_manager)
        message.action_mark_read()
        message.action_complete()
        message.action_load_remote_images()
        message.action_create_customer()
        self.assertTrue(message.partner_id)
        self.assertEqual(
            self.env["clienteling.inbox.message"]
            .with_user(self.user_manager)
            .clienteling_mailbox_warnings()[0]["id"],
            self.account.id,
        )


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxUi(EngageCase, BrowserCase):
    def test_inbox_tour(self):
        account = self.new_account()
        image = f"{self.base_url()}/web/static/img/logo.png"
        html = f'<p>Your order is ready.</p><img src="{image}" width="120">'
        self.deliver(account, make_email("Hostile", body="plain", html=html))
        account._sync()
        account.sudo().last_error = "Cannot reach imap.example.com:993."
        self.start_tour(
            "/odoo/action-clienteling_engage.clienteling_inbox_message_action",
            "clienteling_inbox_tour",
            login=self.user_associate_a.login,
        )
        message = self.messages(account)
        self.assertTrue(message.show_remote_images)
        self.assertTrue(message.is_read)
        self.assertEqual(
            message.audit_ids.filtered(lambda a: a.action == "other").user_id,
            self.user_associate_a,
        )
