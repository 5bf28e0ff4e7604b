"""Extra cost of the clienteling bridge when a POS order is paid, 1,000,000 customers.

Builds a database (no demo data, ``clienteling_pos`` and ``clienteling_advisor``) with
100 stores of 10 associates and 1,000,000 customers with their history
(``bench/advisor_refresh.py``'s ``generate``), the Advisor's lines built (client
books), and a point of sale of the first store with a cash payment method and an
open session (ORM). Then pays ``--orders`` orders of distinct customers of that store
(1-3 units of a product taxed 15%, cashier: an associate of the store) through the
till's entry point, ``pos.order.sync_from_ui([order])``, as the administrator, each
order timed alone with its flush and committed after; alternately with the bridge
(``pos.order._clienteling_credit_sales``: the credit, the customer's purchase figures,
the Advisor's live update) and without it (that method replaced by a no-op in this
process), in random order within each pair, after ``--warmup`` untimed pairs.

Usage: .venv/bin/python bench/pos_paid_order.py [--orders 500] [--customers 1000000]
       [--keep] [--drop]

--keep: time again on the database already generated (new customers each run while
the store has customers who have not bought at the till yet).
"""

import argparse
import random
import statistics
import subprocess
import time

from common import create_database, describe, odoo_env
from pos_common import generate_customers, order_data, store_points_of_sale

DB = "clienteling_bench_pos_paid"
STORES = 100
ASSOCIATES_PER_STORE = 10


def build(customers):
    seconds = create_database(DB, "clienteling_pos,clienteling_advisor")
    print(f"database created in {seconds:.0f} s")
    with odoo_env(DB) as env:
        started = time.perf_counter()
        generate_customers(env, STORES, ASSOCIATES_PER_STORE, customers, seed=13)
        env.cr.commit()
        env.cr.execute("ANALYZE")
        print(f"customers generated in {time.perf_counter() - started:.0f} s")
        env.company.write(
            {
                "clienteling_advisor_keep_in_touch_list": "client",
                "clienteling_advisor_important_date_list": "client",
            }
        )
        started = time.perf_counter()
        counts = env["clienteling.advisor.refresh"]._refresh_company(env.company)
        print(
            f"Advisor lines built (client books) in {time.perf_counter() - started:.0f} s: "
            f"{sum(counts.values()):,}"
        )
    with odoo_env(DB) as env:
        admin = env.ref("base.user_admin")
        env = env(user=admin)
        store = env["clienteling.store"].search([], order="id", limit=1)
        store_points_of_sale(env, store.ids, cash=True)
        tax = env.company.account_sale_tax_id
        env["product.product"].create(
            {
                "name": "Bench Scarf",
                "list_price": 120.0,
                "available_in_pos": True,
                "taxes_id": [(6, 0, tax.ids)],
            }
        )


