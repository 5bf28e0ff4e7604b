import uuid
from email.message import EmailMessage
from unittest.mock import patch

from imapclient import IMAPClient

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ASSOCIATE_GROUPS, ClientelingCase
from .imap_server import DovecotServer

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
        super().setUpClass()
        cls.imap_server = DovecotServer().start()
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


@tagged("post_install", "-at_install", "clienteling")
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
        history = drop.posted_message_id
        self.assertTrue(history)
        uid = drop.imap_uid
        drop.with_user(self.user_associate_a).action_delete()
        self.assertFalse(drop.exists())
        self.assertEqual(self.imap(account).search(["ALL"]), [1] if uid == 2 else [2])
        self.assertTrue(history.exists(), "the customer's history keeps the message")
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

    def test_auto_link_by_email_once_in_history(self):
        account = self.new_account()
        self.deliver(account, make_email("Sizes", sender="Jane <JANE.DOE@example.com>"))
        account._sync()
        message = self.messages(account)
        self.assertEqual(message.partner_id, self.customer_a)
        history = self.customer_a.message_ids.filtered(lambda m: m.subject == "Sizes")
        self.assertEqual(len(history), 1)
        self.assertEqual(history.message_type, "email")
        self.assertTrue(self.customer_a.clienteling_last_contact_date)
        self.assertEqual(sorted(message.audit_ids.mapped("action")), ["link", "sync"])
        message._post_to_customer()
        message._auto_link()
        self.assertEqual(
            len(self.customer_a.message_ids.filtered(lambda m: m.subject == "Sizes")), 1
        )

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


@tagged("post_install", "-at_install", "clienteling")
class TestInboxActions(EngageCase):
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
            "action_sms_reply",
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
        self.assertTrue(self.unknown.posted_message_id)

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

    def test_todo(self):
        action = self.known.action_todo()
        activity = (
            self.env["mail.activity"]
            .with_user(self.user_associate_a)
            .with_context(action["context"])
            .create({"summary": "Call back about sizes"})
        )
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.res_id, self.customer_a.id)
        audit = self.last_audit(self.known)
        self.assertEqual(audit.action, "todo")
        self.assertIn("Call back about sizes", audit.details)

    def test_appointment(self):
        fitting = self.env["calendar.event.type"].create({"name": "Fitting"})
        action = self.known.action_appointment()
        event = (
            self.env["calendar.event"]
            .with_user(self.user_associate_a)
            .with_context(action["context"])
            .create(
                {
                    "start": "2026-12-01 15:00:00",
                    "stop": "2026-12-01 16:00:00",
                    "categ_ids": [(4, fitting.id)],
                }
            )
        )
        self.assertIn(self.customer_a, event.partner_ids)
        audit = self.last_audit(self.known)
        self.assertEqual(audit.action, "appointment")
        self.assertIn("2026-12-01", audit.details)

    def test_email_reply(self):
        action = self.known.action_email_reply()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.user_associate_a)
            .with_context(action["context"])
        )
        self.assertEqual(composer.subject, "Re: Known")
        composer.body = "<p>Your size is in stock.</p>"
        composer.save().action_send_mail()
        reply = self.customer_a.message_ids.filtered(lambda m: "in stock" in (m.body or ""))
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.message_type, "comment")
        audit = self.last_audit(self.known)
        self.assertEqual((audit.action, audit.user_id), ("email_reply", self.user_associate_a))

    def test_sms_reply_without_sms_module(self):
        # The core alone cannot text: call its implementation, whatever addons
        # extend it in this database (clienteling_sms tests the SMS reply).
        Core = type(self.env["clienteling.inbox.message"])
        core_available = next(
            cls._clienteling_sms_reply_available
            for cls in Core.__mro__
            if cls.__module__ == "odoo.addons.clienteling.models.clienteling_inbox_message"
        )
        core_reply = next(
            cls._clienteling_sms_reply
            for cls in Core.__mro__
            if cls.__module__ == "odoo.addons.clienteling.models.clienteling_inbox_message"
        )
        self.assertFalse(core_available(self.known))
        with self.assertRaisesRegex(UserError, "Clienteling SMS"):
            core_reply(self.known)

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
        self.assertEqual(sms.posted_message_id.message_type, "sms")
        self.assertEqual(
            Message._clienteling_create_from_sms(
                self.store_a, "+12125550142", "again", reference="SM123"
            ),
            sms,
        )
        with self.assertRaisesRegex(UserError, "Invalid sender number"):
            Message._clienteling_create_from_sms(self.store_a, "hello", "x")


@tagged("post_install", "-at_install", "clienteling")
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
        for query in get_neutralization_queries(["clienteling"]):
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
        with self.assertRaisesRegex(UserError, "Sync failed"):
            account.action_sync()
        self.assertFalse(self.messages(account))
        account._sync()
        self.assertIn("refused the login", account.last_error)
        account.folder = "Missing"
        account.sudo().password = PASSWORD
        account._sync()
        self.assertIn("Missing", account.last_error)
        self.assertFalse(self.messages(account))

    def test_scheduled_sync_interval(self):
        account = self.new_account()
        account.sync_interval = 15
        cron = self.env.ref("clienteling.ir_cron_engage_sync")
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
        self.assertEqual(self.new_account().sync_interval, 15)
        with self.assertRaisesRegex(ValidationError, "at least one minute"):
            account.sync_interval = 0
        self.deliver(account, make_email("By cron"))
        self.env["clienteling.mail.account"]._cron_sync()
        self.assertEqual(self.messages(account).subject, "By cron")

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
