from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged

from odoo.addons.clienteling_advisor.models.clienteling_advisor_recommendation import (
    REFRESH_LOCK,
)

from .common import AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorRefresh(AdvisorCase):
    def test_snooze_and_dismiss_survive_refresh(self):
        ann = self.user_associate_a
        dismissed = self.customer("Dismissed", owner=self.employee_a)
        snoozed = self.customer("Snoozed", owner=self.employee_a)
        kept = self.customer("Kept", owner=self.employee_a)
        for partner in dismissed | snoozed | kept:
            self.purchased(partner, 100)
        self.env["clienteling.important.date"].create(
            {"partner_id": dismissed.id, "kind": "birthday", "month": 3, "day": 20}
        )
        self.refresh()
        lines = self.lines(ann, "keep_in_touch")
        lines.filtered(lambda r: r.partner_id == dismissed).action_dismiss()
        wizard = (
            self.env["clienteling.advisor.snooze.wizard"]
            .with_user(ann)
            .create({"recommendation_ids": lines.filtered(lambda r: r.partner_id == snoozed).ids})
        )
        wizard.days = 7
        wizard.action_snooze()
        self.assertEqual(self.names(ann, "keep_in_touch"), ["Kept"])
        self.refresh()
        self.assertEqual(self.names(ann, "keep_in_touch"), ["Kept"])
        # Dismissed from one list only.
        self.assertEqual(self.names(ann, "important_date"), ["Dismissed"])
        # Only for Ann: her store manager still sees them in the store's lines.
        self.assertEqual(
            self.Recommendation.with_user(self.user_store_manager_a).search_count(
                [
                    ("category", "=", "keep_in_touch"),
                    ("partner_id", "in", (dismissed | snoozed).ids),
                ]
            ),
            2,
        )
        # The snooze ends: the customer is back.
        snooze = self.env["clienteling.advisor.snooze"].search([("partner_id", "=", snoozed.id)])
        # "today" is the associate's (her time zone), as the snooze wizard counts it
        today = fields.Date.context_today(snooze.with_user(ann))
        self.assertEqual(snooze.until, fields.Date.add(today, days=7))
        snooze.until = today
        self.assertEqual(sorted(self.names(ann, "keep_in_touch")), ["Kept", "Snoozed"])
        # Shown again on request.
        self.env["clienteling.advisor.snooze"].with_user(ann).search(
            [("partner_id", "=", dismissed.id)]
        ).action_restore()
        self.assertEqual(sorted(self.names(ann, "keep_in_touch")), ["Dismissed", "Kept", "Snoozed"])

    def test_snooze_days_are_checked(self):
        partner = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(partner, 100)
        self.refresh()
        wizard = (
            self.env["clienteling.advisor.snooze.wizard"]
            .with_user(self.user_associate_a)
            .create({"recommendation_ids": self.lines(self.user_associate_a, "keep_in_touch").ids})
        )
        wizard.days = 0
        with self.assertRaisesRegex(UserError, "1 to 365 days"):
            wizard.action_snooze()
        self.assertFalse(self.env["clienteling.advisor.snooze"].search([]))

    def test_refresh_replaces_previous_lines(self):
        partner = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(partner, 100)
        self.refresh()
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Lapsed"])
        partner._clienteling_register_purchase(datetime(2027, 3, 9))
        self.refresh()
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), [])
        counts = self.refresh()
        self.assertEqual(
            set(counts),
            {
                "keep_in_touch",
                "important_date",
                "add_to_client_book",
                "new_customer",
                "pending_customer",
            },
        )

    def test_deleted_records_leave_no_lines(self):
        doomed = self.customer("Doomed", owner=self.employee_a)
        self.purchased(doomed, 300)
        birthday = self.env["clienteling.important.date"].create(
            {"partner_id": self.customer_a.id, "kind": "birthday", "month": 3, "day": 12}
        )
        entry, _errors = self.env["clienteling.customer.entry"]._submit(
            self.store_a, {"name": "Gone Entry", "email": "gone@example.com"}, "192.0.2.3"
        )
        self.refresh()
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Doomed"])
        self.assertEqual(self.names(self.user_associate_a, "important_date"), ["Jane Doe"])
        doomed.unlink()
        birthday.unlink()
        entry.sudo().unlink()
        for category in ("keep_in_touch", "important_date", "pending_customer"):
            self.assertEqual(self.names(self.user_associate_a, category), [], category)
        Recommendation = self.Recommendation.sudo()
        self.assertFalse(Recommendation.search([("partner_id", "=", doomed.id)]))
        self.assertFalse(Recommendation.search([("entry_id", "=", entry.id)]))
        self.assertFalse(Recommendation.search([("important_date_id", "=", birthday.id)]))

    def test_cron_refreshes_after_each_store_midnight(self):
        # Stores in New York and Paris; other companies' stores are elsewhere.
        self.env["clienteling.store"].search(
            [
                ("company_id", "=", self.company.id),
                ("id", "not in", (self.store_a | self.store_b).ids),
            ]
        ).active = False
        self.env["clienteling.store"].flush_model()
        partner = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(partner, 200)
        self.refresh(now=datetime(2027, 3, 10, 15, 0))
        due = self.Recommendation._companies_to_refresh
        self.assertNotIn(self.company, due(datetime(2027, 3, 10, 22, 30)))  # 23:30 Paris
        self.assertIn(self.company, due(datetime(2027, 3, 10, 23, 30)))  # Paris: 11 March
        self.Recommendation._cron_refresh(now=datetime(2027, 3, 10, 23, 30))
        line = self.lines(self.user_associate_a, "keep_in_touch")
        self.assertEqual(line.refreshed_at, datetime(2027, 3, 10, 23, 30))
        self.assertNotIn(self.company, due(datetime(2027, 3, 11, 4, 30)))  # 23:30 New York
        self.assertIn(self.company, due(datetime(2027, 3, 11, 5, 30)))  # New York: 11 March

    def test_refresh_is_set_based(self):
        """As many queries for 3 customers as for 60: no per-customer work."""

        def queries_for(count):
            for index in range(count):
                partner = self.customer(f"Customer {count}-{index}", owner=self.employee_a)
                self.purchased(partner, 100 + index)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.refresh()
            return self.cr.sql_log_count - before

        self.assertEqual(queries_for(3), queries_for(60))

    def test_button_refreshes_the_current_company(self):
        partner = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(partner, 400)
        self.Recommendation.with_user(self.user_associate_a).action_refresh()
        self.Recommendation._cron_refresh()
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Lapsed"])
        tiles = self.env["clienteling.advisor.category"].with_user(self.user_associate_a).search([])
        counts = dict(zip(tiles.mapped("code"), tiles.mapped("recommendation_count"), strict=True))
        self.assertEqual(counts["keep_in_touch"], 1)
        action = tiles.filtered(lambda t: t.code == "keep_in_touch").action_open()
        self.assertEqual(
            self.Recommendation.with_user(self.user_associate_a)
            .search(action["domain"])
            .partner_id,
            partner,
        )

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create(
            {
                "name": "Other Retailer",
                "clienteling_advisor_keep_in_touch_list": "all",
                "clienteling_advisor_important_date_list": "all",
            }
        )
        self.company.clienteling_advisor_keep_in_touch_list = "all"
        store = self.env["clienteling.store"].create(
            {
                "name": "Other Store",
                "code": "O-1",
                "company_id": other.id,
                "country_id": self.us.id,
                "tz": "America/Chicago",
            }
        )
        user = self.env["res.users"].create(
            {
                "name": "Olga Other",
                "login": "olga_other",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "groups_id": [(4, self.env.ref("clienteling.group_clienteling_associate").id)],
            }
        )
        self.env["hr.employee"].create(
            {
                "name": "Olga Other",
                "user_id": user.id,
                "company_id": other.id,
                "clienteling_store_id": store.id,
            }
        )
        theirs = self.customer("Their Customer", store=store, company_id=other.id)
        ours = self.customer("Our Customer", owner=self.employee_a)
        for partner in theirs | ours:
            self.purchased(partner, 200)
        self.refresh()
        self.refresh(company=other)
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Our Customer"])
        self.assertEqual(self.names(user, "keep_in_touch"), ["Their Customer"])
        self.assertFalse(self.Recommendation.with_user(user).search([("partner_id", "=", ours.id)]))
        # Refreshing one company leaves the other's lines alone.
        ours._clienteling_register_purchase(datetime(2027, 3, 9))
        self.refresh()
        self.assertEqual(self.names(user, "keep_in_touch"), ["Their Customer"])


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestConcurrentRefresh(AdvisorCase):
    def test_second_refresh_does_nothing_while_one_runs(self):
        # (A refresh in this test's transaction would hold the lock until its end.)
        partner = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(partner, 100)
        before = self.Recommendation.search([]).ids
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (REFRESH_LOCK, self.company.id))
            self.assertFalse(self.refresh())
            # Nothing was deleted or rebuilt: the previous lines are still there.
            self.assertEqual(self.Recommendation.search([]).ids, before)
            other.rollback()
        self.assertTrue(self.refresh())
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Lapsed"])


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestRefreshVisibility(AdvisorCase):
    """Commits: in a class of its own, so that no other test's transaction began
    before these commits (its refresh would then give way to them)."""

    def test_readers_see_previous_lines_until_the_refresh_commits(self):
        """Real transactions on committed data: a refresh in progress (rows
        deleted and rebuilt, not committed) hides nothing from other readers,
        and a second refresh at the same time gives way."""
        company_id = self.env.company.id
        count_sql = "SELECT count(*) FROM clienteling_advisor_recommendation WHERE company_id = %s"
        db = db_connect(self.env.cr.dbname)
        with db.cursor() as writer, db.cursor() as reader, db.cursor() as second:
            writer_env = self.env(cr=writer)
            writer_env["clienteling.advisor.recommendation"]._refresh_company(writer_env.company)
            writer.commit()
            reader.execute(count_sql, (company_id,))
            committed = reader.fetchone()[0]
            self.assertGreater(committed, 0, "the demo data gives the company some lines")
            try:
                # A refresh that has deleted and rebuilt its lines but not committed...
                writer_env["clienteling.advisor.recommendation"]._refresh_company(
                    writer_env.company, now=datetime.now() + timedelta(days=3650)
                )
                writer.execute(count_sql, (company_id,))
                self.assertNotEqual(writer.fetchone()[0], committed)
                # ...is invisible to readers, who are not blocked either.
                reader.execute("SET LOCAL lock_timeout = '2s'")
                reader.execute(count_sql, (company_id,))
                self.assertEqual(reader.fetchone()[0], committed)
                # A second refresh meanwhile gives way at once.
                second_env = self.env(cr=second)
                self.assertFalse(
                    second_env["clienteling.advisor.recommendation"]._refresh_company(
                        second_env.company
                    )
                )
            finally:
                writer.rollback()
                second.rollback()
            reader.execute(count_sql, (company_id,))
            self.assertEqual(reader.fetchone()[0], committed)
            self.assertTrue(
                writer_env["clienteling.advisor.recommendation"]._refresh_company(
                    writer_env.company
                )
            )
            writer.commit()
