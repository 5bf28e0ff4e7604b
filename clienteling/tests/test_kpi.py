from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.clienteling.models.clienteling_kpi import REFRESH_LOCK
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ASSOCIATE_GROUPS, MANAGER_GROUPS, ClientelingCase

# "Today" of the tests: Thursday 12 March 2026 (New York is on daylight time since
# Sunday 8 March, UTC-4; Paris on winter time, UTC+1).
TODAY = "2026-03-12 15:00:00"


class KpiCase(ClientelingCase):
    """A hand-built data set whose figures are known exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kpi = cls.env["clienteling.kpi"]
        cls.Request = cls.env["clienteling.service.request"]
        cls.env.cr.execute("DELETE FROM clienteling_service_request")
        cls.env.invalidate_all()
        cls.company_2 = cls.env["res.company"].create({"name": "Test Other Retailer"})
        cls.store_c = cls.env["clienteling.store"].create(
            {
                "name": "Test Other Store",
                "code": "T-OTH",
                "company_id": cls.company_2.id,
                "country_id": cls.us.id,
                "tz": "America/New_York",
            }
        )
        cls.user_manager_2 = mail_new_test_user(
            cls.env,
            login="t_cl_mgr_2",
            name="Olga Other Manager",
            groups=MANAGER_GROUPS,
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.user_associate_c = mail_new_test_user(
            cls.env,
            login="t_assoc_c",
            name="Cid Associate",
            groups=ASSOCIATE_GROUPS,
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.employee_c = cls.env["hr.employee"].create(
            {
                "name": "Cid Associate",
                "user_id": cls.user_associate_c.id,
                "company_id": cls.company_2.id,
                "clienteling_store_id": cls.store_c.id,
                "clienteling_role": "associate",
            }
        )
        # Requests: (store, associate, kind, channel, received UTC, first reply UTC)
        requests = {
            # 21:00 EDT, replied 10:30 EDT the next morning: 1 h before the night,
            # 30 min after it = 5,400 s
            "r1": (cls.store_a, cls.employee_a, "appointment", "email",
                   "2026-03-11 01:00:00", "2026-03-11 14:30:00"),
            # 09:00 EDT (still night), replied 11:00 EDT: 10:00-11:00 = 3,600 s
            "r2": (cls.store_a, cls.employee_a, "question", "text",
                   "2026-03-10 13:00:00", "2026-03-10 15:00:00"),
            # 12:00 EDT on the 11th, no reply yet
            "r3": (cls.store_a, cls.employee_a, "personal_shopping", "text",
                   "2026-03-11 16:00:00", None),
            # a New Lead of the store (no associate), answered in 10 minutes
            "r4": (cls.store_a, None, "question", "email",
                   "2026-03-10 16:00:00", "2026-03-10 16:10:00"),
            # Paris, 10:00 CET, replied 10:20: 1,200 s
            "r5": (cls.store_b, cls.employee_b, "appointment", "email",
                   "2026-03-10 09:00:00", "2026-03-10 09:20:00"),
            # last month (in the quarter)
            "r6": (cls.store_a, cls.employee_a, "question", "email",
                   "2026-02-20 15:00:00", "2026-02-20 15:05:00"),
            # the other company
            "r7": (cls.store_c, cls.employee_c, "question", "text",
                   "2026-03-10 15:00:00", None),
        }  # fmt: skip
        cls.requests = {}
        for key, (store, employee, kind, channel, received, reply) in requests.items():
            request = cls.Request.create(
                {
                    "customer_name": f"Customer {key}",
                    "email": f"{key}@example.com",
                    "mobile": "+12125550100",
                    "preferred_channel": channel,
                    "kind": kind,
                    "store_id": store.id,
                    "associate_id": employee.id if employee else False,
                    "source": "storefront" if employee else "widget",
                }
            )
            cls.requests[key] = request
            cls.env.flush_all()
            cls.env.cr.execute(
                SQL(
                    "UPDATE clienteling_service_request SET received_date = %s, "
                    "first_reply_date = %s WHERE id = %s",
                    received,
                    reply,
                    request.id,
                )
            )
        # Contacts added: Jane (Ann's book) and Louise (Bea's) on the 10th, a store book
        # customer of New York on the 11th (19:30 EDT), one in February
        Partner = cls.env["res.partner"]
        cls.walk_in = Partner.create({"name": "Walk In", "clienteling_store_id": cls.store_a.id})
        cls.old_customer = Partner.create(
            {
                "name": "Old Customer",
                "clienteling_store_id": cls.store_a.id,
                "clienteling_associate_id": cls.employee_a.id,
            }
        )
        cls.env.flush_all()
        for partner, created in (
            (cls.customer_a, "2026-03-10 15:00:00"),
            (cls.customer_b, "2026-03-10 15:00:00"),
            (cls.walk_in, "2026-03-11 23:30:00"),
            (cls.old_customer, "2026-02-02 15:00:00"),
        ):
            cls.env.cr.execute(
                SQL("UPDATE res_partner SET create_date = %s WHERE id = %s", created, partner.id)
            )
        # Consents: Jane opts in with Ann, then out by keyword; a correction is no event
        Consent = cls.env["clienteling.consent"]
        cls.consents = Consent
        for state, source, employee, when in (
            ("opted_in", "associate", cls.employee_a, "2026-03-10 14:00:00"),
            ("opted_out", "keyword", None, "2026-03-11 14:00:00"),
            ("opted_in", "correction", None, "2026-03-11 15:00:00"),
        ):
            consent = Consent.create(
                {
                    "partner_id": cls.customer_a.id,
                    "channel": "sms",
                    "store_id": cls.store_a.id,
                    "state": state,
                    "source": source,
                    "employee_id": employee.id if employee else False,
                    "reason": "Test",
                }
            )
            cls.env.flush_all()
            cls.env.cr.execute(
                SQL("UPDATE clienteling_consent SET date = %s WHERE id = %s", when, consent.id)
            )
        # Product link clicks: two on the 10th (the second at 23:00 EDT), one on the 11th
        product = cls.env["product.product"].create({"name": "KPI Scarf", "list_price": 90})
        link = cls.env["clienteling.product.link"]._get_or_create_links(
            product, partner=cls.customer_a, employee=cls.employee_a, store=cls.store_a
        )
        cls.env["clienteling.product.link.click"].create(
            [
                {
                    "link_id": link.id,
                    "employee_id": cls.employee_a.id,
                    "store_id": cls.store_a.id,
                    "company_id": cls.company.id,
                    "clicked_at": clicked_at,
                }
                for clicked_at in (
                    "2026-03-10 15:00:00",
                    "2026-03-11 03:00:00",
                    "2026-03-11 15:00:00",
                )
            ]
        )
        cls.env.invalidate_all()
        cls.Kpi._kpi_refresh()

    def rows(self, user=None, **keys):
        Kpi = self.Kpi.with_user(user) if user else self.Kpi
        domain = [(name, "=", value) for name, value in keys.items()]
        return Kpi.search(domain)

    def cards_of(self, user, period="week", store=None):
        with freeze_time(TODAY):
            data = self.Kpi.with_user(user).get_dashboard(period, store.id if store else None)
        return data, {card["key"]: card["value"] for card in data["cards"]}

    def figures(self, rows, *names):
        return {name: sum(rows.mapped(name)) for name in names}


@tagged("post_install", "-at_install", "clienteling")
class TestKpi(KpiCase):
    def test_request_measures_per_day_and_associate(self):
        day_10 = self.rows(
            store_id=self.store_a.id, employee_id=self.employee_a.id, day="2026-03-10"
        )
        self.assertEqual(len(day_10), 1)
        self.assertRecordValues(
            day_10,
            [
                {
                    "company_id": self.company.id,
                    "request_count": 2,
                    "appointment_request_count": 1,
                    "question_request_count": 1,
                    "personal_shopper_request_count": 0,
                    "email_request_count": 1,
                    "text_request_count": 1,
                    "text_preference_rate": 50.0,
                    "replied_request_count": 2,
                    "request_reply_seconds": 9000.0,
                    "request_reply_hours": 1.25,
                    "contacts_added": 1,
                    "opt_in_count": 1,
                    "opt_out_count": 0,
                }
            ],
        )
        day_11 = self.rows(
            store_id=self.store_a.id, employee_id=self.employee_a.id, day="2026-03-11"
        )
        self.assertRecordValues(
            day_11,
            [
                {
                    "request_count": 1,
                    "personal_shopper_request_count": 1,
                    "text_request_count": 1,
                    "replied_request_count": 0,
                    "request_reply_seconds": 0.0,
                    "request_reply_hours": 0.0,
                    "contacts_added": 0,
                }
            ],
        )

    def test_store_team_rows(self):
        """A New Lead, a store book customer and a keyword opt-out have no associate:
        they are the store's (the customer added at 19:30 EDT counts on the 11th)."""
        team = self.rows(store_id=self.store_a.id, employee_id=False)
        by_day = {
            str(row.day): (
                row.request_count,
                row.replied_request_count,
                row.request_reply_seconds,
                row.contacts_added,
                row.opt_out_count,
                row.opt_in_count,
            )
            for row in team
        }
        self.assertEqual(
            by_day, {"2026-03-10": (1, 1, 600.0, 0, 0, 0), "2026-03-11": (0, 0, 0.0, 1, 1, 0)}
        )

    def test_paris_and_other_company(self):
        paris = self.rows(store_id=self.store_b.id)
        self.assertEqual(
            self.figures(paris, "request_count", "request_reply_seconds", "contacts_added"),
            {"request_count": 1, "request_reply_seconds": 1200.0, "contacts_added": 1},
        )
        other = self.rows(store_id=self.store_c.id)
        self.assertEqual(other.company_id, self.company_2)
        self.assertEqual(
            self.figures(other, "request_count", "text_request_count")["request_count"], 1
        )

    def test_weighted_ratios_in_read_group(self):
        groups = self.Kpi.read_group(
            [("store_id", "=", self.store_a.id), ("day", ">=", "2026-03-01")],
            ["request_count:sum", "text_preference_rate:avg", "request_reply_hours:avg"],
            ["store_id"],
        )
        self.assertEqual(groups[0]["request_count"], 4)
        self.assertAlmostEqual(groups[0]["text_preference_rate"], 50.0)
        # (5,400 + 3,600 + 600) / 3 replied = 3,200 s
        self.assertAlmostEqual(groups[0]["request_reply_hours"], 3200 / 3600)

    def test_refresh_replaces_the_figures(self):
        self.requests["r3"].sudo().write({"first_reply_date": datetime(2026, 3, 11, 16, 30)})
        self.assertTrue(self.Kpi._kpi_refresh())
        row = self.rows(store_id=self.store_a.id, employee_id=self.employee_a.id, day="2026-03-11")
        self.assertEqual((row.replied_request_count, row.request_reply_seconds), (1, 1800.0))
        self.assertTrue(self.Kpi._kpi_refreshed_at())

    def test_product_link_clicks(self):
        rows = self.rows(store_id=self.store_a.id, employee_id=self.employee_a.id)
        clicks = {str(row.day): row.product_link_click_count for row in rows}
        self.assertEqual((clicks["2026-03-10"], clicks["2026-03-11"]), (2, 1))
        _data, cards = self.cards_of(self.user_associate_a)
        self.assertEqual(cards["product_link_clicks"], 3)
        _data, cards = self.cards_of(self.user_associate_b)
        self.assertEqual(cards["product_link_clicks"], 0)

    def test_storefront_visits_and_unique_visitors(self):
        Visit = self.env["clienteling.storefront.visit"]
        Visit.search([]).unlink()
        with freeze_time(TODAY):
            for address, agent in (
                ("198.51.100.7", "Phone A"),
                ("198.51.100.7", "Phone A"),  # the same visitor, a second page
                ("203.0.113.9", "Laptop B"),
            ):
                Visit._record_visit(self.employee_a, address, agent)
            Visit._record_visit(self.employee_b, "203.0.113.9", "Laptop B")
        self.assertTrue(self.Kpi._kpi_refresh())
        row = self.rows(store_id=self.store_a.id, employee_id=self.employee_a.id, day="2026-03-12")
        self.assertEqual((row.storefront_visit_count, row.storefront_visitor_count), (3, 2))
        _data, cards = self.cards_of(self.user_associate_a)
        self.assertEqual((cards["storefront_visits"], cards["unique_visitors"]), (3, 2))
        _data, cards = self.cards_of(self.user_associate_b)
        self.assertEqual((cards["storefront_visits"], cards["unique_visitors"]), (1, 1))

    def test_storefront_and_link_sources_follow_their_tables(self):
        measures = {m for source in self.Kpi._kpi_sources() for m in source[0]}
        for table, measure in (
            ("clienteling_storefront_visit", "storefront_visit_count"),
            ("clienteling_product_link_click", "product_link_click_count"),
        ):
            self.env.cr.execute("SELECT to_regclass(%s)", [table])
            exists = bool(self.env.cr.fetchone()[0])
            self.assertEqual(measure in measures, exists, table)
            if not exists:
                self.assertEqual(sum(self.Kpi.search([]).mapped(measure)), 0)

    def test_only_administrators_refresh(self):
        with self.assertRaises(AccessError):
            self.Kpi.with_user(self.user_store_manager_a).action_refresh()
        cron = self.env.ref("clienteling.ir_cron_kpi_refresh")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        action = self.Kpi.with_user(self.user_manager).action_refresh()
        # queued to the scheduled action, not rebuilt inside the request
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)


