"""Benchmark of the Engage IMAP sync against Odoo's fetchmail, on one Dovecot mailbox.

    bin/odoo -d engage_bench -i clienteling_engage --without-demo=all --stop-after-init
    $VENV/bin/python bench/engage_sync.py -d engage_bench --messages 10000 --fetchmail-messages 10000

Steps (one run, same machine, same throw-away Dovecot as the tests):
1. deliver N generated emails (2-6 KB, a third with a small attachment) to a mailbox;
2. Engage initial sync of the mailbox (``clienteling.mail.account._sync``), timed
   until the data is flushed to PostgreSQL;
3. Engage incremental sync with nothing new, timed (median of 5);
4. Odoo's ``fetchmail.server.fetch_mail`` on a mailbox holding the first M of the
   same emails (M = --fetchmail-messages), timed: the baseline. Fetchmail creates a
   record per email (here a res.partner, through ``message_process``) and commits
   after each email, as it does in production.

Engage's work is rolled back at the end; fetchmail commits, so use a database made
for the benchmark. Prints the figures; nothing is asserted.
"""

import argparse
import os
import random
import statistics
import sys
import time
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "clienteling_engage" / "tests"))

from imap_server import DovecotServer  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402


def generate(count, seed=4):
    rng = random.Random(seed)
    run = f"{os.getpid()}-{time.time_ns()}"
    words = (
        "shoes size order boutique fitting jacket colour stock delivery gift appointment".split()
    )
    for index in range(count):
        message = EmailMessage()
        message["From"] = f"Customer {index} <customer{index}.{run}@example.org>"
        message["To"] = "store@example.com"
        message["Subject"] = f"Question {index}: " + " ".join(rng.choices(words, k=4))
        message["Date"] = "Sat, 21 Nov 2026 10:00:00 +0000"
        message["Message-ID"] = f"<bench-{index}.{run}@example.org>"
        paragraphs = [" ".join(rng.choices(words, k=60)) for _ in range(rng.randint(3, 8))]
        message.set_content("\n\n".join(paragraphs))
        if index % 3 == 0:
            message.add_attachment(
                rng.randbytes(1500),
                maintype="application",
                subtype="octet-stream",
                filename=f"note-{index}.bin",
            )
        yield message.as_bytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", default="engage_bench")
    parser.add_argument("-c", "--config", default=str(REPO / "var" / "odoo.conf"))
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--fetchmail-messages", type=int, default=None)
    args = parser.parse_args()
    fetchmail_count = args.fetchmail_messages or args.messages

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)

    server = DovecotServer().start()
    try:
        raws = list(generate(args.messages))
        started = time.perf_counter()
        server.add_user("engage", "bench")
        server.deliver("engage", raws)
        server.add_user("fetchmail", "bench")
        server.deliver("fetchmail", raws[:fetchmail_count])
        print(
            f"Delivered {len(raws)} + {fetchmail_count} messages in {time.perf_counter() - started:.1f} s"
        )
        total_bytes = sum(len(raw) for raw in raws)
        print(f"Mailbox: {len(raws)} messages, {total_bytes / 1024 / 1024:.1f} MB")

        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            store = env["clienteling.store"].create(
                {
                    "name": "Bench Store",
                    "code": f"BENCH-{os.getpid()}",
                    "country_id": env.ref("base.us").id,
                }
            )
            account = env["clienteling.mail.account"].create(
                {
                    "name": "Bench mailbox",
                    "host": server.host,
                    "port": server.port,
                    "security": "none",
                    "login": "engage",
                    "password": "bench",
                    "store_ids": [(6, 0, store.ids)],
                }
            )
            env.flush_all()
            started = time.perf_counter()
            imported = account._sync()[account.id]
            env.flush_all()
            initial = time.perf_counter() - started
            assert not account.last_error, account.last_error
            print(
                f"Engage initial sync: {imported} messages in {initial:.2f} s "
                f"({imported / initial:.0f} messages/s)"
            )
            if fetchmail_count < imported:
                print(f"  (fetchmail reads the first {fetchmail_count} of these messages)")
            noop = []
            for _ in range(5):
                started = time.perf_counter()
                account._sync()
                env.flush_all()
                noop.append(time.perf_counter() - started)
            print(
                f"Engage incremental sync, nothing new: median {statistics.median(noop) * 1000:.1f} ms "
                f"(min {min(noop) * 1000:.1f}, max {max(noop) * 1000:.1f}) over 5 runs"
            )
            cr.rollback()

        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            fetchmail = env["fetchmail.server"].create(
                {
                    "name": "Bench fetchmail",
                    "server_type": "imap",
                    "server": server.host,
                    "port": server.port,
                    "is_ssl": False,
                    "user": "fetchmail",
                    "password": "bench",
                    "object_id": env["ir.model"]._get_id("res.partner"),
                    "state": "done",
                }
            )
            cr.commit()
            before = env["res.partner"].search_count([])
            started = time.perf_counter()
            fetchmail.fetch_mail()
            baseline = time.perf_counter() - started
            created = env["res.partner"].search_count([]) - before
            print(
                f"Odoo fetchmail: {fetchmail_count} messages ({created} records created) in "
                f"{baseline:.2f} s ({fetchmail_count / baseline:.0f} messages/s)"
            )
            fetchmail.unlink()
            cr.commit()
        per_engage = initial / imported
        per_fetchmail = baseline / fetchmail_count
        print(
            f"Per message: Engage {per_engage * 1000:.2f} ms, fetchmail {per_fetchmail * 1000:.2f} ms"
        )
        print(f"Speed-up: {per_fetchmail / per_engage:.1f}x")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
