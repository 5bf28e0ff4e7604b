from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time
from markupsafe import Markup

from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import tagged

from odoo.addons.mail.tools.discuss import Store

from .common import ClientelingSmsCase, mock_sms_provider

DAY = datetime(2026, 7, 1, 16, 0)  # 12:00 in New York: texts go at once
NIGHT = datetime(2026, 7, 2, 3, 0)  # 23:00 in New York: texts wait for the morning


@tagged("post_install", "-at_install", "clienteling_sms")
class TestTextsInDiscuss(ClientelingSmsCase):
    """Conversations are Discuss channels of their own type: the store's
    associates are members, the customer's texts notify them, and writing in
    the chat sends a text under every consent and quiet-hours rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write({"quiet_hours_start": 8, "quiet_hours_end": 20})

    def _chat_of(self, customer_number="+12125550142"):
        return self.Conversation.search([("customer_number", "=", customer_number)]).channel_id

    def _write_in_chat(self, channel, user, body, **kwargs):
        """What Discuss's composer does: post a comment in the channel as ``user``."""
        return (
            self.env["discuss.channel"]
            .with_user(user)
            .browse(channel.id)
            .message_post(
                body=Markup("<p>%s</p>") % body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                **kwargs,
            )
        )

    @freeze_time(DAY)
    def test_customer_text_lands_in_the_store_chat_and_notifies_its_members(self):
        Channel = type(self.env["discuss.channel"])
        sent_on_bus = []
        original = Channel._bus_send

        def record(channel, notification_type, message, **kwargs):
            sent_on_bus.append((channel.id, notification_type))
            return original(channel, notification_type, message, **kwargs)

        with patch.object(Channel, "_bus_send", record):
            self._inbound("Is my coat ready?")
        channel = self._chat_of()
        self.assertEqual(channel.channel_type, "clienteling_text")
        # the number as the store's country writes it
        self.assertEqual(channel.name, "Jane Doe · (212) 555-0142")
        members = channel.channel_member_ids
        self.assertEqual(
            members.partner_id,
            (self.user_associate_a | self.user_store_manager_a).partner_id,
        )
        self.assertEqual(members.mapped("message_unread_counter"), [1, 1])
        self.assertTrue(all(members.mapped("is_pinned")))
        message = channel.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(
            (message.author_id, message.body), (self.customer_a, Markup("<p>Is my coat ready?</p>"))
        )
        # the store's open Discuss windows get the message on the bus
        self.assertIn((channel.id, "discuss.channel/new_message"), sent_on_bus)
        # a second text goes to the same chat
        self._inbound("Hello?")
        self.assertEqual(self._chat_of(), channel)
        self.assertEqual(channel.channel_member_ids.mapped("message_unread_counter"), [2, 2])

    @freeze_time(DAY)
    def test_only_the_store_reads_and_joins_its_chats(self):
        self._inbound("Is my coat ready?")
        channel = self._chat_of()
        Channel = self.env["discuss.channel"]
        # another store's associate sees neither the chat nor its texts
        self.assertFalse(Channel.with_user(self.user_associate_b).search([("id", "=", channel.id)]))
        with self.assertRaises(AccessError):
            Channel.with_user(self.user_associate_b).browse(channel.id).read(["name"])
        with self.assertRaises(AccessError):
            self._write_in_chat(channel, self.user_associate_b, "Hi")
        with self.assertRaises(AccessError):
            Channel.with_user(self.user_associate_b).browse(channel.id).channel_join()
        with self.assertRaises(AccessError):
            self.env["discuss.channel.member"].with_user(self.user_associate_b).create(
                {"channel_id": channel.id, "partner_id": self.user_associate_b.partner_id.id}
            )
        # a member cannot slip a message into the chat that was not texted
        member_channel = Channel.with_user(self.user_associate_a).browse(channel.id)
        with mock_sms_provider() as texts:
            with self.assertRaisesRegex(RedirectWarning, "has not opted in"):
                member_channel.with_context(clienteling_text_post=True).message_post(
                    body="Not a text", message_type="comment"
                )
            with self.assertRaisesRegex(UserError, "Only texts"):
                member_channel.message_post(body="Not a text", message_type="sms")
            texts.assertNoTextSent()
        self.assertNotIn("Not a text", str(channel.message_ids.mapped("body")))
        # a member cannot invite someone who may not read the customer's texts
        with self.assertRaisesRegex(UserError, "Bea Associate"):
            Channel.with_user(self.user_associate_a).browse(channel.id).add_members(
                partner_ids=self.user_associate_b.partner_id.ids
            )
        # the Clienteling administrator joins by opening it from the conversation
        conversation = channel.clienteling_conversation_id
        action = conversation.with_user(self.user_manager).action_open_chat()
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{channel.id}")
        self.assertIn(self.user_manager.partner_id, channel.channel_member_ids.partner_id)
        # but not another store's associate, through the conversation either
        with self.assertRaises(AccessError):
            conversation.with_user(self.user_associate_b).action_open_chat()

    @freeze_time(DAY)
    def test_an_associate_who_moves_store_leaves_its_chats(self):
        self._inbound("Is my coat ready?")
        channel = self._chat_of()
        self.employee_a.clienteling_store_id = self.store_b
        self.assertNotIn(self.user_associate_a.partner_id, channel.channel_member_ids.partner_id)
        self.assertIn(self.user_store_manager_a.partner_id, channel.channel_member_ids.partner_id)
        # and joins the new store's chats at their next text
        self._inbound("Bonjour", from_="+33612345678", to=self.number_b.number)
        self.assertIn(
            self.user_associate_a.partner_id,
            self._chat_of("+33612345678").channel_member_ids.partner_id,
        )

    @freeze_time(DAY)
    def test_writing_in_the_chat_sends_a_text(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        channel = conversation._get_channel()
        with mock_sms_provider() as texts:
            message = self._write_in_chat(channel, self.user_associate_a, "Your coat is ready")
        texts.assertTextSent("+12125550142", "Your coat is ready")
        sent = self._outbound(conversation)
        self.assertEqual((sent.mail_message_id, sent.employee_id), (message, self.employee_a))
        self.assertEqual((message.model, message.res_id), ("discuss.channel", channel.id))
        self.assertEqual(message.author_id, self.user_associate_a.partner_id)
        # stored once: one chat message for one text
        self.assertEqual(
            len(channel.message_ids.filtered(lambda m: m.message_type == "comment")), 1
        )
        self.assertEqual(self.customer_a.clienteling_last_contact_date, DAY)
        # the bubble carries its delivery state
        data = Store(message, for_current_user=True).get_result()
        state = next(m for m in data["mail.message"] if m["id"] == message.id)["clienteling_text"]
        self.assertEqual((state["state"], state["direction"]), (sent.state, "outbound"))
        self.assertIn(sent.state, ("queued", "sent"))
        sent._apply_status("undelivered", error_code="30005")
        data = Store(message).get_result()
        state = next(m for m in data["mail.message"] if m["id"] == message.id)["clienteling_text"]
        self.assertEqual(state["state"], "undelivered")
        self.assertTrue(state["reason"])

    @freeze_time(DAY)
    def test_quick_replies_are_filled_for_the_customer_when_sent(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        channel = conversation._get_channel()
        reply = self.env["clienteling.quick.reply"].create(
            {
                "name": "Coat Ready",
                "body": "Hi {{ customer.first_name }}, your coat is at {{ store.name }}.",
            }
        )
        canned = (
            self.env["mail.canned.response"]
            .with_user(self.user_associate_a)
            .search([("clienteling_quick_reply_id", "=", reply.id)])
        )
        self.assertEqual(canned.mapped("source"), ["coat-ready"])
        self.assertEqual(canned.substitution, reply.body)
        with mock_sms_provider() as texts:
            self._write_in_chat(channel, self.user_associate_a, canned.substitution)
        texts.assertTextSent("+12125550142", f"Hi Jane, your coat is at {self.store_a.name}.")
        # edited and archived quick replies follow
        reply.body = "Hello {{ customer.first_name }}"
        canned = self.env["mail.canned.response"].search(
            [("clienteling_quick_reply_id", "=", reply.id)]
        )
        self.assertEqual(canned.substitution, "Hello {{ customer.first_name }}")
        reply.active = False
        self.assertFalse(
            self.env["mail.canned.response"].search([("clienteling_quick_reply_id", "=", reply.id)])
        )

    @freeze_time(DAY)
    def test_what_cannot_be_sent_is_refused_with_the_reason(self):
        conversation = self._conversation()
        channel = conversation._get_channel()
        with mock_sms_provider() as texts:
            # not opted in: the reason, and the opt-in message offered
            with self.assertRaisesRegex(RedirectWarning, "has not opted in") as caught:
                self._write_in_chat(channel, self.user_associate_a, "Your coat is ready")
            action = caught.exception.args[1]
            self.assertEqual(action["res_model"], "clienteling.sms.composer")
            self.assertEqual(action["context"]["default_conversation_id"], conversation.id)
            # the opt-in message itself goes
            self._write_in_chat(
                channel, self.user_associate_a, conversation._render_opt_in(self.employee_a)
            )
            self.assertEqual(len(texts.texts), 1)
            # opted out: refused, nothing sent, nothing logged in the chat
            conversation._record_consent("opted_out", "keyword", "STOP")
            with self.assertRaisesRegex(UserError, "opted out"):
                self._write_in_chat(channel, self.user_associate_a, "Still there?")
            self.assertEqual(len(texts.texts), 1)
        self.assertNotIn("Still there?", str(channel.message_ids.mapped("body")))
        # an empty message is refused too
        self._opt_in(conversation)
        with self.assertRaisesRegex(UserError, "Write a message"):
            self._write_in_chat(channel, self.user_associate_a, "")

    @freeze_time(NIGHT)
    def test_texts_held_by_quiet_hours_show_as_scheduled(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        channel = conversation._get_channel()
        last_contact = self.customer_a.clienteling_last_contact_date
        with mock_sms_provider() as texts:
            message = self._write_in_chat(channel, self.user_associate_a, "New arrivals tomorrow")
            texts.assertNoTextSent()
        sent = self._outbound(conversation)
        self.assertEqual(sent.state, "scheduled")
        data = Store(message).get_result()
        state = next(m for m in data["mail.message"] if m["id"] == message.id)["clienteling_text"]
        self.assertEqual(state["state"], "scheduled")
        self.assertTrue(state["scheduled_date"])
        # not a contact until it is sent
        self.assertEqual(self.customer_a.clienteling_last_contact_date, last_contact)
        # another store's associate can neither send nor cancel it
        with self.assertRaises(AccessError):
            sent.with_user(self.user_associate_b).action_send_now()
        with mock_sms_provider() as texts:
            sent.with_user(self.user_associate_a).action_send_now()
            texts.assertTextSent("+12125550142", "New arrivals tomorrow")
        self.assertEqual(sent.state, "queued")
        self.assertEqual(self.customer_a.clienteling_last_contact_date, NIGHT)

    def _read_chat(self, channel, user):
        """``user`` reads the chat up to its last message, as Discuss does."""
        member = channel.channel_member_ids.filtered(lambda m: m.partner_id == user.partner_id)
        member.with_user(user)._mark_as_read(max(channel.message_ids.ids))

    @freeze_time(DAY)
    def test_quiet_chats_are_unpinned_and_come_back_with_a_text(self):
        self._inbound("Is my coat ready?")
        channel = self._chat_of()
        self.assertEqual(self.Conversation._cron_unpin_quiet_chats(), 0)
        with freeze_time(datetime(2026, 8, 15)):
            # nobody read it: it stays in their sidebar
            self.assertEqual(self.Conversation._cron_unpin_quiet_chats(), 0)
            self._read_chat(channel, self.user_associate_a)
            self._read_chat(channel, self.user_store_manager_a)
            self.assertEqual(self.Conversation._cron_unpin_quiet_chats(), 2)
            self.assertFalse(any(channel.channel_member_ids.mapped("is_pinned")))
            self._inbound("Back again")
            self.assertTrue(all(channel.channel_member_ids.mapped("is_pinned")))

    @freeze_time(DAY)
    def test_images_from_the_chat_go_with_the_text(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        channel = conversation._get_channel()
        Attachment = self.env["ir.attachment"].with_user(self.user_associate_a)
        # what Discuss's composer uploads: an attachment of the chat
        image = Attachment.create(
            {
                "name": "coat.png",
                "raw": b"\x89PNG\r\n\x1a\nDATA",
                "mimetype": "image/png",
                "res_model": "discuss.channel",
                "res_id": channel.id,
            }
        )
        with mock_sms_provider() as texts:
            message = self._write_in_chat(
                channel, self.user_associate_a, "The coat", attachment_ids=image.ids
            )
        sent = texts.assertTextSent("+12125550142", "The coat")[0]
        self.assertEqual(len(sent.media_urls), 1)
        self.assertIn(f"/clienteling/sms/media/{image.id}/", sent.media_urls[0])
        self.assertEqual(message.attachment_ids, image)
        # anything but an image is refused, and nothing is sent
        document = Attachment.create(
            {
                "name": "terms.pdf",
                "raw": b"%PDF-1.4",
                "mimetype": "application/pdf",
                "res_model": "discuss.channel",
                "res_id": channel.id,
            }
        )
        with mock_sms_provider() as texts, self.assertRaisesRegex(UserError, "not an image"):
            self._write_in_chat(
                channel, self.user_associate_a, "Terms", attachment_ids=document.ids
            )
        texts.assertNoTextSent()

    def test_discuss_loads_the_recent_and_unread_chats_only(self):
        """An associate in many chats: Discuss loads (channels as member) their 50
        most recent, today's and the unread ones; the others are found by search
        and a new text brings its chat back."""
        numbers = [f"+1212555{2000 + i:04d}" for i in range(61)]
        with freeze_time(datetime(2026, 4, 1, 16, 0)):
            self._inbound("Hello", from_=numbers[60])  # quiet for 3 months
        for index, number in enumerate(numbers[:55]):  # 3 weeks ago, oldest first
            with freeze_time(datetime(2026, 6, 10, 16, index)):
                self._inbound("Hello", from_=number)
        for index, number in enumerate(numbers[55:60]):  # this morning
            with freeze_time(datetime(2026, 7, 1, 10, index)):
                self._inbound("Hello", from_=number)
        chats = {number: self._chat_of(number) for number in numbers}
        with freeze_time(datetime(2026, 7, 1, 12, 0)):
            for chat in chats.values():
                self._read_chat(chat, self.user_associate_a)
        with freeze_time(datetime(2026, 6, 10, 15, 0)):
            self._inbound("Still there?", from_=numbers[0])  # the oldest, unread
        Channel = self.env["discuss.channel"].with_user(self.user_associate_a)

        def loaded():
            Channel.invalidate_model()
            self.env["discuss.channel.member"].invalidate_model()
            return set(
                Channel._get_channels_as_member().filtered(
                    lambda c: c.channel_type == "clienteling_text"
                )
            )

        self.assertEqual(loaded(), set(chats.values()))  # until the cron passes
        with freeze_time(datetime(2026, 7, 1, 16, 0)):
            self.assertEqual(self.Conversation._cron_unpin_quiet_chats(), 10)
            # this morning's 5, the 45 most recent others, and the unread one
            expected = {chats[n] for n in numbers[10:60]} | {chats[numbers[0]]}
            self.assertEqual(loaded(), expected)
            # the store manager, who read none, keeps them all
            manager_chats = (
                self.env["discuss.channel"]
                .with_user(self.user_store_manager_a)
                ._get_channels_as_member()
                .filtered(lambda c: c.channel_type == "clienteling_text")
            )
            self.assertEqual(set(manager_chats), set(chats.values()))
            # every chat is still the associate's: the others are found by search
            self.assertEqual(
                Channel.search_count(
                    [("channel_type", "=", "clienteling_text"), ("is_member", "=", True)]
                ),
                61,
            )
            # (named with the number as written in the store's country: (212) 555-2001)
            self.assertEqual(Channel.search([("name", "ilike", "555-2001")]), chats[numbers[1]])
            # a new text brings a chat back at once
            self._inbound("Is my order ready?", from_=numbers[1])
            self.assertIn(chats[numbers[1]], loaded())
            # and takes the place of the oldest of the 50 at the next pass
            self.assertEqual(self.Conversation._cron_unpin_quiet_chats(), 1)
            self.assertEqual(loaded(), expected - {chats[numbers[10]]} | {chats[numbers[1]]})
        # their sidebar lists each chat with their own membership only, not the
        # store's twenty others (the member list loads them when opened)
        data = Store(Channel._get_channels_as_member()).get_result()
        text_ids = {chat.id for chat in chats.values()}
        text_members = [
            member
            for member in data["discuss.channel.member"]
            if member["thread"]["id"] in text_ids
        ]
        self.assertEqual(len(text_members), len(loaded()))
        self.assertEqual(
            {member["persona"]["id"] for member in text_members},
            {self.user_associate_a.partner_id.id},
        )
        # another store's associate is in none of them
        other = self.env["discuss.channel"].with_user(self.user_associate_b)
        self.assertFalse(
            other._get_channels_as_member().filtered(lambda c: c.channel_type == "clienteling_text")
        )
