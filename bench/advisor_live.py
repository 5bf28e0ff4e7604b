"""Advisor live updates per purchase or contact, and the full refresh at 5,000,000 customers.

live (default): on the 1,000,000-customer database of ``bench/advisor_refresh.py``
(created by that script; the lines rebuilt here, client books), times
``res.partner._clienteling_register_purchase`` and ``_clienteling_register_contact``
of customers in Keep in Touch, each event alone and rolled back, with the Advisor's
live update and without it (``_refresh_partners`` replaced by a no-op), interleaved,
in the same run; then one batch of 100 customers. Checks that the lines went.

scale: creates a database with one company of 1,000 stores, 10,000 associates and
5,000,000 customers (as ``bench/advisor_refresh.py`` generates them), then times the
full refresh (client books) and each of its statements apart (EXPLAIN ANALYZE with
``--explain``); with ``--compare``, each run refreshes both ways in turn (the
company's lines rebuilt in place, the table rebuilt and swapped in) and prints a
hash of the lines' content after each (the same lines give the same hash).

Usage: .venv/bin/python bench/advisor_live.py [--events 200]
       .venv/bin/python bench/advisor_live.py --scale [--keep [--upgrade]] [--runs 1] [--explain]
                                              [--compare] [--drop]
"""

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime

from advisor_refresh import DB as LIVE_DB
from advisor_refresh import generate
from common import create_database, odoo_env, update_database

SCALE_DB = "clienteling_bench_advisor_5m"


def keep_in_touch_customers(env, count, lapsed_on):
    """``count`` customers with a Keep in Touch line of their associate, who leave it
    by a purchase (``lapsed_on='purchase'``) or a contact (``'contact'``) alone."""
    company = env["res.company"].search([], order="id", limit=1)
    purchase_days = company.clienteling_advisor_lapsed_purchase_days
    contact_days = company.clienteling_advisor_lapsed_contact_days
    condition = (
        "l.days_since_purchase >= %(p)s AND COALESCE(l.days_since_contact, 0) < %(c)s"
        if lapsed_on == "purchase"
        else "l.days_since_contact >= %(c)s AND COALESCE(l.days_since_purchase, 0) < %(p)s"
    )
    env.cr.execute(
        f"""SELECT l.partner_id, l.employee_id FROM clienteling_advisor_recommendation l
             WHERE l.category = 'keep_in_touch' AND l.scope = 'associate'
               AND l.company_id = %(company)s AND {condition}
             ORDER BY md5(l.partner_id::text) LIMIT %(n)s""",
        {"company": company.id, "p": purchase_days, "c": contact_days, "n": count},
    )
    return env.cr.fetchall()


def time_event(env, event, live):
    """ms of one event, rolled back; and whether its Keep in Touch line is gone."""
    Refresh = type(env["clienteling.advisor.refresh"])
    original = Refresh._refresh_partners
    if not live:
        Refresh._refresh_partners = lambda self, partners: None
    try:
        with env.cr.savepoint(flush=False) as savepoint:
            started = time.perf_counter()
            partner_ids = event()
            env.flush_all()
            elapsed = (time.perf_counter() - started) * 1000
            env.cr.execute(
                """SELECT count(*) FROM clienteling_advisor_recommendation
                    WHERE partner_id IN %s AND category = 'keep_in_touch'""",
                [tuple(partner_ids)],
            )
            left = env.cr.fetchone()[0]
            savepoint.rollback()
    finally:
        Refresh._refresh_partners = original
    env.invalidate_all()
    return elapsed, left


def bench_live(events):
    with odoo_env(LIVE_DB) as env:
        env.cr.execute("SELECT count(*) FROM res_partner WHERE clienteling_store_id IS NOT NULL")
        print(f"{env.cr.fetchone()[0]:,} customers in {LIVE_DB}")
        env["res.company"].search([]).write(
            {
                "clienteling_advisor_keep_in_touch_list": "client",
                "clienteling_advisor_important_date_list": "client",
            }
        )
        started = time.perf_counter()
        for company in env["res.company"].search([], order="id"):
            env["clienteling.advisor.refresh"]._refresh_company(company)
        print(f"lines built (client books) in {time.perf_counter() - started:.1f} s")
    now = datetime.now()
    with odoo_env(LIVE_DB) as env:
        env.cr.execute("SELECT count(*) FROM clienteling_advisor_recommendation")
        print(f"{env.cr.fetchone()[0]:,} lines")
        Partner = env["res.partner"]
        Employee = env["hr.employee"]
        cases = {
            "purchase": (
                keep_in_touch_customers(env, events, "purchase"),
                lambda pid, _eid: (
                    Partner.browse(pid)._clienteling_register_purchase(now, 50.0) or [pid]
                ),
            ),
            "text": (
                keep_in_touch_customers(env, events, "contact"),
                lambda pid, eid: (
                    Partner.browse(pid)._clienteling_register_contact(
                        "sms", "outbound", now, Employee.browse(eid)
                    )
                    or [pid]
                ),
            ),
        }
        rnd = random.Random(4)
        for name, (rows, call) in cases.items():
            timings = {True: [], False: []}
            gone = {True: 0, False: 0}
            for partner_id, employee_id in rows:
                order = [True, False]
                rnd.shuffle(order)
                for live in order:
                    elapsed, left = time_event(
                        env, lambda p=partner_id, e=employee_id, c=call: c(p, e), live
                    )
                    timings[live].append(elapsed)
                    gone[live] += not left
            with_live = statistics.median(timings[True])
            without = statistics.median(timings[False])
            print(
                f"{name} of one customer ({len(rows)} events each way): with live update "
                f"median {with_live:.2f} ms (mean {statistics.fmean(timings[True]):.2f}), "
                f"without {without:.2f} ms (mean {statistics.fmean(timings[False]):.2f}); "
                f"extra {with_live - without:.2f} ms, ratio {with_live / without:.2f}x; "
                f"left Keep in Touch: {gone[True]}/{len(rows)} with, "
                f"{gone[False]}/{len(rows)} without"
            )
        batch = [pid for pid, _eid in cases["purchase"][0][:100]]
        for live in (False, True, False, True):
            elapsed, left = time_event(
                env,
                lambda: Partner.browse(batch)._clienteling_register_purchase(now, 50.0) or batch,
                live,
            )
            print(
                f"purchase of {len(batch)} customers at once, live update {live}: "
                f"{elapsed:.1f} ms, Keep in Touch lines left {left}"
            )
        env.cr.rollback()


