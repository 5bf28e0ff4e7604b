from odoo.tests import tagged

from .common import AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorReporting(AdvisorCase):
    """Advisor lines in graph and pivot views: per list, store and associate,
    within the record rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.ours = Partner
        for name, store, owner in (
            ("Ann's First", cls.store_a, cls.employee_a),
            ("Ann's Second", cls.store_a, cls.employee_a),
            ("Sam's", cls.store_a, cls.employee_manager_a),
            ("Bea's", cls.store_b, cls.employee_b),
        ):
            cls.ours |= Partner.create(
                {
                    "name": name,
                    "clienteling_store_id": store.id,
                    "clienteling_associate_id": owner.id,
                    "clienteling_last_purchase_date": "2026-01-01",
                }
            )

    def counts(self, user):
        groups = self.Recommendation.with_user(user).read_group(
            [("partner_id", "in", self.ours.ids), ("category", "=", "keep_in_touch")],
            [],
            ["category", "store_id", "employee_id"],
            lazy=False,
        )
        return {
            (group["category"], group["store_id"][0], group["employee_id"][0]): group["__count"]
            for group in groups
        }

    def test_lines_per_list_store_and_associate(self):
        self.refresh()
        keep = "keep_in_touch"
        self.assertEqual(
            self.counts(self.user_store_manager_a),
            {
                (keep, self.store_a.id, self.employee_a.id): 2,
                (keep, self.store_a.id, self.employee_manager_a.id): 1,
            },
        )
        self.assertEqual(
            self.counts(self.user_manager),
            {
                (keep, self.store_a.id, self.employee_a.id): 2,
                (keep, self.store_a.id, self.employee_manager_a.id): 1,
                (keep, self.store_b.id, self.employee_b.id): 1,
            },
        )
        # an associate counts their own lines only
        self.assertEqual(
            self.counts(self.user_associate_a), {(keep, self.store_a.id, self.employee_a.id): 2}
        )

    def test_graph_and_pivot_views(self):
        action = self.env.ref("clienteling_advisor.clienteling_advisor_recommendation_action_all")
        self.assertEqual(action.view_mode.split(","), ["list", "graph", "pivot"])
        views = self.Recommendation.with_user(self.user_store_manager_a).get_views(
            [(False, "graph"), (False, "pivot")]
        )["views"]
        self.assertIn('name="category"', views["graph"]["arch"])
        self.assertIn('name="employee_id"', views["pivot"]["arch"])
