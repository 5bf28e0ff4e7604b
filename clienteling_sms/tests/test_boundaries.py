import importlib.util
from pathlib import Path

from markupsafe import Markup

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.clienteling.tests.common import MANAGER_GROUPS, STORE_MANAGER_GROUPS
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ClientelingSmsCase, mock_sms_provider
from .twilio_recorder import TwilioRecorder


class BoundaryCase(ClientelingSmsCase):
    """Store A's conversations (store and personal number) attacked as an
    associate of store B, a store manager of store B, a Clienteling
    Administrator of another company; and the administrator without system
    rights for the account's secrets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_store_manager_b = mail_new_test_user(
            cls.env, login="t_mgr_b", name="Sue Store Manager B", groups=STORE_MANAGER_GROUPS
        )
        cls.env["hr.employee"].create(
            {
                "name": "Sue Store Manager B",
                "user_id": cls.user_store_manager_b.id,
                "clienteling_store_id": cls.store_b.id,
                "clienteling_role": "store_manager",
            }
        )
        cls.company_2 = cls.env["res.company"].create(
            {"name": "Other Retail", "country_id": cls.fr.id}
        )
        cls.user_other_company = mail_new_test_user(
            cls.env,
            login="t_other_co",
            name="Olga Other Company",
            groups=MANAGER_GROUPS,
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.conversation_a = cls.Conversation._open_for_partner(cls.customer_a, cls.number_a)
        cls.conversation_personal = cls.Conversation._open_for_partner(
            cls.customer_a, cls.number_personal
        )
        cls.conversation_a._record_consent("opted_in", "keyword", "YES")
        cls.outsiders = (cls.user_associate_b, cls.user_store_manager_b, cls.user_other_company)


@tagged("post_install", "-at_install", "clienteling_sms")
class TestConversationBoundaries(BoundaryCase):
    def test_buttons_and_wizards_refuse_other_stores(self):
        self._inbound("Hi", sid="SMunread")
        self.assertEqual(self.conversation_a.unread_count, 1)
        followers = self.conversation_a.message_partner_ids
        for user in self.outsiders:
            for conversation in (self.conversation_a, self.conversation_personal):
                as_user = conversation.with_user(user)
                for method in (
                    "action_mark_read",
                    "action_open_composer",
                    "action_link_customer",
                    "action_simulate_reply",
                    "action_send_opt_in",
                ):
                    with (
                        self.subTest(user=user.login, method=method),
                        self.assertRaises(AccessError),
                    ):
                        getattr(as_user, method)()
            with self.subTest(user=user.login, wizard="simulate"), self.assertRaises(AccessError):
                self.env["clienteling.sms.simulate"].with_user(user).create(
                    {"conversation_id": self.conversation_a.id, "body": "STOP"}
                ).action_simulate()
            with self.subTest(user=user.login, wizard="link"), self.assertRaises(AccessError):
                self.env["clienteling.conversation.link"].with_user(user).create(
                    {
                        "conversation_id": self.conversation_a.id,
                        "mode": "add_number",
                        "partner_id": self.customer_b.id,
                    }
                ).action_link()
            with self.subTest(user=user.login, wizard="composer"), self.assertRaises(AccessError):
                self.env["clienteling.sms.composer"].with_user(user).with_context(
                    default_conversation_id=self.conversation_a.id
                ).create({"body": "Hello"})
            with (
                self.subTest(user=user.login, wizard="composer send"),
                self.assertRaises(AccessError),
            ):
                self.env["clienteling.sms.composer"].with_user(user).create(
                    {"conversation_id": self.conversation_a.id, "body": "Hello"}
                ).action_send()
        self.assertEqual(self.conversation_a.unread_count, 1)
        self.assertEqual(self.conversation_a.partner_id, self.customer_a)
        self.assertEqual(self.conversation_a.consent_state, "opted_in")
        self.assertEqual(self.conversation_a.message_partner_ids, followers)
        self.assertFalse(self._outbound(self.conversation_a))
        self.assertEqual(len(self.conversation_a.sms_message_ids), 1)  # the "Hi" only

    def test_scheduled_texts_of_other_stores_cannot_be_canceled_or_sent(self):
        message = self.conversation_a._send_message("Tomorrow")
        message.write({"state": "scheduled"})
        for user in self.outsiders:
            for method in ("action_cancel", "action_send_now"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(message.with_user(user), method)()
        self.assertEqual(message.state, "scheduled")
        message.with_user(self.user_associate_a).action_cancel()  # their store's: allowed
        self.assertEqual(message.state, "canceled")

    def test_the_store_s_own_people_still_work(self):
        as_a = self.conversation_a.with_user(self.user_associate_a)
        self._inbound("Hello", sid="SMown")
        as_a.action_mark_read()
        self.assertEqual(self.conversation_a.unread_count, 0)
        self.assertEqual(as_a.action_open_composer()["res_model"], "clienteling.sms.composer")
        self.env["clienteling.sms.simulate"].with_user(self.user_store_manager_a).create(
            {"conversation_id": self.conversation_a.id, "body": "Thanks"}
        ).action_simulate()
        self.assertEqual(len(self.conversation_a.sms_message_ids), 2)
        # nobody became a follower: not the one who played the customer, not the customer
        self.assertFalse(self.conversation_a.message_partner_ids)

    def test_no_simulated_reply_where_customers_are_texted_for_real(self):
        """A simulated START would be a keyword opt-in for the store: refused as soon
        as the company has a real provider account, nothing received."""
        self.env["clienteling.sms.account"].create(
            {
                "name": "Production",
                "provider": "twilio",
                "company_id": self.company.id,
                "active": False,  # archived while trying the sandbox: still real customers
            }
        )
        wizard = self.env["clienteling.sms.simulate"].with_user(self.user_store_manager_a)
        with self.assertRaisesRegex(UserError, "real provider"):
            wizard.create(
                {"conversation_id": self.conversation_a.id, "body": "START"}
            ).action_simulate()
        self.assertFalse(self.conversation_a.sms_message_ids)

    def test_system_fields_cannot_be_rewritten(self):
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_manager):
            for vals in (
                {"employee_id": self.employee_b.id},
                {"store_id": self.store_b.id},
                {"phone_number_id": self.number_b.id},
                {"customer_number": "+12125550100"},
                {"unread_count": 0},
            ):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    self.conversation_a.with_user(user).write(vals)
        self.assertEqual(self.conversation_a.store_id, self.store_a)
        self.assertFalse(self.conversation_a.employee_id)

    def test_followers_are_people_of_the_store(self):
        conversation = self.conversation_a.with_user(self.user_associate_a)
        with self.assertRaisesRegex(UserError, "Only people who may read"):
            conversation.message_subscribe(partner_ids=self.user_associate_b.partner_id.ids)
        with self.assertRaisesRegex(UserError, "Only people who may read"):
            conversation.message_subscribe(partner_ids=self.customer_a.ids)
        conversation.message_subscribe(partner_ids=self.user_store_manager_a.partner_id.ids)
        self.assertEqual(
            self.conversation_a.message_partner_ids, self.user_store_manager_a.partner_id
        )
        # a colleague may not follow an associate's personal number
        with self.assertRaisesRegex(UserError, "Only people who may read"):
            self.conversation_personal.with_user(self.user_associate_a).message_subscribe(
                partner_ids=self.user_store_manager_b.partner_id.ids
            )
        # posts that would subscribe someone outside subscribe nobody
        self.conversation_a.with_context(mail_post_autofollow=True).message_post(
            body="Note", partner_ids=self.user_associate_b.partner_id.ids
        )
        self.assertNotIn(self.user_associate_b.partner_id, self.conversation_a.message_partner_ids)

    def test_inbound_subscribes_nobody(self):
        self._inbound("Who is this?", from_="+12125550777")  # unknown number
        self._inbound("Hello again")
        for conversation in self.Conversation.search([("store_id", "=", self.store_a.id)]):
            self.assertFalse(conversation.message_partner_ids)

    def test_text_from_the_partner_form(self):
        """Opening a customer's texts from the customer form works on the user's
        own numbers only."""
        action = self.customer_b.with_user(self.user_associate_a).action_clienteling_text()
        # nothing written yet: the composer, and no conversation until a text is sent
        self.assertEqual(action["res_model"], "clienteling.sms.composer")
        self.assertFalse(self.Conversation.search([("partner_id", "=", self.customer_b.id)]))
        composer = (
            self.env["clienteling.sms.composer"]
            .with_user(self.user_associate_a)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(composer.consent_state, "none")
        self.assertEqual(
            composer.body,
            self.Conversation.new(
                {
                    "partner_id": self.customer_b.id,
                    "store_id": self.store_a.id,
                    "company_id": self.company.id,
                    "customer_number": "+33600000000",
                }
            )._render_opt_in(self.employee_a),
        )
        with mock_sms_provider():
            result = composer.action_send()
        conversation = self.Conversation.search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual(conversation.store_id, self.store_a)
        self.assertEqual(result["tag"], "mail.action_discuss")
        self.assertEqual(
            result["params"]["active_id"], f"discuss.channel_{conversation.channel_id.id}"
        )
        # the next time, the chat itself
        action = self.customer_b.with_user(self.user_associate_a).action_clienteling_text()
        self.assertEqual(action["params"], result["params"])
        with self.assertRaises(AccessError):
            self.Conversation.with_user(self.user_associate_b)._open_for_partner(
                self.customer_a, self.number_a
            )


@tagged("post_install", "-at_install", "clienteling_sms")
class TestNumberAccountBoundaries(BoundaryCase):
    def test_numbers_are_released_by_administrators_only(self):
        with TwilioRecorder() as recorder:
            self.account.write(
                {
                    "provider": "twilio",
                    "twilio_account_sid": "AC0007",
                    "twilio_auth_token": "token",
                    "twilio_api_base_url": recorder.url,
                }
            )
            self.number_a.provider_sid = "PN0007"
            for user in (
                self.user_associate_a,
                self.user_store_manager_a,
                self.user_other_company,
                *self.outsiders,
            ):
                for method in ("action_release", "action_unassign"):
                    with (
                        self.subTest(user=user.login, method=method),
                        self.assertRaises(AccessError),
                    ):
                        getattr(self.number_a.with_user(user), method)()
            self.assertFalse(recorder.requests)  # never released at the provider
        self.assertEqual(self.number_a.state, "assigned")

    def test_wizards_of_another_company(self):
        user = self.user_other_company
        with self.assertRaises(AccessError):
            self.env["clienteling.phone.number.provision"].with_user(user).create(
                {
                    "account_id": self.account.id,
                    "target": "store",
                    "store_ids": [(6, 0, self.store_a.ids)],
                }
            ).action_provision()
        spare = self.env["clienteling.phone.number"].create(
            {"number": "+12125550176", "account_id": self.account.id}
        )
        store = self.env["clienteling.store"].create(
            {
                "name": "Chelsea",
                "code": "T-CHE",
                "country_id": self.us.id,
                "landline": "(212) 555-0160",
            }
        )
        with self.assertRaises(AccessError):
            self.env["clienteling.store.onboard"].with_user(user).create(
                {"store_id": store.id, "phone_number_id": spare.id}
            ).action_onboard()
        self.assertEqual(spare.state, "available")
        with self.assertRaises(AccessError):
            self.account.with_user(user).action_test_connection()

    def test_webhook_events_stay_in_their_company(self):
        event = self._inbound("Hello")
        with self.assertRaises(AccessError):
            event.with_user(self.user_other_company).read(["payload"])
        self.assertFalse(
            self.Event.with_user(self.user_other_company).search([("id", "=", event.id)])
        )
        with self.assertRaises(AccessError):
            event.with_user(self.user_other_company).action_retry()


@tagged("post_install", "-at_install", "clienteling_sms")
class TestAccountSecrets(BoundaryCase):
    """A Clienteling Administrator without system rights cannot redirect an
    account that has credentials: changing where it sends or who it is at the
    provider clears them, as changing a mail account's server clears its password."""

    def setUp(self):
        super().setUp()
        self.account.write(
            {
                "provider": "twilio",
                "twilio_account_sid": "AC0009",
                "twilio_auth_token": "the-token",
                "twilio_api_key_secret": "the-key-secret",
            }
        )

    def _secrets(self):
        self.account.invalidate_recordset()
        return (self.account.twilio_auth_token, self.account.twilio_api_key_secret)

    def test_redirecting_clears_the_credentials(self):
        as_admin = self.account.with_user(self.user_manager)
        as_admin.write({"name": "Renamed", "quiet_hours_end": 21})
        self.assertEqual(self._secrets(), ("the-token", "the-key-secret"))
        as_admin.write({"webhook_base_url": "https://shop.example.com"})  # unchanged value
        self.assertEqual(self._secrets(), ("the-token", "the-key-secret"))
        as_admin.write({"webhook_base_url": "https://attacker.example.net"})
        self.assertEqual(self._secrets(), (False, False))
        self.assertIn("credentials were cleared", self.account.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "auth token"):
            as_admin.action_test_connection()

    def test_changing_the_provider_clears_the_credentials(self):
        self.account.with_user(self.user_manager).write({"provider": "sandbox"})
        self.assertEqual(self._secrets(), (False, False))

    def test_provider_fields_are_for_system_administrators(self):
        for vals in (
            {"twilio_api_base_url": "https://attacker.example.net"},
            {"twilio_account_sid": "ACattacker"},
            {"twilio_auth_token": "mine"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.account.with_user(self.user_manager).write(vals)
            with self.subTest(create=vals), self.assertRaises(AccessError):
                self.env["clienteling.sms.account"].with_user(self.user_manager).create(
                    {"name": "Mine", "active": False, "provider": "twilio", **vals}
                )
        self.assertEqual(self._secrets(), ("the-token", "the-key-secret"))

    def test_system_administrators_keep_them(self):
        self.account.write({"webhook_base_url": "https://new.example.com", "provider": "twilio"})
        self.assertEqual(self._secrets(), ("the-token", "the-key-secret"))


@tagged("post_install", "-at_install", "clienteling_sms")
class TestComposerAttachments(BoundaryCase):
    def _image(self, **vals):
        return self.env["ir.attachment"].create(
            {"name": "coat.png", "raw": b"\x89PNG\r\n\x1a\nDATA", "mimetype": "image/png", **vals}
        )

    def test_images_are_copied_never_moved(self):
        image = self._image(res_model="res.partner", res_id=self.customer_a.id)
        composer = self.env["clienteling.sms.composer"].with_user(self.user_associate_a)
        composer.create(
            {
                "conversation_id": self.conversation_a.id,
                "body": "Your coat",
                "attachment_ids": [(6, 0, image.ids)],
            }
        ).action_send()
        self.assertEqual((image.res_model, image.res_id), ("res.partner", self.customer_a.id))
        copy = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "discuss.channel"),
                ("res_id", "=", self.conversation_a.channel_id.id),
            ]
        )
        self.assertEqual(len(copy), 1)
        self.assertNotEqual(copy, image)
        self.assertEqual(copy.raw, image.raw)
        sent = self._outbound(self.conversation_a)
        self.assertIn(f"/clienteling/sms/media/{copy.id}/", sent.media_urls)

    def test_attachments_the_user_may_not_read_are_refused(self):
        conversation_b = self.Conversation._open_for_partner(self.customer_b, self.number_b)
        conversation_b._record_consent("opted_in", "keyword", "OUI")
        other_store_image = self._image(
            res_model="clienteling.conversation", res_id=conversation_b.id
        )
        private_image = self._image()  # no document, created by someone else
        composer = self.env["clienteling.sms.composer"].with_user(self.user_associate_a)
        for image in (other_store_image, private_image):
            with (
                self.subTest(image=image.id),
                self.assertRaisesRegex(AccessError, "cannot be sent"),
            ):
                composer.create(
                    {
                        "conversation_id": self.conversation_a.id,
                        "body": "Look",
                        "attachment_ids": [(6, 0, image.ids)],
                    }
                ).action_send()
        self.assertEqual(other_store_image.res_id, conversation_b.id)
        self.assertFalse(self._outbound(self.conversation_a))