@tagged("post_install", "-at_install", "clienteling")
class TestKpiVisibility(KpiCase):
    def test_associate_sees_own_figures(self):
        rows = self.rows(self.user_associate_a)
        self.assertEqual(rows.employee_id, self.employee_a)
        self.assertEqual(self.rows(self.user_associate_b).employee_id, self.employee_b)

    def test_store_manager_sees_own_store(self):
        rows = self.rows(self.user_store_manager_a)
        self.assertEqual(rows.store_id, self.store_a)
        self.assertIn(self.employee_a, rows.employee_id)
        self.assertTrue(rows.filtered(lambda r: not r.employee_id), "the store team's rows")

    def test_administrator_sees_own_companies(self):
        ours = self.rows(self.user_manager)
        self.assertTrue({self.store_a, self.store_b} <= set(ours.store_id))
        self.assertNotIn(self.store_c, ours.store_id)
        theirs = self.rows(self.user_manager_2)
        self.assertEqual(theirs.store_id, self.store_c)
        self.assertEqual(self.rows(self.user_associate_c).employee_id, self.employee_c)

    def test_nobody_writes(self):
        row = self.rows(store_id=self.store_a.id)[:1]
        with self.assertRaises(AccessError):
            row.with_user(self.user_manager).write({"request_count": 99})


