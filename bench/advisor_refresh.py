"""Advisor refresh at retailer scale, against a straightforward ORM implementation.

Builds a database (no demo data) with two companies of the same shape: the big one
with 450 stores, 4,500 associates and 900,000 customers, the sample one with 50
stores, 500 associates and 100,000 customers; purchases, contacts by associates,
important dates and pending entries as a retailer has them. Then times:

- the full refresh of both companies (1,000,000 customers), each customer list
  setting in turn (client book, store book, all customers);
- on the 100,000-customer company: the set-based refresh and a plain ORM
  implementation (search + Python loop + create) of the same lists, checking
  that both give the same lines.

Usage: .venv/bin/python bench/advisor_refresh.py [--customers 1000000] [--keep [--upgrade]]
       [--no-orm]

--customers N: both companies together (90% and 10%). --keep: time again on the data
already generated. --upgrade: first upgrade that database's clienteling_advisor to this
checkout's code (to compare two versions of the code on the same data). --no-orm:
skip the ORM loop.
"""

import argparse
import random
import time
from collections import Counter
from datetime import datetime, timedelta

from common import create_database, odoo_env, update_database

DB = "clienteling_bench_advisor"


def generate(env, company, stores, associates_per_store, customers, seed):
    """Fill ``company`` with stores, associates (with users), customers and their
    history, in bulk SQL."""
    cr = env.cr
    rnd = random.Random(seed)
    country = env.ref("base.us").id
    zones = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/Paris"]
    cr.execute(
        """
        INSERT INTO clienteling_store (name, code, company_id, country_id, tz, environment, active,
                                       entry_token)
        SELECT 'Store ' || %(c)s || '-' || g, 'S' || %(c)s || '-' || g, %(c)s, %(country)s,
               (%(zones)s::text[])[1 + g %% 4], 'production', true, md5(random()::text || g)
          FROM generate_series(1, %(n)s) g
        RETURNING id
        """,
        {"c": company.id, "country": country, "zones": zones, "n": stores},
    )
    store_ids = [row[0] for row in cr.fetchall()]
    # Associates: a partner, a user, a resource and an employee each.
    count = stores * associates_per_store
    cr.execute(
        """
        WITH p AS (
            INSERT INTO res_partner (name, complete_name, active, type, partner_share,
                                     company_id)
            SELECT 'Associate ' || %(c)s || '-' || g, 'Associate ' || %(c)s || '-' || g, true,
                   'contact', false, %(c)s
              FROM generate_series(1, %(n)s) g RETURNING id
        ), u AS (
            INSERT INTO res_users (login, partner_id, company_id, active, notification_type, share)
            SELECT 'assoc-' || %(c)s || '-' || p.id, p.id, %(c)s, true, 'email', false FROM p
            RETURNING id, partner_id
        )
        SELECT id FROM u ORDER BY id
        """,
        {"c": company.id, "n": count},
    )
    user_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        WITH r AS (
            INSERT INTO resource_resource (name, resource_type, time_efficiency, tz, active,
                                           company_id, user_id)
            SELECT 'Associate ' || u, 'user', 100, 'UTC', true, %(c)s, u
              FROM unnest(%(users)s::int[]) u RETURNING id, user_id
        )
        INSERT INTO hr_employee (name, resource_id, company_id, employee_type, marital,
                                 distance_home_work_unit, active, user_id, clienteling_store_id,
                                 clienteling_role)
        SELECT 'Associate ' || r.user_id, r.id, %(c)s, 'employee', 'single', 'kilometers', true,
               r.user_id,
               (%(stores)s::int[])[1 + (row_number() OVER (ORDER BY r.id) - 1) / %(per)s],
               'associate'
          FROM r
        RETURNING id
        """,
        {"c": company.id, "users": user_ids, "stores": store_ids, "per": associates_per_store},
    )
    employee_ids = sorted(row[0] for row in cr.fetchall())
    # Customers: 60% in a client book, every one in a store book; 80% bought, 50% were
    # contacted; a few created in the last days by an associate.
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, partner_share,
                                 clienteling_store_id,
                                 clienteling_associate_id, clienteling_last_purchase_date,
                                 clienteling_last_contact_date, create_date, create_uid)
        SELECT 'Customer ' || %(c)s || '-' || g, 'Customer ' || %(c)s || '-' || g, true,
               'contact', true,
               (%(stores)s::int[])[1 + (e - 1) / %(per)s],
               CASE WHEN random() < 0.6 THEN (%(employees)s::int[])[e] END,
               CASE WHEN random() < 0.8 THEN (%(now)s::date - (random() * 730)::int) END,
               CASE WHEN random() < 0.5 THEN %(now)s - random() * interval '400 days' END,
               CASE WHEN random() < 0.003 THEN %(now)s - random() * interval '15 days'
                    ELSE %(now)s - interval '20 days' - random() * interval '1000 days' END,
               (%(users)s::int[])[e]
          FROM generate_series(1, %(n)s) g,
               LATERAL (SELECT 1 + ((g::bigint * 7919 + %(seed)s) %% %(employee_count)s)::int AS e) pick
        """,
        {
            "c": company.id,
            "stores": store_ids,
            "employees": employee_ids,
            "users": user_ids,
            "per": associates_per_store,
            "employee_count": len(employee_ids),
            "now": datetime.now(),
            "n": customers,
            "seed": rnd.randrange(1000),
        },
    )
    cr.execute(
        """
        SELECT min(id), max(id) FROM res_partner
         WHERE clienteling_store_id = ANY(%s::int[])
        """,
        [store_ids],
    )
    first, last = cr.fetchone()
    # Important dates: 80% have a birthday (some on 29 February), 20% an anniversary.
    cr.execute(
        """
        INSERT INTO clienteling_important_date (partner_id, kind, month, day)
        SELECT p.id, 'birthday', m, CASE WHEN m = 2 AND random() < 0.05 THEN 29
                                         ELSE 1 + floor(random() * 28)::int END
          FROM res_partner p,
               LATERAL (SELECT 1 + floor(random() * 12 + p.id * 0)::int AS m) mm
         WHERE p.id BETWEEN %(first)s AND %(last)s AND random() < 0.8
        UNION ALL
        SELECT p.id, 'anniversary', 1 + floor(random() * 12)::int, 1 + floor(random() * 28)::int
          FROM res_partner p WHERE p.id BETWEEN %(first)s AND %(last)s AND random() < 0.2
        """,
        {"first": first, "last": last},
    )
    # Contacts: half the customers talked with an associate of their store, some twice.
    cr.execute(
        """
        INSERT INTO clienteling_associate_contact (partner_id, employee_id, store_id, company_id,
               first_contact_date, last_contact_date, last_channel, last_direction, contact_count)
        SELECT p.id, e.id, e.clienteling_store_id, %(c)s, t, t, 'sms', 'outbound', 1
          FROM res_partner p
          JOIN LATERAL (SELECT %(now)s - (random() + p.id * 0) * interval '400 days' AS t) x
            ON true
          JOIN LATERAL (SELECT id, clienteling_store_id FROM hr_employee
                         WHERE clienteling_store_id = p.clienteling_store_id
                         ORDER BY id OFFSET p.id %% 10 LIMIT 1) e ON true
         WHERE p.id BETWEEN %(first)s AND %(last)s AND random() < 0.5
        ON CONFLICT DO NOTHING
        """,
        {
            "c": company.id,
            "first": first,
            "last": last,
            "now": datetime.now(),
        },
    )
    cr.execute(
        """
        INSERT INTO clienteling_customer_entry (name, email, store_id, company_id, state,
                                                create_date)
        SELECT 'Entry ' || g, 'entry' || g || '@example.com', (%(stores)s::int[])[1 + g %% %(n)s],
               %(c)s, 'pending', now() at time zone 'UTC' - random() * interval '5 days'
          FROM generate_series(1, %(entries)s) g
        """,
        {"c": company.id, "stores": store_ids, "n": len(store_ids), "entries": stores * 4},
    )
    return store_ids


