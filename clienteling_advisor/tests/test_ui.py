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