@tagged("post_install", "-at_install", "clienteling")
class TestKpiDashboard(KpiCase):
    def test_store_manager(self):
        data, cards = self.cards_of(self.user_store_manager_a, "week")
        self.assertEqual((data["date_from"], data["date_to"]), ("2026-03-09", "2026-03-12"))
        self.assertEqual(cards["requests"], 4)
        self.assertEqual(cards["appointments"], 1)
        self.assertEqual(cards["email_requests"], 2)
        self.assertEqual(cards["text_requests"], 2)
        self.assertAlmostEqual(cards["text_preference"], 50.0)
        self.assertEqual(cards["personal_shopper"], 1)
        self.assertAlmostEqual(cards["reply_time"], 3200 / 3600)
        self.assertEqual(cards["contacts_added"], 2)
        self.assertEqual((cards["opt_ins"], cards["opt_outs"]), (1, 1))
        self.assertEqual([s["id"] for s in data["stores"]], self.store_a.ids)
        self.assertTrue(data["refreshed_at"])
        self.assertFalse(data["can_refresh"])
        # the quarter adds February's request and customer
        _data, quarter = self.cards_of(self.user_store_manager_a, "quarter")
        self.assertEqual((quarter["requests"], quarter["contacts_added"]), (5, 3))

    def test_associate(self):
        _data, cards = self.cards_of(self.user_associate_a, "month")
        self.assertEqual(cards["requests"], 3)
        self.assertAlmostEqual(cards["text_preference"], 200 / 3)
        self.assertAlmostEqual(cards["reply_time"], 1.25)
        self.assertEqual((cards["contacts_added"], cards["opt_ins"], cards["opt_outs"]), (1, 1, 0))
        _data, cards = self.cards_of(self.user_associate_b, "month")
        self.assertEqual(cards["requests"], 1)

    def test_administrator(self):
        data, cards = self.cards_of(self.user_manager, "month", self.store_b)
        self.assertEqual((cards["requests"], cards["appointments"]), (1, 1))
        self.assertAlmostEqual(cards["reply_time"], 1200 / 3600)
        self.assertTrue(data["can_refresh"])
        _data, cards = self.cards_of(self.user_manager, "month", self.store_c)
        self.assertEqual(cards["requests"], 0, "another company's store shows nothing")
        _data, cards = self.cards_of(self.user_manager_2, "month")
        self.assertEqual((cards["requests"], cards["text_preference"]), (1, 100.0))

    def test_empty_period_and_bad_period(self):
        with freeze_time("2026-07-01 15:00:00"):
            data = self.Kpi.with_user(self.user_associate_a).get_dashboard("week")
        values = {card["key"]: card["value"] for card in data["cards"]}
        self.assertIsNone(values["reply_time"])
        self.assertEqual(values["requests"], 0)
        with self.assertRaises(Exception):  # noqa: B017
            self.Kpi.get_dashboard("decade")


