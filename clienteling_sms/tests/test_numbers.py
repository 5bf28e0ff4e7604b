from unittest.mock import patch

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import ClientelingSmsCase
from .twilio_recorder import TwilioRecorder


@tagged("post_install", "-at_install", "clienteling_sms")
class TestNumbers(ClientelingSmsCase):
    def setUp(self):
        super().setUp()
        # What buying a number does here, whatever regulatory gate another addon
        # (clienteling_compliance) adds: its own tests cover the gate.
        for model, method, default in (
            ("clienteling.store", "_clienteling_check_number_provisioning", True),
            ("clienteling.phone.number", "_clienteling_purchase_options", {}),
        ):
            patcher = patch.object(
                type(self.env[model]), method, lambda *args, _default=default, **kwargs: _default
            )
            patcher.start()
            self.addCleanup(patcher.stop)

    def _provision(self, **vals):
        return (
            self.env["clienteling.phone.number.provision"]
            .with_user(self.user_manager)
            .create({"account_id": self.account.id, **vals})
        )

    def test_batch_provisioning_for_stores_and_associates(self):
        store_c = self.env["clienteling.store"].create(
            {
                "name": "Boston",
                "code": "T-BOS",
                "country_id": self.us.id,
                "landline": "(617) 555-0100",
            }
        )
        store_d = self.env["clienteling.store"].create(
            {"name": "Lyon", "code": "T-LYO", "country_id": self.fr.id}
        )
        self._provision(
            target="store", store_ids=[(6, 0, (store_c | store_d | self.store_a).ids)]
        ).action_provision()
        self.assertEqual(store_c.clienteling_number_id.country_id, self.us)
        self.assertEqual(store_d.clienteling_number_id.country_id, self.fr)
        self.assertTrue(store_c.clienteling_number_id.number.startswith("+1"))
        self.assertEqual(store_c.clienteling_number_id.state, "assigned")
        self.assertTrue(store_c.clienteling_number_id.provider_sid.startswith("PN"))
        self.assertEqual(
            self.store_a.clienteling_number_id, self.number_a
        )  # already had one: untouched
        self._provision(
            target="employee", employee_ids=[(6, 0, self.employee_b.ids)]
        ).action_provision()
        personal = self.env["clienteling.phone.number"].search(
            [("employee_id", "=", self.employee_b.id)]
        )
        self.assertEqual(personal.country_id, self.fr)
        with self.assertRaisesRegex(UserError, "Choose the stores"):
            self._provision(target="store").action_provision()
        with self.assertRaisesRegex(UserError, "already has a number"):
            self._provision(target="store", store_ids=[(6, 0, self.store_a.ids)]).action_provision()

    def test_provisioning_asks_the_compliance_hook_first(self):
        def refuse(self_model, country, company, **kwargs):
            raise UserError(self_model.env._("%s: regulatory approval missing", country.name))

        before = self.env["clienteling.phone.number"].search_count([])
        with patch.object(
            type(self.env["clienteling.store"]), "_clienteling_check_number_provisioning", refuse
        ):
            with self.assertRaisesRegex(UserError, "regulatory approval missing"):
                self._provision(target="pool", country_id=self.fr.id, quantity=2).action_provision()
        self.assertEqual(self.env["clienteling.phone.number"].search_count([]), before)

    def test_twilio_provisioning_and_release_through_the_sdk(self):
        with TwilioRecorder() as recorder:
            self.account.write(
                {
                    "provider": "twilio",
                    "twilio_account_sid": "AC0001",
                    "twilio_auth_token": "token",
                    "twilio_api_base_url": recorder.url,
                }
            )
            store = self.env["clienteling.store"].create(
                {
                    "name": "Chelsea",
                    "code": "T-CHE",
                    "country_id": self.us.id,
                    "landline": "(212) 555-0160",
                }
            )
            self._provision(target="store", store_ids=[(6, 0, store.ids)]).action_provision()
            search, purchase = recorder.requests[-2:]
            self.assertEqual(
                search["path"], "/2010-04-01/Accounts/AC0001/AvailablePhoneNumbers/US/Local.json"
            )
            self.assertEqual(search["query"]["AreaCode"], ["212"])  # near the store's landline
            self.assertEqual(
                purchase["form"]["SmsUrl"],
                ["https://shop.example.com/clienteling/sms/twilio/inbound"],
            )
            self.assertEqual(
                purchase["form"]["VoiceUrl"],
                ["https://shop.example.com/clienteling/sms/twilio/voice"],
            )
            number = store.clienteling_number_id
            self.assertEqual(number.number, purchase["form"]["PhoneNumber"][0])
            # history stays after a release
            conversation = self._conversation(number)
            conversation._record_consent("opted_in", "keyword", "YES")
            conversation._send_message("Hello from Chelsea")
            self.assertEqual(recorder.requests[-1]["form"]["From"], [number.number])
            number.action_release()
            self.assertEqual(recorder.requests[-1]["method"], "DELETE")
            self.assertEqual((number.state, number.store_id.id), ("released", False))
            self.assertTrue(conversation.exists())
            self.assertEqual(len(conversation.sms_message_ids), 1)
            # a provider refusal leaves the number as it was
            other = self.number_b
            other.provider_sid = "PNother"
            recorder.fail_next(404, 20404, "not found")
            with self.assertRaisesRegex(UserError, "could not be released"):
                other.action_release()
            self.assertEqual(other.state, "assigned")

    def test_provider_refusals_told_in_words(self):
        action = self.account.action_test_connection()
        self.assertEqual(action["params"]["message"], "Sandbox: messages are recorded, never sent.")
        Account = self.env["clienteling.sms.account"]
        self.assertEqual(
            Account._provider_reason("opted_out"),
            "The customer has opted out of messages from this number (they replied STOP).",
        )
        self.assertEqual(
            Account._provider_reason(None, "99999"),
            "The provider refused the message (error 99999).",
        )
        self.assertEqual(
            Account._provider_reason(None, "99999", provider_message="Queue overflow"),
            "Queue overflow",
        )
        self.assertEqual(Account._provider_reason(None), "The provider refused the message.")
        self.assertEqual(
            Account._provider_reason("credentials_missing", provider="Twilio"),
            "The Twilio account SID and auth token are required.",
        )
        self.account.write(
            {
                "provider": "twilio",
                "twilio_account_sid": "AC0001",
                "twilio_auth_token": "token",
                "twilio_api_base_url": "http://127.0.0.1:9",
            }
        )
        with self.assertRaisesRegex(UserError, "Connection failed: Twilio could not be reached: "):
            self.account.action_test_connection()

    def test_onboarding_a_store(self):
        store = self.env["clienteling.store"].create(
            {
                "name": "SoHo",
                "code": "T-SOHO",
                "country_id": self.us.id,
                "landline": "(212) 555-0150",
            }
        )
        no_landline = self.env["clienteling.store"].create(
            {"name": "Kiosk", "code": "T-K", "country_id": self.us.id}
        )
        Onboard = self.env["clienteling.store.onboard"].with_user(self.user_manager)
        self.env["clienteling.phone.number"].search([("state", "=", "available")]).write(
            {"state": "released"}
        )
        wizard = Onboard.new({})
        listed = self.env["clienteling.store"].search(safe_eval(Onboard._fields["store_id"].domain))
        self.assertIn(store, listed)
        self.assertNotIn(no_landline, listed)
        self.assertFalse(wizard.number_available)
        spare = self.env["clienteling.phone.number"].create(
            {"number": "+12125550172", "account_id": self.account.id}
        )
        wizard = Onboard.create({"store_id": store.id, "phone_number_id": spare.id})
        self.assertEqual(wizard.landline, "+12125550150")
        self.assertTrue(wizard.number_available)
        wizard.action_onboard()
        self.assertTrue(store.sms_onboarded)
        self.assertEqual(store.clienteling_number_id, spare)
        with self.assertRaisesRegex(UserError, "already onboarded"):
            Onboard.create({"store_id": store.id, "phone_number_id": spare.id}).action_onboard()
        with self.assertRaisesRegex(UserError, "no valid landline"):
            Onboard.create(
                {"store_id": no_landline.id, "phone_number_id": spare.id}
            ).action_onboard()
        other_store = self.env["clienteling.store"].create(
            {
                "name": "Harlem",
                "code": "T-H",
                "country_id": self.us.id,
                "landline": "(212) 555-0151",
            }
        )
        with self.assertRaisesRegex(UserError, "No clienteling number is available"):
            Onboard.create(
                {"store_id": other_store.id, "phone_number_id": spare.id}
            ).action_onboard()

    def test_onboarding_and_provisioning_buttons_only_where_they_can_work(self):
        Onboard = self.env["clienteling.store.onboard"].with_user(self.user_manager)
        arch = etree.fromstring(Onboard.get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertEqual(
            arch.xpath("//footer/button[@name='action_onboard']/@invisible"),
            ["not store_available or not number_available"],
        )
        Provision = self.env["clienteling.phone.number.provision"].with_user(self.user_manager)
        arch = etree.fromstring(Provision.get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertEqual(
            arch.xpath("//footer/button[@name='action_provision']/@invisible"),
            ["not account_available"],
        )
        self.assertTrue(Provision.new({}).account_available)
        self.account.active = False  # the company has no SMS account any more
        self.assertFalse(Provision.new({}).account_available)

    def test_number_rules(self):
        Number = self.env["clienteling.phone.number"]
        with self.assertRaisesRegex(ValidationError, "not a phone number"):
            Number.create({"number": "12", "account_id": self.account.id})
        spare = Number.create({"number": "(+1) 212-555-0173", "account_id": self.account.id})
        self.assertEqual((spare.number, spare.country_id), ("+12125550173", self.us))
        with self.assertRaisesRegex(ValidationError, "one of them"):
            spare.write({"state": "assigned"})
        with self.assertRaisesRegex(UserError, "not available"):
            self.number_a._assign(store=self.store_b)

    def test_personal_number_reassigned_keeps_its_threads(self):
        self._inbound("Hi Ann", to="+12125550171")
        conversation = self.Conversation.search([("phone_number_id", "=", self.number_personal.id)])
        self.assertEqual(conversation.employee_id, self.employee_a)
        self.number_personal.employee_id = self.employee_manager_a
        self.assertEqual(conversation.employee_id, self.employee_manager_a)
        self.assertEqual(len(conversation.sms_message_ids), 1)
        self.assertIn("Hi Ann", conversation._text_messages().body)
        # the chat follows the number to its new associate
        self.assertEqual(
            conversation.channel_id.channel_member_ids.partner_id,
            self.employee_manager_a.user_id.partner_id,
        )

    def test_numbers_shown_in_the_national_format_of_their_store(self):
        self.assertEqual(self.number_a.number, "+12125550170")
        self.assertEqual(self.number_a.display_name, "(212) 555-0170")
        self.assertEqual(self.number_b.display_name, "06 12 34 56 70")
        self.assertEqual(self.number_personal.number_display, "(212) 555-0171")
