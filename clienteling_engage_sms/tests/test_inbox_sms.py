from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.clienteling_sms.tests.common import ClientelingSmsCase
from odoo.addons.clienteling_sms.tests.test_boundaries import BoundaryCase


@tagged("post_install", "-at_install", "clienteling_engage_sms")
class TestInboxTexts(ClientelingSmsCase):
    def test_a_text_to_the_store_is_listed_on_the_customer(self):
        self._inbound("Hello, is my coat ready?", sid="SMin1")
        # a text to the store's number stays in its store-scoped inbox, listed on the
        # customer's form; nothing in the partner chatter every internal user reads
        self.assertIn(
            "is my coat ready",
            self.customer_a.clienteling_inbox_message_ids.filtered(
                lambda m: m.channel == "sms"
            ).body,
        )
        self.assertFalse(self.customer_a.message_ids.filtered(lambda m: m.message_type == "sms"))

    def test_texts_to_a_store_number_land_in_the_engage_inbox(self):
        self._inbound("Is my coat ready?", sid="SMinbox1")
        self._inbound("Is my coat ready?", sid="SMinbox1")  # replay: still one
        self._inbound(
            "Private note to Ann", to="+12125550171"
        )  # personal number: not the store's inbox
        inbox = self.env["clienteling.inbox.message"].search(
            [("channel", "=", "sms"), ("store_id", "in", (self.store_a | self.store_b).ids)]
        )
        self.assertEqual(len(inbox), 1)
        self.assertEqual(
            (inbox.store_id, inbox.partner_id, inbox.sender),
            (self.store_a, self.customer_a, "+12125550142"),
        )
        self.assertIn("Is my coat ready?", inbox.body)
        # the associate answers by text from the inbox, under the consent rules, and it is audited
        self._conversation()._record_consent("opted_in", "keyword", "YES")
        action = inbox.with_user(self.user_associate_a).action_sms_reply()
        composer = (
            self.env["clienteling.sms.composer"]
            .with_user(self.user_associate_a)
            .with_context(**action["context"])
            .create({})
        )
        composer.body = "Yes, ready since this morning!"
        composer.action_send()
        sent = self._outbound(self._conversation()).filtered(lambda m: "ready since" in m.body)
        self.assertEqual(sent.state, "delivered")
        audit = self.env["clienteling.inbox.audit"].search(
            [("message_id", "=", inbox.id), ("action", "=", "sms_reply")]
        )
        self.assertEqual(audit.user_id, self.user_associate_a)
        self.assertIn("ready since this morning", audit.details)

    def test_an_inbox_text_opens_its_chat_and_the_reply_there_is_audited(self):
        self._inbound("Is my coat ready?", sid="SMchat1")
        inbox = self.env["clienteling.inbox.message"].search([("message_id", "=", "SMchat1")])
        conversation = self._conversation()
        action = inbox.with_user(self.user_associate_a).action_open_chat()
        self.assertEqual(action["tag"], "mail.action_discuss")
        self.assertEqual(
            action["params"]["active_id"], f"discuss.channel_{conversation.channel_id.id}"
        )
        self.assertTrue(inbox.is_read)
        # the same reply as from the inbox: written in the chat, audited on the item
        conversation._record_consent("opted_in", "keyword", "YES")
        self.env["discuss.channel"].with_user(self.user_associate_a).browse(
            conversation.channel_id.id
        ).message_post(body="Ready since this morning", message_type="comment")
        audit = self.env["clienteling.inbox.audit"].search(
            [("message_id", "=", inbox.id), ("action", "=", "sms_reply")]
        )
        self.assertEqual(audit.user_id, self.user_associate_a)
        self.assertIn("Ready since this morning", audit.details)
        # another store's associate opens nothing
        with self.assertRaises(AccessError):
            inbox.with_user(self.user_associate_b).action_open_chat()

    def test_sms_reply_needs_a_customer(self):
        self._inbound("Who is this?", sid="SMunknown", from_="+12125550188")
        inbox = self.env["clienteling.inbox.message"].search(
            [("channel", "=", "sms"), ("sender", "=", "+12125550188")]
        )
        self.assertEqual(len(inbox), 1)
        self.assertFalse(inbox.partner_id)
        self.assertFalse(inbox.with_user(self.user_associate_a).can_sms_reply)
        with self.assertRaisesRegex(UserError, "Link the message"):
            inbox.with_user(self.user_associate_a).action_sms_reply()

    def test_sms_reply_button_on_the_inbox_form(self):
        arch = self.env["clienteling.inbox.message"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn('name="action_sms_reply"', arch)
        header = etree.fromstring(arch).xpath("//header")[0]
        primaries = {
            button.get("name"): button.get("invisible")
            for button in header.xpath("button[contains(@class, 'btn-primary')]")
        }
        # on an SMS item the reply is written in its chat; Email Reply is not primary
        self.assertEqual(primaries["action_open_chat"], "channel != 'sms'")
        self.assertNotIn("action_sms_reply", primaries)
        self.assertEqual(
            primaries["action_email_reply"], "channel != 'email' or not can_email_reply"
        )
        secondary_email = header.xpath(
            "button[@name='action_email_reply'][not(contains(@class, 'btn-primary'))]"
        )
        self.assertEqual(
            secondary_email[0].get("invisible"), "channel == 'email' or not can_email_reply"
        )

    def test_sms_reply_shown_only_with_a_customer_and_a_store_number(self):
        self._inbound("Is my coat ready?", sid="SMflag1")
        inbox = self.env["clienteling.inbox.message"].search(
            [("channel", "=", "sms"), ("store_id", "=", self.store_a.id)]
        )
        self.assertEqual(inbox.partner_id, self.customer_a)
        self.assertEqual(inbox.sender, "+12125550142")
        self.assertEqual(inbox.sender_display, "(212) 555-0142")

        def can_reply():
            inbox.invalidate_recordset(["can_sms_reply"])
            return inbox.with_user(self.user_associate_a).can_sms_reply

        self.assertTrue(can_reply())
        self.number_a.action_unassign()  # the store has no number any more
        self.assertFalse(can_reply())
        with self.assertRaisesRegex(UserError, "no clienteling number"):
            inbox.with_user(self.user_associate_a).action_sms_reply()


@tagged("post_install", "-at_install", "clienteling_engage_sms")
class TestInboxTextBoundaries(BoundaryCase):
    def test_inbox_reply_of_another_store(self):
        self._inbound("Is my coat ready?", sid="SMinboxb")
        inbox = self.env["clienteling.inbox.message"].search(
            [("channel", "=", "sms"), ("store_id", "=", self.store_a.id)]
        )
        self.assertTrue(inbox)
        for user in self.outsiders:
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                inbox.with_user(user)._clienteling_sms_reply()
        # a composer opened with another store's inbox message in its context audits nothing there
        composer = (
            self.env["clienteling.sms.composer"]
            .with_user(self.user_associate_b)
            .with_context(clienteling_inbox_message_id=inbox.id)
            .create(
                {
                    "conversation_id": self.Conversation._open_for_partner(
                        self.customer_b, self.number_b
                    ).id,
                    "body": "Bonjour",
                }
            )
        )
        with self.assertRaises(AccessError):
            composer.action_send()
        self.assertFalse(
            self.env["clienteling.inbox.audit"].search(
                [("message_id", "=", inbox.id), ("action", "=", "sms_reply")]
            )
        )
