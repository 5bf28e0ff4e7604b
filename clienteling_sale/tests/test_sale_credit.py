from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.cli.command import commands
from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from odoo.addons.clienteling.cli.clienteling_backfill import backfill, report
from odoo.addons.clienteling.models.clienteling_sale_credit import CREDIT_COLUMNS
from odoo.addons.clienteling.tests.common import ClientelingCase
from odoo.addons.clienteling_sale import post_init_hook

PURCHASE_FIELDS = [
    "clienteling_last_purchase_date",
    "clienteling_purchase_count",
    "clienteling_purchase_total",
]


@tagged("post_install", "-at_install", "clienteling_sale")
class TestSaleCredit(ClientelingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Test Silk Scarf", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.team_b = cls.env["crm.team"].create(
            {"name": "Saint-Honoré Online", "clienteling_store_id": cls.store_b.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Chloé Buyer", "clienteling_store_id": cls.store_a.id}
        )
        cls.order_date = datetime(2026, 3, 10, 15, 0)

    def _order(self, partner=None, user=None, team=None, qty=2, date=None):
        """A confirmed order (confirming stamps the order date: ``date`` or now)."""
        order = self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "user_id": user.id if user else False,
                "team_id": team.id if team else False,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "price_unit": 100.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        with freeze_time(date or fields.Datetime.now()):
            order.action_confirm()
        return order

    def _credits(self, order):
        return self.env["clienteling.sale.credit"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)], order="id"
        )

    def _figures(self, partner):
        partner.invalidate_recordset(PURCHASE_FIELDS)
        return partner.read(PURCHASE_FIELDS)[0]

    def _click(self, partner, employee, when):
        link = self.env["clienteling.product.link"]._get_or_create_links(
            self.product, partner=partner, employee=employee
        )
        return self.env["clienteling.product.link.click"].create(
            {
                "link_id": link.id,
                "employee_id": employee.id,
                "store_id": employee.clienteling_store_id.id,
                "company_id": link.company_id.id,
                "clicked_at": when,
            }
        )

    def _confirm_online(self):
        """An online order: no salesperson."""
        return self._order(user=None, qty=1, date=self.order_date)

    def test_confirmed_order_is_credited_and_registered(self):
        order = self._order(user=self.user_associate_a, team=self.team_b)
        credit = self._credits(order)
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.employee_id, self.employee_a)
        self.assertEqual(credit.store_id, self.store_b, "the sales team's store")
        self.assertEqual(credit.source, "online")
        self.assertEqual(credit.amount, 200.0)
        self.assertEqual(credit.name, order.name)
        figures = self._figures(self.customer)
        self.assertEqual(figures["clienteling_purchase_count"], 1)
        self.assertEqual(figures["clienteling_purchase_total"], 200.0)
        self.assertTrue(figures["clienteling_last_purchase_date"])
        self.assertIn(credit, self.customer.clienteling_sale_credit_ids)

    def test_store_falls_back_to_the_customer_store_book(self):
        order = self._order(user=self.env.ref("base.user_admin"))
        credit = self._credits(order)
        self.assertEqual(credit.store_id, self.store_a)
        self.assertFalse(credit.employee_id, "the salesperson is no associate")

    def test_retries_credit_once(self):
        order = self._order(user=self.user_associate_a)
        order._clienteling_credit_sales()
        order._clienteling_credit_sales()
        self.assertEqual(len(self._credits(order)), 1)
        self.assertEqual(self._figures(self.customer)["clienteling_purchase_count"], 1)
        self.assertEqual(self._figures(self.customer)["clienteling_purchase_total"], 200.0)

    def test_a_key_already_credited_is_skipped(self):
        """What a concurrent confirmation, past the "not credited yet" check, inserts."""
        order = self._order(user=self.user_associate_a)
        same_credit = SQL(
            "SELECT %s FROM clienteling_sale_credit WHERE res_model = 'sale.order' AND res_id = %s",
            SQL(", ").join(SQL.identifier(c) for c in CREDIT_COLUMNS),
            order.id,
        )
        self.assertFalse(self.env["clienteling.sale.credit"]._insert_credits(same_credit))
        self.assertEqual(len(self._credits(order)), 1)

    def test_cancel_undoes_and_reconfirm_credits_again(self):
        order = self._order(user=self.user_associate_a)
        order._action_cancel()
        order._action_cancel()  # retried: cancelled once
        credits = self._credits(order)
        self.assertEqual(credits.mapped("kind"), ["sale", "cancel"])
        self.assertEqual(sum(credits.mapped("amount")), 0.0)
        self.assertEqual(credits[1].reversed_credit_id, credits[0])
        figures = self._figures(self.customer)
        self.assertEqual(figures["clienteling_purchase_count"], 0)
        self.assertEqual(figures["clienteling_purchase_total"], 0.0)
        self.assertFalse(figures["clienteling_last_purchase_date"])
        order.action_draft()
        order.action_confirm()
        order._clienteling_credit_sales()
        credits = self._credits(order)
        self.assertEqual(credits.mapped("kind"), ["sale", "cancel", "sale"])
        self.assertEqual(credits[2].key, f"sale.order,{order.id},2")
        figures = self._figures(self.customer)
        self.assertEqual(figures["clienteling_purchase_count"], 1)
        self.assertEqual(figures["clienteling_purchase_total"], 200.0)

    def test_link_click_inside_the_window_credits_the_associate(self):
        self._click(self.customer, self.employee_b, self.order_date - timedelta(days=3))
        order = self._confirm_online()
        credit = self._credits(order)
        self.assertEqual(credit.employee_id, self.employee_b)
        self.assertEqual(credit.source, "link")
        self.assertEqual(credit.store_id, self.store_b, "the store of the shared link")

    def test_link_click_outside_the_window_is_not_credited(self):
        self._click(self.customer, self.employee_b, self.order_date - timedelta(days=20))
        self._click(self.customer, self.employee_a, self.order_date + timedelta(hours=1))
        order = self._confirm_online()
        credit = self._credits(order)
        self.assertFalse(credit.employee_id, "too old, and after the order")
        self.assertEqual(credit.source, "online")
        self.assertEqual(credit.store_id, self.store_a)

    def test_link_window_is_a_company_setting(self):
        self.assertEqual(self.env.company.clienteling_link_attribution_days, 14)
        self.env.company.clienteling_link_attribution_days = 30
        self._click(self.customer, self.employee_b, self.order_date - timedelta(days=20))
        self.assertEqual(self._credits(self._confirm_online()).employee_id, self.employee_b)

    def _open_storefront(self, partner, employee, when, source="visit"):
        self.env["clienteling.storefront.open"]._record_open(employee, partner, source, when=when)

    def test_storefront_opened_inside_the_window_credits_the_associate(self):
        self._open_storefront(self.customer, self.employee_b, self.order_date - timedelta(days=5))
        credit = self._credits(self._confirm_online())
        self.assertEqual(credit.employee_id, self.employee_b)
        self.assertEqual(credit.source, "link")
        self.assertEqual(credit.store_id, self.store_b, "the storefront's store")

    def test_storefront_opened_outside_the_window_is_not_credited(self):
        self._open_storefront(self.customer, self.employee_b, self.order_date - timedelta(days=15))
        self._open_storefront(self.customer, self.employee_a, self.order_date + timedelta(hours=1))
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self._open_storefront(other, self.employee_a, self.order_date - timedelta(days=1))
        credit = self._credits(self._confirm_online())
        self.assertFalse(credit.employee_id, "too old, after the order, or someone else")
        self.assertEqual(credit.source, "online")

    def test_storefront_opened_the_same_day_before_the_order_counts(self):
        """A row keeps the first and last time of the day: an order between them
        (a history loaded later) is credited to the first."""
        self._open_storefront(self.customer, self.employee_b, self.order_date - timedelta(hours=2))
        self._open_storefront(self.customer, self.employee_b, self.order_date + timedelta(hours=2))
        self.assertEqual(self._credits(self._confirm_online()).employee_id, self.employee_b)

    def test_latest_link_or_storefront_wins(self):
        self._click(self.customer, self.employee_a, self.order_date - timedelta(days=3))
        self._open_storefront(
            self.customer, self.employee_b, self.order_date - timedelta(days=2), "request"
        )
        self.assertEqual(self._credits(self._confirm_online()).employee_id, self.employee_b)
        self._click(self.customer, self.employee_a, self.order_date - timedelta(days=1))
        credit = self._credits(self._order(qty=1, date=self.order_date))
        self.assertEqual((credit.employee_id, credit.store_id), (self.employee_a, self.store_a))

    def test_order_with_a_salesperson_is_not_a_link_sale(self):
        self._click(self.customer, self.employee_b, self.order_date - timedelta(days=1))
        credit = self._credits(self._order(user=self.user_associate_a, date=self.order_date))
        self.assertEqual(credit.employee_id, self.employee_a)
        self.assertEqual(credit.source, "online")

    def test_amount_in_company_currency_without_taxes(self):
        other = self.env.ref(
            "base.EUR" if self.env.company.currency_id.name != "EUR" else "base.USD"
        )
        other.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", other.id)]).unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 2.0, "name": "2020-01-01"}
        )
        pricelist = self.env["product.pricelist"].create({"name": "Other", "currency_id": other.id})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 300.0, "tax_id": False}
                    )
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.amount_untaxed, 300.0)
        self.assertEqual(self._credits(order).amount, 150.0)

    def test_backfill_equals_per_order_registering_and_is_idempotent(self):
        other = self.env["res.partner"].create({"name": "Backfill Buyer"})
        customers = self.customer | other
        self._order(user=self.user_associate_a, team=self.team_b, qty=1)
        self._order(partner=other, user=self.user_associate_b, qty=3)
        self._order(partner=other, qty=2, date=datetime(2026, 3, 20, 9, 0))
        self._order(partner=other, qty=1, date=datetime(2026, 2, 1, 9, 0))
        cancelled = self._order(qty=5)
        cancelled._action_cancel()
        again = self._order(partner=other, qty=4)
        again._action_cancel()
        again.action_draft()
        again.action_confirm()
        per_order = {p.id: self._figures(p) for p in customers}
        per_order_stores = {p.id: p.clienteling_store_id for p in customers}
        credits = self.env["clienteling.sale.credit"].search([("partner_id", "in", customers.ids)])
        per_order_credits = sorted(credits.mapped(lambda c: (c.key, c.employee_id.id, c.amount)))
        # as if the orders had been placed before the bridge was installed
        credits.unlink()
        customers.write(
            {
                "clienteling_last_purchase_date": False,
                "clienteling_purchase_count": 0,
                "clienteling_purchase_total": 0.0,
            }
        )
        other.clienteling_store_id = False
        self.assertGreaterEqual(
            self.env["sale.order"].with_user(self.user_manager)._clienteling_backfill_purchases(), 5
        )
        self.assertEqual({p.id: self._figures(p) for p in customers}, per_order)
        self.assertEqual({p.id: p.clienteling_store_id for p in customers}, per_order_stores)
        backfilled = self.env["clienteling.sale.credit"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(len(backfilled), 5, "cancelled orders are not credited")
        self.assertEqual(
            {(c.employee_id.id, c.amount) for c in backfilled},
            {(e, a) for _k, e, a in per_order_credits if a > 0} - {(False, 500.0)},
        )
        self.assertEqual(self.env["sale.order"].sudo()._clienteling_backfill_purchases(), 0)
        self.assertEqual({p.id: self._figures(p) for p in customers}, per_order)

    def test_installing_reads_the_confirmed_orders_placed_before(self):
        order = self._order(user=self.user_associate_a)
        self._forget_credits(self.customer.id)
        self.customer.write({field: False for field in PURCHASE_FIELDS})
        post_init_hook(self.env)
        self.assertEqual(self._credits(order).amount, 200.0)
        self.assertEqual(self._figures(self.customer)["clienteling_purchase_count"], 1)

    @users("t_assoc_a", "t_mgr_a")
    def test_backfill_is_for_administrators(self):
        with self.assertRaisesRegex(AccessError, "Only Clienteling administrators"):
            self.env["sale.order"]._clienteling_backfill_purchases()

    # The history of every bridge: Settings button and command.

    def _forget_credits(self, *partners):
        """As if these customers' orders had been placed before the bridge."""
        credits = self.env["clienteling.sale.credit"].search([("partner_id", "in", partners)])
        credits.unlink()

    def _sale_orders_only(self):
        """The backfill of sale orders alone, whatever other bridge is installed."""
        return patch.object(
            type(self.env["clienteling.sale.credit"]),
            "_backfill_models",
            lambda self: ["sale.order"],
        )

    def test_every_bridge_backfills_once(self):
        self.assertIn("sale.order", self.env["clienteling.sale.credit"]._backfill_models())
        self._order(user=self.user_associate_a)
        self._order(qty=1)
        self._forget_credits(self.customer.id)
        Credit = self.env["clienteling.sale.credit"].with_user(self.user_manager)
        with self._sale_orders_only():
            counts = Credit._backfill_purchases()
            self.assertGreaterEqual(counts["sale.order"], 2)
            self.assertEqual(Credit._backfill_purchases(), {"sale.order": 0})
        self.assertEqual(len(Credit.search([("partner_id", "=", self.customer.id)])), 2)

    @users("t_assoc_a", "t_mgr_a")
    def test_every_bridge_backfill_is_for_administrators(self):
        Credit = self.env["clienteling.sale.credit"]
        with self.assertRaisesRegex(AccessError, "Only Clienteling administrators"):
            Credit._backfill_purchases()
        with self.assertRaisesRegex(AccessError, "Only Clienteling administrators"):
            self.env["res.config.settings"].action_clienteling_backfill_sales()

    def test_settings_button(self):
        self._order(qty=1)
        self._forget_credits(self.customer.id)
        Settings = self.env["res.config.settings"].with_user(self.user_manager)
        with self._sale_orders_only():
            self.assertTrue(Settings.new({}).clienteling_has_sales_bridge)
            action = Settings.action_clienteling_backfill_sales()
        self.assertEqual(action["params"]["type"], "success")
        self.assertRegex(action["params"]["message"], r"Sales Order: [1-9]\d*\.$")
        self.assertTrue(self._credits_of(self.customer))

    def _credits_of(self, partner):
        return self.env["clienteling.sale.credit"].search([("partner_id", "=", partner.id)])

    def test_command_backfills_every_company(self):
        company_b = self.env["res.company"].create({"name": "Backfill Company B"})
        customer_b = self.env["res.partner"].create({"name": "Company B Buyer"})
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": customer_b.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 80.0, "tax_id": False}
                        )
                    ],
                }
            )
        )
        order_b.action_confirm()
        self._order(qty=1)
        self._forget_credits(self.customer.id, customer_b.id)
        with self._sale_orders_only():
            self.env["clienteling.sale.credit"].with_user(self.user_manager)._backfill_purchases()
            self.assertFalse(self._credits_of(customer_b), "another company's orders")
            counts = backfill(self.env(user=self.user_associate_a))  # runs as superuser
            self.assertGreaterEqual(counts["sale.order"], 1)
            self.assertEqual(self._credits_of(customer_b).amount, 80.0)
            self.assertEqual(backfill(self.env), {"sale.order": 0})
        self.assertEqual(
            report({"sale.order": 3, "pos.order": 2}),
            [
                "sale.order: 3 orders credited",
                "pos.order: 2 orders credited",
                "Total: 5 orders credited",
            ],
        )
        self.assertIn("nothing to load", report({})[0])
        self.assertIn("clienteling_backfill", commands)

    def test_record_rules(self):
        order = self._order(partner=self.customer_a, user=self.user_associate_a)
        credit = self._credits(order)
        self.assertEqual(credit.store_id, self.store_a)
        company_b = self.env["res.company"].create({"name": "Test Company B"})
        user_company_b = new_test_user(
            self.env,
            login="t_sale_company_b",
            groups="base.group_user,clienteling.group_clienteling_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        user_store_manager_b = new_test_user(
            self.env,
            login="t_sale_mgr_b",
            groups="base.group_user,clienteling.group_clienteling_store_manager",
        )
        self.env["hr.employee"].create(
            {
                "name": "Store Manager B",
                "user_id": user_store_manager_b.id,
                "clienteling_store_id": self.store_b.id,
                "clienteling_role": "store_manager",
            }
        )
        Credit = self.env["clienteling.sale.credit"]
        domain = [("id", "=", credit.id)]
        for allowed in (self.user_associate_a, self.user_store_manager_a, self.user_manager):
            self.assertEqual(Credit.with_user(allowed).search(domain), credit, allowed.login)
        for refused in (self.user_associate_b, user_store_manager_b, user_company_b):
            self.assertFalse(Credit.with_user(refused).search(domain), refused.login)
            with self.assertRaises(AccessError):
                credit.with_user(refused).read(["amount"])
        with self.assertRaises(AccessError):
            credit.with_user(self.user_manager).write({"amount": 1.0})
        # the associate's form: their credited sales
        self.assertEqual(
            self.employee_a.with_user(self.user_store_manager_a).clienteling_sales_amount, 200.0
        )
        self.assertEqual(self.employee_b.clienteling_sales_amount, 0.0)

    def test_kpi_total_sales_net_of_cancellations(self):
        self._order(partner=self.customer_a, user=self.user_associate_a)
        cancelled = self._order(partner=self.customer_a, user=self.user_associate_a, qty=1)
        cancelled._action_cancel()
        Kpi = self.env["clienteling.kpi"]
        Kpi._kpi_refresh()
        rows = Kpi.search([("employee_id", "=", self.employee_a.id)])
        self.assertEqual(sum(rows.mapped("sales_amount")), 200.0)
        dashboard = Kpi.with_user(self.user_manager).get_dashboard("quarter", self.store_a.id)
        cards = {card["key"]: card["value"] for card in dashboard["cards"]}
        self.assertEqual(cards["sales"], 200.0)
        self.assertEqual(cards["link_sales"], 0.0)