def orm_refresh(env, company, now):
    """The straightforward way: search, then a Python loop per associate and per
    customer, then ORM create. Same lists as the set-based refresh."""
    import pytz  # noqa: PLC0415

    Recommendation = env["clienteling.advisor.recommendation"]
    Recommendation.search([("company_id", "=", company.id)]).unlink()
    purchase_days = company.clienteling_advisor_lapsed_purchase_days
    contact_days = company.clienteling_advisor_lapsed_contact_days
    new_days = company.clienteling_advisor_new_customer_days
    ahead = company.clienteling_advisor_important_date_days
    employees = env["hr.employee"].search(
        [
            ("company_id", "=", company.id),
            ("clienteling_store_id", "!=", False),
            ("clienteling_store_id.active", "=", True),
            ("user_id", "!=", False),
        ]
    )

    def local_today(store):
        return pytz.utc.localize(now).astimezone(pytz.timezone(store.tz)).date()

    def local_date(moment, store):
        return pytz.utc.localize(moment).astimezone(pytz.timezone(store.tz)).date()

    def next_occurrence(month, day, today):
        from odoo.addons.clienteling.tools.dates import (  # noqa: PLC0415
            next_occurrence as occurrence,
        )

        return occurrence(month, day, today)

    vals_list = []
    for employee in employees:
        store = employee.clienteling_store_id
        today = local_today(store)
        base = {
            "company_id": company.id,
            "employee_id": employee.id,
            "store_id": store.id,
            "scope": "associate",
            "reference_date": today,
            "refreshed_at": now,
        }
        book = env["res.partner"].search([("clienteling_associate_id", "=", employee.id)])
        for partner in book:
            days_purchase = (
                (today - partner.clienteling_last_purchase_date).days
                if partner.clienteling_last_purchase_date
                else None
            )
            days_contact = (
                (today - local_date(partner.clienteling_last_contact_date, store)).days
                if partner.clienteling_last_contact_date
                else None
            )
            lapses = [
                days - threshold
                for days, threshold in (
                    (days_purchase, purchase_days),
                    (days_contact, contact_days),
                )
                if days is not None
            ]
            if lapses and max(lapses) >= 0:
                vals_list.append(
                    dict(
                        base,
                        category="keep_in_touch",
                        partner_id=partner.id,
                        days_since_purchase=days_purchase,
                        days_since_contact=days_contact,
                        sort_key=-max(lapses),
                    )
                )
            for important in partner.clienteling_important_date_ids:
                occurrence = next_occurrence(important.month, important.day, today)
                if (occurrence - today).days <= ahead:
                    vals_list.append(
                        dict(
                            base,
                            category="important_date",
                            partner_id=partner.id,
                            important_date_id=important.id,
                            important_date=occurrence,
                            days_until=(occurrence - today).days,
                            sort_key=(occurrence - today).days,
                        )
                    )
        contacts = env["clienteling.associate.contact"].search([("employee_id", "=", employee.id)])
        for contact in contacts:
            partner = contact.partner_id
            owner = partner.clienteling_associate_id
            if (not owner or not owner.active) and partner.clienteling_store_id == store:
                vals_list.append(
                    dict(
                        base,
                        category="add_to_client_book",
                        partner_id=partner.id,
                        sort_key=-contact.last_contact_date.timestamp(),
                    )
                )
        since = now - timedelta(days=new_days + 1)
        for partner in env["res.partner"].search(
            [("create_uid", "=", employee.user_id.id), ("create_date", ">=", since)]
        ):
            age = (today - local_date(partner.create_date, store)).days
            if 0 <= age < new_days:
                vals_list.append(
                    dict(
                        base,
                        category="new_customer",
                        partner_id=partner.id,
                        days_since_creation=age,
                        sort_key=-partner.create_date.timestamp(),
                    )
                )
    for entry in env["clienteling.customer.entry"].search(
        [("company_id", "=", company.id), ("state", "=", "pending")]
    ):
        vals_list.append(
            {
                "company_id": company.id,
                "scope": "store",
                "store_id": entry.store_id.id,
                "category": "pending_customer",
                "entry_id": entry.id,
                "sort_key": -entry.create_date.timestamp(),
            }
        )
    Recommendation.create(vals_list)
    env.flush_all()
    return Counter(vals["category"] for vals in vals_list)


