from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.retry import MAX_ATTEMPTS
from .common import ClientelingSmsCase, mock_sms_provider, simulate_inbound


@tagged("post_install", "-at_install", "clienteling_sms")
class TestInbound(ClientelingSmsCase):
    def _replies(self, conversation):
        return self._outbound(conversation).filtered("is_system_reply").sorted("id")

    def test_message_from_a_known_customer(self):
        event = self._inbound("Hello, is my coat ready?", sid="SMin1")
        self.assertEqual(event.state, "done")
        conversation = self.Conversation.search([("customer_number", "=", "+12125550142")])
        self.assertEqual(conversation.partner_id, self.customer_a)
        self.assertEqual((conversation.store_id, conversation.unread_count), (self.store_a, 1))
        chatter = conversation._text_messages()
        self.assertIn("is my coat ready", chatter.body)
        self.assertEqual(chatter.author_id, self.customer_a)
        self.assertEqual(
            conversation.message_ids.filtered(lambda m: m.message_type == "sms"), chatter.browse()
        )
        # the store's associates are the chat's members: each has one unread text
        channel = conversation.channel_id
        self.assertEqual(
            (channel.channel_type, channel.clienteling_conversation_id),
            ("clienteling_text", conversation),
        )
        self.assertEqual(
            channel.channel_member_ids.partner_id,
            self.store_a.employee_ids.user_id.partner_id,
        )
        self.assertIn(self.user_associate_a.partner_id, channel.channel_member_ids.partner_id)
        self.assertNotIn(self.user_associate_b.partner_id, channel.channel_member_ids.partner_id)
        self.assertEqual(set(channel.channel_member_ids.mapped("message_unread_counter")), {1})
        # not copied by the conversation into the customer's chatter (all internal users read it)
        self.assertNotIn(
            "Text from the customer",
            str(self.customer_a.message_ids.mapped("body")),
        )
        self.assertFalse(self.customer_a.message_ids.filtered(lambda m: m.message_type == "sms"))
        self.assertTrue(self.customer_a.clienteling_last_contact_date)
        received = conversation.sms_message_ids
        self.assertEqual(
            (received.direction, received.state, received.provider_sid),
            ("inbound", "received", "SMin1"),
        )
        conversation.action_mark_read()
        self.assertEqual(conversation.unread_count, 0)

    def test_personal_number_goes_to_its_associate(self):
        self._inbound("Hi Ann", to="+12125550171")
        conversation = self.Conversation.search([("phone_number_id", "=", self.number_personal.id)])
        self.assertEqual(conversation.employee_id, self.employee_a)
        self.assertEqual(
            conversation.channel_id.channel_member_ids.partner_id,
            self.user_associate_a.partner_id,
        )
        self.assertEqual(self.customer_a.clienteling_contact_ids.employee_id, self.employee_a)

    def test_yes_opts_in_once_and_confirms_once(self):
        with mock_sms_provider() as texts:
            simulate_inbound(self.number_a, "+12125550142", " Yes! ")
            conversation = self._conversation()
            self.assertEqual(conversation.consent_state, "opted_in")
            simulate_inbound(self.number_a, "+12125550142", "YES")
        replies = self._replies(conversation)
        self.assertEqual(len(replies), 1)
        self.assertIn("subscribed to texts from Test Fifth Avenue", replies.body)
        texts.assertTextSent("+12125550142", body=replies.body, from_number="+12125550170")
        self.assertEqual(len(texts.texts), 1)  # confirmed once
        ledger = self.env["clienteling.consent"].search(
            [("address", "=", "+12125550142")], order="id"
        )
        self.assertEqual(ledger.mapped("state"), ["opted_in", "opted_in"])
        self.assertEqual(ledger[0].wording, " Yes! ")
        self.assertEqual(ledger[0].source, "keyword")
        self.assertTrue(ledger[0].reference.startswith("SM"))

    def test_stop_blocks_everything_after_one_confirmation(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        with mock_sms_provider() as texts:
            simulate_inbound(self.number_a, "+12125550142", "Stop.")
            self.assertEqual(conversation.consent_state, "opted_out")
            replies = self._replies(conversation)
            self.assertEqual(len(replies), 1)
            self.assertIn("unsubscribed", replies.body)
            texts.assertTextSent("+12125550142", contains="unsubscribed")
            self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+12125550142")]))
            texts.reset()
            simulate_inbound(self.number_a, "+12125550142", "STOP")
            simulate_inbound(self.number_a, "+12125550142", "unsubscribe")
            self.assertEqual(len(self._replies(conversation)), 1)  # then nothing
            with self.assertRaisesRegex(UserError, "opted out"):
                conversation._send_message("Hello?")
        texts.assertNoTextSent("+12125550142")
        # START opts in again
        self._inbound("start")
        self.assertEqual(conversation.consent_state, "opted_in")
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+12125550142")]))

    def test_every_opt_out_keyword_and_french(self):
        for index, word in enumerate(
            ["STOPALL", "unsubscribe", "Cancel", "END", "quit", "REVOKE", "OPTOUT", "Arrêt"]
        ):
            with self.subTest(word=word):
                number = f"+1212555{index + 300:04d}"
                self._inbound("YES", from_=number)
                self._inbound(word, from_=number)
                conversation = self.Conversation.search([("customer_number", "=", number)])
                self.assertEqual(conversation.consent_state, "opted_out")
        self._inbound("OUI", from_="06 12 34 56 99", to="+33612345670")
        conversation = self.Conversation.search([("phone_number_id", "=", self.number_b.id)])
        self.assertEqual(conversation.consent_state, "opted_in")
        self.assertEqual(conversation.customer_number, "+33612345699")

    def test_sentences_are_not_keywords(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        self._inbound("stop by the store later?")
        self.assertEqual(conversation.consent_state, "opted_in")
        self.assertFalse(self._replies(conversation))

    def test_help_answers_with_the_store_details(self):
        self._inbound("help")
        conversation = self._conversation()
        reply = self._replies(conversation)
        self.assertIn("Test Fifth Avenue", reply.body)
        # the landline as the store's customers dial it, placeholders all filled
        self.assertIn("(212) 555-0199", reply.body)
        self.assertNotIn("{", reply.body)
        # a reply still written the former way renders too
        self.account.help_reply = "{store}: call {landline}."
        self._inbound("help")
        self.assertIn(
            "Test Fifth Avenue: call (212) 555-0199.", self._replies(conversation)[-1].body
        )
        self.assertEqual(conversation.consent_state, "none")

    def test_keyword_lists_per_company(self):
        self.account.opt_in_keywords = "YES, JA"
        self._inbound("ja")
        self.assertEqual(self._conversation().consent_state, "opted_in")
        with self.assertRaisesRegex(UserError, "STOP must stay"):
            self.account.opt_out_keywords = "CANCEL"
        with self.assertRaisesRegex(UserError, "at least one word"):
            self.account.help_keywords = " , "

    def test_unknown_sender_waits_for_add_to_contacts(self):
        self._inbound("Do you have the blue coat in M?", from_="+12125550999")
        conversation = self.Conversation.search([("customer_number", "=", "+12125550999")])
        self.assertFalse(conversation.partner_id)
        self.assertEqual(conversation.display_name, "+12125550999 · Test Fifth Avenue")
        link = self.env["clienteling.conversation.link"].with_user(self.user_associate_a)
        with self.assertRaisesRegex(UserError, "name"):
            link.create(
                {"conversation_id": conversation.id, "mode": "create", "name": " "}
            ).action_link()
        link.create(
            {"conversation_id": conversation.id, "mode": "create", "name": "Blue Coat Lady"}
        ).action_link()
        partner = conversation.partner_id
        self.assertEqual(
            (partner.name, partner.phone_sanitized), ("Blue Coat Lady", "+12125550999")
        )
        self.assertEqual(partner.clienteling_store_id, self.store_a)
        # her next text is matched
        self._inbound("Thanks!", from_="+12125550999")
        self.assertEqual(conversation._text_messages()[0].author_id, partner)

    def test_add_the_number_to_an_existing_contact_and_search(self):
        self._inbound("Hi, it's Mia", from_="+12125550998")
        conversation = self.Conversation.search([("customer_number", "=", "+12125550998")])
        mia = self.env["res.partner"].create(
            {"name": "Mia Miller", "phone": "+1 212 555 0100", "mobile": "+1 212 555 0101"}
        )
        Link = self.env["clienteling.conversation.link"].with_user(self.user_associate_a)
        with self.assertRaisesRegex(UserError, "already has a mobile and a phone"):
            Link.create(
                {"conversation_id": conversation.id, "mode": "add_number", "partner_id": mia.id}
            ).action_link()
        mia.phone = False
        by_name = Link.create(
            {"conversation_id": conversation.id, "mode": "search_name", "search_name": "mia mil"}
        )
        self.assertIn(mia, by_name.candidate_ids)
        Link.create(
            {"conversation_id": conversation.id, "mode": "add_number", "partner_id": mia.id}
        ).action_link()
        self.assertEqual(conversation.partner_id, mia)
        by_number = Link.create({"conversation_id": conversation.id, "mode": "search_number"})
        self.assertIn(mia, by_number.candidate_ids)

    def test_number_shared_by_several_customers_links_to_none(self):
        self.env["res.partner"].create({"name": "Jane's husband", "mobile": "+1 212 555 0142"})
        self._inbound("Hi it's us")
        conversation = self.Conversation.search([("customer_number", "=", "+12125550142")])
        self.assertFalse(conversation.partner_id)
        self.assertTrue(conversation.shared_number)

    def test_replayed_webhook_is_processed_once(self):
        first = self._inbound("Hello", sid="SMreplay")
        second = self._inbound("Hello", sid="SMreplay")
        self.assertTrue(first)
        self.assertFalse(second)
        conversation = self._conversation()
        self.assertEqual(len(conversation.sms_message_ids), 1)
        self.assertEqual(conversation.unread_count, 1)

    @mute_logger("odoo.addons.clienteling_sms.models.clienteling_sms_event")
    def test_failed_processing_is_kept_for_retry(self):
        with freeze_time("2026-07-01 12:00:00"):
            event = self._inbound("Hello", to="+12125550177")  # not one of our numbers (yet)
            self.assertEqual(event.state, "failed")
            self.assertIn("No clienteling number", event.error)
            self.assertIn('"Body": "Hello"', event.payload)
            self.assertEqual(event.next_retry_date, datetime(2026, 7, 1, 12, 1))
            self.assertEqual(self.Event._cron_process_events(), 0)  # not due yet
        number = self.env["clienteling.phone.number"].create(
            {"number": "+12125550177", "account_id": self.account.id}
        )
        number._assign(employee=self.employee_b)
        with freeze_time("2026-07-01 12:01:00"):
            self.assertEqual(self.Event._cron_process_events(), 1)
        self.assertEqual(event.state, "done")
        self.assertEqual(event.attempts, 2)
        self.assertFalse(event.next_retry_date)

    def test_status_callbacks_move_forward_only(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        message = conversation._send_message("Hello")
        message.state = "queued"  # a real provider answers "queued" first
        status = {
            "MessageSid": message.provider_sid,
            "AccountSid": self.account._provider_account_ref(),
        }
        self.Event._receive("status", self.account, dict(status, MessageStatus="sent"))
        self.assertEqual(message.state, "sent")
        self.Event._receive(
            "status", self.account, dict(status, MessageStatus="undelivered", ErrorCode="30003")
        )
        self.assertEqual(message.state, "undelivered")
        self.assertIn("unreachable", message.failure_reason)
        self.Event._receive(
            "status", self.account, dict(status, MessageStatus="queued")
        )  # late, out of order
        self.assertEqual(message.state, "undelivered")
        unknown = self.Event._receive(
            "status", self.account, {"MessageSid": "SMunknown", "MessageStatus": "delivered"}
        )
        self.assertEqual(unknown.state, "done")

    def test_a_stop_waiting_for_the_cron_holds_before_any_send(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        params = {
            "MessageSid": "SMwaiting",
            "AccountSid": self.account._provider_account_ref(),
            "From": "+1 212 555 0142",
            "To": "+12125550170",
            "Body": "STOP",
        }
        event = self.Event.sudo()._receive("inbound", self.account, params, process=False)
        self.assertEqual(event.state, "pending")
        with self.assertRaisesRegex(UserError, "opted out"):
            conversation._send_message("Hello")
        self.assertFalse(self._outbound(conversation))
        # the refused request rolled back; the cron records the opt-out for good
        self.assertEqual(event.state, "pending")
        self.assertEqual(self.Event._cron_process_events(), 1)
        self.assertEqual(conversation.consent_state, "opted_out")


@tagged("post_install", "-at_install", "clienteling_sms")
class TestShortCodesAndRetries(ClientelingSmsCase):
    def _conversation_of(self, sender):
        return self.Conversation.search([("customer_number", "=", sender)])

    def test_short_codes_and_sender_names_are_kept_never_fail(self):
        for sender, body in (
            ("72345", "Your verification code is 1234"),
            ("ACME", "Carrier notice: your plan renews"),
            ("72345", "STOP"),
            ("ACME", "HELP"),
        ):
            with self.subTest(sender=sender, body=body):
                event = self._inbound(body, from_=sender)
                self.assertEqual((event.state, event.error), ("done", False))
        for sender in ("72345", "ACME"):
            conversation = self._conversation_of(sender)
            self.assertEqual(len(conversation), 1)
            self.assertFalse(conversation.can_reply)
            self.assertEqual(conversation.consent_state, "none")
            self.assertEqual(len(conversation.sms_message_ids), 2)
            self.assertFalse(conversation.sms_message_ids.filtered("keyword"))
            self.assertFalse(self._outbound(conversation))  # no STOP/HELP answer
            self.assertEqual(conversation.unread_count, 2)
            with self.assertRaisesRegex(UserError, "cannot be texted back"):
                conversation._send_message("Hello?")
        self.assertIn(
            "Carrier notice", self._conversation_of("ACME")._text_messages().mapped("body")[-1]
        )
        self.assertFalse(
            self.env["clienteling.consent"].search([("address", "in", ("72345", "ACME"))])
        )

    def test_keywords_act_for_numbers_that_can_be_texted_back(self):
        self._inbound("STOP", from_="+12125550142")
        self.assertEqual(self._conversation().consent_state, "opted_out")

    @mute_logger("odoo.addons.clienteling_sms.models.clienteling_sms_event")
    def test_failed_events_back_off_then_wait_for_a_person(self):
        start = datetime(2026, 7, 1, 12, 0)
        with freeze_time(start):
            event = self._inbound("Hello", to="+12125550177")  # not (yet) one of our numbers
        self.assertEqual((event.state, event.attempts), ("failed", 1))
        cron = self.env.ref("clienteling_sms.ir_cron_process_events")
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", "=", datetime(2026, 7, 1, 12, 1))]
            )
        )
        waited = 0
        delays = []
        for attempt in range(2, MAX_ATTEMPTS + 1):
            delay = (event.next_retry_date - start).total_seconds() / 60 - waited
            delays.append(delay)
            with freeze_time(event.next_retry_date - timedelta(seconds=1)):
                self.assertEqual(self.Event._cron_process_events(), 0)  # not due yet
            with freeze_time(event.next_retry_date):
                waited += delay
                self.assertEqual(self.Event._cron_process_events(), 1)
            self.assertEqual(event.attempts, attempt)
        self.assertEqual(delays, [2**n for n in range(MAX_ATTEMPTS - 1)])  # 1, 2, 4 ... minutes
        # given up: left to a person, with the reason
        self.assertEqual(event.state, "abandoned")
        self.assertFalse(event.next_retry_date)
        self.assertIn("No clienteling number +12125550177", event.error)
        with freeze_time(start + timedelta(days=30)):
            self.assertEqual(self.Event._cron_process_events(), 0)
        # the person fixes the cause and retries
        number = self.env["clienteling.phone.number"].create(
            {"number": "+12125550177", "account_id": self.account.id}
        )
        number._assign(employee=self.employee_b)
        event.with_user(self.user_manager).action_retry()
        self.assertEqual((event.state, event.error), ("done", False))
