from unittest import SkipTest
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.clienteling.tests.common import ASSOCIATE_GROUPS
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.sms.tools.sms_api import SmsApi

from .common import ClientelingSmsCase
from .twilio_recorder import TwilioRecorder

OPTED_OUT = "+12125550142"  # customer_a's mobile
OPTED_IN = "+12125550143"


@tagged("post_install", "-at_install", "clienteling_sms")
class TestOdooSmsConsent(ClientelingSmsCase):
    """Every path of Odoo's own SMS goes through the clienteling account from the
    "Sender for Odoo SMS" number (store A's here) and respects store A's consent
    ledger: nothing reaches the provider for an opted-out number, whoever the
    record's partner is; an opted-in number still goes out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.default_number_id = cls.number_a
        cls.conversation = cls._open(cls.customer_a)
        cls.conversation._record_consent("opted_in", "keyword", "YES")
        cls.conversation._record_consent("opted_out", "keyword", "STOP")
        cls.customer_in = cls.env["res.partner"].create(
            {"name": "Ivy Inbound", "mobile": OPTED_IN, "country_id": cls.us.id}
        )
        cls._open(cls.customer_in)._record_consent("opted_in", "keyword", "YES")
        # another contact that shares the opted-out number (STOP holds for the number)
        cls.husband = cls.env["res.partner"].create(
            {"name": "John Doe", "mobile": "+1 (212) 555-0142", "country_id": cls.us.id}
        )
        cls.user_sender = mail_new_test_user(
            cls.env, login="t_sms_sender", name="Sid Sender", groups=ASSOCIATE_GROUPS
        )
        cls.env["hr.employee"].create(
            {
                "name": "Sid Sender",
                "user_id": cls.user_sender.id,
                "clienteling_store_id": cls.store_a.id,
                "clienteling_role": "associate",
            }
        )

    @classmethod
    def _open(cls, partner):
        return cls.env["clienteling.conversation"]._open_for_partner(partner, cls.number_a)

    def setUp(self):
        super().setUp()
        # What TestCase.enterContext (Python 3.11+) does, on Python 3.10 too.
        self.recorder = TwilioRecorder().__enter__()
        self.addCleanup(self.recorder.__exit__, None, None, None)
        self.account.write(
            {
                "provider": "twilio",
                "twilio_account_sid": "AC0042",
                "twilio_auth_token": "token",
                "twilio_api_base_url": self.recorder.url,
            }
        )

    def _sent_to(self):
        return [
            request["form"]["To"][0]
            for request in self.recorder.requests
            if request["path"].endswith("/Messages.json")
        ]

    def _sms(self, numbers):
        return self.env["sms.sms"].sudo().search([("number", "in", numbers)], order="id")

    def assertOptedOut(self, sms):
        self.assertTrue(sms)
        for record in sms:
            self.assertEqual((record.state, record.failure_type), ("error", "sms_optout"))
            self.assertIn(
                "opted out of texts from Test Fifth Avenue", record.clienteling_failure_reason
            )

    def test_sms_created_directly(self):
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {"number": OPTED_OUT, "body": "Sale!"},
                    {"number": "(212) 555-0142", "body": "Sale!"},  # national format, no partner
                    {"number": OPTED_IN, "body": "Sale!"},
                ]
            )
        )
        sms.send(unlink_sent=False)
        self.assertOptedOut(sms[:2])
        self.assertEqual(sms[2].state, "pending")
        self.assertEqual(self._sent_to(), [OPTED_IN])
        self.assertEqual(self.recorder.requests[0]["form"]["From"], ["+12125550170"])
        # the queue cron (what SMS marketing and scheduled SMS use) refuses them too
        queued = self.env["sms.sms"].sudo().create({"number": OPTED_OUT, "body": "Queued"})
        self.env["sms.sms"].sudo()._process_queue(queued.ids)
        self.assertEqual(queued.exists().failure_type, "sms_optout")
        self.assertEqual(self._sent_to(), [OPTED_IN])

    def test_composer_single_number(self):
        for number in (OPTED_OUT, "+1 (212) 555-0142", OPTED_IN):
            composer = (
                self.env["sms.composer"]
                .with_user(self.user_sender)
                .with_context(default_composition_mode="numbers")
                .create({"numbers": number, "body": "Your order shipped"})
            )
            composer.action_send_sms()
        self.assertOptedOut(self._sms([OPTED_OUT]))
        self.assertEqual(self._sent_to(), [OPTED_IN])

    def test_composer_on_a_record_and_phone_field_button(self):
        """The chatter's SMS composer and the SMS button next to a phone field (the
        composer in comment mode on the record, with the field's name)."""
        for partner in (self.customer_a, self.husband, self.customer_in):
            composer = (
                self.env["sms.composer"]
                .with_user(self.user_sender)
                .with_context(
                    default_res_model="res.partner",
                    default_res_id=partner.id,
                    default_number_field_name="mobile",
                    default_composition_mode="comment",
                )
                .create({"body": "Your alterations are ready"})
            )
            composer.action_send_sms()
        self.assertEqual(self._sent_to(), [OPTED_IN])
        failed = self._sms([OPTED_OUT])
        self.assertEqual(len(failed), 2)  # Jane and John: the number opted out
        self.assertOptedOut(failed)
        # the failure and its reason are on the message's notification, as Odoo shows it
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", failed[0].mail_message_id.id)]
        )
        self.assertEqual(
            (notification.notification_status, notification.failure_type),
            ("exception", "sms_optout"),
        )
        self.assertIn("opted out", notification.failure_reason)

    def test_mass_composer(self):
        partners = self.customer_a | self.husband | self.customer_in
        composer = (
            self.env["sms.composer"]
            .with_user(self.user_sender)
            .with_context(
                default_composition_mode="mass",
                default_res_model="res.partner",
                active_ids=partners.ids,
            )
            .create({"body": "Private sale", "mass_force_send": True})
        )
        composer.action_send_sms()
        # the opt-out put the number on Odoo's blacklist: Odoo cancels it itself
        self.assertEqual(set(self._sms([OPTED_OUT]).mapped("failure_type")), {"sms_blacklist"})
        self.assertEqual(self._sent_to(), [OPTED_IN])
        # without the blacklist (removed by someone, or not used), the ledger still holds
        self.env["phone.blacklist"].sudo()._remove([OPTED_OUT])
        composer = (
            self.env["sms.composer"]
            .with_user(self.user_sender)
            .with_context(
                default_composition_mode="mass",
                default_res_model="res.partner",
                active_ids=(self.customer_a | self.husband).ids,
            )
            .create({"body": "Private sale again", "mass_force_send": True})
        )
        composer.action_send_sms()
        self.assertOptedOut(
            self._sms([OPTED_OUT]).filtered(
                lambda s: s.body == "Private sale again" and s.state != "canceled"
            )
        )
        self.assertEqual(self._sent_to(), [OPTED_IN])

    def test_sms_template_and_automated_action(self):
        template = self.env["sms.template"].create(
            {
                "name": "Ready",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "Hello {{ object.name }}, your order is ready.",
            }
        )
        for partner in (self.customer_a, self.customer_in):
            partner.with_user(self.user_sender)._message_sms_with_template(
                template=template, partner_ids=partner.ids
            )
        composer = (
            self.env["sms.composer"]
            .with_user(self.user_sender)
            .with_context(
                default_res_model="res.partner",
                default_res_id=self.husband.id,
                default_composition_mode="comment",
            )
            .create({"template_id": template.id})
        )
        composer.action_send_sms()
        self.assertEqual(self._sent_to(), [OPTED_IN])
        for method in ("sms", "comment", "note"):
            with self.subTest(method=method):
                self.env["phone.blacklist"].sudo()._remove([OPTED_OUT])  # the ledger alone
                action = self.env["ir.actions.server"].create(
                    {
                        "name": f"Text when ready ({method})",
                        "model_id": self.env["ir.model"]._get_id("res.partner"),
                        "state": "sms",
                        "sms_template_id": template.id,
                        "sms_method": method,
                    }
                )
                partners = self.customer_a | self.husband
                action.with_context(active_model="res.partner", active_ids=partners.ids).run()
                self.env["sms.sms"].sudo()._process_queue()
                self.assertEqual(self._sent_to(), [OPTED_IN])
        self.assertOptedOut(self._sms([OPTED_OUT]).filtered(lambda s: s.state != "canceled"))

    def test_sms_marketing(self):
        if "mailing.mailing" not in self.env or not hasattr(
            self.env["mailing.mailing"], "action_send_sms"
        ):
            raise SkipTest("mass_mailing_sms is not installed")
        self.env["phone.blacklist"].sudo()._remove([OPTED_OUT])  # the ledger alone
        mailing = self.env["mailing.mailing"].create(
            {
                "name": "Private sale",
                "subject": "Private sale",
                "mailing_type": "sms",
                "body_plaintext": "Private sale tomorrow",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr(
                    [("id", "in", (self.customer_a | self.husband | self.customer_in).ids)]
                ),
                "sms_force_send": True,
            }
        )
        mailing.action_send_sms()
        self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(self._sent_to(), [OPTED_IN])
        # the mailing's statistics show why (John shares Jane's number: a duplicate)
        traces = mailing.mailing_trace_ids.filtered(lambda t: t.sms_number == OPTED_OUT)
        self.assertEqual(sorted(traces.mapped("failure_type")), ["sms_duplicate", "sms_optout"])
        self.assertEqual(
            traces.filtered(lambda t: t.failure_type == "sms_optout").trace_status, "error"
        )
        sent = mailing.mailing_trace_ids.filtered(lambda t: t.sms_number == OPTED_IN)
        self.assertEqual(sent.mapped("trace_status"), ["pending"])

    def test_consent_is_the_sending_store_s(self):
        """Opted out of store B only: store A's number may still send (Odoo's own
        mass mode keeps honouring its blacklist)."""
        self.env["phone.blacklist"].sudo()._remove([OPTED_IN])
        other = self.env["clienteling.conversation"]._open_for_partner(
            self.customer_in, self.number_b
        )
        other._record_consent("opted_out", "keyword", "STOP")
        sms = self.env["sms.sms"].sudo().create({"number": OPTED_IN, "body": "From New York"})
        sms.send(unlink_sent=False)
        self.assertEqual(sms.state, "pending")
        self.assertEqual(self._sent_to(), [OPTED_IN])
        # the sender becomes the Paris number: opted out there
        self.account.default_number_id = self.number_b
        sms = self.env["sms.sms"].sudo().create({"number": OPTED_IN, "body": "From Paris"})
        sms.send(unlink_sent=False)
        self.assertEqual(sms.failure_type, "sms_optout")
        self.assertIn("Test Saint-Honoré", sms.clienteling_failure_reason)
        self.assertEqual(self._sent_to(), [OPTED_IN])

    def test_a_stop_waiting_for_the_cron_holds(self):
        params = {
            "MessageSid": "SMwaitingstop",
            "AccountSid": "AC0042",
            "From": OPTED_IN,
            "To": self.number_a.number,
            "Body": "STOP",
        }
        self.Event.sudo()._receive("inbound", self.account, params, process=False)
        sms = self.env["sms.sms"].sudo().create({"number": OPTED_IN, "body": "Sale!"})
        sms.send(unlink_sent=False)
        self.assertEqual(sms.failure_type, "sms_optout")
        # only the STOP confirmation went out, from the conversation
        self.assertEqual(self._sent_to(), [OPTED_IN])
        self.assertEqual(self.recorder.requests[0]["form"]["Body"][0][:17], "You're unsubscrib")

    def test_only_an_account_with_a_sender_sends_odoo_sms(self):
        Account = self.env["clienteling.sms.account"]
        self.assertEqual(Account._odoo_sms_account(self.company.id), self.account)
        self.account.default_number_id = False
        self.assertFalse(Account._odoo_sms_account(self.company.id))  # Odoo's gateway sends
        self.account.twilio_messaging_service_sid = "MG0042"  # Twilio chooses the number
        self.assertEqual(Account._odoo_sms_account(self.company.id), self.account)
        sms = self.env["sms.sms"].sudo().create({"number": OPTED_OUT, "body": "Sale!"})
        sms.send(unlink_sent=False)
        # no sender store: an opt-out from any store of the company holds
        self.assertEqual(sms.failure_type, "sms_optout")
        self.assertIn(self.company.name, sms.clienteling_failure_reason)
        self.assertFalse(self._sent_to())

    def test_odoo_gateway_respects_the_company_s_opt_outs(self):
        """Without a sender Odoo's gateway (IAP) sends Odoo's SMS; a company that
        texts through Clienteling still never texts a number opted out of any of
        its stores, and the rest reach the gateway."""
        self.account.default_number_id = False
        self.assertFalse(self.env["clienteling.sms.account"]._odoo_sms_account(self.company.id))
        batches = []

        def send_sms_batch(api, messages, delivery_reports_url=False):
            batches.append(messages)
            return [
                {"uuid": number["uuid"], "state": "success"}
                for message in messages
                for number in message["numbers"]
            ]

        sms = (
            self.env["sms.sms"]
            .sudo()
            .create([{"number": OPTED_OUT, "body": "Sale!"}, {"number": OPTED_IN, "body": "Sale!"}])
        )
        with patch.object(SmsApi, "_send_sms_batch", send_sms_batch):
            sms.send(unlink_sent=False)
        self.assertEqual(sms[0].failure_type, "sms_optout")
        self.assertIn(self.company.name, sms[0].clienteling_failure_reason)
        self.assertEqual(sms[1].state, "pending")
        self.assertEqual(
            [number["number"] for batch in batches for m in batch for number in m["numbers"]],
            [OPTED_IN],
        )
        self.assertFalse(self._sent_to())  # nothing through the Clienteling account
