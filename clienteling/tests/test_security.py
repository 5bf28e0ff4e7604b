from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestSecurity(ClientelingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consent_a = cls.customer_a._clienteling_record_consent(
            "sms", "opted_in", cls.store_a, "keyword", "YES"
        )
        cls.consent_b = cls.customer_b._clienteling_record_consent(
            "sms", "opted_in", cls.store_b, "keyword", "OUI"
        )
        cls.customer_a._clienteling_register_contact("sms", "outbound", employee=cls.employee_a)
        cls.customer_b._clienteling_register_contact("sms", "outbound", employee=cls.employee_b)

    def _visible(self, user, model, records):
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def test_associate_sees_only_their_store(self):
        user = self.user_associate_a
        stores = self.store_a | self.store_b
        self.assertEqual(self._visible(user, "clienteling.store", stores), self.store_a)
        consents = self.consent_a | self.consent_b
        self.assertEqual(self._visible(user, "clienteling.consent", consents), self.consent_a)
        contacts = self.env["clienteling.associate.contact"].search([])
        self.assertEqual(
            self._visible(user, "clienteling.associate.contact", contacts).store_id, self.store_a
        )
        with self.assertRaises(AccessError):
            self.consent_b.with_user(user).read(["state"])
        with self.assertRaises(AccessError):
            self.store_b.with_user(user).read(["landline"])
        # asking for another store's consent state tells nothing
        self.assertFalse(
            self.customer_b.with_user(user)._clienteling_consent_state("sms", self.store_b)
        )
        # customers themselves stay visible as in standard Odoo
        self.assertTrue(self.customer_b.with_user(user).read(["name"]))

    def test_store_manager_sees_their_stores_and_edits_them(self):
        user = self.user_store_manager_a
        self.assertEqual(
            self._visible(user, "clienteling.store", self.store_a | self.store_b), self.store_a
        )
        self.store_a.with_user(user).write({"tz": "America/Chicago"})
        with self.assertRaises(AccessError):
            self.store_b.with_user(user).write({"tz": "Europe/London"})
        with self.assertRaises(AccessError):
            self.env["clienteling.store"].with_user(user).create(
                {"name": "X", "code": "X", "country_id": self.us.id}
            )
        # managing another store through managed stores
        self.employee_manager_a.clienteling_managed_store_ids = self.store_b
        self.assertEqual(
            self._visible(user, "clienteling.store", self.store_a | self.store_b),
            self.store_a | self.store_b,
        )
        self.assertEqual(
            self._visible(user, "clienteling.consent", self.consent_a | self.consent_b),
            self.consent_a | self.consent_b,
        )

    def test_clienteling_manager_sees_every_store_of_the_company(self):
        user = self.user_manager
        self.assertEqual(
            self._visible(user, "clienteling.store", self.store_a | self.store_b),
            self.store_a | self.store_b,
        )
        self.assertEqual(
            self._visible(user, "clienteling.consent", self.consent_a | self.consent_b),
            self.consent_a | self.consent_b,
        )
        store = (
            self.env["clienteling.store"]
            .with_user(user)
            .create({"name": "Pop-up", "code": "POP", "country_id": self.us.id})
        )
        self.assertTrue(store)

    def test_moving_an_associate_moves_their_access(self):
        user = self.user_associate_a
        self.assertEqual(
            self._visible(user, "clienteling.consent", self.consent_a | self.consent_b),
            self.consent_a,
        )
        self.employee_a.clienteling_store_id = self.store_b
        self.assertEqual(
            self._visible(user, "clienteling.consent", self.consent_a | self.consent_b),
            self.consent_b,
        )

    def test_associates_read_but_do_not_manage_configuration(self):
        user = self.user_associate_a
        QuickReply = self.env["clienteling.quick.reply"].with_user(user)
        self.assertTrue(QuickReply.search([("kind", "=", "opt_in")]))
        with self.assertRaises(AccessError):
            QuickReply.create({"name": "Mine", "body": "Hello"})
        with self.assertRaises(AccessError):
            QuickReply._get_opt_in_message().write({"body": "Reply YES"})
        with self.assertRaises(AccessError):
            self.store_a.with_user(user).write({"name": "Renamed"})
        # important dates are customer data associates maintain
        date = (
            self.env["clienteling.important.date"]
            .with_user(user)
            .create({"partner_id": self.customer_a.id, "kind": "birthday", "month": 1, "day": 2})
        )
        date.unlink()

    def test_associates_see_colleagues_through_public_profiles(self):
        Employee = self.env["hr.employee"].with_user(self.user_associate_a)
        colleagues = Employee.search([("clienteling_store_id", "=", self.store_a.id)])
        self.assertEqual(colleagues, self.employee_a | self.employee_manager_a)
        self.assertEqual(colleagues.read(["clienteling_role"])[0]["clienteling_role"], "associate")
        self.assertEqual(
            self.employee_a.with_user(self.user_associate_a).clienteling_client_book_count, 1
        )

    def test_users_without_clienteling_rights(self):
        plain = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "t_plain",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.env["clienteling.consent"].with_user(plain).search([])
        self.assertEqual(
            self._visible(plain, "clienteling.store", self.store_a | self.store_b),
            self.store_a | self.store_b,
        )

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "Other Retail", "country_id": self.fr.id})
        store_other = self.env["clienteling.store"].create(
            {"name": "Lyon", "code": "LYO", "country_id": self.fr.id, "company_id": other.id}
        )
        consent_other = self.customer_b._clienteling_record_consent(
            "sms", "opted_in", store_other, "keyword", "OUI"
        )
        reply_other = self.env["clienteling.quick.reply"]._get_opt_in_message(other)
        user = self.user_manager
        self.assertFalse(self._visible(user, "clienteling.store", store_other))
        self.assertFalse(self._visible(user, "clienteling.consent", consent_other))
        self.assertFalse(self._visible(user, "clienteling.quick.reply", reply_other))
        user.write({"company_ids": [(4, other.id)]})
        allowed = (
            self.env["clienteling.store"]
            .with_user(user)
            .with_context(allowed_company_ids=[self.company.id, other.id])
        )
        self.assertIn(store_other, allowed.search([]))
        self.assertEqual(consent_other.company_id, other)

    def test_role_gives_and_takes_the_matching_group(self):
        store_manager_group = self.env.ref("clienteling.group_clienteling_store_manager")
        self.assertNotIn(store_manager_group, self.user_associate_a.groups_id)
        self.employee_a.clienteling_role = "store_manager"
        self.assertIn(store_manager_group, self.user_associate_a.groups_id)
        self.employee_a.clienteling_role = "associate"
        self.assertNotIn(store_manager_group, self.user_associate_a.groups_id)
        # an administrator keeps store manager rights whatever the role
        employee = self.env["hr.employee"].create(
            {"name": "Max", "user_id": self.user_manager.id, "clienteling_role": "associate"}
        )
        self.assertTrue(employee.user_id.has_group("clienteling.group_clienteling_store_manager"))
