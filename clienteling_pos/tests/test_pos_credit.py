from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from odoo.addons.clienteling.models import clienteling_sale_credit as credit_module
from odoo.addons.clienteling.tests.common import ClientelingCase
from odoo.addons.clienteling_pos import post_init_hook
from odoo.addons.point_of_sale.tests.common import TestPoSCommon


def forced_bulk():
    """The backfill loads in bulk whatever the number of credits."""
    return patch.multiple(credit_module, BULK_MIN_CREDITS=1, BULK_MIN_SHARE=0)


PURCHASE_FIELDS = [
    "clienteling_last_purchase_date",
    "clienteling_purchase_count",
    "clienteling_purchase_total",
]


@tagged("post_install", "-at_install", "clienteling_pos")
class TestPosCredit(ClientelingCase, TestPoSCommon):
    """Real POS sessions: orders paid through ``sync_from_ui`` (what the till
    sends) and the backend payment wizard."""

    @classmethod
    def get_default_groups(cls):
        # the accounting tests' user also sets up stores and associates
        return (
            super().get_default_groups()
            | cls.env.ref("clienteling.group_clienteling_manager")
            | cls.env.ref("hr.group_hr_manager")
            | cls.env.ref("point_of_sale.group_pos_manager")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.basic_config.clienteling_store_id = cls.store_a
        cls.product = cls.create_product("Test Silk Scarf", cls.categ_basic, 120.0)
        cls.taxed_product = cls.create_product(
            "Test Taxed Belt", cls.categ_basic, 110.0, tax_ids=cls.taxes["tax10"].ids
        )
        cls.buyer = cls.env["res.partner"].create({"name": "Chloé Buyer"})

    def setUp(self):
        super().setUp()
        self.config = self.basic_config
        self.open_new_session()

    def _pay(self, lines, customer=None, employee=None, date=None, uuid=None):
        data = self.create_ui_order_data(lines, customer=customer, uuid=uuid)
        if employee:
            data["employee_id"] = employee.id
        if date:
            data["date_order"] = fields.Datetime.to_string(date)
        result = self.env["pos.order"].sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _credits(self, order):
        return self.env["clienteling.sale.credit"].search(
            [("res_model", "=", "pos.order"), ("res_id", "=", order.id)]
        )

    def _figures(self, partner):
        partner.invalidate_recordset(PURCHASE_FIELDS)
        return partner.read(PURCHASE_FIELDS)[0]

    def _refund(self, order):
        refund = self.env["pos.order"].browse(order.refund()["res_id"])
        self.env["pos.make.payment"].with_context(active_id=refund.id).create(
            {"payment_method_id": self.cash_pm1.id}
        ).check()
        return refund

    def test_paid_order_is_credited_to_the_cashier_and_the_store(self):
        order = self._pay([(self.product, 2)], customer=self.buyer, employee=self.employee_a)
        self.assertEqual(order.state, "paid")
        credit = self._credits(order)
        self.assertEqual(len(credit), 1)
        self.assertEqual(
            (credit.key, credit.source, credit.kind, credit.amount),
            (f"pos.order,{order.id}", "pos", "sale", 240.0),
        )
        self.assertEqual(credit.employee_id, self.employee_a)
        self.assertEqual(credit.store_id, self.store_a, "the point of sale's store")
        self.assertEqual(credit.date, order.date_order)
        figures = self._figures(self.buyer)
        self.assertEqual(figures["clienteling_purchase_count"], 1)
        self.assertEqual(figures["clienteling_purchase_total"], 240.0)
        self.assertEqual(figures["clienteling_last_purchase_date"], order.date_order.date())
        self.assertEqual(self.buyer.clienteling_store_id, self.store_a, "joins the store book")

    def test_amount_is_untaxed(self):
        order = self._pay([(self.taxed_product, 1)], customer=self.buyer)
        self.assertAlmostEqual(order.amount_total - order.amount_tax, self._credits(order).amount)
        self.assertLess(self._credits(order).amount, order.amount_total)

    def test_order_without_customer_is_not_credited(self):
        order = self._pay([(self.product, 1)], employee=self.employee_a)
        self.assertEqual(order.state, "paid")
        self.assertFalse(self._credits(order))

    def test_cashier_who_is_no_associate_credits_the_store_only(self):
        cashier = self.env["hr.employee"].create({"name": "Test Temp Cashier"})
        order = self._pay([(self.product, 1)], customer=self.buyer, employee=cashier)
        credit = self._credits(order)
        self.assertFalse(credit.employee_id)
        self.assertEqual(credit.store_id, self.store_a)

    def test_store_falls_back_to_the_associate_then_the_store_book(self):
        self.config.clienteling_store_id = False
        order = self._pay([(self.product, 1)], customer=self.buyer, employee=self.employee_b)
        self.assertEqual(self._credits(order).store_id, self.store_b, "the associate's store")
        other = self._pay([(self.product, 1)], customer=self.customer_a)
        self.assertFalse(self._credits(other).employee_id, "the admin is no associate")
        self.assertEqual(self._credits(other).store_id, self.store_a, "the store book")

    def test_refund_lowers_the_spend_and_is_charged_to_the_seller(self):
        order = self._pay([(self.product, 2)], customer=self.buyer, employee=self.employee_a)
        before = self._figures(self.buyer)
        refund = self._refund(order)
        self.assertEqual(refund.state, "paid")
        credit = self._credits(refund)
        self.assertEqual((credit.kind, credit.amount), ("return", -240.0))
        self.assertEqual(credit.employee_id, self.employee_a, "the associate who sold it")
        figures = self._figures(self.buyer)
        self.assertEqual(figures["clienteling_purchase_total"], 0.0)
        self.assertEqual(figures["clienteling_purchase_count"], 1, "a refund is no purchase")
        self.assertEqual(
            figures["clienteling_last_purchase_date"], before["clienteling_last_purchase_date"]
        )

    def test_offline_order_synced_late_counts_on_its_date(self):
        made = fields.Datetime.now().replace(microsecond=0) - timedelta(days=3)
        order = self._pay([(self.product, 1)], customer=self.buyer, date=made)
        self.assertEqual(order.date_order, made)
        self.assertEqual(self._credits(order).date, made)
        self.assertEqual(self._figures(self.buyer)["clienteling_last_purchase_date"], made.date())

    def test_retries_credit_once(self):
        order = self._pay([(self.product, 1)], customer=self.buyer, uuid="retry-0001-0001")
        # the till sends the same order again (lost answer), then a replay of the hook
        again = self._pay([(self.product, 1)], customer=self.buyer, uuid="retry-0001-0001")
        self.assertEqual(again, order)
        order._clienteling_credit_sales()
        self.assertEqual(len(self._credits(order)), 1)
        figures = self._figures(self.buyer)
        self.assertEqual(
            (figures["clienteling_purchase_count"], figures["clienteling_purchase_total"]),
            (1, 120.0),
        )

    def test_a_failure_to_credit_never_loses_the_sale(self):
        def refuse(partners, *args, **kwargs):
            raise UserError("refused")  # pylint: disable=translation-required

        with (
            patch.object(type(self.env["res.partner"]), "_clienteling_register_purchase", refuse),
            self.assertLogs("odoo.addons.clienteling_pos.models.pos_order", "ERROR"),
        ):
            order = self._pay([(self.product, 1)], customer=self.buyer)
        self.assertEqual(order.state, "paid")
        self.assertFalse(self._credits(order), "no credit without its purchase")
        backfill = (
            self.env["pos.order"].with_user(self.user_manager)._clienteling_backfill_purchases
        )
        self.assertEqual(backfill(), 1)
        self.assertEqual(self._figures(self.buyer)["clienteling_purchase_count"], 1)

    def test_cashier_without_clienteling_rights_pays(self):
        """The till's user need not be a clienteling user: the sale is a fact."""
        cashier = new_test_user(
            self.env,
            login="t_pos_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=self.company.id,
        )
        data = self.create_ui_order_data([(self.product, 1)], customer=self.customer_b)
        data["user_id"] = cashier.id
        result = self.env["pos.order"].with_user(cashier).sync_from_ui([data])
        order = self.env["pos.order"].browse(result["pos.order"][0]["id"])
        self.assertEqual(self._credits(order).amount, 120.0)
        self.assertEqual(self._figures(self.customer_b)["clienteling_purchase_count"], 1)
        with self.assertRaises(AccessError):
            self.env["clienteling.sale.credit"].with_user(cashier).search([]).read(["amount"])

    def test_backfill_gives_the_figures_of_paying_one_by_one(self):
        with patch.object(
            type(self.env["pos.order"]), "_clienteling_credit_sales", lambda self: None
        ):
            sold = self._pay([(self.product, 2)], customer=self.buyer, employee=self.employee_a)
            self._pay([(self.product, 1)], customer=self.customer_a)
            self._refund(sold)
            self._pay([(self.product, 1)])
        self.assertFalse(self.env["clienteling.sale.credit"].search([("source", "=", "pos")]))
        partners = self.buyer | self.customer_a
        self.env.invalidate_all()
        self.assertEqual(
            self.env["pos.order"].with_user(self.user_manager)._clienteling_backfill_purchases(), 3
        )
        backfilled = {p.id: self._figures(p) for p in partners}
        credits = self.env["clienteling.sale.credit"].search([("source", "=", "pos")], order="id")
        self.assertEqual(credits.mapped("kind"), ["sale", "sale", "return"])
        self.assertEqual(
            credits.filtered(lambda c: c.kind == "return").employee_id, self.employee_a
        )
        self.assertEqual(
            self.env["pos.order"].sudo()._clienteling_backfill_purchases(), 0, "idempotent"
        )
        self.assertEqual({p.id: self._figures(p) for p in partners}, backfilled)
        # the same orders registered one by one give the same figures
        partners.write({f: False for f in PURCHASE_FIELDS})
        credits.sudo().unlink()
        self.env["pos.order"].search(
            [("partner_id", "in", partners.ids)], order="id"
        )._clienteling_credit_sales()
        self.assertEqual({p.id: self._figures(p) for p in partners}, backfilled)

    def _credit_schema(self):
        self.env.cr.execute(
            """SELECT indexdef FROM pg_indexes WHERE tablename = 'clienteling_sale_credit'
               UNION ALL
               SELECT conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
                 FROM pg_constraint WHERE conrelid = 'clienteling_sale_credit'::regclass"""
        )
        return sorted(row[0] for row in self.env.cr.fetchall())

    def test_bulk_backfill_gives_the_same_figures_and_schema(self):
        """Many credits are loaded in bulk (indexes dropped and built again,
        foreign keys checked once): forced here on a few."""
        with patch.object(
            type(self.env["pos.order"]), "_clienteling_credit_sales", lambda self: None
        ):
            sold = self._pay([(self.product, 2)], customer=self.buyer, employee=self.employee_a)
            self._pay([(self.product, 1)], customer=self.customer_a)
            self._refund(sold)
        partners = self.buyer | self.customer_a
        schema = self._credit_schema()
        self.env.invalidate_all()
        Credit = type(self.env["clienteling.sale.credit"])
        with (
            forced_bulk(),
            patch.object(
                Credit,
                "_drop_secondary_indexes",
                autospec=True,
                side_effect=Credit._drop_secondary_indexes,
            ) as drop_indexes,
        ):
            backfill = (
                self.env["pos.order"].with_user(self.user_manager)._clienteling_backfill_purchases
            )
            self.assertEqual(backfill(), 3)
            self.assertEqual(drop_indexes.call_count, 1, "loaded in bulk")
            self.assertEqual(self._credit_schema(), schema, "same indexes and constraints")
            backfilled = {p.id: self._figures(p) for p in partners}
            self.assertEqual(backfill(), 0, "idempotent")
        self.assertEqual({p.id: self._figures(p) for p in partners}, backfilled)
        partners.write({f: False for f in PURCHASE_FIELDS})
        self.env["clienteling.sale.credit"].search([("source", "=", "pos")]).sudo().unlink()
        self.env["pos.order"].search(
            [("partner_id", "in", partners.ids)], order="id"
        )._clienteling_credit_sales()
        self.assertEqual({p.id: self._figures(p) for p in partners}, backfilled)

    def test_bulk_backfill_failing_leaves_everything_as_it_was(self):
        with patch.object(
            type(self.env["pos.order"]), "_clienteling_credit_sales", lambda self: None
        ):
            self._pay([(self.product, 1)], customer=self.buyer)
        schema = self._credit_schema()
        figures = self._figures(self.buyer)
        # exclusive: all the foreign keys dropped and added back
        Order = self.env["pos.order"].with_context(clienteling_backfill_exclusive=True)
        Credit = type(self.env["clienteling.sale.credit"])
        drop = Credit._drop_constraints

        def drop_then_fail(credits, all_foreign_keys=False):
            self.assertTrue(all_foreign_keys)
            return [
                *drop(credits, all_foreign_keys=all_foreign_keys),
                ("clienteling_bad_fkey", "CHECK (amount > 1e12)"),
            ]

        with (
            forced_bulk(),
            patch.object(Credit, "_drop_constraints", drop_then_fail),
            self.assertRaises(psycopg2.errors.CheckViolation),
            mute_logger("odoo.sql_db"),
        ):
            Order.sudo()._clienteling_backfill_purchases()
        self.env.invalidate_all()
        self.assertFalse(self.env["clienteling.sale.credit"].search([("source", "=", "pos")]))
        self.assertEqual(self._figures(self.buyer), figures)
        self.assertEqual(self._credit_schema(), schema)
        with forced_bulk():
            self.assertEqual(Order.sudo()._clienteling_backfill_purchases(), 1)
        self.assertEqual(self._credit_schema(), schema, "all foreign keys back")
        self.assertEqual(self._figures(self.buyer)["clienteling_purchase_count"], 1)

    def test_exclusive_backfill_falls_back_when_a_table_is_busy(self):
        with patch.object(
            type(self.env["pos.order"]), "_clienteling_credit_sales", lambda self: None
        ):
            self._pay([(self.product, 1)], customer=self.buyer)
        schema = self._credit_schema()
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            # another transaction reading the companies: no exclusive lock on them
            other.execute("LOCK TABLE res_company IN ACCESS SHARE MODE")
            with (
                forced_bulk(),
                patch.object(credit_module, "EXCLUSIVE_LOCK_TIMEOUT", "50ms"),
                self.assertLogs(
                    "odoo.addons.clienteling.models.clienteling_sale_credit", "WARNING"
                ),
            ):
                count = (
                    self.env["pos.order"]
                    .sudo()
                    .with_context(clienteling_backfill_exclusive=True)
                    ._clienteling_backfill_purchases()
                )
        finally:
            other.close()
        self.assertEqual(count, 1)
        self.assertEqual(self._credit_schema(), schema)
        self.assertEqual(self._figures(self.buyer)["clienteling_purchase_count"], 1)
        self.env.cr.execute("SHOW lock_timeout")
        self.assertEqual(self.env.cr.fetchone()[0], "0", "lock timeout restored")

    def test_installing_reads_the_paid_orders_made_before(self):
        with patch.object(
            type(self.env["pos.order"]), "_clienteling_credit_sales", lambda self: None
        ):
            order = self._pay([(self.product, 1)], customer=self.buyer)
        self.assertFalse(self._credits(order))
        post_init_hook(self.env)
        self.assertEqual(self._credits(order).amount, 120.0)
        self.assertEqual(self._figures(self.buyer)["clienteling_purchase_count"], 1)

    def test_backfill_is_for_clienteling_administrators(self):
        for user in (self.user_associate_a, self.user_store_manager_a):
            with self.assertRaises(AccessError):
                self.env["pos.order"].with_user(user)._clienteling_backfill_purchases()

    def test_credits_follow_the_record_rules(self):
        order = self._pay([(self.product, 1)], customer=self.customer_a, employee=self.employee_a)
        credit = self._credits(order)
        Credit = self.env["clienteling.sale.credit"]
        self.assertEqual(
            Credit.with_user(self.user_associate_a).search([("id", "=", credit.id)]), credit
        )
        self.assertEqual(
            Credit.with_user(self.user_store_manager_a).search([("id", "=", credit.id)]), credit
        )
        self.assertFalse(Credit.with_user(self.user_associate_b).search([("id", "=", credit.id)]))


@tagged("post_install", "-at_install", "clienteling_pos")
class TestPosDemo(ClientelingCase):
    def test_demo_tills_credit_their_stores(self):
        stores = [
            self.env.ref(f"clienteling.store_{code}_demo", raise_if_not_found=False)
            for code in ("nyc", "london", "paris")
        ]
        if not all(stores):
            self.skipTest("installed without demo data")
        for store in stores:
            config = store.pos_config_ids
            self.assertEqual(len(config), 1, store.name)
            self.assertTrue(config.module_pos_hr)
            orders = self.env["pos.order"].search([("config_id", "=", config.id)])
            credits = self.env["clienteling.sale.credit"].search(
                [("res_model", "=", "pos.order"), ("res_id", "in", orders.ids)]
            )
            self.assertEqual(len(credits), len(orders), "every demo order is credited")
            self.assertEqual(set(credits.store_id), {store})
            self.assertIn("return", credits.mapped("kind"))
