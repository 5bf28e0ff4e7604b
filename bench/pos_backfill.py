"""POS purchase backfill on 1,000,000 orders, against registering each order's purchase.

Builds a database (no demo data, ``clienteling_pos``) with 40 stores of 10 associates
and 200,000 customers (``bench/advisor_refresh.py``'s ``generate``; one in eight
customers has no store book), a point of sale and a session per store (ORM), and
1,000,000 paid orders in SQL (``bench/pos_common.py``'s ``generate_orders``: states
'paid'/'done', customer, cashier associate, dated over five years, taxed, 5% refunds
with negative amounts). Then, in one run, from the same starting figures:

(a) the backfill, ``pos.order._clienteling_backfill_purchases()`` (set-based, in bulk:
    ``clienteling.sale.credit._backfill_credits``), timed and committed; the customers'
    last purchase date, number of purchases, spend and store book are kept;
(a') the same from the same starting figures, exclusive (context
    ``clienteling_backfill_exclusive``: all the credit table's foreign keys dropped and
    added back, locking the tables they point to), timed; the script fails if a
    customer's figures differ from (a)'s;
(b) the baseline: the figures and credits are reset, then for every order of a random
    sample of ``--check-customers`` customers (all their orders, oldest first),
    ``res.partner._clienteling_register_purchase(date, amount, store)`` is called, one
    order at a time, as a bridge does when each order is paid. Its time per order is
    extrapolated to all the orders (said so in the output), and the sample customers'
    figures are compared with the backfill's: the script fails if one differs;
(c) the same with the bridge's own per-order path, ``pos.order._clienteling_credit_sales()``
    of each of the sample's orders (a credit, then the purchase), timed, extrapolated and
    checked the same way.

Usage: .venv/bin/python bench/pos_backfill.py [--orders 1000000] [--customers 200000]
       [--check-customers 5000] [--keep] [--drop]

--keep: time again on the data already generated. --drop: drop the database at the end.
"""

import argparse
import random
import subprocess
import time

from common import create_database, odoo_env
from pos_common import generate_customers, generate_orders, store_points_of_sale

DB = "clienteling_bench_pos_backfill"
STORES = 40
ASSOCIATES_PER_STORE = 10
FIGURES = (
    "clienteling_last_purchase_date",
    "clienteling_purchase_count",
    "clienteling_purchase_total",
    "clienteling_store_id",
)


