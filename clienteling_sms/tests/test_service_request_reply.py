from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, tagged

from odoo.addons.clienteling.tests.common import BrowserCase
from odoo.addons.mail.tools.discuss import Store

from .common import ClientelingSmsCase, mock_sms_provider
from .twilio_recorder import TwilioRecorder

START = datetime(2030, 3, 2, 15, 0)
MOBILE = "+12125550142"  # customer_a's


@tagged("post_install", "-at_install", "clienteling_sms")
class TestServiceRequestReply(ClientelingSmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # start from no request (the demo data has some)
        cls.env.cr.execute("DELETE FROM clienteling_service_request")
        cls.env.invalidate_all()
        cls.Request = cls.env["clienteling.service.request"]
        cls.card = cls.env.ref("clienteling_sms.mt_service_request_card")

    def request(self, **values):
        return self.Request.create(
            {
                "customer_name": "Jane Doe",
                "mobile": MOBILE,
                "email": "jane.doe@example.com",
                "preferred_channel": "text",
                "store_id": self.store_a.id,
                "source": "storefront",
                "associate_id": self.employee_a.id,
                "kind": "appointment",
                "message": "A fitting for a suit\nSaturday if possible",
                "preferred_date_start": START,
                # received yesterday: the texts of this test come after it
                "received_date": fields.Datetime.now() - timedelta(days=1),
                **values,
            }
        )

    def wizard(self, request, user=None):
        user = user or self.user_associate_a
        action = request.with_user(user).action_reply_by_text()
        self.assertEqual(action["res_model"], "clienteling.service.request.reply")
        return Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))

    def cards(self, conversation):
        channel = conversation.sudo().channel_id
        return self.env["mail.message"].search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", channel.id or 0),
                ("subtype_id", "=", self.card.id),
            ]
        )

    def test_without_a_conversation_only_start_is_offered(self):
        request = self.request()
        with mock_sms_provider() as texts:
            form = self.wizard(request)
            self.assertFalse(form.conversation_id)
            self.assertEqual(form.choice, "new")
            self.assertEqual(
                form.phone_number_id, self.number_personal, "the associate's own number"
            )
            wizard = form.save()
            action = wizard.action_confirm()
        conversation = self.Conversation.search(
            [("phone_number_id", "=", self.number_personal.id), ("customer_number", "=", MOBILE)]
        )
        self.assertEqual(conversation.partner_id, self.customer_a)
        self.assertEqual(action["tag"], "mail.action_discuss")
        self.assertEqual(
            action["params"]["active_id"], f"discuss.channel_{conversation.channel_id.id}"
        )
        self.assertEqual(len(self.cards(conversation)), 1)
        # the preview is the associates' only: nothing went to the customer
        texts.assertNoTextSent()
        self.assertFalse(conversation.sms_message_ids)
        self.assertFalse(request.first_reply_date)

    def test_open_the_existing_conversation(self):
        existing = self._conversation()  # with the store's number
        request = self.request()
        form = self.wizard(request)
        self.assertEqual(form.conversation_id, existing)
        self.assertEqual(form.choice, "existing")
        self.assertTrue(form.can_start_new, "the associate's own number is another conversation")
        with mock_sms_provider() as texts:
            action = form.save().action_confirm()
        texts.assertNoTextSent()
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{existing.channel_id.id}")
        self.assertEqual(len(self.cards(existing)), 1)
        # Reply by Text again on the same request: the chat shows its card once
        self.wizard(request).save().action_confirm()
        self.assertEqual(len(self.cards(existing)), 1)
        self.wizard(self.request()).save().action_confirm()
        self.assertEqual(len(self.cards(existing)), 2, "another request: its own card")
        self.assertEqual(
            self.Conversation.search_count([("customer_number", "=", MOBILE)]), 1, "no other"
        )

    def test_start_a_new_conversation_when_one_exists(self):
        existing = self._conversation()
        request = self.request()
        form = self.wizard(request)
        form.choice = "new"
        action = form.save().action_confirm()
        new = self.Conversation.search(
            [("phone_number_id", "=", self.number_personal.id), ("customer_number", "=", MOBILE)]
        )
        self.assertTrue(new)
        self.assertNotEqual(new, existing)
        self.assertEqual(action["params"]["active_id"], f"discuss.channel_{new.channel_id.id}")
        self.assertEqual(len(self.cards(new)), 1)
        self.assertFalse(self.cards(existing))

    def test_only_open_when_the_existing_conversation_is_the_one_to_start(self):
        existing = self._conversation(number=self.number_personal)
        form = self.wizard(self.request())
        self.assertEqual(form.conversation_id, existing)
        self.assertFalse(form.can_start_new)
        self.assertEqual(form.choice, "existing")

    def test_the_preview_card(self):
        request = self.request()
        self.wizard(request).save().action_confirm()
        conversation = self.Conversation.search([("customer_number", "=", MOBILE)])
        card = self.cards(conversation)
        self.assertEqual(card.message_type, "notification")
        self.assertEqual(card.author_id, self.user_associate_a.partner_id)
        body = str(card.body)
        for expected in (
            "Customer Request: Appointment",
            "Jane Doe",
            "A fitting for a suit<br>Saturday if possible",
            "Preferred Time",
            f"/odoo/clienteling.service.request/{request.id}",
            "o-clienteling-RequestCard-reply",
        ):
            self.assertIn(expected, body)
        if "product_ids" in request._fields:
            self.assertNotIn("Products of Interest", body)
        # Discuss shows it as a card (not a one-line notice), the texts' bubbles
        # are not on it
        data = Store(card.with_user(self.user_associate_a)).get_result()
        message = next(m for m in data["mail.message"] if m["id"] == card.id)
        self.assertTrue(message.get("clienteling_request_card"))
        self.assertNotIn("clienteling_text", message)
        # and it is not a text of the conversation
        self.assertNotIn(card, conversation._text_messages())

    def test_the_preview_never_reaches_twilio(self):
        request = self.request()
        conversation = self._conversation(number=self.number_personal)
        self._opt_in(conversation)
        with TwilioRecorder() as recorder:
            self.account.write(
                {
                    "provider": "twilio",
                    "twilio_account_sid": "AC0013",
                    "twilio_auth_token": "token",
                    "twilio_api_base_url": recorder.url,
                }
            )
            self.wizard(request).save().action_confirm()
            self.assertEqual(len(self.cards(conversation)), 1)
            self.assertFalse(recorder.requests, "the preview is not a text")
            conversation.channel_id.with_user(self.user_associate_a).message_post(
                body="Hi Jane, see you Saturday", message_type="comment"
            )
            sent = [r for r in recorder.requests if r["path"].endswith("/Messages.json")]
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["form"]["Body"], ["Hi Jane, see you Saturday"])
        self.assertEqual(sent[0]["form"]["To"], [MOBILE])

    def test_escaped_in_the_card(self):
        request = self.request(customer_name="<b>Jane</b>", message="<script>alert(1)</script>")
        self.wizard(request).save().action_confirm()
        body = str(self.cards(self.Conversation.search([("customer_number", "=", MOBILE)])).body)
        self.assertNotIn("<script>", body)
        self.assertNotIn("<b>Jane</b>", body)

    def test_the_next_text_is_the_first_reply(self):
        request = self.request()
        conversation = self._conversation(number=self.number_personal)
        self._opt_in(conversation)
        self.wizard(request).save().action_confirm()
        self.assertFalse(request.first_reply_date, "the preview is not a reply")
        self.assertEqual(request.state, "accepted")
        channel = conversation.channel_id
        with mock_sms_provider() as texts:
            chat = channel.with_user(self.user_associate_a).message_post(
                body="Hi Jane, Saturday 3pm works!", message_type="comment"
            )
        texts.assertTextSent(MOBILE, body="Hi Jane, Saturday 3pm works!")
        self.assertEqual(len(texts.texts), 1, "the text, not the preview")
        sent = conversation.sms_message_ids.filtered(lambda m: m.mail_message_id == chat)
        self.assertEqual(request.first_reply_date, sent.create_date)
        self.assertEqual(request.state, "replied")

    def test_consent_still_holds(self):
        request = self.request()
        self.wizard(request).save().action_confirm()
        conversation = self.Conversation.search([("customer_number", "=", MOBILE)])
        self.assertEqual(conversation.consent_state, "none")
        channel = conversation.channel_id.with_user(self.user_associate_a)
        with mock_sms_provider() as texts:
            with self.assertRaisesRegex(RedirectWarning, "has not opted in"):
                channel.message_post(body="Hi Jane, Saturday 3pm works!", message_type="comment")
            texts.assertNoTextSent()
            self.assertFalse(request.first_reply_date)
            # the normal path: the opt-in message first
            opt_in = conversation._render_opt_in(self.employee_a)
            channel.message_post(body=opt_in, message_type="comment")
        texts.assertTextSent(MOBILE, body=opt_in.strip())
        conversation.invalidate_recordset()
        self.assertEqual(conversation.consent_state, "pending")
        self.assertTrue(request.first_reply_date)

    def test_replying_to_a_new_lead_accepts_it(self):
        request = self.request(source="widget", associate_id=False)
        self.assertEqual(request.state, "new_lead")
        self.wizard(request).save().action_confirm()
        self.assertEqual(request.state, "accepted")
        self.assertEqual(request.associate_id, self.employee_a)

    def test_closed_declined_or_without_mobile(self):
        request = self.request()
        request.action_close()
        with self.assertRaisesRegex(UserError, "reopen it to reply"):
            request.with_user(self.user_associate_a).action_reply_by_text()
        email_only = self.request(mobile=False, preferred_channel="email")
        with self.assertRaisesRegex(UserError, "left no mobile number"):
            email_only.with_user(self.user_associate_a).action_reply_by_text()

    def test_who_may_reply(self):
        request = self.request(source="widget", associate_id=False)
        # an associate of another store
        with self.assertRaises(AccessError):
            request.with_user(self.user_associate_b).action_reply_by_text()
        with self.assertRaises(AccessError), mock_sms_provider() as texts:
            self.env["clienteling.service.request.reply"].with_user(self.user_associate_b).create(
                {"request_id": request.id, "choice": "new"}
            ).action_confirm()
        texts.assertNoTextSent()
        self.assertFalse(self.Conversation.search([("customer_number", "=", MOBILE)]))
        # the store's manager answers from the store's number
        form = self.wizard(request, self.user_store_manager_a)
        self.assertEqual(form.phone_number_id, self.number_a)
        form.save().action_confirm()
        self.assertTrue(self.cards(self.Conversation.search([("customer_number", "=", MOBILE)])))

    def test_a_clienteling_administrator_replies_from_the_store_s_number(self):
        request = self.request(source="widget", associate_id=False)
        form = self.wizard(request, self.user_manager)
        self.assertEqual(form.phone_number_id, self.number_a)


@tagged("post_install", "-at_install", "clienteling_sms")
class TestServiceRequestReplyUi(ClientelingSmsCase, BrowserCase):
    def test_reply_by_text_tour(self):
        self.env.cr.execute("DELETE FROM clienteling_service_request")
        conversation = self._conversation(number=self.number_personal)
        self._opt_in(conversation)
        request = self.env["clienteling.service.request"].create(
            {
                "customer_name": "Jane Doe",
                "mobile": MOBILE,
                "preferred_channel": "text",
                "store_id": self.store_a.id,
                "source": "storefront",
                "associate_id": self.employee_a.id,
                "kind": "appointment",
                "message": "A fitting for a suit",
                "received_date": fields.Datetime.now() - timedelta(days=1),
            }
        )
        self.start_tour(
            f"/odoo/clienteling.service.request/{request.id}",
            "clienteling_sms_request_reply_tour",
            login=self.user_associate_a.login,
        )
        sent = self._outbound(conversation)
        self.assertEqual(sent.body, "Hi Jane, Saturday at 3pm works!")
        self.assertEqual(request.state, "replied")
        self.assertEqual(request.first_reply_date, sent.create_date)
