"""Clienteling KPIs at retailer scale: the dashboard against a plain read_group.

Builds a database (no demo data, ``clienteling_sms`` and ``clienteling_advisor``) with
50 stores in four time zones, 10 associates each, 100,000 customers with a
conversation each, 1,000,000 texts (alternately received and sent, over the last
365 days), 100,000 service requests (80% replied) and 100,000 consents, all with
``INSERT ... SELECT generate_series``. Then, in one run:

- the refresh of the KPIs (``clienteling.kpi._kpi_refresh``: replies to texts, then
  the reporting table);
- ``clienteling.kpi.get_dashboard`` for this quarter, as a store manager and as an
  administrator (record rules applied), median of ``--runs`` runs;
- the baseline: a plain ``read_group`` of the same user over the raw texts of the
  same period (``clienteling.sms.message`` grouped by store), median of the same runs.

Usage: .venv/bin/python bench/kpi_dashboard.py [--texts 1000000] [--requests 100000]
       [--runs 7] [--keep]

--keep: time again on the data already generated.
"""

import argparse
import statistics
import time
from datetime import datetime, timedelta

from common import create_database, odoo_env

DB = "clienteling_bench_kpi"
STORES = 50
ASSOCIATES_PER_STORE = 10


def generate(env, texts, requests):
    cr = env.cr
    company = env.company
    country = env.ref("base.us").id
    zones = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/Paris"]
    now = datetime.now()
    cr.execute(
        """
        INSERT INTO clienteling_store (name, code, company_id, country_id, tz, environment, active,
                                       entry_token)
        SELECT 'Store ' || g, 'S-' || g, %(c)s, %(country)s, (%(zones)s::text[])[1 + g %% 4],
               'production', true, md5(random()::text || g)
          FROM generate_series(1, %(n)s) g
        RETURNING id
        """,
        {"c": company.id, "country": country, "zones": zones, "n": STORES},
    )
    store_ids = sorted(row[0] for row in cr.fetchall())
    count = STORES * ASSOCIATES_PER_STORE
    cr.execute(
        """
        WITH p AS (
            INSERT INTO res_partner (name, complete_name, active, type, partner_share, company_id)
            SELECT 'Associate ' || g, 'Associate ' || g, true, 'contact', false, %(c)s
              FROM generate_series(1, %(n)s) g RETURNING id
        )
        INSERT INTO res_users (login, partner_id, company_id, active, notification_type, share)
        SELECT 'assoc-' || p.id, p.id, %(c)s, true, 'email', false FROM p
        RETURNING id
        """,
        {"c": company.id, "n": count},
    )
    user_ids = sorted(row[0] for row in cr.fetchall())
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
        """,
        {"c": company.id, "users": user_ids, "stores": store_ids, "per": ASSOCIATES_PER_STORE},
    )
    cr.execute(
        "INSERT INTO res_company_users_rel (cid, user_id) SELECT %s, unnest(%s::int[])",
        [company.id, user_ids],
    )
    associate_group = env.ref("clienteling.group_clienteling_associate").id
    cr.execute(
        "INSERT INTO res_groups_users_rel (gid, uid) SELECT %s, unnest(%s::int[])",
        [associate_group, user_ids],
    )
    # A temporary table of the associates by store (1-based rank inside the store).
    cr.execute(
        """
        CREATE TEMP TABLE bench_assoc AS
        SELECT id, clienteling_store_id AS store_id,
               row_number() OVER (PARTITION BY clienteling_store_id ORDER BY id) AS rank
          FROM hr_employee WHERE clienteling_store_id IS NOT NULL;
        CREATE INDEX ON bench_assoc (store_id, rank);
        ANALYZE bench_assoc;
        """
    )
    account = env["clienteling.sms.account"].create(
        {"name": "Bench", "provider": "sandbox", "webhook_base_url": "https://shop.example.com"}
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO clienteling_phone_number (account_id, country_id, number, number_type, state,
                                              store_id, company_id, sms_capable)
        SELECT %(account)s, %(country)s, '+1212555' || lpad(s::text, 4, '0'), 'local',
               'assigned', s, %(c)s, true
          FROM unnest(%(stores)s::int[]) s
        """,
        {"account": account.id, "country": country, "c": company.id, "stores": store_ids},
    )
    customers = texts // 10
    # Customers, one conversation each, in the store book of a store (by number).
    cr.execute(
        """
        CREATE TEMP TABLE bench_customer AS
        SELECT g, '+1646' || lpad(g::text, 7, '0') AS number,
               (%(stores)s::int[])[1 + g %% %(n_stores)s] AS store_id,
               1 + (g / %(n_stores)s) %% %(per)s AS rank
          FROM generate_series(1, %(n)s) g
        """,
        {"stores": store_ids, "n_stores": STORES, "per": ASSOCIATES_PER_STORE, "n": customers},
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, partner_share, mobile,
                                 phone_sanitized, clienteling_store_id, clienteling_associate_id,
                                 create_date)
        SELECT 'Customer ' || c.g, 'Customer ' || c.g, true, 'contact', true, c.number,
               c.number, c.store_id, a.id, %(now)s - random() * interval '365 days'
          FROM bench_customer c JOIN bench_assoc a ON a.store_id = c.store_id AND a.rank = c.rank
        """,
        {"now": now},
    )
    cr.execute(
        """
        INSERT INTO clienteling_conversation (customer_number, phone_number_id, store_id,
                                              company_id, unread_count, last_message_date)
        SELECT c.number, n.id, c.store_id, %(c)s, 0, %(now)s
          FROM bench_customer c JOIN clienteling_phone_number n ON n.store_id = c.store_id
        """,
        {"c": company.id, "now": now},
    )
    # Texts: 10 per conversation, received then answered by an associate of the store
    # (5 minutes to 14 hours later), over the last 365 days.
    cr.execute(
        """
        INSERT INTO clienteling_sms_message (conversation_id, store_id, company_id, direction,
                                             employee_id, state, create_date, sent_date,
                                             segment_count)
        SELECT v.id, v.store_id, %(c)s,
               CASE WHEN k %% 2 = 0 THEN 'inbound' ELSE 'outbound' END,
               CASE WHEN k %% 2 = 1 THEN a.id END,
               CASE WHEN k %% 2 = 0 THEN 'received' ELSE 'delivered' END,
               t.at, CASE WHEN k %% 2 = 1 THEN t.at END, 1
          FROM clienteling_conversation v
          CROSS JOIN generate_series(0, 9) k
          JOIN bench_assoc a ON a.store_id = v.store_id
                            AND a.rank = 1 + (v.id + k / 2) %% %(per)s
          CROSS JOIN LATERAL (
              SELECT %(now)s - make_interval(days => ((v.id * 37 + (k / 2) * 71) %% 365)::int)
                     + make_interval(mins => CASE WHEN k %% 2 = 1
                                                  THEN 5 + ((v.id * 13 + k) %% 840)::int
                                                  ELSE 0 END) AS at
          ) t
        """,
        {"c": company.id, "now": now - timedelta(days=1), "per": ASSOCIATES_PER_STORE},
    )
    # Requests: 80% replied within 0-30 hours; kinds, channels and associates mixed.
    cr.execute(
        """
        INSERT INTO clienteling_service_request (store_id, company_id, associate_id, kind, source,
                                                 customer_name, email, mobile, preferred_channel,
                                                 state, received_date, first_reply_date)
        SELECT a.store_id, %(c)s, CASE WHEN g %% 5 = 0 THEN NULL ELSE a.id END,
               (ARRAY['question', 'appointment', 'personal_shopping'])[1 + g %% 3],
               (ARRAY['widget', 'storefront', 'footer'])[1 + g %% 3],
               'Request ' || g, 'r' || g || '@example.com', '+1646' || lpad(g::text, 7, '0'),
               CASE WHEN g %% 4 = 0 THEN 'text' ELSE 'email' END,
               CASE WHEN g %% 5 = 4 THEN 'accepted' ELSE 'replied' END,
               r.at,
               CASE WHEN g %% 5 != 4 THEN r.at + make_interval(mins => (g * 7 %% 1800)::int) END
          FROM generate_series(1, %(n)s) g
          JOIN bench_assoc a ON a.id = (SELECT min(id) FROM bench_assoc) + g %% %(assoc)s
          CROSS JOIN LATERAL (
              SELECT %(now)s - make_interval(mins => (g * 53 %% (365 * 1440))::int) AS at
          ) r
        """,
        {"c": company.id, "n": requests, "assoc": count, "now": now - timedelta(days=2)},
    )
    # Consents: every customer opted in a year ago, one in seven opted out since.
    cr.execute(
        """
        INSERT INTO clienteling_consent (store_id, company_id, channel, address, state, source,
                                         date)
        SELECT c.store_id, %(c)s, 'sms', c.number,
               CASE WHEN c.g %% 7 = 0 AND o.n = 2 THEN 'opted_out' ELSE 'opted_in' END,
               'keyword', %(now)s - make_interval(days => (400 - o.n * (c.g %% 180))::int)
          FROM bench_customer c CROSS JOIN generate_series(1, 2) o(n)
         WHERE o.n = 1 OR c.g %% 7 = 0
        """,
        {"c": company.id, "now": now},
    )
    cr.execute("ANALYZE")


def bench_user(env, login, group, store=None):
    """A user of ``group``; with ``store``, an employee of that store."""
    user = env["res.users"].create(
        {
            "name": login,
            "login": login,
            "groups_id": [(6, 0, [env.ref(group).id])],
            "company_id": env.company.id,
            "company_ids": [(6, 0, env.company.ids)],
        }
    )
    if store:
        env["hr.employee"].create(
            {
                "name": login,
                "user_id": user.id,
                "clienteling_store_id": store.id,
                "clienteling_role": "store_manager",
            }
        )
    return user


def median_ms(function, runs, env):
    values = []
    for _run in range(runs):
        env.invalidate_all()
        started = time.perf_counter()
        function()
        values.append((time.perf_counter() - started) * 1000)
    return statistics.median(values), min(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    args = parser.parse_args()
    if not args.keep:
        seconds = create_database(DB, "clienteling_sms,clienteling_advisor")
        print(f"database created in {seconds:.0f} s")
        with odoo_env(DB) as env:
            started = time.perf_counter()
            generate(env, args.texts, args.requests)
            print(f"data generated in {time.perf_counter() - started:.0f} s")
            store = env["clienteling.store"].search([], order="id", limit=1)
            bench_user(
                env, "bench-store-manager", "clienteling.group_clienteling_store_manager", store
            )
            bench_user(env, "bench-admin", "clienteling.group_clienteling_manager")
    with odoo_env(DB) as env:
        cr = env.cr
        counts = {}
        for table in ("clienteling_sms_message", "clienteling_service_request",
                      "clienteling_consent", "clienteling_store", "hr_employee"):  # fmt: skip
            cr.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cr.fetchone()[0]
        print(
            f"{counts['clienteling_sms_message']:,} texts, "
            f"{counts['clienteling_service_request']:,} requests, "
            f"{counts['clienteling_consent']:,} consents, {counts['clienteling_store']} stores, "
            f"{counts['hr_employee']:,} employees"
        )
    with odoo_env(DB) as env:
        started = time.perf_counter()
        env["clienteling.kpi"]._kpi_refresh()
        env.cr.commit()
        seconds = time.perf_counter() - started
        env.cr.execute("SELECT count(*) FROM clienteling_kpi")
        rows = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM clienteling_kpi_text_reply")
        replies = env.cr.fetchone()[0]
    print(f"refresh: {seconds:.1f} s ({rows:,} KPI rows, {replies:,} replies to texts)")
    with odoo_env(DB) as env:
        for login in ("bench-store-manager", "bench-admin"):
            user = env["res.users"].search([("login", "=", login)])
            Kpi = env["clienteling.kpi"].with_user(user)
            Text = env["clienteling.sms.message"].with_user(user)
            date_from, _date_to = Kpi._dashboard_range("quarter")
            data = Kpi.get_dashboard("quarter")
            cards = {card["key"]: card["value"] for card in data["cards"]}
            dashboard = median_ms(lambda Kpi=Kpi: Kpi.get_dashboard("quarter"), args.runs, env)
            domain = [("create_date", ">=", datetime.combine(date_from, datetime.min.time()))]
            groups = Text.read_group(domain, ["segment_count:sum"], ["store_id"])
            baseline = median_ms(
                lambda Text=Text, domain=domain: Text.read_group(
                    domain, ["segment_count:sum"], ["store_id"]
                ),
                args.runs,
                env,
            )
            texts = sum(group["store_id_count"] for group in groups)
            print(
                f"{login}: get_dashboard('quarter') median {dashboard[0]:.0f} ms "
                f"(min {dashboard[1]:.0f}, max {dashboard[2]:.0f}) over {args.runs} runs; "
                f"read_group of the quarter's {texts:,} texts by store median {baseline[0]:.0f} ms "
                f"(min {baseline[1]:.0f}, max {baseline[2]:.0f})"
            )
            print(
                f"  requests {cards['requests']:,}, texts sent {cards['texts_sent']:,}, "
                f"received {cards['texts_received']:,}, median reply to texts "
                f"{(cards['text_reply_median'] or 0) / 60:.0f} min, request reply time "
                f"{(cards['reply_time'] or 0):.2f} h, text preference "
                f"{(cards['text_preference'] or 0):.1f}%, opt-in rate "
                f"{(cards['text_opt_in_rate'] or 0):.1f}%"
            )


if __name__ == "__main__":
    main()
