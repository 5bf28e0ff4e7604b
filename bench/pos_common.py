"""Point of Sale helpers shared by the POS benchmarks (``bench/pos_backfill.py``,
``bench/pos_paid_order.py``): points of sale of the stores, sessions, orders as the
till sends them, and a history of paid orders generated in SQL."""

import uuid as uuidlib

from advisor_refresh import generate
from common import column_defaults

from odoo import fields

# tables the Advisor benchmark's generator fills whose NOT NULL columns the POS
# dependencies extend (account on res_partner, ...)
GENERATED_MODELS = ["res.partner", "res.users", "resource.resource", "hr.employee",
                    "clienteling.store"]  # fmt: skip


def generate_customers(env, stores, associates_per_store, customers, seed):
    """Stores, associates and customers with their history in ``env.company``, as
    ``bench/advisor_refresh.py`` generates them; returns the store ids."""
    with column_defaults(env, GENERATED_MODELS):
        return generate(env, env.company, stores, associates_per_store, customers, seed=seed)


def store_points_of_sale(env, store_ids, cash=False):
    """One point of sale per store (ORM), linked to it, with an open session;
    with ``cash``, a cash payment method (the till's): returns {store id: session}."""
    sessions = {}
    cash_journal = env["account.journal"].search(
        [("type", "=", "cash"), ("company_id", "=", env.company.id)], limit=1
    )
    for store in env["clienteling.store"].browse(store_ids):
        values = {
            "name": f"POS {store.code}",
            "clienteling_store_id": store.id,
            "payment_method_ids": [(6, 0, [])],
        }
        if cash:
            journal = cash_journal
            if journal.pos_payment_method_ids:
                journal = cash_journal.copy(
                    {"name": f"Cash {store.code}", "code": f"C{store.id:04d}"}
                )
            method = env["pos.payment.method"].create(
                {"name": f"Cash {store.code}", "journal_id": journal.id}
            )
            values["payment_method_ids"] = [(6, 0, method.ids)]
        config = env["pos.config"].create(values)
        session = env["pos.session"].create({"config_id": config.id, "user_id": env.uid})
        if cash:
            session.set_opening_control(0, None)
        sessions[store.id] = session
    return sessions


def order_data(session, partner, employee, lines):
    """The order the till sends to ``pos.order.sync_from_ui`` once paid in cash
    (as ``point_of_sale.tests.common.create_ui_order_data`` builds it): ``lines``
    are (product, quantity)."""
    config = session.config_id
    currency = session.currency_id
    company = config.company_id
    order_lines = []
    for product, quantity in lines:
        price_unit = (
            config.pricelist_id._get_product_price(product, quantity)
            if config.pricelist_id
            else product.lst_price
        )
        taxes = product.taxes_id.filtered(lambda t, c=company: t.company_id == c)
        totals = taxes.compute_all(price_unit, currency, quantity)
        order_lines.append(
            (
                0,
                0,
                {
                    "price_unit": price_unit,
                    "product_id": product.id,
                    "price_subtotal": totals["total_excluded"],
                    "price_subtotal_incl": totals["total_included"],
                    "qty": quantity,
                    "discount": 0.0,
                    "pack_lot_ids": [],
                    "tax_ids": [(6, 0, taxes.ids)],
                },
            )
        )
    total = sum(line[2]["price_subtotal_incl"] for line in order_lines)
    untaxed = sum(line[2]["price_subtotal"] for line in order_lines)
    cash = config.payment_method_ids.filtered("is_cash_count")[:1]
    uuid = str(uuidlib.uuid4())
    return {
        "amount_paid": total,
        "amount_return": 0,
        "amount_tax": total - untaxed,
        "amount_total": total,
        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
        "fiscal_position_id": False,
        "pricelist_id": config.pricelist_id.id,
        "name": f"Order {uuid}",
        "last_order_preparation_change": "{}",
        "lines": order_lines,
        "partner_id": partner.id,
        "employee_id": employee.id if employee else False,
        "session_id": session.id,
        "sequence_number": 1,
        "payment_ids": [
            (
                0,
                0,
                {
                    "amount": total,
                    "name": fields.Datetime.now(),
                    "payment_method_id": cash.id,
                },
            )
        ],
        "uuid": uuid,
        "user_id": session.env.uid,
        "to_invoice": False,
        "state": "paid",
    }