def bench_scale(keep, explain, runs, upgrade, compare=False):
    if keep and upgrade:
        seconds = update_database(SCALE_DB, "clienteling_advisor")
        print(f"database upgraded in {seconds:.0f} s")
    if not keep:
        seconds = create_database(SCALE_DB, "clienteling_advisor")
        print(f"database created in {seconds:.0f} s")
        with odoo_env(SCALE_DB) as env:
            env.company.name = "Big Retailer"
            started = time.perf_counter()
            generate(env, env.company, 1000, 10, 5_000_000, seed=5)
            env.cr.commit()
            env.cr.execute("ANALYZE")
            print(f"data generated in {time.perf_counter() - started:.0f} s")
    with odoo_env(SCALE_DB) as env:
        env.cr.execute("SELECT count(*) FROM res_partner WHERE clienteling_store_id IS NOT NULL")
        customers = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM hr_employee WHERE clienteling_store_id IS NOT NULL")
        associates = env.cr.fetchone()[0]
        print(f"{customers:,} customers, {associates:,} associates")
    now = datetime.now()
    for run in range(1, runs + 1):
        # Both ways in the same run, in turn: the company's lines rebuilt in place
        # (as before the table rebuild) and the whole table rebuilt and swapped in.
        ways = (
            ["in place", "table rebuilt"]
            if run % 2 or not compare
            else ["table rebuilt", "in place"]
        )
        for way in ways if compare else ["default"]:
            with odoo_env(SCALE_DB) as env:
                refresh_module = sys.modules[
                    "odoo.addons.clienteling_advisor.models.clienteling_advisor_refresh"
                ]
                default_min = refresh_module.BULK_MIN_LINES
                if way == "in place":
                    refresh_module.BULK_MIN_LINES = 10**12
                elif way == "table rebuilt":
                    refresh_module.BULK_MIN_LINES = 1
                try:
                    started = time.perf_counter()
                    counts = env["clienteling.advisor.refresh"]._refresh_company(
                        env.company, now=now
                    )
                    env.cr.commit()
                    elapsed = time.perf_counter() - started
                finally:
                    refresh_module.BULK_MIN_LINES = default_min
                print(
                    f"full refresh {run}, {way} (client books): {elapsed:.1f} s "
                    f"({sum(counts.values()):,} lines: {counts})"
                )
                if compare:
                    print(f"  lines' content: {content_hash(env, env.company)}")
    if explain:
        with odoo_env(SCALE_DB) as env:
            profile(env, env.company, now)
            env.cr.rollback()


def content_hash(env, company):
    """(lines, a hash of their content, ids aside) of ``company``: the same for the
    same lines."""
    from odoo.tools import SQL  # noqa: PLC0415

    from odoo.addons.clienteling_advisor.models.clienteling_advisor_refresh import (  # noqa: PLC0415
        COLUMNS,
    )

    env.cr.execute(
        SQL(
            """SELECT count(*), sum(hashtextextended(ROW(%s)::text, 0))::text
                 FROM clienteling_advisor_recommendation WHERE company_id = %s""",
            COLUMNS,
            company.id,
        )
    )
    return env.cr.fetchone()


def profile(env, company, now):
    """Each statement of a refresh apart, with its plan's times."""
    from odoo.tools import SQL  # noqa: PLC0415

    Refresh = env["clienteling.advisor.refresh"]
    cr = env.cr
    started = time.perf_counter()
    Refresh._create_sources(company.id, now)
    print(f"  sources: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    cr.execute("DELETE FROM clienteling_advisor_recommendation WHERE company_id = %s", [company.id])
    print(f"  delete: {time.perf_counter() - started:.1f} s ({cr.rowcount:,} lines)")
    for code in env["clienteling.advisor.category"].search([]).mapped("code"):
        statement = Refresh._sql_insert(code, Refresh._builder(code)(company, now))
        started = time.perf_counter()
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", statement))
        plan = "\n".join(f"    {row[0]}" for row in cr.fetchall())
        print(f"  insert {code}: {time.perf_counter() - started:.1f} s\n{plan}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--scale", action="store_true", help="the 5,000,000-customer refresh")
    parser.add_argument("--keep", action="store_true", help="with --scale: reuse the database")
    parser.add_argument("--upgrade", action="store_true", help="with --keep: -u first")
    parser.add_argument("--explain", action="store_true", help="with --scale: profile the SQL")
    parser.add_argument("--runs", type=int, default=1, help="with --scale: refreshes timed")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="with --scale: each run refreshes in place and by a table rebuild, in turn, "
        "and compares the lines",
    )
    args = parser.parse_args()
    if args.scale:
        bench_scale(args.keep, args.explain, args.runs, args.upgrade, args.compare)
    else:
        bench_live(args.events)
    if args.drop:
        subprocess.run(["dropdb", "--if-exists", SCALE_DB if args.scale else LIVE_DB], check=True)


if __name__ == "__main__":
    main()
