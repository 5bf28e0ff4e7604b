from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import MANAGER_GROUPS, STORE_MANAGER_GROUPS, ClientelingCase


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


@tagged("post_install", "-at_install", "clienteling")
class TestCustomerBoundary(ClientelingCase):
    """Customers are readable by every internal user as in Odoo; Clienteling users
    change them within their stores' books (res.partner record rules)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.no_book = Partner.create({"name": "Walk-in Without Store"})
        cls.company_contact = Partner.create({"name": "Fabric Supplier", "is_company": True})
        cls.user_manager_b = mail_new_test_user(
            cls.env, login="t_mgr_b", name="Paris Manager", groups=STORE_MANAGER_GROUPS
        )
        cls.employee_manager_b = cls.env["hr.employee"].create(
            {
                "name": "Paris Manager",
                "user_id": cls.user_manager_b.id,
                "clienteling_store_id": cls.store_b.id,
                "clienteling_role": "store_manager",
            }
        )

    def assertRefused(self, call, exception=AccessError):
        with self.assertRaises(exception):
            call()

    def test_associates_change_customers_of_their_store_book_or_of_none(self):
        ann = self.user_associate_a
        self.customer_a.with_user(ann).write({"email": "jane@example.org"})
        self.no_book.with_user(ann).write({"phone": "+12125550100"})
        self.company_contact.with_user(ann).write({"website": "https://fabric.example.com"})
        ann.partner_id.with_user(ann).write({"mobile": "+12125550111"})
        self.assertEqual(self.customer_a.email, "jane@example.org")
        # Another store's customer: readable, not changeable nor archivable, by any path.
        louise = self.customer_b.with_user(ann)
        self.assertEqual(louise.read(["name"])[0]["name"], "Louise Bernard")
        self.assertRefused(lambda: louise.write({"email": "x@example.org"}))
        self.assertRefused(louise.action_archive)
        self.assertRefused(lambda: louise.message_post(body="Hello from New York"))
        self.assertTrue(self.customer_b.active)
        self.assertFalse(self.customer_b.email)

    def test_associates_fill_only_their_stores_books(self):
        ann = self.user_associate_a
        Partner = self.env["res.partner"].with_user(ann)
        mine = Partner.create({"name": "Mine", "clienteling_store_id": self.store_a.id})
        self.assertEqual(mine.clienteling_store_id, self.store_a)
        with self.assertRaisesRegex(AccessError, "not in those of Test Saint-Honoré"):
            Partner.create({"name": "Theirs", "clienteling_store_id": self.store_b.id})
        with self.assertRaisesRegex(AccessError, "Bea Associate"):
            self.no_book.with_user(ann).write({"clienteling_associate_id": self.employee_b.id})
        with self.assertRaisesRegex(AccessError, "Test Saint-Honoré"):
            self.customer_a.with_user(ann).write({"clienteling_store_id": self.store_b.id})
        self.assertEqual(self.customer_a.clienteling_store_id, self.store_a)
        # a colleague's client book, or out of the store book: the store's own decisions
        self.customer_a.with_user(ann).write(
            {"clienteling_associate_id": self.employee_manager_a.id}
        )
        self.no_book.with_user(ann).write({"clienteling_store_id": self.store_a.id})
        self.customer_a.with_user(ann).write({"clienteling_store_id": False})
        self.assertFalse(self.customer_a.clienteling_store_id)

    def test_deletion_is_for_store_managers_and_administrators(self):
        ann = self.user_associate_a
        self.assertRefused(self.customer_a.with_user(ann).unlink)
        self.assertRefused(self.no_book.with_user(ann).unlink)
        # a contact Ann created herself, in no book: her mistake to undo
        mistake = self.env["res.partner"].with_user(ann).create({"name": "Typo Contact"})
        mistake.with_user(ann).unlink()
        self.assertFalse(mistake.exists())
        # Sam manages New York: its customers and those of no book
        sam = self.user_store_manager_a
        self.assertRefused(self.customer_b.with_user(sam).unlink)
        self.no_book.with_user(sam).unlink()
        self.customer_a.with_user(sam).unlink()
        self.assertFalse((self.customer_a | self.no_book).exists())
        # Paris's own manager deletes Paris's customers
        self.customer_b.with_user(self.user_manager_b).unlink()
        self.assertFalse(self.customer_b.exists())

    def test_managed_stores_and_administrators(self):
        sam = self.user_store_manager_a
        self.assertRefused(lambda: self.customer_b.with_user(sam).write({"ref": "x"}))
        self.employee_manager_a.clienteling_managed_store_ids = self.store_b
        self.customer_b.with_user(sam).write({"ref": "Managed by Sam too"})
        self.customer_b.with_user(self.user_manager).write({"ref": "Administrator"})
        self.assertEqual(self.customer_b.ref, "Administrator")
        # An administrator of another company: not these stores' customers.
        other = self.env["res.company"].create({"name": "Other Retail"})
        admin_other = mail_new_test_user(
            self.env,
            login="t_admin_other",
            groups=MANAGER_GROUPS,
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertTrue(self.customer_a.with_user(admin_other).read(["name"]))
        self.assertRefused(lambda: self.customer_a.with_user(admin_other).write({"ref": "x"}))
        self.assertRefused(self.customer_a.with_user(admin_other).unlink)
        self.assertRefused(
            lambda: self.no_book.with_user(admin_other).write(
                {"clienteling_store_id": self.store_a.id}
            )
        )
        self.no_book.with_user(admin_other).write({"ref": "No store: shared as in Odoo"})

    def test_users_without_clienteling_rights_keep_odoos_rules(self):
        contact_manager = mail_new_test_user(
            self.env, login="t_contacts", groups="base.group_user,base.group_partner_manager"
        )
        self.customer_b.with_user(contact_manager).write({"ref": "Odoo's contact manager"})
        self.assertEqual(self.customer_b.ref, "Odoo's contact manager")
        portal = mail_new_test_user(self.env, login="t_portal_b", groups="base.group_portal")
        self.assertRefused(lambda: self.customer_a.with_user(portal).read(["name"]))

    def test_a_contact_is_a_fact_recorded_on_any_readable_customer(self):
        # Louise (Paris) wrote to New York: Ann records the contact.
        self.customer_b.with_user(self.user_associate_a)._clienteling_register_contact(
            "email", "inbound", employee=self.employee_a
        )
        self.assertTrue(self.customer_b.clienteling_last_contact_date)

    def test_important_dates_follow_the_customers_store(self):
        Date = self.env["clienteling.important.date"]
        date_a = Date.create({"partner_id": self.customer_a.id, "month": 2, "day": 3})
        date_none = Date.create({"partner_id": self.no_book.id, "month": 4, "day": 5})
        bea = self.user_associate_b
        self.assertEqual(
            Date.with_user(bea).search([("id", "in", (date_a | date_none).ids)]), date_none
        )
        self.assertRefused(lambda: date_a.with_user(bea).read(["month"]))
        self.assertRefused(lambda: date_a.with_user(bea).write({"day": 4}))
        self.assertRefused(date_a.with_user(bea).unlink)
        self.assertRefused(
            lambda: Date.with_user(bea).create(
                {"partner_id": self.customer_a.id, "kind": "anniversary", "month": 1, "day": 1}
            )
        )
        # ... nor moved onto another store's customer
        own = Date.with_user(bea).create(
            {"partner_id": self.customer_b.id, "kind": "anniversary", "month": 6, "day": 7}
        )
        self.assertRefused(lambda: own.write({"partner_id": self.customer_a.id}))
        self.assertEqual(own.partner_id, self.customer_b)
        # the customer's form shows Bea none of New York's dates
        self.env.invalidate_all()
        self.assertFalse(self.customer_a.with_user(bea).clienteling_important_date_ids)
        date_none.with_user(bea).write({"note": "Walk-in's birthday"})
        # the store's own associates and the company's administrator do
        self.env.invalidate_all()  # one request per user
        self.assertEqual(
            self.customer_a.with_user(self.user_associate_a).clienteling_important_date_ids, date_a
        )
        self.assertTrue(date_a.with_user(self.user_manager).read(["month"]))

    def test_contact_rows_follow_the_customers_store(self):
        Contact = self.env["clienteling.associate.contact"]
        self.customer_a._clienteling_register_contact("sms", "outbound", employee=self.employee_a)
        self.no_book._clienteling_register_contact("sms", "outbound", employee=self.employee_b)
        self.customer_a._clienteling_register_contact("email", "inbound", employee=self.employee_b)
        rows = Contact.search([("partner_id", "in", (self.customer_a | self.no_book).ids)])
        ann_sees = Contact.with_user(self.user_associate_a).search([("id", "in", rows.ids)])
        bea_sees = Contact.with_user(self.user_associate_b).search([("id", "in", rows.ids)])
        # Ann: every contact with her store's customer; not Paris's with a walk-in
        self.assertEqual(ann_sees.mapped("employee_id"), self.employee_a | self.employee_b)
        self.assertEqual(ann_sees.partner_id, self.customer_a)
        # Bea: her own contacts only (Jane is New York's, the walk-in hers)
        self.assertEqual(bea_sees.employee_id, self.employee_b)
        self.assertEqual(set(bea_sees.partner_id.ids), {self.customer_a.id, self.no_book.id})
        self.assertEqual(
            len(Contact.with_user(self.user_manager).search([("id", "in", rows.ids)])), 3
        )


@tagged("post_install", "-at_install", "clienteling")
class TestRoleLimits(ClientelingCase):
    def test_store_managers_manage_their_stores_settings_not_who_works_there(self):
        sam = self.user_store_manager_a
        store = self.store_a.with_user(sam)
        store.write(
            {
                "name": "Fifth Avenue Flagship",
                "tz": "America/Chicago",
                "landline": "(212) 555-0123",
                "entry_consent_wording": "Yes, text me about {store}.",
            }
        )
        self.assertEqual(self.store_a.landline, "+12125550123")
        for values in (
            {"manager_ids": [(4, self.employee_b.id)]},
            {"company_id": self.env["res.company"].create({"name": "Elsewhere"}).id},
            {"active": False},
            {"code": "X-1"},
            {"country_id": self.fr.id},
            {"environment": "sandbox"},
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(AccessError, "Only Clienteling administrators"),
            ):
                store.write(values)
        self.assertRaises(AccessError, store.action_archive)
        self.assertEqual(self.store_a.manager_ids, self.env["hr.employee"])
        self.assertTrue(self.store_a.active)
        # the administrator does
        self.store_a.with_user(self.user_manager).write(
            {"manager_ids": [(4, self.employee_manager_a.id)], "environment": "staging"}
        )
        self.assertEqual(self.store_a.environment, "staging")

    def test_clienteling_administrators_have_no_system_rights(self):
        admin = self.user_manager
        self.assertFalse(admin.has_group("base.group_system"))
        env = self.env(user=admin)
        with self.assertRaises(AccessError):
            env["ir.config_parameter"].set_param("clienteling.customer_entry_rate_limit", "1000")
        with self.assertRaises(AccessError):
            env["ir.config_parameter"].search([])
        rule = self.env.ref("clienteling.res_partner_rule_clienteling_associate")
        with self.assertRaises(AccessError):
            rule.with_user(admin).write({"domain_force": "[(1, '=', 1)]"})
        with self.assertRaises(AccessError):
            env["ir.model.access"].create(
                {
                    "name": "mine",
                    "model_id": self.env.ref("base.model_res_users").id,
                    "perm_write": True,
                }
            )
        with self.assertRaises(AccessError):
            self.env.ref("base.group_system").with_user(admin).write({"users": [(4, admin.id)]})
        with self.assertRaises(AccessError):
            admin.with_user(admin).write({"groups_id": [(4, self.env.ref("base.group_system").id)]})
        with self.assertRaises(AccessError):
            self.env.ref("clienteling.ir_cron_important_date_next").with_user(admin).write(
                {"code": "model.env.cr.execute('select 1')"}
            )
        with self.assertRaises(AccessError):
            env["ir.mail_server"].create({"name": "Mine", "smtp_host": "smtp.example.com"})
        self.assertFalse(admin.has_group("base.group_system"))
