import re

from odoo.tests import HttpCase, tagged

from .common import ClientelingSmsCase
from .twilio_recorder import TwilioRecorder

FORM = {
    "kind": "question",
    "name": "Tess Texter",
    "email": "",
    "mobile": "(212) 555-0188",
    "preferred_channel": "text",
    "message": "Do you have the scarf in grey?",
    "consent": "1",
}
CUSTOMER_NUMBER = "+12125550188"


@tagged("post_install", "-at_install", "clienteling_sms")
class TestRequestConfirmationText(ClientelingSmsCase):
    """A customer who sends a request from a public form and prefers texts gets
    the confirmation text at once, from the associate's number, else the
    store's, through Twilio (here a local recorder)."""

    def setUp(self):
        super().setUp()
        self.recorder = TwilioRecorder().__enter__()
        self.addCleanup(self.recorder.__exit__, None, None, None)
        self.account.write(
            {
                "provider": "twilio",
                "twilio_account_sid": "AC0013",
                "twilio_auth_token": "token",
                "twilio_api_base_url": self.recorder.url,
            }
        )
        self.Request = self.env["clienteling.service.request"]

    def _texts(self):
        return [
            request["form"]
            for request in self.recorder.requests
            if request["path"].endswith("/Messages.json")
        ]

    def _submit(self, form=None, source="storefront", associate=None):
        request, errors = self.Request._submit_public(
            self.store_a,
            dict(form or FORM),
            source,
            associate=associate,
            remote_address="198.51.100.9",
        )
        self.assertFalse(errors)
        return request

    def test_storefront_request_texted_from_the_associates_number(self):
        request = self._submit(associate=self.employee_a)
        texts = self._texts()
        self.assertEqual(len(texts), 1)
        self.assertEqual(texts[0]["To"], [CUSTOMER_NUMBER])
        self.assertEqual(texts[0]["From"], [self.number_personal.number])
        self.assertIn(
            "Ann Associate at Test Fifth Avenue received your request", texts[0]["Body"][0]
        )
        consent = self.env["clienteling.consent"].search(
            [("address", "=", CUSTOMER_NUMBER), ("store_id", "=", self.store_a.id)]
        )
        self.assertEqual((consent.source, consent.state), ("web_form", "opted_in"))
        self.assertEqual(consent.wording, request.consent_wording)
        # the confirmation is no associate's reply
        self.assertFalse(request.first_reply_date)
        self.assertEqual(request.state, "accepted")
        conversation = self.Conversation.search([("customer_number", "=", CUSTOMER_NUMBER)])
        self.assertEqual(conversation.phone_number_id, self.number_personal)
        self.assertEqual(conversation.partner_id, request.partner_id)
        outbound = self._outbound(conversation)
        self.assertEqual(len(outbound), 1)
        self.assertFalse(outbound.is_opt_in_request)
        # the associate's own reply afterwards is the first reply (the request came
        # in before this test's transaction began)
        request.sudo().received_date = "2026-01-01 10:00:00"
        conversation.with_user(self.user_associate_a)._send_message("Yes, in grey!")
        self.assertTrue(request.first_reply_date)
        self.assertEqual(request.state, "replied")

    def test_widget_request_texted_from_the_stores_number(self):
        request = self._submit(source="widget")
        self.assertEqual(request.state, "new_lead")
        texts = self._texts()
        self.assertEqual(len(texts), 1)
        self.assertEqual(texts[0]["From"], [self.number_a.number])
        self.assertIn("Test Fifth Avenue received your request", texts[0]["Body"][0])
        self.assertFalse(request.first_reply_date)

    def test_the_forms_consent_after_a_stop_opts_in_again(self):
        conversation = self.Conversation._get_or_create(self.number_a, CUSTOMER_NUMBER)
        conversation._record_consent("opted_out", "keyword", "STOP")
        # the form's consent is newer than the STOP: the customer opted in again
        request = self._submit(source="widget")
        self.assertEqual(len(self._texts()), 1)
        # without the box ticked, no request at all (text needs the consent)
        _request, errors = self.Request._submit_public(
            self.store_a, dict(FORM, consent=""), "widget", remote_address="198.51.100.9"
        )
        self.assertIn("consent", errors)
        self.assertEqual(len(self._texts()), 1)
        self.assertTrue(request)

    def test_email_preference_sends_no_text(self):
        request = self._submit(
            dict(FORM, preferred_channel="email", email="tess@example.com"), source="footer"
        )
        self.assertFalse(self._texts())
        mail = self.env["mail.mail"].search(
            [("model", "=", request._name), ("res_id", "=", request.id)]
        )
        self.assertEqual(mail.email_to, "tess@example.com")

    def test_a_store_without_a_number_notes_it_on_the_request(self):
        self.number_a.action_unassign()
        request = self._submit(source="widget")
        self.assertFalse(self._texts())
        self.assertIn(
            "The confirmation text could not be sent",
            "".join(request.message_ids.mapped(lambda m: str(m.body))),
        )


@tagged("post_install", "-at_install", "clienteling_sms")
class TestRequestConfirmationTextHttp(HttpCase, ClientelingSmsCase):
    """The whole path: a customer's phone sends the storefront form, Twilio gets
    the confirmation text."""

    def test_storefront_form_over_http_texts_the_customer(self):
        self.employee_a.write(
            {
                "clienteling_storefront_slug": "t-ann-http",
                "clienteling_storefront_published": True,
            }
        )
        with TwilioRecorder() as recorder:
            self.account.write(
                {
                    "provider": "twilio",
                    "twilio_account_sid": "AC0014",
                    "twilio_auth_token": "token",
                    "twilio_api_base_url": recorder.url,
                }
            )
            url = "/clienteling/a/t-ann-http/request"
            page = self.url_open(f"{url}?kind=question")
            self.assertEqual(page.status_code, 200)
            data = dict(
                FORM, csrf_token=re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
            )
            response = self.url_open(url, data=data)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Thank you, Tess Texter", response.text)
            texts = [r["form"] for r in recorder.requests if r["path"].endswith("/Messages.json")]
        self.assertEqual(len(texts), 1)
        self.assertEqual(
            (texts[0]["To"], texts[0]["From"]), ([CUSTOMER_NUMBER], [self.number_personal.number])
        )
        request = self.env["clienteling.service.request"].search(
            [("mobile", "=", CUSTOMER_NUMBER), ("store_id", "=", self.store_a.id)]
        )
        self.assertEqual((request.source, request.associate_id), ("storefront", self.employee_a))
        self.assertFalse(request.first_reply_date)