@tagged("post_install", "-at_install", "clienteling")
class TestKpiRefreshLock(ClientelingCase):
    def test_one_refresh_at_a_time(self):
        """A refresh running in another transaction holds the lock: another refresh
        and the scheduled action skip, and the figures stay as they were."""
        Kpi = self.env["clienteling.kpi"]
        before = Kpi.search_count([])
        with db_connect(self.env.cr.dbname).cursor() as connection:
            connection.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", REFRESH_LOCK))
            self.assertTrue(connection.fetchone()[0])
            self.assertFalse(Kpi._kpi_refresh())
            Kpi._cron_refresh()
            self.assertEqual(Kpi.search_count([]), before)
            connection.rollback()
        self.assertTrue(Kpi._kpi_refresh())


@tagged("post_install", "-at_install", "clienteling")
class TestKpiSalesByAssociate(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        day = datetime(2026, 3, 10, 16, 0)
        rows = [
            (1, cls.customer_a, cls.employee_a, cls.store_a, 100.0, "sale"),
            (2, cls.customer_a, cls.employee_a, cls.store_a, -30.0, "return"),
            (3, cls.customer_b, cls.employee_b, cls.store_b, 50.0, "sale"),
            (4, cls.customer_b, None, cls.store_b, 500.0, "sale"),
        ]
        cls.env["clienteling.sale.credit"]._insert_credits(
            SQL(" UNION ALL ").join(
                SQL(
                    "SELECT %s AS key, %s AS name, 'pos.order' AS res_model, %s AS res_id, "
                    "%s AS partner_id, %s::int AS employee_id, %s AS store_id, "
                    "%s AS company_id, %s::numeric AS amount, %s::timestamp AS date, "
                    "'pos' AS source, %s AS kind, NULL::int AS reversed_credit_id",
                    f"test,{ref}",
                    f"Test {ref}",
                    ref,
                    partner.id,
                    employee.id if employee else None,
                    store.id,
                    cls.company.id,
                    amount,
                    day,
                    kind,
                )
                for ref, partner, employee, store, amount, kind in rows
            )
        )
        cls.Kpi._kpi_refresh()

    def test_sales_by_associate_net_of_returns_within_the_rules(self):
        data, cards = self.cards_of(self.user_manager, "week")
        self.assertEqual(cards["sales"], 620.0)
        self.assertEqual(
            [(line["id"], line["amount"]) for line in data["sales_by_associate"]],
            [(self.employee_a.id, 70.0), (self.employee_b.id, 50.0)],
        )
        data, _cards = self.cards_of(self.user_associate_a, "week")
        self.assertEqual(
            data["sales_by_associate"],
            [{"id": self.employee_a.id, "name": "Ann Associate", "amount": 70.0}],
        )
        data, _cards = self.cards_of(self.user_store_manager_a, "week", self.store_b)
        self.assertEqual(data["sales_by_associate"], [], "another store's sales")
