from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOW, AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorSecurity(AdvisorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anns = cls.env["res.partner"].create(
            {
                "name": "Ann's Lapsed",
                "clienteling_store_id": cls.store_a.id,
                "clienteling_associate_id": cls.employee_a.id,
                "clienteling_last_purchase_date": "2026-01-01",
            }
        )
        cls.sams = cls.env["res.partner"].create(
            {
                "name": "Sam's Lapsed",
                "clienteling_store_id": cls.store_a.id,
                "clienteling_associate_id": cls.employee_manager_a.id,
                "clienteling_last_purchase_date": "2026-01-01",
            }
        )
        cls.beas = cls.env["res.partner"].create(
            {
                "name": "Bea's Lapsed",
                "clienteling_store_id": cls.store_b.id,
                "clienteling_associate_id": cls.employee_b.id,
                "clienteling_last_purchase_date": "2026-01-01",
            }
        )

    def visible(self, user):
        return (
            self.Recommendation.with_user(user)
            .search([("partner_id", "in", (self.anns | self.sams | self.beas).ids)])
            .partner_id
        )

    def test_associate_sees_own_lines_store_manager_the_store(self):
        self.refresh()
        self.assertEqual(self.visible(self.user_associate_a), self.anns)
        self.assertEqual(self.visible(self.user_associate_b), self.beas)
        self.assertEqual(self.visible(self.user_store_manager_a), self.anns | self.sams)
        self.assertEqual(self.visible(self.user_manager), self.anns | self.sams | self.beas)
        # The store manager's own Advisor lists hold his customers only.
        self.assertEqual(
            self.lines(self.user_store_manager_a, "keep_in_touch").partner_id, self.sams
        )

    def test_lines_are_read_only_and_snoozes_private(self):
        self.refresh()
        line = self.lines(self.user_associate_a, "keep_in_touch")
        with self.assertRaises(AccessError):
            line.with_user(self.user_associate_a).unlink()
        with self.assertRaises(AccessError):
            line.with_user(self.user_associate_a).write({"sort_key": 0})
        line.with_user(self.user_associate_a).action_dismiss()
        Snooze = self.env["clienteling.advisor.snooze"]
        self.assertEqual(len(Snooze.with_user(self.user_associate_a).search([])), 1)
        self.assertFalse(Snooze.with_user(self.user_associate_b).search([]))
        self.assertEqual(len(Snooze.with_user(self.user_store_manager_a).search([])), 1)

    def test_cannot_take_another_associates_client(self):
        self.company.clienteling_advisor_keep_in_touch_list = "store"
        self.refresh()
        line = self.lines(self.user_associate_a, "keep_in_touch").filtered(
            lambda r: r.partner_id == self.sams
        )
        with self.assertRaisesRegex(UserError, "already in the client book of Sam"):
            line.with_user(self.user_associate_a).action_add_to_my_client_book()
        self.assertEqual(self.sams.clienteling_associate_id, self.employee_manager_a)

    def test_user_without_store_cannot_snooze(self):
        self.refresh()
        line = self.Recommendation.search([("partner_id", "=", self.anns.id)])
        with self.assertRaisesRegex(UserError, "Only a store's associates"):
            line.with_user(self.user_manager).action_dismiss()

    def test_company_wide_lists_keep_other_stores_customers(self):
        """With 'all customers' lists, each store's associates see their store book's
        customers and those of no store book: not another store's."""
        self.company.clienteling_advisor_keep_in_touch_list = "all"
        self.refresh()
        beas_line = self.Recommendation.search(
            [("partner_id", "=", self.beas.id), ("category", "=", "keep_in_touch")]
        )
        self.assertEqual(beas_line.scope, "company")
        self.assertEqual(beas_line.store_id, self.store_b)
        with self.assertRaises(AccessError):
            beas_line.with_user(self.user_associate_a).read(["days_since_purchase"])
        self.assertEqual(self.visible(self.user_associate_a), self.anns | self.sams)
        self.assertEqual(self.visible(self.user_associate_b), self.beas)
        self.assertEqual(self.visible(self.user_manager), self.anns | self.sams | self.beas)

    def test_add_to_client_book_refuses_another_stores_customer(self):
        self.beas.clienteling_associate_id = False
        self.company.clienteling_advisor_add_to_book_list = "all"
        self.beas._clienteling_register_contact("sms", "outbound", NOW, self.employee_a)
        self.refresh()
        # never suggested to Ann ...
        self.assertNotIn(
            self.beas, self.lines(self.user_associate_a, "add_to_client_book").partner_id
        )
        # ... and a line of a customer who moved to Paris meanwhile cannot take them
        walk_in = self.env["res.partner"].create({"name": "Walk-in", "company_id": self.company.id})
        walk_in._clienteling_register_contact("sms", "outbound", NOW, self.employee_a)
        self.refresh()
        line = self.lines(self.user_associate_a, "add_to_client_book").filtered(
            lambda r: r.partner_id == walk_in
        )
        walk_in.clienteling_store_id = self.store_b
        with self.assertRaisesRegex(UserError, "in the store book of Test Saint-Honoré"):
            line.with_user(self.user_associate_a).action_add_to_my_client_book()
        self.assertFalse(walk_in.clienteling_associate_id)
