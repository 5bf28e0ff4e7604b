import json
import logging
import threading
import time
from types import SimpleNamespace

import psycopg2
from twilio.request_validator import RequestValidator

import odoo
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import hmac as odoo_hmac

from odoo.addons.clienteling.tests.common import ClientelingCase

from ..tools.sandbox import new_sid
from .common import ClientelingSmsCase
from .twilio_recorder import TwilioRecorder

INBOUND = "/clienteling/sms/twilio/inbound"
STATUS = "/clienteling/sms/twilio/status"
VOICE = "/clienteling/sms/twilio/voice"


@tagged("post_install", "-at_install", "clienteling_sms")
class TestWebhooks(ClientelingSmsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.webhook_base_url = cls.base_url()
        cls.provider = cls.account._get_provider()

    def _post(self, path, params, signature=None, sign=True):
        headers = {}
        if sign:
            url = self.account.webhook_base_url + path
            headers["X-Twilio-Signature"] = signature or self.provider.signature(url, params)
        return self.url_open(path, data=params, headers=headers, allow_redirects=False)

    def _params(self, body="Hello", sid=None, **extra):
        return {
            "MessageSid": sid or new_sid(),
            "AccountSid": self.account._provider_account_ref(),
            "From": "+12125550142",
            "To": "+12125550170",
            "Body": body,
            "NumMedia": "0",
            **extra,
        }

    def _process(self):
        return self.env["clienteling.sms.event"]._cron_process_events()

    def _events(self):
        return self.env["clienteling.sms.event"].search([("account_id", "=", self.account.id)])

    def test_signed_inbound_is_stored_and_processed(self):
        response = self._post(INBOUND, self._params("Hi there", sid="SMhttp1"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("<Response", response.text)
        self.assertEqual(response.headers["Content-Type"], "text/xml; charset=utf-8")
        event = self._events()
        # the webhook only stores and triggers the processing cron
        self.assertEqual((event.provider_sid, event.state), ("SMhttp1", "pending"))
        cron = self.env.ref("clienteling_sms.ir_cron_process_events")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.assertEqual(self._process(), 1)
        self.assertEqual(event.state, "done")
        conversation = self.Conversation.search([("customer_number", "=", "+12125550142")])
        self.assertEqual(conversation.partner_id, self.customer_a)
        self.assertEqual(json.loads(event.payload)["Body"], "Hi there")

    @mute_logger("odoo.addons.clienteling_sms.controllers.main", "odoo.http")
    def test_forged_or_missing_signature_is_refused_and_nothing_stored(self):
        params = self._params("STOP")
        self.assertEqual(self._post(INBOUND, params, signature="forged=").status_code, 403)
        self.assertEqual(self._post(INBOUND, params, sign=False).status_code, 403)
        bad = RequestValidator("wrong-secret").compute_signature(
            self.account.webhook_base_url + INBOUND, params
        )
        self.assertEqual(self._post(INBOUND, params, signature=bad).status_code, 403)
        # signed for another path: refused too
        signature = self.provider.signature(self.account.webhook_base_url + STATUS, params)
        self.assertEqual(self._post(INBOUND, params, signature=signature).status_code, 403)
        # unknown number and account
        self.assertEqual(
            self._post(INBOUND, dict(params, To="+12125550000", AccountSid="ACnobody")).status_code,
            403,
        )
        self.assertFalse(self._events())
        self.assertFalse(self.Conversation.search([("customer_number", "=", "+12125550142")]))
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+12125550142")]))

    @mute_logger("odoo.addons.clienteling_sms.controllers.main", "odoo.http")
    def test_malformed_payload_is_refused_and_nothing_stored(self):
        params = self._params()
        del params["MessageSid"]
        self.assertEqual(self._post(INBOUND, params).status_code, 400)
        self.assertEqual(self._post(INBOUND, self._params(NumMedia="lots")).status_code, 400)
        self.assertEqual(self._post(INBOUND, {"Body": "hi"}).status_code, 400)
        self.assertEqual(
            self._post(
                STATUS,
                {
                    "MessageSid": "SM1",
                    "From": "+12125550170",
                    "AccountSid": self.account._provider_account_ref(),
                },
            ).status_code,
            400,
        )
        self.assertFalse(self._events())
        self.assertEqual(self.url_open(INBOUND).status_code, 405)  # GET

    @mute_logger("odoo.addons.clienteling_sms.controllers.main", "odoo.http")
    def test_signed_events_must_match_our_numbers_and_account(self):
        """A valid signature is not enough: the number must be ours, in service, on
        the account whose AccountSid the event names."""
        ours = self.env["clienteling.phone.number"]
        released = ours.create({"number": "+12125550178", "account_id": self.account.id})
        released.action_release()
        other_account = self.env["clienteling.sms.account"].create(
            {
                "name": "Archived sandbox",
                "active": False,
                "provider": "sandbox",
                "webhook_base_url": self.base_url(),
            }
        )
        cases = [
            ("not our number", INBOUND, self._params(To="+12125550000"), 404),
            ("released number", INBOUND, self._params(To="+12125550178"), 404),
            ("another AccountSid", INBOUND, self._params(AccountSid="ACsomeoneelse"), 403),
            (
                "another account's ref",
                INBOUND,
                self._params(AccountSid=other_account._provider_account_ref()),
                403,
            ),
            (
                "no AccountSid",
                INBOUND,
                {k: v for k, v in self._params().items() if k != "AccountSid"},
                403,
            ),
            (
                "status for a number not ours",
                STATUS,
                {
                    "MessageSid": "SMx",
                    "MessageStatus": "delivered",
                    "AccountSid": self.account._provider_account_ref(),
                    "From": "+12125550000",
                },
                404,
            ),
            (
                "voice for a number not ours",
                VOICE,
                {
                    "CallSid": "CA2",
                    "AccountSid": self.account._provider_account_ref(),
                    "From": "+12125550142",
                    "To": "+12125550000",
                },
                404,
            ),
        ]
        for name, path, params, status in cases:
            with self.subTest(name):
                self.assertEqual(self._post(path, params).status_code, status)
        self.assertFalse(
            self.env["clienteling.sms.event"].search(
                [("account_id", "in", (self.account | other_account).ids)]
            )
        )
        # signed with another account's secret for our number: the signature fails first
        params = self._params()
        signature = other_account._get_provider().signature(
            self.account.webhook_base_url + INBOUND, params
        )
        self.assertEqual(self._post(INBOUND, params, signature=signature).status_code, 403)
        self.assertFalse(self._events())

    def _logged(self, function):
        """What ``function`` logs at INFO and above, anywhere (SDK included)."""
        with self.assertLogs(level=logging.INFO) as logs:  # "INFO" is 25 in Odoo
            logging.getLogger(__name__).info("start")
            function()
        return "\n".join(logs.output)

    def test_logs_show_no_customer_number_and_no_account_sid(self):
        conversation = self._conversation()
        conversation._record_consent("opted_in", "keyword", "YES")
        with TwilioRecorder() as recorder:
            self.account.sudo().write(
                {
                    "provider": "twilio",
                    "twilio_account_sid": "AC00000000000000000000000000000077",
                    "twilio_auth_token": "token",
                    "twilio_api_base_url": recorder.url,
                    "default_number_id": self.number_a.id,
                }
            )
            logged = self._logged(lambda: conversation._send_message("Your coat is ready"))
            logged += self._logged(
                lambda: (
                    self.env["sms.sms"]
                    .sudo()
                    .create({"number": "+12125550142", "body": "Order shipped"})
                    ._send(unlink_sent=False)
                )
            )
        self.account.sudo().write({"provider": "sandbox"})
        self.provider = self.account._get_provider()
        logged += self._logged(lambda: self._post(INBOUND, self._params("Thanks!")))
        logged += self._logged(self._process)
        with mute_logger("odoo.http"):
            logged += self._logged(
                lambda: self._post(INBOUND, self._params("Hi", To="+12125550000"))
            )
        for secret in ("2125550142", "AC00000000000000000000000000000077", "2125550000"):
            self.assertNotIn(secret, logged)
        self.assertIn("+1212*****00", logged)  # the refused number, masked

    def test_replay_yields_one_message(self):
        params = self._params("Hello", sid="SMreplay1")
        for _attempt in range(3):
            self.assertEqual(self._post(INBOUND, params).status_code, 200)
        self.assertEqual(self._process(), 1)
        self.assertEqual(self._post(INBOUND, params).status_code, 200)
        self.assertEqual(self._process(), 0)
        conversation = self.Conversation.search([("customer_number", "=", "+12125550142")])
        self.assertEqual(len(conversation.sms_message_ids), 1)
        self.assertEqual(len(self._events()), 1)

    def test_stop_then_send(self):
        conversation = self._conversation()
        conversation._record_consent("opted_in", "keyword", "YES")
        self.assertEqual(self._post(INBOUND, self._params("STOP")).status_code, 200)
        self._process()
        conversation.invalidate_recordset()
        self.assertEqual(conversation.consent_state, "opted_out")
        with self.assertRaisesRegex(Exception, "opted out"):
            conversation._send_message("Last chance!")
        self.assertEqual(len(self._outbound(conversation)), 1)  # only the STOP confirmation

    def test_status_callback(self):
        conversation = self._conversation()
        conversation._record_consent("opted_in", "keyword", "YES")
        message = conversation._send_message("Hello")
        message.state = "sent"
        params = {
            "MessageSid": message.provider_sid,
            "MessageStatus": "failed",
            "ErrorCode": "30006",
            "AccountSid": self.account._provider_account_ref(),
            "From": "+12125550170",
            "To": "+12125550142",
        }
        self.assertEqual(self._post(STATUS, params).status_code, 204)
        self._process()
        message.invalidate_recordset()
        self.assertEqual(message.state, "failed")
        self.assertIn("landline", message.failure_reason)
        unknown = dict(params, MessageSid="SMnobody", MessageStatus="delivered")
        self.assertEqual(self._post(STATUS, unknown).status_code, 204)
        self._process()
        self.assertEqual(
            self._events().filtered(lambda e: e.provider_sid == "SMnobody").state, "done"
        )

    def test_voice_says_text_only(self):
        self.account.write(
            {"voice_message": "Ce numéro reçoit seulement des SMS.", "voice_language": "fr-FR"}
        )
        params = {
            "CallSid": "CA1",
            "AccountSid": self.account._provider_account_ref(),
            "From": "+12125550142",
            "To": "+12125550170",
        }
        response = self._post(VOICE, params)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            '<Say language="fr-FR">Ce numéro reçoit seulement des SMS.</Say>', response.text
        )
        self.assertIn("<Hangup", response.text)

    @mute_logger("odoo.http")
    def test_media_links_expire_and_cannot_be_forged(self):
        image = self.env["ir.attachment"].create(
            {"name": "coat.png", "raw": b"\x89PNG\r\n\x1a\nDATA", "mimetype": "image/png"}
        )
        conversation = self._conversation(self.number_b, self.customer_b)
        conversation._record_consent("opted_in", "keyword", "OUI")
        message = conversation._send_message("Le manteau", media=image)
        link = message.body.split("\n")[1]
        path = link[len(self.account.webhook_base_url) :]
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"\x89PNG\r\n\x1a\nDATA")
        attachment_id, expires, token = path.rsplit("/", 3)[1:]
        self.assertEqual(
            self.url_open(
                f"/clienteling/sms/media/{attachment_id}/{expires}/{'0' * len(token)}"
            ).status_code,
            404,
        )
        self.assertEqual(
            self.url_open(
                f"/clienteling/sms/media/{attachment_id}/{int(expires) + 1}/{token}"
            ).status_code,
            404,
        )
        other = self.env["ir.attachment"].create(
            {"name": "secret.txt", "raw": b"secret", "mimetype": "text/plain"}
        )
        self.assertEqual(
            self.url_open(f"/clienteling/sms/media/{other.id}/{expires}/{token}").status_code, 404
        )
        with self.subTest("expired"):
            expired = int(time.time()) - 10
            token = odoo_hmac(
                self.env(su=True), "clienteling-sms-media", f"{attachment_id}:{expired}"
            )
            self.assertEqual(
                self.url_open(
                    f"/clienteling/sms/media/{attachment_id}/{expired}/{token}"
                ).status_code,
                404,
            )


@tagged("post_install", "-at_install", "clienteling_sms")
class TestConcurrentReplay(ClientelingCase):
    """Two workers store the same webhook at the same time: one event.

    Odoo runs tests inside module loading, holding locks other ORM threads
    wait for, so each worker runs ``_store``'s statement on its own plain
    connection, at Odoo's isolation level (repeatable read)."""

    def test_concurrent_store_inserts_once(self):
        key = f"in:{new_sid()}"
        dsn = odoo.sql_db.connection_info_for(self.env.cr.dbname)[1]
        public_uid = self.env.ref("base.public_user").id
        store = type(self.env["clienteling.sms.event"])._store
        results, errors, barrier = [], [], threading.Barrier(2)

        class Cursor:
            def __init__(self, raw):
                self.raw = raw

            def execute(self, query):
                self.raw.execute(query.code, query.params)

            def fetchone(self):
                return self.raw.fetchone()

        def worker():
            connection = psycopg2.connect(**dsn)
            connection.set_session(isolation_level="REPEATABLE READ")
            fake_model = SimpleNamespace(
                env=SimpleNamespace(cr=Cursor(connection.cursor()), uid=public_uid),
                browse=bool,
                _sender_number=lambda params: params.get("From"),
            )
            barrier.wait()
            try:
                for _attempt in range(3):  # Odoo's request layer retries serialization failures
                    try:
                        results.append(
                            store(fake_model, "inbound", key, "SMx", None, {"Body": "x"})
                        )
                        connection.commit()
                        break
                    except psycopg2.errors.SerializationFailure:
                        connection.rollback()
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            self.assertFalse(errors)
            self.assertEqual(sorted(results), [False, True])
        finally:
            connection = psycopg2.connect(**dsn)
            with connection, connection.cursor() as cr:
                cr.execute("DELETE FROM clienteling_sms_event WHERE dedup_key = %s", [key])
            connection.close()
