from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import AdvisorCase


@tagged("post_install", "-at_install")
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