def build(orders, customers):
    seconds = create_database(DB, "clienteling_pos")
    print(f"database created in {seconds:.0f} s")
    with odoo_env(DB) as env:
        started = time.perf_counter()
        store_ids = generate_customers(env, STORES, ASSOCIATES_PER_STORE, customers, seed=11)
        cr = env.cr
        # one in eight customers (none of them in a client book) has no store book yet:
        # the backfill gives them the store of their first order
        cr.execute(
            """
            UPDATE res_partner SET clienteling_store_id = NULL
             WHERE clienteling_store_id = ANY(%s::int[]) AND clienteling_associate_id IS NULL
               AND id %% 3 = 0
            """,
            [store_ids],
        )
        cr.execute(
            """
            CREATE TABLE bench_pos_customer AS
            SELECT id, clienteling_store_id AS store_id FROM res_partner
             WHERE partner_share AND name LIKE 'Customer %%'
            """
        )
        cr.execute("SELECT id FROM bench_pos_customer ORDER BY id")
        customer_ids = [row[0] for row in cr.fetchall()]
        print(f"customers generated in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        sessions = store_points_of_sale(env, store_ids)
        env.flush_all()
        count = generate_orders(env, sessions, orders, customer_ids)
        print(f"{count:,} orders generated in {time.perf_counter() - started:.0f} s")


def vacuum():
    subprocess.run(
        ["psql", "-q", "-d", DB, "-c", "VACUUM ANALYZE res_partner, clienteling_sale_credit"],
        check=True,
    )


def reset(env):
    """The customers' figures and store books as generated, no credits."""
    env.cr.execute("TRUNCATE clienteling_sale_credit")
    env.cr.execute(
        """
        UPDATE res_partner p
           SET clienteling_last_purchase_date = NULL, clienteling_purchase_count = NULL,
               clienteling_purchase_total = NULL, clienteling_store_id = c.store_id
          FROM bench_pos_customer c
         WHERE c.id = p.id
        """
    )
    env.invalidate_all()


def figures(env, partner_ids=None):
    env.cr.execute(
        f"""
        SELECT p.id, {", ".join(f"p.{f}" for f in FIGURES)}
          FROM res_partner p JOIN bench_pos_customer c ON c.id = p.id
         {"WHERE p.id = ANY(%s::int[])" if partner_ids is not None else ""}
        """,
        [list(partner_ids)] if partner_ids is not None else [],
    )
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def per_order_purchases(env, partner_ids):
    """The sample's orders, oldest first, as (customer, date, amount, store) of the
    per-order path: what ``_clienteling_credit_sales`` registers for each order."""
    env.cr.execute(
        """
        SELECT o.partner_id, o.date_order,
               ROUND(((o.amount_total - o.amount_tax)
                      / COALESCE(NULLIF(o.currency_rate, 0), 1))::numeric, cur.decimal_places),
               cfg.clienteling_store_id
          FROM pos_order o
          JOIN pos_config cfg ON cfg.id = o.config_id
          JOIN res_company co ON co.id = o.company_id
          JOIN res_currency cur ON cur.id = co.currency_id
         WHERE o.partner_id = ANY(%s::int[]) AND o.state IN ('paid', 'done', 'invoiced')
         ORDER BY o.date_order, o.id
        """,
        [list(partner_ids)],
    )
    return env.cr.fetchall()


def check(sample, expected, got, label):
    differ = [pid for pid in sample if got.get(pid) != expected.get(pid)]
    if differ:
        for pid in differ[:10]:
            print(f"  customer {pid}: backfill {expected.get(pid)}, per order {got.get(pid)}")
        raise SystemExit(
            f"FAILED {label}: {len(differ):,} of {len(sample):,} customers' figures differ "
            f"from the backfill's (last purchase date, purchases, spend, store book)"
        )
    print(
        f"{label} same figures as the backfill: yes, for all {len(sample):,} sample customers "
        f"(last purchase date, purchases, spend, store book)"
    )


def main():
    global DB
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--check-customers", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--db", default=DB, help=f"database (default {DB})")
    args = parser.parse_args()
    DB = args.db
    if not args.keep:
        build(args.orders, args.customers)
    with odoo_env(DB) as env:
        env.cr.execute(
            """SELECT count(*), count(*) FILTER (WHERE amount_total < 0),
                      count(DISTINCT partner_id), min(date_order), max(date_order)
                 FROM pos_order"""
        )
        orders, refunds, buyers, first, last = env.cr.fetchone()
        env.cr.execute("SELECT count(*) FROM bench_pos_customer")
        customers = env.cr.fetchone()[0]
        print(
            f"{orders:,} POS orders ({refunds:,} refunds) of {buyers:,} customers "
            f"(of {customers:,}), {first:%Y-%m-%d} to {last:%Y-%m-%d}"
        )
        reset(env)
    vacuum()

    # (a) the backfill, by default then exclusive (all its foreign keys deferred)
    timings = {}
    for label, context in (("(a)", {}), ("(a')", {"clienteling_backfill_exclusive": True})):
        if timings:
            with odoo_env(DB) as env:
                reset(env)
            vacuum()
        with odoo_env(DB) as env:
            started = time.perf_counter()
            credited = env["pos.order"].with_context(**context)._clienteling_backfill_purchases()
            env.flush_all()
            env.cr.commit()
            timings[label] = time.perf_counter() - started
            got = figures(env)
            env.cr.execute("SELECT count(*) FROM clienteling_sale_credit")
            credits = env.cr.fetchone()[0]
        print(
            f"{label} backfill{' exclusive' if context else ''}: {credited:,} orders credited "
            f"({credits:,} credits) in {timings[label]:.1f} s "
            f"= {orders / timings[label]:,.0f} orders/s"
        )
        if label == "(a)":
            expected = got
        elif got != expected:
            raise SystemExit(f"{label}: not the figures of (a)")
    print("(a') same figures as (a): yes, for all customers")
    backfill, exclusive = timings["(a)"], timings["(a')"]

    # (b) the per-order baseline on a sample of customers, all their orders
    with odoo_env(DB) as env:
        reset(env)
    vacuum()
    with odoo_env(DB) as env:
        sample = random.Random(3).sample(sorted(expected), args.check_customers)
        purchases = per_order_purchases(env, sample)
        Partner = env["res.partner"]
        Store = env["clienteling.store"]
        started = time.perf_counter()
        for partner_id, date, amount, store_id in purchases:
            Partner.browse(partner_id)._clienteling_register_purchase(
                date, amount, store=Store.browse(store_id) if store_id else None
            )
        env.flush_all()
        env.cr.commit()
        baseline = time.perf_counter() - started
        got = figures(env, sample)
    per_order_ms = baseline / len(purchases) * 1000
    extrapolated = per_order_ms * orders / 1000
    print(
        f"(b) per-order _clienteling_register_purchase: {len(purchases):,} orders of "
        f"{len(sample):,} random customers in {baseline:.1f} s = {per_order_ms:.3f} ms/order "
        f"= {len(purchases) / baseline:,.0f} orders/s; extrapolated to {orders:,} orders: "
        f"{extrapolated:,.0f} s ({extrapolated / 3600:.2f} h)"
    )
    print(
        f"speed-up (extrapolated per-order time / backfill): {extrapolated / backfill:.1f}x; "
        f"exclusive: {extrapolated / exclusive:.1f}x"
    )
    check(sample, expected, got, "(b)")

    # (c) the bridge's own per-order path on the same customers: credit + purchase
    with odoo_env(DB) as env:
        reset(env)
    vacuum()
    with odoo_env(DB) as env:
        env.cr.execute(
            """SELECT id FROM pos_order WHERE partner_id = ANY(%s::int[])
                ORDER BY date_order, id""",
            [sample],
        )
        order_ids = [row[0] for row in env.cr.fetchall()]
        Order = env["pos.order"]
        started = time.perf_counter()
        for order_id in order_ids:
            Order.browse(order_id)._clienteling_credit_sales()
        env.flush_all()
        env.cr.commit()
        bridge = time.perf_counter() - started
        got = figures(env, sample)
        env.cr.execute("SELECT count(*) FROM clienteling_sale_credit")
        bridge_credits = env.cr.fetchone()[0]
    per_order_ms = bridge / len(order_ids) * 1000
    extrapolated = per_order_ms * orders / 1000
    print(
        f"(c) per-order pos.order._clienteling_credit_sales (credit + purchase): "
        f"{len(order_ids):,} orders ({bridge_credits:,} credits) in {bridge:.1f} s = "
        f"{per_order_ms:.3f} ms/order = {len(order_ids) / bridge:,.0f} orders/s; extrapolated "
        f"to {orders:,} orders: {extrapolated:,.0f} s ({extrapolated / 3600:.2f} h); "
        f"speed-up of the backfill: {extrapolated / backfill:.1f}x, "
        f"exclusive: {extrapolated / exclusive:.1f}x"
    )
    check(sample, expected, got, "(c)")
    if args.drop:
        subprocess.run(["dropdb", "--if-exists", DB], check=True)


if __name__ == "__main__":
    main()
