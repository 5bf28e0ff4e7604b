from odoo.tests import tagged

from odoo.addons.sms.tools.sms_api import SmsApi

from ..models.sms_sms import ODOO_SMS_HOOK, ClientelingSmsApi
from .common import ClientelingSmsCase, mock_sms_provider
from .twilio_recorder import TwilioRecorder


@tagged("post_install", "-at_install", "clienteling_sms")
class TestOdooSms(ClientelingSmsCase):
    """Odoo's own SMS go through the company's clienteling account."""

    def _odoo_sms(self, number="+14155550100", body="Your order shipped"):
        sms = self.env["sms.sms"].create({"number": number, "body": body})
        sms._send(unlink_sent=False)
        return sms

    def test_sms_go_through_twilio_from_the_default_number(self):
        self.account.default_number_id = self.number_a
        with TwilioRecorder() as recorder:
            self.account.write(
                {
                    "provider": "twilio",
                    "twilio_account_sid": "AC0002",
                    "twilio_auth_token": "t",
                    "twilio_api_base_url": recorder.url,
                }
            )
            sms = self._odoo_sms()
            self.assertEqual(sms.state, "pending")
            sent = recorder.requests[-1]
            self.assertEqual(sent["path"], "/2010-04-01/Accounts/AC0002/Messages.json")
            self.assertEqual(sent["form"]["From"], ["+12125550170"])
            self.assertEqual(sent["form"]["To"], ["+14155550100"])
            self.assertEqual(sent["form"]["Body"], ["Your order shipped"])
            recorder.fail_next(400, 21211, "Invalid 'To' Phone Number")
            failed = self._odoo_sms(number="+1415")
            self.assertEqual((failed.state, failed.failure_type), ("error", "sms_number_format"))

    def test_contact_send_sms_uses_the_account(self):
        self.account.default_number_id = self.number_a
        with mock_sms_provider() as texts:
            self.customer_a._message_sms("Hello from Odoo", partner_ids=self.customer_a.ids)
            sms = self.env["sms.sms"].search([("partner_id", "=", self.customer_a.id)])
            sms._send(unlink_sent=False)
        self.assertEqual(sms.state, "pending")  # the sandbox accepted it; IAP was never called
        texts.assertTextSent(
            "+12125550142", body="Hello from Odoo", from_number="+12125550170", account=self.account
        )
        texts.assertNoTextSent("+14155550100")

    def _document_sms(self, partner, body="Your order shipped"):
        """An SMS posted on ``partner`` (its company decides), not sent yet."""
        message = self.env["mail.message"].create(
            {"model": "res.partner", "res_id": partner.id, "body": body, "message_type": "sms"}
        )
        return self.env["sms.sms"].create(
            {"number": partner.mobile, "body": body, "mail_message_id": message.id}
        )

    def test_routing_picks_our_account_or_leaves_the_sms_to_odoo_per_company(self):
        """Our account sends for a company that has a sender for Odoo's SMS; Odoo's
        configured gateway (IAP, or Odoo's sms_twilio) for the others, never to a
        number opted out of a store of a company that texts through Clienteling."""
        self.account.default_number_id = self.number_a
        no_account = self.env["res.company"].create({"name": "No Clienteling"})
        no_sender = self.env["res.company"].create({"name": "No Sender"})
        self.env["clienteling.sms.account"].create(
            {
                "name": "No sender",
                "company_id": no_sender.id,
                "provider": "sandbox",
                "webhook_base_url": "https://nosender.example.com",
            }
        )
        Partner = self.env["res.partner"]
        ours = self._document_sms(self.customer_a)
        odoos = self._document_sms(
            Partner.create(
                {"name": "Elsewhere", "mobile": "+14155550111", "company_id": no_account.id}
            )
        )
        gated_in = self._document_sms(
            Partner.create(
                {"name": "Gated in", "mobile": "+14155550112", "company_id": no_sender.id}
            )
        )
        gated_out = self._document_sms(
            Partner.create(
                {"name": "Gated out", "mobile": "+14155550113", "company_id": no_sender.id}
            )
        )
        store = self.env["clienteling.store"].create(
            {
                "name": "No Sender Store",
                "code": "T-NS",
                "company_id": no_sender.id,
                "country_id": self.us.id,
            }
        )
        self.env["clienteling.consent"].create(
            {
                "channel": "sms",
                "address": "+14155550113",
                "state": "opted_out",
                "source": "import",
                "store_id": store.id,
            }
        )
        routes = {
            route.company_id: route
            for route in (ours | odoos | gated_in | gated_out)._clienteling_routes()
        }
        self.assertEqual(set(routes), {self.company.id, no_account.id, no_sender.id})
        self.assertEqual(
            (routes[self.company.id].account, routes[self.company.id].to_send),
            (self.account, ours),
        )
        self.assertEqual(
            (routes[no_account.id].account, routes[no_account.id].to_send),
            (self.env["clienteling.sms.account"], odoos),
        )
        self.assertFalse(routes[no_account.id].refused)
        gate = routes[no_sender.id]
        self.assertFalse(gate.account)  # Odoo's gateway sends...
        self.assertEqual((gate.to_send, gate.refused), (gated_in, gated_out))  # ...not this one
        self.assertEqual(gate.refused_by, "No Sender")

        # newer Odoo builds ask _split_by_api: our share comes out as our API
        with mock_sms_provider() as texts:
            (apis,) = list(ours._split_by_api())
            api, records = apis
            self.assertIsInstance(api, ClientelingSmsApi)
            self.assertEqual((api.account, records), (self.account, ours))
            results = api._send_sms_batch(
                [{"content": ours.body, "numbers": [{"number": ours.number, "uuid": ours.uuid}]}]
            )
            self.assertEqual(results, [{"uuid": ours.uuid, "state": "success"}])
            texts.assertTextSent(ours.number, body="Your order shipped")
            # refused ones come out as failures Odoo records (sms_optout, with our reason)
            (refusal,) = list(gated_out._split_by_api())
            (result,) = refusal[0]._send_sms_batch(
                [{"content": "x", "numbers": [{"number": "+14155550113", "uuid": "u1"}]}]
            )
            self.assertEqual(refusal[0].PROVIDER_TO_SMS_FAILURE_TYPE[result["state"]], "sms_optout")
            self.assertIn("No Sender", result["failure_reason"])
            self.assertTrue(result["clienteling"])  # our reason, kept by _handle_call_result_hook
            texts.assertNoTextSent("+14155550113")

    def test_provider_errors_become_odoo_failure_types(self):
        self.account.default_number_id = self.number_a
        with mock_sms_provider() as texts:
            texts.fail("+14155550100", kind="invalid_number", code="21211")
            sms = self._odoo_sms()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_number_format"))
        self.assertIn("not a valid phone number", sms.clienteling_failure_reason)
        texts.assertNoTextSent()
        if not ODOO_SMS_HOOK:
            # this Odoo build has no _split_by_api: Odoo's SMS go by our _send
            self.assertFalse(hasattr(SmsApi, "_set_company"))

    def test_without_account_odoo_keeps_its_own_gateway(self):
        self.account.active = False
        sent = []

        def fake_batch(api, messages, delivery_reports_url=None):
            sent.extend(messages)
            return [{"uuid": n["uuid"], "state": "success"} for m in messages for n in m["numbers"]]

        original = SmsApi._send_sms_batch
        SmsApi._send_sms_batch = fake_batch
        try:
            sms = self._odoo_sms()
        finally:
            SmsApi._send_sms_batch = original
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sent[0]["content"], "Your order shipped")

    def test_each_company_sends_through_its_own_account(self):
        other = self.env["res.company"].create({"name": "Other Retail", "country_id": self.fr.id})
        customer = self.env["res.partner"].create(
            {"name": "Client Lyon", "mobile": "+33612345611", "company_id": other.id}
        )
        self.account.default_number_id = self.number_a
        with TwilioRecorder() as recorder:
            self.env["clienteling.sms.account"].create(
                {
                    "name": "Other Retail Twilio",
                    "company_id": other.id,
                    "provider": "twilio",
                    "twilio_account_sid": "AC0003",
                    "twilio_auth_token": "t",
                    "twilio_messaging_service_sid": "MG0003",  # Twilio picks the sender
                    "twilio_api_base_url": recorder.url,
                    "webhook_base_url": "https://other.example.com",
                }
            )
            customer._message_sms("Bonjour", partner_ids=customer.ids)
            self.assertEqual(len(recorder.requests), 1)
            self.assertEqual(
                recorder.requests[0]["path"], "/2010-04-01/Accounts/AC0003/Messages.json"
            )
            self.assertEqual(recorder.requests[0]["form"]["To"], ["+33612345611"])
            # a customer of the main company goes through the main (sandbox) account: no request
            self.customer_a._message_sms("Hello", partner_ids=self.customer_a.ids)
            self.assertEqual(len(recorder.requests), 1)
        sms = self.env["sms.sms"].search([("partner_id", "in", (customer | self.customer_a).ids)])
        self.assertEqual(set(sms.mapped("state")), {"pending"})