@tagged("post_install", "-at_install", "clienteling_sms")
class TestCustomerHistory(BoundaryCase):
    """Texts live in their conversation (store-scoped), not in the customer's
    chatter that every internal user reads."""

    def _partner_sms(self, partner):
        return partner.message_ids.filtered(lambda m: m.message_type == "sms")

    def test_texts_are_not_copied_to_the_customer(self):
        self._inbound("Hi Ann", to=self.number_personal.number)
        self.assertTrue(self.customer_a.clienteling_last_contact_date)
        self.conversation_a.with_user(self.user_associate_a)._send_message("Yes, it is")
        bodies = " ".join(self._partner_sms(self.customer_a).mapped("body"))
        self.assertNotIn("Hi Ann", bodies)
        self.assertNotIn("Yes, it is", bodies)
        self.assertNotIn("Text to the customer", bodies)
        self.assertNotIn("Text from the customer", bodies)
        contacts = self.customer_a.clienteling_contact_ids
        self.assertEqual(contacts.employee_id, self.employee_a)
        # another store's associate searching messages finds no text of store A
        for text in ("Hi Ann", "Yes, it is"):
            messages = (
                self.env["mail.message"]
                .with_user(self.user_associate_b)
                .search([("body", "ilike", text)])
            )
            self.assertFalse(messages)
        # store A's associate reads them in the conversations
        self.assertTrue(
            self.env["mail.message"]
            .with_user(self.user_associate_a)
            .search([("body", "ilike", "Hi Ann")])
        )

    def test_the_customer_form_lists_the_conversations_the_user_may_read(self):
        conversation_b = self.Conversation._open_for_partner(self.customer_a, self.number_b)
        customer = self.customer_a
        self.assertEqual(
            customer.with_user(self.user_associate_a).clienteling_conversation_ids,
            self.conversation_a | self.conversation_personal,
        )
        self.assertEqual(
            customer.with_user(self.user_associate_b).clienteling_conversation_ids,
            conversation_b,
        )
        self.assertEqual(
            customer.with_user(self.user_associate_b).clienteling_conversation_count, 1
        )
        self.assertEqual(customer.with_user(self.user_manager).clienteling_conversation_count, 3)

    def test_migration_deletes_the_copies_only(self):
        partner = self.customer_a
        kept_note = partner._message_log(body=Markup("<p>Text to the customer: call back</p>"))
        kept_sms = partner._message_log(body=Markup("<p>Order shipped</p>"), message_type="sms")
        copies = [
            partner._message_log(body=Markup("%s<br/>%s") % (prefix, "Hello"), message_type="sms")
            for prefix in (
                "Text to the customer:",
                "Text from the customer:",
                "SMS au client :",
                "SMS du client :",
                "SMS du client\u00a0:",
            )
        ]
        kept_conversation = self.conversation_a._message_log(
            body=Markup("Text to the customer:<br/>Hi"), message_type="sms"
        )
        path = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.1.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("clienteling_sms_migration_1_1", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(self.env["mail.message"].browse([m.id for m in copies]).exists())
        self.assertEqual(
            (kept_note | kept_sms | kept_conversation).exists(),
            kept_note | kept_sms | kept_conversation,
        )

    def test_migration_removes_outside_followers(self):
        self.env["mail.followers"]._insert_followers(
            self.conversation_a._name,
            self.conversation_a.ids,
            (
                self.customer_a
                | self.user_associate_b.partner_id
                | self.user_associate_a.partner_id
            ).ids,
        )
        path = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.1.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("clienteling_sms_migration_1_1b", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(self.conversation_a.message_partner_ids, self.user_associate_a.partner_id)
