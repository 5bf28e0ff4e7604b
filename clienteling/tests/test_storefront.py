from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ASSOCIATE_GROUPS, STORE_MANAGER_GROUPS, ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestStorefront(ClientelingCase):
    """Who may change a storefront and its picks, and who sees its visits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_store_manager_b = new_test_user(
            cls.env, login="t_sf_mgr_b", groups=STORE_MANAGER_GROUPS
        )
        cls.env["hr.employee"].create(
            {
                "name": "Store Manager B",
                "user_id": cls.user_store_manager_b.id,
                "clienteling_store_id": cls.store_b.id,
                "clienteling_role": "store_manager",
            }
        )
        cls.company_b = cls.env["res.company"].create({"name": "Storefront Company B"})
        cls.user_company_b = new_test_user(
            cls.env,
            login="t_sf_company_b",
            groups=ASSOCIATE_GROUPS,
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.store_company_b = cls.env["clienteling.store"].create(
            {"name": "Company B Store", "code": "T-SFB", "company_id": cls.company_b.id}
        )
        cls.env["hr.employee"].create(
            {
                "name": "Company B Associate",
                "user_id": cls.user_company_b.id,
                "company_id": cls.company_b.id,
                "clienteling_store_id": cls.store_company_b.id,
            }
        )
        cls.hr_officer = new_test_user(
            cls.env, login="t_sf_hr", groups="base.group_user,hr.group_hr_user"
        )
        Product = cls.env["product.product"]
        cls.scarf = Product.create({"name": "Rules Scarf", "list_price": 50})
        cls.tie = Product.create({"name": "Rules Tie", "list_price": 30})
        cls.Pick = cls.env["clienteling.associate.pick"]
        cls.pick_a = cls.Pick.create({"employee_id": cls.employee_a.id, "product_id": cls.scarf.id})
        cls.pick_b = cls.Pick.create({"employee_id": cls.employee_b.id, "product_id": cls.scarf.id})
        Visit = cls.env["clienteling.storefront.visit"]
        Visit._record_visit(cls.employee_a, "198.51.100.1", "UA")
        Visit._record_visit(cls.employee_b, "198.51.100.1", "UA")
        cls.visit_a = Visit.search([("employee_id", "=", cls.employee_a.id)])
        cls.visit_b = Visit.search([("employee_id", "=", cls.employee_b.id)])

    def _edit(self, user, employee, **values):
        wizard = (
            self.env["clienteling.storefront.edit"]
            .with_user(user)
            .create(
                dict(
                    {"employee_id": employee.id, "slug": "t-edited", "bio": "Hi"},
                    **values,
                )
            )
        )
        return wizard.action_save()

    # The storefront fields.

    def test_slug_from_the_name_unique_and_url_safe(self):
        Employee = self.env["hr.employee"]
        first = Employee.create({"name": "Zoé Martin", "clienteling_store_id": self.store_a.id})
        second = Employee.create({"name": "Zoe Martin", "clienteling_store_id": self.store_a.id})
        self.assertEqual(first.clienteling_storefront_slug, "zoe-martin")
        self.assertEqual(second.clienteling_storefront_slug, "zoe-martin-2")
        self.assertFalse(Employee.create({"name": "No Store"}).clienteling_storefront_slug)
        with self.assertRaisesRegex(ValidationError, "cannot be a storefront address"):
            first.clienteling_storefront_slug = "Zoé Martin"
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception):  # noqa: B017
            second.clienteling_storefront_slug = "zoe-martin"
            second.flush_recordset()

    def test_publishing_needs_a_store(self):
        employee = self.env["hr.employee"].create({"name": "Storeless"})
        with self.assertRaisesRegex(ValidationError, "needs an address and a Clienteling store"):
            employee.write(
                {
                    "clienteling_storefront_slug": "storeless",
                    "clienteling_storefront_published": True,
                }
            )

    def test_associate_edits_own_storefront_from_my_profile(self):
        action = self.user_associate_a.with_user(
            self.user_associate_a
        ).action_clienteling_edit_storefront()
        wizard = self.env["clienteling.storefront.edit"].browse(action["res_id"])
        self.assertEqual(wizard.employee_id, self.employee_a)
        self.assertEqual(wizard.slug, "ann-associate")
        wizard.with_user(self.user_associate_a).write({"bio": "Shoes!", "published": True})
        wizard.with_user(self.user_associate_a).action_save()
        self.assertEqual(self.employee_a.clienteling_storefront_bio, "Shoes!")
        self.assertTrue(self.employee_a.clienteling_storefront_published)
        with self.assertRaises(AccessError):
            self.user_associate_a.with_user(
                self.user_associate_b
            ).action_clienteling_edit_storefront()

    def test_store_manager_edits_their_stores_storefronts_only(self):
        self._edit(self.user_store_manager_a, self.employee_a, slug="t-ann-by-manager")
        self.assertEqual(self.employee_a.clienteling_storefront_slug, "t-ann-by-manager")
        public = self.env["hr.employee.public"].browse(self.employee_a.id)
        action = public.with_user(self.user_store_manager_a).action_clienteling_edit_storefront()
        self.assertEqual(action["res_model"], "clienteling.storefront.edit")
        with self.assertRaises(AccessError):
            self._edit(self.user_store_manager_a, self.employee_b)
        self.assertNotEqual(self.employee_b.clienteling_storefront_slug, "t-edited")

    def test_nobody_else_edits_a_storefront(self):
        for user in (
            self.user_associate_b,
            self.user_store_manager_b,
            self.user_company_b,
        ):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._edit(user, self.employee_a)
        # an HR officer changes employees, not their storefronts
        with self.assertRaises(AccessError):
            self.employee_a.with_user(self.hr_officer).clienteling_storefront_bio = "Hacked"
        self.employee_a.with_user(self.user_manager).clienteling_storefront_bio = "By admin"
        self.assertEqual(self.employee_a.clienteling_storefront_bio, "By admin")

    # Picks.

    def test_associate_manages_own_picks_only(self):
        Pick = self.Pick.with_user(self.user_associate_a)
        self.assertEqual(Pick.search([("id", "in", (self.pick_a | self.pick_b).ids)]), self.pick_a)
        own = Pick.create({"product_id": self.tie.id})
        self.assertEqual(own.employee_id, self.employee_a)
        own.note = "Great tie"
        own.unlink()
        with self.assertRaises(AccessError):
            Pick.create({"employee_id": self.employee_b.id, "product_id": self.tie.id})
        with self.assertRaises(AccessError):
            self.pick_b.with_user(self.user_associate_a).note = "Mine now"
        with self.assertRaises(AccessError):
            self.pick_b.with_user(self.user_associate_a).unlink()

    def test_store_manager_manages_their_stores_picks(self):
        Pick = self.Pick.with_user(self.user_store_manager_a)
        self.assertEqual(Pick.search([("id", "in", (self.pick_a | self.pick_b).ids)]), self.pick_a)
        pick = Pick.create({"employee_id": self.employee_a.id, "product_id": self.tie.id})
        pick.sequence = 1
        with self.assertRaises(AccessError):
            Pick.create({"employee_id": self.employee_b.id, "product_id": self.tie.id})
        for user in (self.user_store_manager_b, self.user_company_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.pick_a.with_user(user).read(["note"])

    def test_picks_are_for_store_associates(self):
        employee = self.env["hr.employee"].create({"name": "Back Office"})
        with self.assertRaisesRegex(ValidationError, "only associates have a storefront"):
            self.Pick.create({"employee_id": employee.id, "product_id": self.tie.id})

    # Visits.

    def test_visits_are_seen_by_their_associate_store_managers_and_admins(self):
        Visit = self.env["clienteling.storefront.visit"]
        both = (self.visit_a | self.visit_b).ids
        expected = {
            self.user_associate_a: self.visit_a,
            self.user_associate_b: self.visit_b,
            self.user_store_manager_a: self.visit_a,
            self.user_manager: self.visit_a | self.visit_b,
            self.user_company_b: Visit,
        }
        for user, visits in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(Visit.with_user(user).search([("id", "in", both)]), visits)
        with self.assertRaises(AccessError):
            self.visit_a.with_user(self.user_associate_a).hits = 100
        with self.assertRaises(AccessError):
            Visit.with_user(self.user_associate_a).create(
                {
                    "employee_id": self.employee_a.id,
                    "company_id": self.company.id,
                    "visit_date": "2026-01-01",
                    "visitor_key": "x",
                }
            )

    def test_a_visitor_counts_once_a_day(self):
        Visit = self.env["clienteling.storefront.visit"]
        Visit._record_visit(self.employee_a, "198.51.100.1", "UA")
        Visit._record_visit(self.employee_a, "198.51.100.2", "UA")
        visits = Visit.search([("employee_id", "=", self.employee_a.id)])
        self.assertEqual(sorted(visits.mapped("hits")), [1, 2])
        self.assertFalse(any("198.51.100" in key for key in visits.mapped("visitor_key")))

    # Storefronts opened by known customers.

    def test_opens_one_row_a_day_seen_by_admins_and_forgotten_after_the_window(self):
        Open = self.env["clienteling.storefront.open"]
        Open._record_open(self.employee_a, self.customer_a, "visit", when=datetime(2026, 3, 1, 15))
        Open._record_open(self.employee_a, self.customer_a, "visit", when=datetime(2026, 3, 1, 9))
        Open._record_open(self.employee_a, self.customer_a, "request", when=datetime(2026, 3, 2, 9))
        opens = Open.search([("partner_id", "=", self.customer_a.id)], order="open_date")
        self.assertEqual(len(opens), 2)
        self.assertEqual(
            (opens[0].opened_at, opens[0].last_opened_at, opens[0].store_id),
            (datetime(2026, 3, 1, 9), datetime(2026, 3, 1, 15), self.store_a),
        )
        self.assertEqual(Open.with_user(self.user_manager).search([("id", "in", opens.ids)]), opens)
        for user in (self.user_associate_a, self.user_store_manager_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Open.with_user(user).search([])
        self.env["res.company"].search([]).clienteling_link_attribution_days = 14
        # kept 14 + 30 days after the last time: until March 2 08:00 is gone
        with freeze_time(datetime(2026, 4, 15, 8)):
            Open._gc_opens()
        self.assertEqual(opens.exists(), opens[1])
