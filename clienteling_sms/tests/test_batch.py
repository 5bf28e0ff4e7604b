import json
from unittest.mock import patch

from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.sandbox import new_sid
from .common import ClientelingSmsCase, mock_sms_provider

JANE = "+12125550142"
PAUL = "+12125550143"
UNKNOWN = "+12125550199"


@tagged("post_install", "-at_install", "clienteling_sms")
class TestProcessingTogether(ClientelingSmsCase):
    """The cron processes the plain texts it takes together (lookups and posts
    batched): the same chats, counters, notifications and contact dates as one by
    one, in the order received; keywords and failures are handled one by one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.paul = cls.env["res.partner"].create(
            {"name": "Paul Martin", "mobile": PAUL, "clienteling_store_id": cls.store_a.id}
        )

    def _store(self, body, from_=JANE, to="+12125550170"):
        params = {
            "MessageSid": new_sid(),
            "AccountSid": self.account._provider_account_ref(),
            "From": from_,
            "To": to,
            "Body": body,
            "NumMedia": "0",
        }
        return self.Event.sudo()._receive("inbound", self.account, params, process=False)

    def _chat(self, customer_number):
        conversation = self.Conversation.search([("customer_number", "=", customer_number)])
        return conversation, conversation.channel_id

    def _comments(self, channel):
        return channel.message_ids.filtered(lambda m: m.message_type == "comment").sorted("id")

    def _new_messages_on_bus(self, channel):
        """How many ``discuss.channel/new_message`` notifications ``channel`` got."""
        self.env.cr.flush()  # the bus rows are written before the commit
        rows = self.env["bus.bus"].sudo().search([("message", "like", "new_message")])
        return sum(
            json.loads(row.channel)[1:] == ["discuss.channel", channel.id]
            and json.loads(row.message)["type"] == "discuss.channel/new_message"
            for row in rows
        )

    def test_texts_are_processed_together_as_one_by_one(self):
        self._inbound("First text")  # Jane's chat exists, Paul's and the unknown's not yet
        events = (
            self._store("Is my coat ready?")
            | self._store("Thanks", from_=PAUL)
            | self._store("Who is this?", from_=UNKNOWN)
            | self._store("Hello?")
        )
        self.Event._cron_process_events()
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(set(events.mapped("attempts")), {1})
        self.assertTrue(all(events.mapped("processed_date")))

        jane, jane_chat = self._chat(JANE)
        self.assertEqual(
            [(m.author_id, m.body) for m in self._comments(jane_chat)],
            [
                (self.customer_a, Markup("<p>First text</p>")),
                (self.customer_a, Markup("<p>Is my coat ready?</p>")),
                (self.customer_a, Markup("<p>Hello?</p>")),
            ],
        )
        self.assertEqual(jane.unread_count, 3)
        self.assertEqual(jane_chat.channel_member_ids.mapped("message_unread_counter"), [3, 3])
        self.assertTrue(all(jane_chat.channel_member_ids.mapped("is_pinned")))
        self.assertEqual(self._new_messages_on_bus(jane_chat), 3)

        paul, paul_chat = self._chat(PAUL)
        self.assertEqual(paul.partner_id, self.paul)  # linked by its number
        self.assertEqual(paul_chat.name, "Paul Martin · (212) 555-0143")
        self.assertEqual(
            paul_chat.channel_member_ids.partner_id,
            (self.user_associate_a | self.user_store_manager_a).partner_id,
        )
        self.assertEqual(self._comments(paul_chat).author_id, self.paul)
        self.assertEqual(paul.unread_count, 1)
        self.assertTrue(self.paul.clienteling_last_contact_date)
        self.assertEqual(self._new_messages_on_bus(paul_chat), 1)

        unknown, unknown_chat = self._chat(UNKNOWN)
        self.assertFalse(unknown.partner_id)
        message = self._comments(unknown_chat)
        self.assertEqual((message.author_id.id, message.email_from), (False, UNKNOWN))

        texts = (jane | paul | unknown).sms_message_ids
        self.assertEqual(len(texts), 5)
        self.assertEqual(set(texts.mapped("state")), {"received"})
        self.assertEqual(
            texts.mail_message_id,
            (jane_chat | paul_chat | unknown_chat).message_ids.filtered(
                lambda m: m.message_type == "comment"
            ),
        )

    def test_a_keyword_among_texts_is_handled_in_its_place(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        with mock_sms_provider() as provider:
            self._store("Hello")
            stop = self._store("STOP")
            self._store("One more thing")
            self.Event._cron_process_events()
            provider.assertTextSent(JANE, contains="unsubscribed")
        self.assertEqual(conversation.consent_state, "opted_out")
        self.assertEqual(stop.state, "done")
        bodies = self._comments(conversation.channel_id).mapped("body")
        self.assertEqual(bodies[0], Markup("<p>Hello</p>"))
        self.assertEqual(bodies[1], Markup("<p>STOP</p>"))
        self.assertIn("unsubscribed", bodies[2])  # the answer, before the next text
        self.assertEqual(bodies[3], Markup("<p>One more thing</p>"))
        received = conversation.sms_message_ids.filtered(lambda m: m.direction == "inbound")
        self.assertEqual(received.sorted("id").mapped("keyword"), [False, "opt_out", False])

    @mute_logger("odoo.addons.clienteling_sms.models.clienteling_sms_event")
    def test_a_text_that_fails_is_retried_alone(self):
        Conversation = type(self.Conversation)
        original = Conversation._on_inbound_text

        def hook(conversation, sms_message):
            if sms_message.body == "Boom":
                raise ValueError("The store's hook failed")
            return original(conversation, sms_message)

        first = self._store("Before")
        failing = self._store("Boom", from_=PAUL)
        last = self._store("After")
        with patch.object(Conversation, "_on_inbound_text", hook):
            self.Event._cron_process_events()
        self.assertEqual((first | last).mapped("state"), ["done", "done"])
        self.assertEqual((failing.state, failing.error), ("failed", "The store's hook failed"))
        self.assertTrue(failing.next_retry_date)
        # the texts processed together were rolled back, then posted once each
        jane, jane_chat = self._chat(JANE)
        self.assertEqual(
            self._comments(jane_chat).mapped("body"),
            [Markup("<p>Before</p>"), Markup("<p>After</p>")],
        )
        self.assertEqual(jane.unread_count, 2)
        self.assertEqual(len(jane.sms_message_ids), 2)
        # nothing on the bus for what was rolled back
        self.assertEqual(self._new_messages_on_bus(jane_chat), 2)
        paul, paul_chat = self._chat(PAUL)
        self.assertFalse(paul.sms_message_ids)
        self.assertFalse(self._comments(paul_chat))

    def test_lookups_are_batched(self):
        """A cron run does a few queries per text, not a few dozen (the lookups
        are done once per run, the chats' members and names once per chat)."""
        senders = [f"+1212555{2000 + i:04d}" for i in range(6)]
        for sender in senders:
            self._store("Hello", from_=sender)
        self.Event._cron_process_events()  # the chats exist

        def queries_for(texts):
            for index in range(texts):
                self._store(f"Text {index}", from_=senders[index % len(senders)])
            self.env.flush_all()
            before = self.cr.sql_log_count
            self.Event._cron_process_events()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        few, many = queries_for(6), queries_for(18)
        # about one per text here, a few more per text for the store's inbox when
        # clienteling_engage_sms is installed; dozens when each text was posted alone
        self.assertLessEqual(many - few, 8 * 12, f"{few} queries for 6 texts, {many} for 18")