def pay(env, data, bridge):
    """ms to pay this order through ``sync_from_ui``, with or without the bridge;
    and ms spent inside the bridge (``_clienteling_credit_sales``, its flush included)."""
    Order = type(env["pos.order"])
    original = Order._clienteling_credit_sales
    inside = []

    def timed(self):
        started = time.perf_counter()
        try:
            return original(self)
        finally:
            inside.append((time.perf_counter() - started) * 1000)

    Order._clienteling_credit_sales = timed if bridge else (lambda self: None)
    try:
        started = time.perf_counter()
        result = env["pos.order"].sync_from_ui([data])
        env.flush_all()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        Order._clienteling_credit_sales = original
    env.cr.commit()
    return elapsed, sum(inside), result["pos.order"][0]["id"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500, help="timed orders each way")
    parser.add_argument("--warmup", type=int, default=10, help="untimed pairs first")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if not args.keep:
        build(args.customers)
    with odoo_env(DB) as env:
        env = env(user=env.ref("base.user_admin"))
        if "_clienteling_credit_sales" not in dir(type(env["pos.order"])):
            raise SystemExit("pos.order._clienteling_credit_sales is missing: no bridge here.")
        env.cr.execute("SELECT count(*) FROM res_partner WHERE clienteling_store_id IS NOT NULL")
        customers = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM clienteling_advisor_recommendation")
        lines = env.cr.fetchone()[0]
        session = env["pos.session"].search([("state", "=", "opened")], limit=1)
        store = session.config_id.clienteling_store_id
        product = env["product.product"].search([("name", "=", "Bench Scarf")], limit=1)
        employees = env["hr.employee"].search([("clienteling_store_id", "=", store.id)])
        pairs = args.warmup + args.orders
        env.cr.execute(
            """
            SELECT p.id FROM res_partner p
             WHERE p.clienteling_store_id = %s
               AND NOT EXISTS (SELECT 1 FROM pos_order o WHERE o.partner_id = p.id)
             ORDER BY md5(p.id::text) LIMIT %s
            """,
            [store.id, 2 * pairs],
        )
        partners = env["res.partner"].browse(row[0] for row in env.cr.fetchall())
        if len(partners) < 2 * pairs:
            raise SystemExit("Not enough customers who have not bought yet: rebuild.")
        print(
            f"{customers:,} customers, {lines:,} Advisor lines; paying {args.orders} orders "
            f"each way (+{args.warmup} warm-up pairs) at {session.config_id.name} "
            f"({store.name})"
        )
        rnd = random.Random(5)
        timings = {True: [], False: []}
        orders = {True: [], False: []}
        bridge_ms = []
        customers_iter = iter(partners)
        for pair in range(pairs):
            modes = [True, False]
            rnd.shuffle(modes)
            for bridge in modes:
                partner = next(customers_iter)
                data = order_data(
                    session, partner, rnd.choice(employees), [(product, 1 + pair % 3)]
                )
                elapsed, inside, order_id = pay(env, data, bridge)
                if pair >= args.warmup:
                    timings[bridge].append(elapsed)
                    orders[bridge].append(order_id)
                    if bridge:
                        bridge_ms.append(inside)
        env.cr.execute(
            """
            SELECT o.id IN %s, count(c.id), count(DISTINCT o.id),
                   count(*) FILTER (WHERE p.clienteling_purchase_count > 0)
              FROM pos_order o
              JOIN res_partner p ON p.id = o.partner_id
              LEFT JOIN clienteling_sale_credit c
                     ON c.res_model = 'pos.order' AND c.res_id = o.id
             WHERE o.id IN %s AND o.state = 'paid'
             GROUP BY 1
            """,
            [tuple(orders[True]), tuple(orders[True] + orders[False])],
        )
        checks = {row[0]: row[1:] for row in env.cr.fetchall()}
    with_bridge = describe(timings[True])
    without = describe(timings[False])
    print(
        f"paid with the bridge:    median {with_bridge['p50']:.2f} ms, mean "
        f"{with_bridge['mean']:.2f} ms, p99 {with_bridge['p99']:.2f} ms"
    )
    print(
        f"paid without the bridge: median {without['p50']:.2f} ms, mean {without['mean']:.2f} ms, "
        f"p99 {without['p99']:.2f} ms"
    )
    print(
        f"extra cost per order: median {with_bridge['p50'] - without['p50']:.2f} ms, mean "
        f"{with_bridge['mean'] - without['mean']:.2f} ms "
        f"(median of the pairwise differences "
        f"{statistics.median(a - b for a, b in zip(timings[True], timings[False], strict=True)):.2f} ms)"
    )
    inside = describe(bridge_ms)
    print(
        f"time inside the bridge (_clienteling_credit_sales, timed in the paid orders): "
        f"median {inside['p50']:.2f} ms, mean {inside['mean']:.2f} ms, p99 {inside['p99']:.2f} ms"
    )
    for bridge in (True, False):
        credits, paid, bought = checks.get(bridge, (0, 0, 0))
        print(
            f"  {'with' if bridge else 'without'} the bridge: {paid} orders paid, "
            f"{credits} credits, {bought} customers with a purchase counted"
        )
    if args.drop:
        subprocess.run(["dropdb", "--if-exists", DB], check=True)


if __name__ == "__main__":
    main()