def generate_orders(env, sessions, orders, customer_ids, years=5, refund_share=0.05, seed=0.42):
    """``orders`` paid orders (states 'paid' and 'done') in the sessions of the stores
    (``sessions``: {store id: session}), in one INSERT ... SELECT generate_series.

    Each order: a customer drawn at random from ``customer_ids``, rung up 80% of the
    time in the customer's store book (else, or without one, in a random store), by a
    random associate of that store (``employee_id``, pos_hr); dated over the last
    ``years`` years; 1 to 800 including 15% tax; ``refund_share`` of them refunds
    (negative amounts). Returns the number of orders inserted."""
    cr = env.cr
    company = env.company
    cr.execute("SELECT setseed(%s)", [seed])
    cr.execute(
        """
        CREATE TEMP TABLE bench_gen_store AS
        SELECT row_number() OVER (ORDER BY s.store_id) AS rn, s.store_id, s.session_id,
               s.config_id,
               (SELECT count(*) FROM hr_employee e
                 WHERE e.clienteling_store_id = s.store_id) AS associates
          FROM unnest(%s::int[], %s::int[], %s::int[]) AS s(store_id, session_id, config_id);
        CREATE TEMP TABLE bench_gen_customer AS
        SELECT row_number() OVER (ORDER BY p.id) AS rn, p.id, st.rn AS store_rn
          FROM res_partner p LEFT JOIN bench_gen_store st ON st.store_id = p.clienteling_store_id
         WHERE p.id = ANY(%s::int[]);
        CREATE TEMP TABLE bench_gen_associate AS
        SELECT e.clienteling_store_id AS store_id, e.id,
               row_number() OVER (PARTITION BY e.clienteling_store_id ORDER BY e.id) AS rank
          FROM hr_employee e WHERE e.clienteling_store_id = ANY(%s::int[]);
        ANALYZE bench_gen_store; ANALYZE bench_gen_customer; ANALYZE bench_gen_associate;
        """,
        [
            list(sessions),
            [s.id for s in sessions.values()],
            [s.config_id.id for s in sessions.values()],
            list(customer_ids),
            list(sessions),
        ],
    )
    cr.execute(
        """
        INSERT INTO pos_order (name, pos_reference, session_id, config_id, company_id,
                               partner_id, employee_id, user_id, date_order, state,
                               amount_total, amount_tax, amount_paid, amount_return,
                               currency_rate, sequence_number, create_uid, create_date,
                               write_uid, write_date)
        SELECT 'Bench/' || g, 'Order bench-' || g, st.session_id, st.config_id, %(company)s,
               c.id, a.id, %(uid)s, pick.at,
               CASE WHEN pick.at > %(now)s - interval '2 days' THEN 'paid' ELSE 'done' END,
               CASE WHEN pick.r_refund < %(refunds)s THEN -pick.gross ELSE pick.gross END,
               CASE WHEN pick.r_refund < %(refunds)s THEN -pick.tax ELSE pick.tax END,
               CASE WHEN pick.r_refund < %(refunds)s THEN -pick.gross ELSE pick.gross END,
               0, 1, g, %(uid)s, pick.at, %(uid)s, pick.at
          FROM generate_series(1, %(orders)s) g
          CROSS JOIN LATERAL (
                SELECT 1 + floor(random() * %(customers)s)::int AS crn,
                       random() AS r_store, random() AS r_other, random() AS r_assoc,
                       random() AS r_refund,
                       date_trunc('second',
                                  %(now)s - random() * make_interval(days => 365 * %(years)s)
                       ) AS at,
                       x.gross, round(x.gross * 15 / 115, 2) AS tax
                  FROM (SELECT round((1 + random() * 799)::numeric, 2) AS gross WHERE g > 0) x
          ) pick
          JOIN bench_gen_customer c ON c.rn = pick.crn
          JOIN bench_gen_store st
            ON st.rn = CASE WHEN c.store_rn IS NOT NULL AND pick.r_store < 0.8 THEN c.store_rn
                            ELSE 1 + floor(pick.r_other * %(stores)s)::int
                       END
          JOIN bench_gen_associate a
            ON a.store_id = st.store_id
           AND a.rank = 1 + floor(pick.r_assoc * st.associates)::int
        """,
        {
            "company": company.id,
            "uid": env.uid,
            "now": fields.Datetime.now(),
            "orders": orders,
            "customers": len(customer_ids),
            "years": years,
            "stores": len(sessions),
            "refunds": refund_share,
        },
    )
    inserted = cr.rowcount
    cr.execute("DROP TABLE bench_gen_store, bench_gen_customer, bench_gen_associate")
    cr.execute("ANALYZE pos_order")
    return inserted
