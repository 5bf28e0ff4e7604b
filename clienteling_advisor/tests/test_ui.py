from odoo import fields
from odoo.tests import tagged

from odoo.addons.clienteling.tests.common import BrowserCase

from .common import AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorUi(AdvisorCase, BrowserCase):
    def test_advisor_tour(self):
        long_lapsed = self.customer("Tour Long Lapsed", owner=self.employee_a)
        lapsed = self.customer("Tour Lapsed", owner=self.employee_a)
        today = fields.Date.today()
        long_lapsed.clienteling_last_purchase_date = fields.Date.subtract(today, days=500)
        lapsed.clienteling_last_purchase_date = fields.Date.subtract(today, days=200)
        self.refresh(now=fields.Datetime.now())
        self.start_tour(
            "/odoo/action-clienteling_advisor.clienteling_advisor_category_action",
            "clienteling_advisor_tour",
            login=self.user_associate_a.login,
        )
        snooze = self.env["clienteling.advisor.snooze"].search(
            [("partner_id", "=", long_lapsed.id)]
        )
        self.assertEqual(snooze.employee_id, self.employee_a)
        self.assertEqual(snooze.until, fields.Date.add(today, days=7))

    def _home_tour(self, user, employee):
        """``user`` opens Clienteling from Odoo's home menu and refreshes the Advisor
        it opens on: once the scheduled refresh has run, their lapsed customer is in
        their Keep in Touch list."""
        lapsed = self.customer(f"Home Lapsed {user.login}", owner=employee)
        lapsed.clienteling_last_purchase_date = fields.Date.subtract(fields.Date.today(), days=400)
        lines = self.Recommendation.sudo().search([("partner_id", "=", lapsed.id)])
        self.assertFalse(lines)
        self.start_tour("/odoo", "clienteling_advisor_home_tour", login=user.login)
        self.assertFalse(self.Recommendation.sudo().search([("partner_id", "=", lapsed.id)]))
        self.assertTrue(self.company.clienteling_advisor_refresh_requested_at)
        # the scheduled refresh the button triggered
        self.Recommendation._cron_refresh()
        lines = self.Recommendation.sudo().search([("partner_id", "=", lapsed.id)])
        self.assertEqual(lines.mapped("category"), ["keep_in_touch"])
        self.assertEqual(lines.employee_id, employee)
        self.assertEqual(self.lines(user, "keep_in_touch").partner_id, lapsed)

    def test_home_opens_the_advisor_for_an_associate(self):
        self._home_tour(self.user_associate_a, self.employee_a)

    def test_home_opens_the_advisor_for_a_store_manager(self):
        self._home_tour(self.user_store_manager_a, self.employee_manager_a)

    def test_home_opens_the_advisor_for_the_administrator(self):
        employee = self.env["hr.employee"].create(
            {
                "name": "Max Manager",
                "user_id": self.user_manager.id,
                "clienteling_store_id": self.store_a.id,
                "clienteling_role": "store_manager",
            }
        )
        self._home_tour(self.user_manager, employee)
