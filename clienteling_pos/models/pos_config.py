import random
from datetime import timedelta

from odoo import api, fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    clienteling_store_id = fields.Many2one(
        "clienteling.store",
        index="btree_not_null",
        check_company=True,
        help="The store whose sales this point of sale rings up: its paid orders are "
        "credited to this store and update the customers' purchases.",
    )

    @api.model
    def _clienteling_load_demo_sales(self, store_ids, product_ids, days=42, seed=2026):
        """Demo data: a till per store (cashiers: the store's associates), open
        with a session, and ``days`` of paid orders of the store book's recent buyers
        rung up by its associates (credited as any paid order), and one refund."""
        rng = random.Random(seed)
        stores = self.env["clienteling.store"].browse(store_ids)
        products = self.env["product.product"].browse(product_ids)
        products = products.filtered("available_in_pos") or products
        now = fields.Datetime.now().replace(microsecond=0)
        for store in stores:
            associates = store.employee_ids.filtered("clienteling_role")
            # the store book's recent buyers: lapsed and new customers keep their story
            # (the Advisor's Keep in Touch and New Customers lists of the demo)
            customers = self.env["res.partner"].search(
                [
                    ("clienteling_store_id", "=", store.id),
                    ("clienteling_last_purchase_date", ">=", now.date() - timedelta(days=60)),
                ],
                order="id",
            )
            if not (associates and customers) or store.pos_config_ids:
                continue  # nothing to sell, or loaded already (module update)
            config = self.create(
                {
                    "name": self.env._("%s Till", store.name),
                    "company_id": store.company_id.id,
                    "clienteling_store_id": store.id,
                    "module_pos_hr": True,
                    "basic_employee_ids": [fields.Command.set(associates.ids)],
                }
            )
            if not config.payment_method_ids.filtered("is_cash_count"):
                _journal, methods = config._create_journal_and_payment_methods(
                    cash_journal_vals={"name": self.env._("Cash %s", store.code)}
                )
                config.payment_method_ids = [fields.Command.link(m) for m in methods]
            # opened by the administrator (the superuser loading demo data may not)
            session = self.env["pos.session"].create(
                {"config_id": config.id, "user_id": self.env.ref("base.user_admin").id}
            )
            session.set_opening_control(0, None)
            cash = config.payment_method_ids.filtered("is_cash_count")[:1]
            orders = self.env["pos.order"]
            for number in range(max(20, len(customers) * 3)):
                customer = customers[rng.randrange(len(customers))]
                lines = [
                    (product, rng.randint(1, 2))
                    for product in rng.sample(list(products), rng.randint(1, 2))
                ]
                total = sum(product.lst_price * qty for product, qty in lines)
                order = self.env["pos.order"].create(
                    {
                        "session_id": session.id,
                        "company_id": config.company_id.id,
                        "partner_id": customer.id,
                        "employee_id": associates[rng.randrange(len(associates))].id,
                        "date_order": now
                        - timedelta(days=rng.randrange(days), hours=rng.randrange(8)),
                        "pos_reference": f"Order {store.code}-{number + 1:04d}",
                        "amount_tax": 0.0,
                        "amount_total": total,
                        "amount_paid": 0.0,
                        "amount_return": 0.0,
                        "lines": [
                            fields.Command.create(
                                {
                                    "product_id": product.id,
                                    "full_product_name": product.display_name,
                                    "qty": qty,
                                    "price_unit": product.lst_price,
                                    "price_subtotal": product.lst_price * qty,
                                    "price_subtotal_incl": product.lst_price * qty,
                                }
                            )
                            for product, qty in lines
                        ],
                    }
                )
                order.add_payment(
                    {"pos_order_id": order.id, "amount": total, "payment_method_id": cash.id}
                )
                order.action_pos_order_paid()
                orders |= order
            refund = self.env["pos.order"].browse(orders[0].refund()["res_id"])
            refund.add_payment(
                {
                    "pos_order_id": refund.id,
                    "amount": refund.amount_total,
                    "payment_method_id": cash.id,
                }
            )
            refund.action_pos_order_paid()
