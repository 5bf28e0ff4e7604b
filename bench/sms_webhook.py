"""Inbound SMS webhook throughput and latency on an Odoo server with 2 workers,
as a ratio to Odoo's trivial /web/health route on the same server in the same run.

    .venv/bin/python bench/sms_webhook.py [--requests 2000] [--concurrency 8]
        [--rounds 5] [--associates 5] [--modules clienteling_sms] [--db bench_sms] [--port 0]

Creates the database bench_sms (dropped at the end) with ``--modules``, a sandbox
account, a store number, ``--associates`` associates of the store (users, the
members of every chat) and 100 customers; every request is a correctly signed,
unique inbound text from one of them (stored, then processed by the cron: matched,
posted in the conversation's Discuss chat with its members notified, inbox row
when clienteling_engage_sms is installed, contact dates updated). The server
listens on ``--port`` (0: a free port). The routes take turns in ``--rounds``;
then one cron worker processes the stored texts, timed (texts/s).
"""

import argparse
import http.client
import socket
import subprocess
import threading
import time
import uuid
from urllib.parse import urlencode

from common import create_database, describe, odoo_env, start_odoo_server

DB = "bench_sms"
PORT = 8391


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def setup(associates=0):
    with odoo_env(DB) as env:
        us = env.ref("base.us")
        store = env["clienteling.store"].create(
            {"name": "Bench", "code": "B1", "country_id": us.id, "tz": "America/New_York"}
        )
        account = env["clienteling.sms.account"].create(
            {
                "name": "Bench",
                "provider": "sandbox",
                "webhook_base_url": f"http://127.0.0.1:{PORT}",
                "quiet_hours_start": 0,
                "quiet_hours_end": 24,
            }
        )
        number = env["clienteling.phone.number"].create(
            {"number": "+12125550170", "account_id": account.id}
        )
        number._assign(store=store)
        groups = [
            env.ref("base.group_user").id,
            env.ref("clienteling.group_clienteling_associate").id,
        ]
        for i in range(associates):
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": f"Associate {i}",
                        "login": f"bench_associate_{i}",
                        "groups_id": [(6, 0, groups)],
                    }
                )
            )
            env["hr.employee"].create(
                {"name": user.name, "user_id": user.id, "clienteling_store_id": store.id}
            )
        env["res.partner"].create(
            [
                {"name": f"Customer {i}", "mobile": f"+1212555{1000 + i:04d}", "country_id": us.id}
                for i in range(100)
            ]
        )
        return account._get_provider(), account._provider_account_ref()


def start_server():
    return start_odoo_server(DB, PORT)


def run(build_request, total, concurrency):
    """Send ``total`` requests from ``concurrency`` keep-alive connections."""
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(total))

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            method, path, body, headers = build_request(index)
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status >= 300:
                    errors.append(response.status)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return wall, latencies, errors


def main():
    global DB, PORT  # one benchmark per process
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--associates", type=int, default=5)
    parser.add_argument("--modules", default="clienteling_sms")
    parser.add_argument("--db", default=DB)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    DB, PORT = args.db, args.port or free_port()
    create_database(DB, args.modules)
    provider, account_ref = setup(args.associates)
    server = start_server()
    try:
        url = f"http://127.0.0.1:{PORT}/clienteling/sms/twilio/inbound"

        def inbound(index):
            params = {
                "MessageSid": "SM" + uuid.uuid4().hex,
                "AccountSid": account_ref,
                "From": f"+1212555{1000 + index % 100:04d}",
                "To": "+12125550170",
                "Body": f"Hello, is my order {index} ready?",
                "NumMedia": "0",
            }
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": provider.signature(url, params),
            }
            return "POST", "/clienteling/sms/twilio/inbound", urlencode(params), headers

        def health(index):
            return "GET", "/web/health", None, {}

        def manifest(index):
            return "GET", "/web/manifest.webmanifest", None, {}

        run(health, 200, args.concurrency)  # warm both workers
        run(inbound, 100, args.concurrency)
        routes = (
            ("/web/health (no database)", health),
            ("/web/manifest.webmanifest", manifest),
            ("inbound webhook", inbound),
        )
        # The routes take turns (--rounds), so that a change of the machine's load
        # during the run weighs on all of them alike.
        totals = {name: [0.0, [], []] for name, _builder in routes}
        for _round in range(args.rounds):
            for name, builder in routes:
                wall, latencies, errors = run(
                    builder, args.requests // args.rounds, args.concurrency
                )
                totals[name][0] += wall
                totals[name][1] += latencies
                totals[name][2] += errors
        results = {
            name: (len(latencies) / wall, describe(latencies), errors)
            for name, (wall, latencies, errors) in totals.items()
        }
        print(
            f"{args.requests} requests per route in {args.rounds} rounds, {args.concurrency} concurrent clients, "
            "Odoo --workers=2; "
            f"modules {args.modules}, {args.associates} associates in the store"
        )
        print(f"{'route':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, (rate, stats, errors) in results.items():
            print(f"{name:28} {rate:8.1f} {stats['p50']:8.1f} {stats['p99']:8.1f} {len(errors):7d}")
        webhook = results["inbound webhook"][0]
        for baseline in ("/web/manifest.webmanifest", "/web/health (no database)"):
            print(f"throughput webhook / {baseline}: {webhook / results[baseline][0]:.0%}")
        # The webhooks only stored the texts: process them as the cron does, timed.
        expected = args.requests // args.rounds * args.rounds + 100
        started = time.perf_counter()
        with odoo_env(DB) as env:
            while env["clienteling.sms.event"]._cron_process_events():
                env.cr.commit()
            elapsed = time.perf_counter() - started
            events = env["clienteling.sms.event"]
            done = events.search_count([("state", "=", "done")])
            failed = events.search_count([("state", "=", "failed")])
            texts = env["clienteling.sms.message"].search_count([("direction", "=", "inbound")])
            posted = env["mail.message"].search_count(
                [("model", "=", "discuss.channel"), ("message_type", "=", "comment")]
            )
            unread = env["discuss.channel.member"].search([]).mapped("message_unread_counter")
            inbox = (
                env["clienteling.inbox.message"].search_count([("channel", "=", "sms")])
                if "clienteling.inbox.message" in env
                else "-"
            )
        print(
            f"processing (one cron worker): {done} events in {elapsed:.1f} s = {done / elapsed:.0f} texts/s; "
            f"failed {failed}; inbound texts {texts}, posted in Discuss {posted}, "
            f"inbox rows {inbox} (expected {expected}); members' unread {sum(unread)}"
        )
    finally:
        server.terminate()
        server.wait(30)
        subprocess.run(["dropdb", "--if-exists", "--force", DB], check=False)


if __name__ == "__main__":
    main()
