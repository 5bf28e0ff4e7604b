from datetime import timedelta

from odoo.tests import tagged

from .common import NOW, AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorKpi(AdvisorCase):
    """Advisor lines acted on: contacted, added to a client book, snoozed, dismissed."""

    def test_lines_acted_on(self):
        first = self.customer("Lapsed One", owner=self.employee_a)
        second = self.customer("Lapsed Two", owner=self.employee_a)
        third = self.customer("Lapsed Three", owner=self.employee_a)
        for partner in first | second | third:
            self.purchased(partner, 200)
        self.refresh()
        Action = self.env["clienteling.advisor.action"]
        # two texts to the same customer: the line counts once
        self.contacted(first, NOW + timedelta(hours=1), self.employee_a)
        self.contacted(first, NOW + timedelta(hours=2), self.employee_a)
        # a contact by someone whose lists do not hold the customer counts nothing
        self.contacted(second, NOW + timedelta(hours=1), self.employee_b)
        lines = self.lines(self.user_associate_a, "keep_in_touch")
        lines.filtered(lambda r: r.partner_id == second)._snooze(days=7)
        lines.filtered(lambda r: r.partner_id == third)._snooze(days=None)
        actions = Action.search([("partner_id", "in", (first | second | third).ids)])
        self.assertEqual(
            sorted(actions.mapped(lambda a: (a.partner_id.name, a.action, a.employee_id.name))),
            [
                ("Lapsed One", "contacted", "Ann Associate"),
                ("Lapsed Three", "dismissed", "Ann Associate"),
                ("Lapsed Two", "snoozed", "Ann Associate"),
            ],
        )
        self.assertEqual(Action.with_user(self.user_associate_b).search_count([]), 0)
        self.assertEqual(
            Action.with_user(self.user_store_manager_a)
            .search([])
            .filtered(lambda a: a.partner_id in first | second | third),
            actions,
        )
        Kpi = self.env["clienteling.kpi"]
        Kpi._kpi_refresh()
        rows = Kpi.search([("employee_id", "=", self.employee_a.id)])
        self.assertEqual(sum(rows.mapped("advisor_acted_count")), 3)
        contacted_day = rows.filtered(lambda r: str(r.day) == "2027-03-10")
        self.assertEqual(contacted_day.advisor_acted_count, 1)
        self.assertFalse(
            sum(Kpi.with_user(self.user_associate_b).search([]).mapped("advisor_acted_count"))
        )
