"""Opening Discuss for an associate who is a member of every customer text chat of a
large store, against an associate of another store who has no text chats.

    .venv/bin/python bench/discuss_load.py [--conversations 50000] [--associates 20]
        [--runs 15] [--keep]

Creates the database bench_discuss (no demo data; dropped at the end unless --keep,
which also reuses it, without generating again, when it exists): one store with ``--associates`` associates (users with the
associate group, password = login) and a store number, ``--conversations`` text
conversations with that number (nine in ten with a known customer), each with its
Discuss chat (``discuss.channel`` of type ``clienteling_text``) whose members are the
store's associates, 2 to 4 texts each (``mail.message`` + ``clienteling.sms.message``),
the last one spread over the last two years; the last text unread when the customer
wrote it in the last two days (and for 0.2% of the older conversations).
The rows are those the product writes (inserted with SQL for speed); then the quiet
chats are unpinned by the product's own cron (``_cron_unpin_quiet_chats``). A second
store has one associate and no conversations (the baseline).

Then it starts Odoo (``--workers=2``), logs both associates in and times, one request
at a time, the JSON-RPC call the web client makes when Discuss is opened
(``/mail/data`` with ``init_messaging``, ``failures``, ``systray_get_activities`` and
``channels_as_member``, the store service's and Discuss's fetches merged by its
debounce), and its two halves apart: what every page load asks (``init_messaging``,
``failures``, ``systray_get_activities``) and what opening Discuss adds
(``channels_as_member``, the sidebar's channels and their last messages).
"""

import argparse
import http.client
import json
import statistics
import subprocess
import time
from datetime import datetime

from common import create_database, odoo_env, start_odoo_server

DB = "bench_discuss"
PORT = 8393
PASSWORD_SUFFIX = "-bench-pw"  # password = login + suffix (Odoo refuses short ones)

# What Discuss asks when it is opened (mail/static/src/core/common/store_service.js
# initMessagingParams + core/web/store_service_patch.js, and discuss/core/public_web's
# store.channels = makeCachedFetchData({channels_as_member: true})).
EVERY_PAGE = {"init_messaging": {}, "failures": True, "systray_get_activities": True}
DISCUSS = {"channels_as_member": True}