def lines_of(env, company):
    env.cr.execute(
        """SELECT category, employee_id, store_id, partner_id, entry_id, important_date_id
             FROM clienteling_advisor_recommendation WHERE company_id = %s""",
        [company.id],
    )
    return Counter(env.cr.fetchall())


def page_timings(env, company, repeat=5):
    """Median ms for one associate's Advisor page (the five tile counts) and for the
    first 80 lines of their Keep in Touch list, as the web client asks for them."""
    import statistics  # noqa: PLC0415

    employee = env["hr.employee"].search(
        [("company_id", "=", company.id), ("clienteling_store_id", "!=", False)], limit=1
    )
    user = employee.user_id
    env.cr.execute(
        "INSERT INTO res_company_users_rel (cid, user_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        [company.id, user.id],
    )
    env.invalidate_all()
    user.write({"groups_id": [(4, env.ref("clienteling.group_clienteling_associate").id)]})
    env.flush_all()
    as_user = env(user=user, context={"allowed_company_ids": [company.id]})
    tiles_ms, page_ms = [], []
    for _index in range(repeat):
        env.invalidate_all()
        started = time.perf_counter()
        tiles = as_user["clienteling.advisor.category"].search([])
        tiles.mapped("recommendation_count")
        middle = time.perf_counter()
        lines = as_user["clienteling.advisor.recommendation"].search(
            [("for_me", "=", True), ("category", "=", "keep_in_touch")], limit=80
        )
        lines.read(["partner_id", "days_since_purchase", "days_since_contact", "mobile"])
        tiles_ms.append((middle - started) * 1000)
        page_ms.append((time.perf_counter() - middle) * 1000)
    return statistics.median(tiles_ms), statistics.median(page_ms), len(lines)


