from odoo.tests import tagged

from odoo.addons.sms.tools.sms_api import SmsApi

from .common import ClientelingSmsCase
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
        self.customer_a._message_sms("Hello from Odoo", partner_ids=self.customer_a.ids)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer_a.id)])
        sms._send(unlink_sent=False)
        self.assertEqual(sms.state, "pending")  # the sandbox accepted it; IAP was never called

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
