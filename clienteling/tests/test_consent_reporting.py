from odoo.tests import tagged

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestConsentReporting(ClientelingCase):
    """The consent ledger in graph and pivot views: per state, channel, store,
    source and date, within the record rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for partner, store, state, channel in (
            (cls.customer_a, cls.store_a, "opted_in", "sms"),
            (cls.customer_a, cls.store_a, "opted_out", "sms"),
            (cls.customer_a, cls.store_a, "opted_in", "email"),
            (cls.customer_b, cls.store_b, "opted_in", "sms"),
        ):
            partner._clienteling_record_consent(
                channel, state, store, wording=state, source="keyword"
            )
        cls.ours = cls.env["clienteling.consent"].search(
            [("partner_id", "in", (cls.customer_a | cls.customer_b).ids)]
        )

    def counts(self, user, groupby):
        groups = (
            self.env["clienteling.consent"]
            .with_user(user)
            .read_group([("id", "in", self.ours.ids)], [], groupby, lazy=False)
        )
        return {
            tuple(
                group[name][0] if isinstance(group[name], tuple) else group[name]
                for name in groupby
            ): group["__count"]
            for group in groups
        }

    def test_counts_per_store_state_and_channel(self):
        self.assertEqual(len(self.ours), 4)
        groupby = ["store_id", "state", "channel", "source"]
        a = self.store_a.id
        self.assertEqual(
            self.counts(self.user_store_manager_a, groupby),
            {
                (a, "opted_in", "sms", "keyword"): 1,
                (a, "opted_out", "sms", "keyword"): 1,
                (a, "opted_in", "email", "keyword"): 1,
            },
        )
        self.assertEqual(
            self.counts(self.user_manager, ["store_id"]), {(a,): 3, (self.store_b.id,): 1}
        )
        by_month = self.counts(self.user_manager, ["date:month"])
        self.assertEqual(sum(by_month.values()), 4)

    def test_graph_and_pivot_views(self):
        action = self.env.ref("clienteling.clienteling_consent_action")
        self.assertEqual(action.view_mode.split(",")[:2], ["list", "form"])
        views = (
            self.env["clienteling.consent"]
            .with_user(self.user_store_manager_a)
            .get_views([(False, "graph"), (False, "pivot")])["views"]
        )
        self.assertIn('name="state"', views["graph"]["arch"])
        self.assertIn('name="store_id"', views["pivot"]["arch"])
