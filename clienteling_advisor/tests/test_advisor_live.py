from datetime import timedelta

from psycopg2.errors import LockNotAvailable

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.clienteling_advisor.models.clienteling_advisor_refresh import (
    LIVE_LOCK,
    REFRESH_LOCK,
)

from .common import NOW, TODAY, AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorLiveUpdates(AdvisorCase):
    """Purchases and contacts update the lines of their customers at once."""

    def partner_lines(self, partners):
        return self.Recommendation.search([("partner_id", "in", partners.ids)])

    def test_purchase_leaves_keep_in_touch_keeps_other_lists(self):
        partner = self.customer("Lapsed Buyer", owner=self.employee_a)
        self.purchased(partner, 100)
        self.env["clienteling.important.date"].create(
            {"partner_id": partner.id, "kind": "birthday", "month": 3, "day": 20}
        )
        self.refresh()
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Lapsed Buyer"])
        partner._clienteling_register_purchase(TODAY, 80.0)
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), [])
        # Still in the list whose condition holds, with the new purchase date.
        [line] = self.lines(self.user_associate_a, "important_date").filtered(
            lambda line: line.partner_id == partner
        )
        self.assertEqual(line.last_purchase_date, TODAY)
        self.assertEqual(line.days_since_purchase, 0)
        self.assertEqual(line.days_until, 10)

    def test_text_leaves_keep_in_touch(self):
        partner = self.customer("Silent", owner=self.employee_a)
        self.purchased(partner, 10)
        self.contacted(partner, NOW - timedelta(days=100))
        self.refresh()
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Silent"])
        self.contacted(partner, NOW - timedelta(hours=1), self.employee_a)
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), [])
        self.assertFalse(self.partner_lines(partner))
        # The contact was counted on the line before it went.
        self.assertTrue(
            self.env["clienteling.advisor.action"].search(
                [("partner_id", "=", partner.id), ("action", "=", "contacted")]
            )
        )

    def test_still_lapsed_stays_with_new_dates(self):
        """Lapsed on both counts: a purchase leaves them lapsed on contacts."""
        partner = self.customer("Both Lapsed", owner=self.employee_a)
        self.purchased(partner, 100)
        self.contacted(partner, NOW - timedelta(days=100))
        self.refresh()
        before = self.lines(self.user_associate_a, "keep_in_touch").filtered(
            lambda line: line.partner_id == partner
        )
        self.assertEqual(before.days_since_purchase, 100)
        reference_date, line_id = before.reference_date, before.id
        partner._clienteling_register_purchase(TODAY)
        [line] = self.lines(self.user_associate_a, "keep_in_touch").filtered(
            lambda line: line.partner_id == partner
        )
        self.assertEqual((line.days_since_purchase, line.days_since_contact), (0, 100))
        self.assertEqual(line.sort_key, -40)  # 100 - 60 days without contact
        self.assertEqual(line.reference_date, reference_date)
        self.assertEqual(line.id, line_id, "updated in place: the list on screen still works")

    def test_nothing_is_added(self):
        """A contact that would put a customer in Add to Client Book at the next
        refresh, or a purchase of a customer in no list, adds no line now."""
        bookless = self.customer("No Client Book")
        self.purchased(bookless, 200)
        recent = self.customer("Recent", owner=self.employee_a)
        self.purchased(recent, 5)
        self.refresh()
        self.assertFalse(self.partner_lines(bookless | recent))
        self.contacted(bookless, NOW - timedelta(hours=1), self.employee_a)
        (bookless | recent)._clienteling_register_purchase(TODAY)
        self.contacted(recent, NOW - timedelta(hours=1), self.employee_b)
        self.assertFalse(self.partner_lines(bookless | recent))
        self.refresh()
        self.assertEqual(
            self.names(self.user_associate_a, "add_to_client_book"), ["No Client Book"]
        )

    def test_batch_is_set_based(self):
        """As many queries for 20 customers as for 2, and the right lines go."""

        def queries_for(count):
            partners = self.env["res.partner"]
            for index in range(count):
                partners |= self.customer(f"Batch {count}-{index}", owner=self.employee_a)
            for partner in partners:
                self.purchased(partner, 100)
            self.refresh()
            self.assertEqual(
                len(
                    self.lines(self.user_associate_a, "keep_in_touch")
                    & self.Recommendation.search([("partner_id", "in", partners.ids)])
                ),
                count,
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            partners._clienteling_register_purchase(TODAY)
            queries = self.cr.sql_log_count - before
            self.assertFalse(self.partner_lines(partners))
            return queries

        self.assertEqual(queries_for(2), queries_for(20))

    def test_skipped_while_a_refresh_runs(self):
        """A refresh holding the company's lines in another transaction: the
        purchase does not wait for it (that refresh rebuilds the lines anyway)."""
        partner = self.customer("During Refresh", owner=self.employee_a)
        self.purchased(partner, 100)
        # The line of a refresh committed earlier (a refresh in this test's
        # transaction would hold the locks until its end).
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO clienteling_advisor_recommendation
                       (company_id, scope, category, employee_id, store_id, partner_id,
                        days_since_purchase, last_purchase_date, sort_key, reference_date,
                        refreshed_at)
                   VALUES (%s, 'associate', 'keep_in_touch', %s, %s, %s, 100, %s, -10, %s, %s)""",
                self.company.id,
                self.employee_a.id,
                self.store_a.id,
                partner.id,
                TODAY - timedelta(days=100),
                TODAY,
                NOW,
            )
        )
        with db_connect(self.env.cr.dbname).cursor() as connection:
            connection.execute(
                SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LIVE_LOCK, self.company.id)
            )
            self.assertTrue(connection.fetchone()[0])
            partner._clienteling_register_purchase(TODAY)
            self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["During Refresh"])
            connection.rollback()
        partner._clienteling_register_purchase(TODAY)
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), [])

    def test_refresh_waits_for_live_updates_under_way(self):
        with db_connect(self.env.cr.dbname).cursor() as connection:
            connection.execute(
                SQL("SELECT pg_advisory_xact_lock_shared(%s, %s)", LIVE_LOCK, self.company.id)
            )
            self.env.cr.execute("SET LOCAL lock_timeout = '500ms'")
            with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                with self.env.cr.savepoint():
                    self.refresh()
            connection.rollback()
        self.assertTrue(self.refresh())


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorRefreshButton(AdvisorCase):
    def triggers(self):
        cron = self.env.ref("clienteling_advisor.ir_cron_advisor_refresh")
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def earlier(self):
        """A refresh before the button's request (NOW is a date to come)."""
        return fields.Datetime.now() - timedelta(minutes=1)

    def company_lines(self):
        return self.Recommendation.search([("company_id", "=", self.company.id)])

    def test_button_queues_the_scheduled_refresh(self):
        partner = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(partner, 400)
        self.refresh(now=self.earlier())
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Lapsed"])
        late = self.customer("Lapsed Later", owner=self.employee_a)
        self.purchased(late, 400)
        before = self.triggers()
        action = self.Recommendation.with_user(self.user_associate_a).action_refresh()
        self.assertEqual(action["params"]["message"], "The Advisor will be refreshed in a moment.")
        self.assertEqual(self.triggers(), before + 1)
        self.assertTrue(self.company.clienteling_advisor_refresh_requested_at)
        # Nothing rebuilt in the associate's request...
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Lapsed"])
        # ...but by the scheduled action, although no store reached a new day.
        self.assertIn(
            self.company, self.env["clienteling.advisor.refresh"]._companies_to_refresh(NOW)
        )
        self.Recommendation._cron_refresh(now=NOW)
        self.assertEqual(
            sorted(self.names(self.user_associate_a, "keep_in_touch")), ["Lapsed", "Lapsed Later"]
        )
        self.assertNotIn(
            self.company, self.env["clienteling.advisor.refresh"]._companies_to_refresh(NOW)
        )

    def test_one_refresh_at_a_time(self):
        """A refresh running in another transaction: the scheduled action skips the
        company and its lines stay as they were; the button still only queues."""
        partner = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(partner, 400)
        # (A refresh in this test's transaction would hold the lock until its end.)
        before = self.company_lines().ids
        self.Recommendation.with_user(self.user_associate_a).action_refresh()
        with db_connect(self.env.cr.dbname).cursor() as connection:
            connection.execute(
                SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", REFRESH_LOCK, self.company.id)
            )
            self.assertTrue(connection.fetchone()[0])
            self.Recommendation._cron_refresh(now=NOW)
            self.assertEqual(self.company_lines().ids, before)
            action = self.Recommendation.with_user(self.user_associate_a).action_refresh()
            self.assertEqual(action["tag"], "display_notification")
            connection.rollback()
        self.Recommendation._cron_refresh(now=NOW)
        self.assertNotEqual(self.company_lines().ids, before)
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), ["Lapsed"])