def generate(env, conversations, associates):
    """The stores, associates, number, customers, conversations, chats, members and
    texts, as the product creates them. Returns the logins (big store's first
    associate, other store's associate)."""
    us = env.ref("base.us")
    company = env.company
    store = env["clienteling.store"].create(
        {"name": "Fifth Avenue", "code": "NYC", "country_id": us.id, "tz": "America/New_York"}
    )
    other = env["clienteling.store"].create(
        {"name": "Michigan Avenue", "code": "CHI", "country_id": us.id, "tz": "America/Chicago"}
    )
    groups = [env.ref("base.group_user").id, env.ref("clienteling.group_clienteling_associate").id]
    logins = [f"assoc{i:02d}" for i in range(1, associates + 1)] + ["other01"]
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nolog=True)
        .create(
            [
                {
                    "name": f"Associate {login}",
                    "login": login,
                    "password": login + PASSWORD_SUFFIX,
                    "groups_id": [(6, 0, groups)],
                    "tz": "America/New_York",
                }
                for login in logins
            ]
        )
    )
    env["hr.employee"].create(
        [
            {
                "name": user.name,
                "user_id": user.id,
                "clienteling_store_id": (store if user.login != "other01" else other).id,
                "clienteling_role": "associate",
            }
            for user in users
        ]
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
    env.flush_all()
    store_users = users.filtered(lambda u: u.login != "other01")
    cr = env.cr
    cr.execute("SELECT setseed(0.42)")
    # One row per conversation: its customer number, dates, number of texts, and
    # whether its last text (inbound) is unread. Last activity uniform over 2 years.
    cr.execute(
        """
        CREATE TEMP TABLE bench_gen AS
        SELECT g,
               '+1212' || (2000000 + g)::text AS number,
               'Customer ' || g AS name,
               g %% 10 <> 0 AS known,
               last_dt - (random() * 60 + 1) * interval '1 day' AS start_dt,
               last_dt,
               2 + (g %% 3) AS texts,
               false AS unread
          FROM generate_series(1, %(n)s) g,
               LATERAL (SELECT (now() AT TIME ZONE 'UTC') - random() * interval '730 days'
                               + g * interval '0 s' AS last_dt) d
        """,
        {"n": conversations},
    )
    # Customers whose last text is theirs and nobody read yet: those of the last
    # two days, and 0.2% of the older ones (left unanswered). A conversation's last
    # text is inbound when it has 3 texts (in, out, in).
    cr.execute(
        """
        UPDATE bench_gen SET unread = texts = 3 AND (
               last_dt > (now() AT TIME ZONE 'UTC') - interval '2 days' OR random() < 0.002)
        """
    )
    cr.execute(
        """
        WITH p AS (
            INSERT INTO res_partner (name, complete_name, active, type, partner_share, mobile,
                                     phone_sanitized, country_id, clienteling_store_id, lang,
                                     create_date, write_date, create_uid, write_uid, ref)
            SELECT name, name, true, 'contact', true, number, number, %(us)s, %(store)s, 'en_US',
                   start_dt, start_dt, 1, 1, 'bench-' || g
              FROM bench_gen WHERE known
            RETURNING id, ref
        )
        SELECT 1
        """,
        {"us": us.id, "store": store.id},
    )
    cr.execute(
        "ALTER TABLE bench_gen ADD partner_id int, ADD conversation_id int, ADD channel_id int"
    )
    cr.execute(
        """
        UPDATE bench_gen b SET partner_id = p.id FROM res_partner p
         WHERE b.known AND p.ref = 'bench-' || b.g
        """
    )
    cr.execute("UPDATE res_partner SET ref = NULL WHERE ref LIKE 'bench-%'")
    # The conversations (as _get_or_create inserts them, dates as the texts set them).
    cr.execute(
        """
        INSERT INTO clienteling_conversation
               (customer_number, phone_number_id, store_id, partner_id, company_id, unread_count,
                last_message_date, last_inbound_date, create_uid, create_date, write_uid,
                write_date)
        SELECT number, %(number)s, %(store)s, partner_id, %(company)s, unread::int, last_dt,
               CASE WHEN texts = 3 THEN last_dt ELSE start_dt END, 1, start_dt, 1, last_dt
          FROM bench_gen ORDER BY g
        """,
        {"number": number.id, "store": store.id, "company": company.id},
    )
    cr.execute(
        """
        UPDATE bench_gen b SET conversation_id = c.id FROM clienteling_conversation c
         WHERE c.phone_number_id = %s AND c.customer_number = b.number
        """,
        [number.id],
    )
    # Their chats (as _get_channel creates them).
    cr.execute(
        """
        INSERT INTO discuss_channel (name, channel_type, clienteling_conversation_id, uuid, active,
                                     allow_public_upload, last_interest_dt, create_uid,
                                     create_date, write_uid, write_date)
        SELECT CASE WHEN known THEN name || ' (' || number || ')' ELSE number END,
               'clienteling_text', conversation_id, substr(md5(random()::text), 1, 10), true,
               false, last_dt, 1, start_dt, 1, last_dt
          FROM bench_gen ORDER BY g
        """
    )
    cr.execute(
        """
        UPDATE bench_gen b SET channel_id = c.id FROM discuss_channel c
         WHERE c.clienteling_conversation_id = b.conversation_id;
        UPDATE clienteling_conversation c SET channel_id = b.channel_id FROM bench_gen b
         WHERE c.id = b.conversation_id;
        """
    )
    # The texts: inbound first, then alternately; outbound ones by one of the associates.
    comment = env.ref("mail.mt_comment").id
    cr.execute(
        """
        CREATE TEMP TABLE bench_text AS
        SELECT b.*, i, i %% 2 = 1 AS inbound,
               b.start_dt + (b.last_dt - b.start_dt) * (i - 1) / (b.texts - 1) AS text_dt,
               (%(users)s::int[])[1 + (b.g + i) %% %(n_users)s] AS user_id
          FROM bench_gen b, generate_series(1, 4) i
         WHERE i <= b.texts
        """,
        {"users": store_users.ids, "n_users": len(store_users)},
    )
    cr.execute(
        """
        ALTER TABLE bench_text ADD message_id int;
        WITH m AS (
            INSERT INTO mail_message (model, res_id, record_name, record_company_id, message_type,
                                      subtype_id, author_id, email_from, body, message_id, date,
                                      email_add_signature, create_uid, create_date, write_uid,
                                      write_date)
            SELECT 'discuss.channel', t.channel_id,
                   CASE WHEN t.known THEN t.name || ' (' || t.number || ')' ELSE t.number END,
                   %(company)s, 'comment', %(comment)s,
                   CASE WHEN t.inbound THEN t.partner_id ELSE u.partner_id END,
                   CASE WHEN t.inbound AND NOT t.known THEN t.number END,
                   CASE WHEN t.inbound THEN '<p>Hello, is order ' || t.g || ' ready? (' || t.i || ')</p>'
                        ELSE '<p>Yes, it is waiting for you at the store. (' || t.i || ')</p>' END,
                   '<bench-' || t.g || '-' || t.i || '-discuss.channel@bench>', t.text_dt, true,
                   CASE WHEN t.inbound THEN 1 ELSE t.user_id END, t.text_dt,
                   CASE WHEN t.inbound THEN 1 ELSE t.user_id END, t.text_dt
              FROM bench_text t JOIN res_users u ON u.id = t.user_id
             ORDER BY t.text_dt
            RETURNING id, message_id
        )
        UPDATE bench_text t SET message_id = m.id FROM m
         WHERE m.message_id = '<bench-' || t.g || '-' || t.i || '-discuss.channel@bench>';
        """,
        {"company": company.id, "comment": comment},
    )
    cr.execute(
        """
        -- the words are in the chat message only (texts stored once)
        INSERT INTO clienteling_sms_message (conversation_id, store_id, company_id,
                                             mail_message_id, employee_id, segment_count,
                                             direction, provider_sid, state, sent_date,
                                             is_opt_in_request, create_uid, create_date,
                                             write_uid, write_date)
        SELECT t.conversation_id, %(store)s, %(company)s, t.message_id,
               CASE WHEN NOT t.inbound THEN e.id END, 1,
               CASE WHEN t.inbound THEN 'inbound' ELSE 'outbound' END,
               'SMbench' || t.g || 'x' || t.i,
               CASE WHEN t.inbound THEN 'received' ELSE 'delivered' END,
               CASE WHEN NOT t.inbound THEN t.text_dt END,
               CASE WHEN NOT t.inbound THEN false END,
               1, t.text_dt, 1, t.text_dt
          FROM bench_text t LEFT JOIN hr_employee e ON e.user_id = t.user_id
        """,
        {"store": store.id, "company": company.id},
    )
    # Members: every associate of the store in every chat (_chat_member_partners),
    # joined when the chat was created; read up to the last text, except the unread.
    cr.execute(
        """
        INSERT INTO discuss_channel_member (partner_id, channel_id, fetched_message_id,
                                            seen_message_id, new_message_separator, fold_state,
                                            last_interest_dt, last_seen_dt, create_uid,
                                            create_date, write_uid, write_date)
        SELECT u.partner_id, b.channel_id, last.message_id, seen.message_id,
               CASE WHEN b.unread THEN last.message_id ELSE last.message_id + 1 END, 'closed',
               b.start_dt, seen.text_dt, 1, b.start_dt, 1, b.last_dt
          FROM bench_gen b
          JOIN bench_text last ON last.g = b.g AND last.i = b.texts
          JOIN bench_text seen ON seen.g = b.g
                              AND seen.i = CASE WHEN b.unread THEN b.texts - 1 ELSE b.texts END
          CROSS JOIN res_users u
         WHERE u.id = ANY(%(users)s)
        """,
        {"users": store_users.ids},
    )
    cr.execute("DROP TABLE bench_text; DROP TABLE bench_gen")
    env.invalidate_all()
    return logins[0], logins[-1]


def unpin_quiet_chats(env):
    """What the daily cron does, until nothing is left to unpin."""
    total = 0
    while True:
        count = env["clienteling.conversation"]._cron_unpin_quiet_chats()
        env.cr.commit()
        total += count
        if not count:
            return total


def start_server():
    return start_odoo_server(DB, PORT, "--limit-time-cpu=600", "--limit-time-real=1200")


class Session:
    """A logged-in web client: its session cookie and user context."""

    def __init__(self, login):
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
        self.cookie = ""
        result = self.call(
            "/web/session/authenticate",
            {"db": DB, "login": login, "password": login + PASSWORD_SUFFIX},
        )
        self.context = result["user_context"]
        self.context["allowed_company_ids"] = [result["user_companies"]["current_company"]]

    def call(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.connection.request("POST", path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie and cookie.startswith("session_id="):
            self.cookie = cookie.split(";", 1)[0]
        payload = json.loads(data)
        if "error" in payload:
            raise SystemExit(f"{path}: {payload['error']['data']['message']}")
        self.size = len(data)
        return payload["result"]

    def timed_mail_data(self, params, runs):
        """Median and best ms of ``runs`` /mail/data calls, and the last result."""
        times = []
        for _run in range(runs):
            started = time.perf_counter()
            result = self.call("/mail/data", dict(params, context=self.context))
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times), min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50_000)
    parser.add_argument("--associates", type=int, default=20)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the database, keep it")
    args = parser.parse_args()
    exists = (
        subprocess.run(
            ["psql", "-lqt", "-A", "-F", " "], capture_output=True, text=True, check=True
        ).stdout.split("\n")
        if args.keep
        else []
    )
    if not any(line.split(" ")[0] == DB for line in exists):
        seconds = create_database(DB, "clienteling_sms")
        print(f"database created in {seconds:.0f} s")
        with odoo_env(DB) as env:
            started = time.perf_counter()
            generate(env, args.conversations, args.associates)
            env.cr.commit()
            generated = time.perf_counter() - started
        # as autovacuum would have done on tables grown over time
        subprocess.run(["psql", "-q", "-d", DB, "-c", "VACUUM ANALYZE"], check=True)
        with odoo_env(DB) as env:
            started = time.perf_counter()
            unpinned = unpin_quiet_chats(env)
            unpin_seconds = time.perf_counter() - started
        subprocess.run(["psql", "-q", "-d", DB, "-c", "VACUUM ANALYZE"], check=True)
        print(
            f"data generated in {generated:.0f} s; _cron_unpin_quiet_chats unpinned "
            f"{unpinned:,} memberships in {unpin_seconds:.1f} s"
        )
    with odoo_env(DB) as env:
        cr = env.cr
        cr.execute("SELECT count(*) FROM clienteling_conversation")
        conversations = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM mail_message WHERE model = 'discuss.channel'")
        texts = cr.fetchone()[0]
        user = env["res.users"].search([("login", "=", "assoc01")])
        cr.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE pinned),
                   count(*) FILTER (WHERE pinned AND EXISTS (
                        SELECT 1 FROM mail_message msg
                         WHERE msg.model = 'discuss.channel' AND msg.res_id = m.channel_id
                           AND msg.id >= m.new_message_separator)),
                   count(*) FILTER (WHERE pinned AND c.last_interest_dt
                                          > (now() AT TIME ZONE 'UTC') - interval '1 day')
              FROM discuss_channel_member m
              JOIN discuss_channel c ON c.id = m.channel_id,
                   LATERAL (SELECT m.unpin_dt IS NULL OR c.last_interest_dt >= m.unpin_dt
                                   OR m.last_interest_dt >= m.unpin_dt AS pinned) p
             WHERE c.channel_type = 'clienteling_text' AND m.partner_id = %s
            """,
            [user.partner_id.id],
        )
        memberships, pinned, unread, last_day = cr.fetchone()
        cr.execute("SELECT count(*) FROM discuss_channel_member")
        members = cr.fetchone()[0]
    print(
        f"{conversations:,} conversations in one store, {texts:,} texts, {members:,} channel "
        f"members; assoc01: member of {memberships:,} text chats, {pinned:,} pinned "
        f"({unread} unread, {last_day} active in the last day)"
    )
    server = start_server()
    try:
        sessions = {
            "assoc01 (big store)": Session("assoc01"),
            "other01 (baseline)": Session("other01"),
        }
        requests = (
            ("Discuss opened", dict(EVERY_PAGE, **DISCUSS)),
            ("  every page: init_messaging", EVERY_PAGE),
            ("  Discuss: channels_as_member", DISCUSS),
        )
        for session in sessions.values():  # warm both workers' caches
            for _name, params in requests:
                session.timed_mail_data(params, 3)
        # interleaved: run after run, each request for each associate in turn, so that
        # the machine's load changes weigh on all the figures alike
        times, last = {}, {}
        for _run in range(args.runs):
            for name, params in requests:
                for who, session in sessions.items():
                    median, _best, result = session.timed_mail_data(params, 1)
                    times.setdefault((name, who), []).append(median)
                    last[name, who] = (result, session.size)
        results = {}
        for name, _params in requests:
            for who in sessions:
                median = statistics.median(times[name, who])
                result, size = last[name, who]
                results[name, who] = median
                print(
                    f"{name:32} {who:20} median {median:7.1f} ms  best "
                    f"{min(times[name, who]):7.1f} ms  "
                    f"{len(result.get('discuss.channel', [])):5d} channels  {size / 1024:8.1f} KB"
                )
        print(f"{args.runs} runs each (interleaved), one request at a time, Odoo --workers=2")
        for name, _params in requests:
            big = results[name, "assoc01 (big store)"]
            base = results[name, "other01 (baseline)"]
            print(
                f"{name.strip():32} ratio assoc01 / baseline: {big / base:.2f}  (+{big - base:.0f} ms)"
            )
    finally:
        server.terminate()
        server.wait(30)
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", DB], check=False)
    print(f"measured on {datetime.now():%Y-%m-%d %H:%M}")


if __name__ == "__main__":
    main()
