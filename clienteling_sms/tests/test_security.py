from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_sms")
class TestSmsSecurity(ClientelingSmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.conversation_a = cls.Conversation._open_for_partner(cls.customer_a, cls.number_a)
        cls.conversation_b = cls.Conversation._open_for_partner(cls.customer_b, cls.number_b)
        cls.conversation_personal = cls.Conversation._open_for_partner(
            cls.customer_a, cls.number_personal
        )

    def _visible(self, user):
        return self.Conversation.with_user(user).search(
            [
                (
                    "id",
                    "in",
                    (self.conversation_a | self.conversation_b | self.conversation_personal).ids,
                )
            ]
        )

    def test_associate_reads_their_store_and_own_number_only(self):
        self.assertEqual(
            self._visible(self.user_associate_a), self.conversation_a | self.conversation_personal
        )
        self.assertEqual(self._visible(self.user_associate_b), self.conversation_b)
        with self.assertRaises(AccessError):
            self.conversation_b.with_user(self.user_associate_a).read(["customer_number"])
        with self.assertRaises(AccessError):
            self.conversation_b.with_user(self.user_associate_a)._send_message("Hello")

    def test_colleague_personal_numbers_stay_private_but_store_managers_see_them(self):
        colleague = self.env["res.users"].create(
            {
                "name": "Colleague",
                "login": "t_colleague",
                "groups_id": [(6, 0, self.env.ref("clienteling.group_clienteling_associate").ids)],
            }
        )
        self.env["hr.employee"].create(
            {
                "name": "Colleague",
                "user_id": colleague.id,
                "clienteling_store_id": self.store_a.id,
                "clienteling_role": "associate",
            }
        )
        self.assertEqual(self._visible(colleague), self.conversation_a)
        self.assertEqual(
            self._visible(self.user_store_manager_a),
            self.conversation_a | self.conversation_personal,
        )
        self.assertEqual(
            self._visible(self.user_manager),
            self.conversation_a | self.conversation_b | self.conversation_personal,
        )

    def test_secrets_are_for_system_administrators(self):
        self.account.sudo().write(
            {"provider": "twilio", "twilio_account_sid": "AC9", "twilio_auth_token": "secret"}
        )
        account = self.account.with_user(self.user_manager)
        self.assertEqual(account.name, "Test sandbox")
        with self.assertRaises(AccessError):
            account.read(["twilio_auth_token"])
        with self.assertRaises(AccessError):
            self.account.with_user(self.user_associate_a).read(["name"])
        fields = self.env["clienteling.sms.account"].with_user(self.user_manager).fields_get()
        self.assertNotIn("twilio_auth_token", fields)
        self.assertNotIn("secret", str(self.account.message_ids.mapped("body")))

    def test_associates_cannot_touch_numbers_or_events(self):
        with self.assertRaises(AccessError):
            self.number_a.with_user(self.user_associate_a).write({"store_id": self.store_b.id})
        with self.assertRaises(AccessError):
            self.number_a.with_user(self.user_associate_a).action_release()
        with self.assertRaises(AccessError):
            self.env["clienteling.sms.event"].with_user(self.user_associate_a).search([])