def refresh_of(env):
    """The model that refreshes the Advisor: its own since the refresh left the lines
    model (earlier versions: the lines model), so that the script times both."""
    if "clienteling.advisor.refresh" in env:
        return env["clienteling.advisor.refresh"]
    return env["clienteling.advisor.recommendation"]


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--upgrade", action="store_true", help="with --keep: upgrade first")
    parser.add_argument("--no-orm", action="store_true", help="skip the ORM loop comparison")
    args = parser.parse_args()
    if args.keep and args.upgrade:
        seconds = update_database(DB, "clienteling_advisor")
        print(f"database upgraded in {seconds:.0f} s")
    sample = args.customers // 10
    if not args.keep:
        seconds = create_database(DB, "clienteling_advisor")
        print(f"database created in {seconds:.0f} s")
        with odoo_env(DB) as env:
            big = env.company
            big.name = "Big Retailer"
            small = env["res.company"].create({"name": "Sample Retailer"})
            started = time.perf_counter()
            generate(env, big, 450, 10, args.customers - sample, seed=1)
            generate(env, small, 50, 10, sample, seed=2)
            env.cr.execute("ANALYZE")
            print(f"data generated in {time.perf_counter() - started:.0f} s")
    with odoo_env(DB) as env:
        env.cr.execute("SELECT count(*) FROM res_partner WHERE clienteling_store_id IS NOT NULL")
        customers = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM hr_employee WHERE clienteling_store_id IS NOT NULL")
        associates = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM clienteling_store")
        stores = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM clienteling_important_date")
        dates = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM clienteling_associate_contact")
        contacts = env.cr.fetchone()[0]
        print(
            f"{customers:,} customers, {stores} stores, {associates:,} associates, "
            f"{dates:,} important dates, {contacts:,} contact rows"
        )
    now = datetime.now()
    for customer_list in ("client", "store", "all"):
        with odoo_env(DB) as env:
            companies = env["res.company"].search([], order="id")
            companies.write(
                {
                    "clienteling_advisor_keep_in_touch_list": customer_list,
                    "clienteling_advisor_important_date_list": customer_list,
                    "clienteling_advisor_add_to_book_list": "store",
                }
            )
            env.flush_all()
        with odoo_env(DB) as env:
            started = time.perf_counter()
            total = Counter()
            for company in env["res.company"].search([], order="id"):
                total.update(refresh_of(env)._refresh_company(company, now=now))
            env.cr.commit()
            seconds = time.perf_counter() - started
        print(
            f"full refresh, lists '{customer_list}': {seconds:.1f} s "
            f"({sum(total.values()):,} lines: {dict(total)})"
        )
        with odoo_env(DB) as env:
            big = env["res.company"].search([], order="id", limit=1)
            tiles, page, shown = page_timings(env, big)
        print(
            f"  an associate's Advisor page: tile counts {tiles:.0f} ms, "
            f"first {shown} Keep in Touch lines {page:.0f} ms"
        )
    with odoo_env(DB) as env:
        env["res.company"].search([]).write(
            {
                "clienteling_advisor_keep_in_touch_list": "client",
                "clienteling_advisor_important_date_list": "client",
            }
        )
    if args.no_orm:
        return
    with odoo_env(DB) as env:
        small = env["res.company"].search([("name", "=", "Sample Retailer")])
        sql_seconds, _counts = timed(refresh_of(env)._refresh_company, small, now)
        env.cr.commit()
        expected = lines_of(env, small)
    with odoo_env(DB) as env:
        small = env["res.company"].search([("name", "=", "Sample Retailer")])
        orm_seconds, _counts = timed(orm_refresh, env, small, now)
        env.cr.commit()
        same = lines_of(env, small) == expected
    print(
        f"sample company ({sample:,} customers): set-based {sql_seconds:.2f} s, "
        f"ORM loop {orm_seconds:.2f} s, ratio {orm_seconds / sql_seconds:.1f}x, "
        f"same lines: {same} ({sum(expected.values()):,})"
    )


if __name__ == "__main__":
    main()
