from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClientelingSmsCase, mock_sms_provider

DAY = "2026-07-01 16:00:00"  # 12:00 in New York
NIGHT = "2026-07-02 02:00:00"  # 22:00 in New York


@tagged("post_install", "-at_install", "clienteling_sms")
class TestSending(ClientelingSmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write({"quiet_hours_start": 8, "quiet_hours_end": 20})

    @freeze_time(DAY)
    def test_without_consent_only_the_opt_in_message_goes(self):
        conversation = self._conversation()
        self.assertEqual(conversation.consent_state, "none")
        with self.assertRaisesRegex(UserError, "has not opted in"):
            conversation._send_message("Hi Jane, new arrivals!")
        opt_in = conversation._render_opt_in(self.employee_a)
        self.assertIn("Hi Jane, this is Ann from Test Fifth Avenue", opt_in)
        message = conversation.with_user(self.user_associate_a)._send_message(opt_in)
        self.assertEqual(message.state, "delivered")  # the sandbox delivers at once
        self.assertTrue(message.is_opt_in_request)
        self.assertTrue(message.provider_sid.startswith("SM"))
        conversation.invalidate_recordset()
        self.assertEqual(conversation.consent_state, "pending")
        ledger = self.env["clienteling.consent"].search([("address", "=", "+12125550142")])
        self.assertEqual(
            (ledger.state, ledger.wording, ledger.employee_id),
            ("pending", opt_in.strip(), self.employee_a),
        )
        # still pending: nothing but the opt-in message again
        with self.assertRaisesRegex(UserError, "has not opted in"):
            conversation._send_message("Are you there?")
        self.assertEqual(len(self._outbound(conversation)), 1)

    @freeze_time(DAY)
    def test_a_text_is_the_first_reply_to_the_customer_s_open_requests(self):
        conversation = self._conversation()
        Request = self.env["clienteling.service.request"]
        request = Request.create(
            {
                "store_id": conversation.store_id.id,
                "source": "widget",
                "customer_name": "Jane Doe",
                "mobile": conversation.customer_number,
                "preferred_channel": "text",
            }
        )
        other_store = Request.create(
            {
                "store_id": self.store_b.id,
                "source": "widget",
                "customer_name": "Jane Doe",
                "mobile": conversation.customer_number,
                "preferred_channel": "text",
            }
        )
        message = conversation.with_user(self.user_associate_a)._send_message(
            conversation._render_opt_in(self.employee_a)
        )
        self.assertEqual(request.first_reply_date, message.create_date)
        self.assertFalse(other_store.first_reply_date)

    @freeze_time(DAY)
    def test_opted_in_customer_receives_texts_everywhere_they_should(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        message = conversation.with_user(self.user_associate_a)._send_message(
            "Your coat is ready ✨"
        )
        self.assertEqual(message.state, "delivered")
        self.assertEqual(message.employee_id, self.employee_a)
        self.assertEqual(message.segment_count, 1)
        chatter = conversation._text_messages()
        self.assertEqual(message.mail_message_id, chatter[0])
        self.assertEqual(chatter[0].model, "discuss.channel")
        self.assertIn("Your coat is ready", chatter[0].body)
        self.assertEqual(chatter[0].author_id, self.user_associate_a.partner_id)
        # the text stays in the conversation: not in the customer's chatter
        self.assertNotIn("Your coat is ready", str(self.customer_a.message_ids.mapped("body")))
        self.assertEqual(self.customer_a.clienteling_last_contact_date, datetime(2026, 7, 1, 16, 0))
        row = self.customer_a.clienteling_contact_ids
        self.assertEqual(
            (row.employee_id, row.last_channel, row.last_direction),
            (self.employee_a, "sms", "outbound"),
        )

    @freeze_time(DAY)
    def test_opted_out_customer_receives_nothing(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        conversation._record_consent("opted_out", "keyword", "STOP")
        with mock_sms_provider() as texts:
            with self.assertRaisesRegex(UserError, "opted out"):
                conversation._send_message("Hi Jane")
            with self.assertRaisesRegex(UserError, "opted out"):
                conversation._send_message(conversation._render_opt_in(self.employee_a))
        self.assertFalse(self._outbound(conversation))
        texts.assertNoTextSent()

    @freeze_time(DAY)
    def test_empty_message_and_released_number_refused(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        with self.assertRaisesRegex(UserError, "Write a message"):
            conversation._send_message("   ")
        self.number_a.action_release()
        with self.assertRaisesRegex(UserError, "no longer in service"):
            conversation._send_message("Hello")

    def test_quiet_hours_schedule_then_cron_sends(self):
        with freeze_time(NIGHT):
            conversation = self._conversation()
            self._opt_in(conversation)
            message = conversation._send_message("New arrivals tomorrow!")
            self.assertEqual(message.state, "scheduled")
            self.assertEqual(message.scheduled_date, datetime(2026, 7, 2, 12, 0))  # 08:00 New York
            self.assertFalse(message.provider_sid)
            self.assertEqual(self.env["clienteling.sms.message"]._cron_send_scheduled(), 0)
        with freeze_time("2026-07-02 12:01:00"):
            self.assertEqual(self.env["clienteling.sms.message"]._cron_send_scheduled(), 1)
            self.assertEqual(message.state, "delivered")
            self.assertTrue(message.provider_sid)

    def test_scheduled_message_canceled_or_sent_now(self):
        with freeze_time(NIGHT):
            conversation = self._conversation()
            self._opt_in(conversation)
            first = conversation._send_message("First")
            second = conversation._send_message("Second")
            first.action_cancel()
            self.assertEqual(first.state, "canceled")
            second.action_send_now()
            self.assertEqual(second.state, "delivered")
            with self.assertRaisesRegex(UserError, "Only scheduled"):
                second.action_cancel()
        with freeze_time("2026-07-02 12:01:00"):
            self.env["clienteling.sms.message"]._cron_send_scheduled()
            self.assertEqual(first.state, "canceled")

    def test_opt_out_while_scheduled_cancels_at_sending_time(self):
        with freeze_time(NIGHT):
            conversation = self._conversation()
            self._opt_in(conversation)
            message = conversation._send_message("Tomorrow's offer")
            self._inbound("STOP")
        with freeze_time("2026-07-02 12:01:00"):
            self.env["clienteling.sms.message"]._cron_send_scheduled()
            self.assertEqual(message.state, "canceled")
            self.assertIn("opted out", message.failure_reason)

    def test_reply_within_the_hour_ignores_quiet_hours(self):
        with freeze_time(NIGHT):
            conversation = self._conversation()
            self._opt_in(conversation)
            self._inbound("Are you open tomorrow?")
        with freeze_time("2026-07-02 02:45:00"):
            self.assertEqual(conversation._send_message("Yes, from 10am!").state, "delivered")
        with freeze_time("2026-07-02 03:05:00"):
            self.assertEqual(conversation._send_message("See you then").state, "scheduled")

    def test_quiet_hours_follow_the_store_time_zone_and_settings(self):
        conversation = self._conversation(self.number_b, self.customer_b)
        self._opt_in(conversation)
        with freeze_time("2026-07-01 19:30:00"):  # 21:30 in Paris
            self.assertEqual(conversation._send_message("Bonsoir").state, "scheduled")
        self.account.quiet_hours_end = 22.0
        with freeze_time("2026-07-01 19:30:00"):
            self.assertEqual(conversation._send_message("Bonsoir").state, "delivered")

    @freeze_time(DAY)
    def test_images_go_as_mms_or_as_links(self):
        image = self.env["ir.attachment"].create(
            {"name": "coat.png", "raw": b"\x89PNG\r\n\x1a\n" + b"0" * 32, "mimetype": "image/png"}
        )
        conversation = self._conversation()
        self._opt_in(conversation)
        message = conversation._send_message("The coat", media=image)
        self.assertEqual(message.body, "The coat")
        self.assertIn("https://shop.example.com/clienteling/sms/media/", message.media_urls)
        # a copy goes with the text, the original stays where it was
        self.assertFalse(image.res_model)
        sent = conversation._text_messages()[0]
        self.assertEqual(len(sent.attachment_ids), 1)
        self.assertNotEqual(sent.attachment_ids, image)
        self.assertEqual(
            (sent.attachment_ids.res_model, sent.attachment_ids.res_id),
            ("discuss.channel", conversation.channel_id.id),
        )
        self.assertIn(f"/clienteling/sms/media/{sent.attachment_ids.id}/", message.media_urls)
        # the Paris number cannot send MMS: the image becomes a signed link in the text
        other = self._conversation(self.number_b, self.customer_b)
        self._opt_in(other)
        image_b = image.copy({"res_model": False, "res_id": False})
        message = other._send_message("Le manteau", media=image_b)
        self.assertFalse(message.media_urls)
        self.assertTrue(
            message.body.startswith("Le manteau\nhttps://shop.example.com/clienteling/sms/media/")
        )
        document = self.env["ir.attachment"].create(
            {"name": "terms.pdf", "raw": b"%PDF-1.4", "mimetype": "application/pdf"}
        )
        with self.assertRaisesRegex(UserError, "not an image"):
            conversation._send_message("Terms", media=document)

    @freeze_time(DAY)
    def test_composer_counts_segments_and_renders_quick_replies(self):
        conversation = self._conversation()
        Composer = self.env["clienteling.sms.composer"].with_user(self.user_associate_a)
        composer = Composer.with_context(default_conversation_id=conversation.id).create({})
        self.assertIn("Reply YES", composer.body)  # no consent yet: the opt-in message
        self._opt_in(conversation)
        reply = self.env["clienteling.quick.reply"].create(
            {
                "name": "Busy",
                "body": "Hi {{ customer.first_name }}, {{ associate.first_name }} here, back soon.",
            }
        )
        composer = (
            self.env["clienteling.sms.composer"]
            .with_user(self.user_associate_a)
            .new({"conversation_id": conversation.id, "quick_reply_id": reply.id})
        )
        composer._onchange_quick_reply_id()
        self.assertEqual(composer.body, "Hi Jane, Ann here, back soon.")
        composer.body = "ç" * 71
        self.assertEqual(
            (composer.encoding, composer.char_count, composer.segment_count), ("UCS-2", 71, 2)
        )
