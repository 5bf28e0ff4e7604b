from unittest.mock import patch

from odoo import api
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from odoo.addons.clienteling_sms.tools.provider import ProviderError

from ..tools.provider import Submission
from ..tools.sandbox_compliance import SandboxCompliance
from .common import PDF, ComplianceHttpCase, b64

PATH = "/clienteling/compliance/sandbox/status/%s"


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestStatusCallbacks(ComplianceHttpCase):
    """The provider's status callbacks over HTTP, signed as its SMS webhooks."""

    def setUp(self):
        super().setUp()
        self.application = self.ready(self.new_application("GB", "mobile"))
        self.submit(self.application)
        self.Event = self.env["clienteling.compliance.event"]

    def payload(self, status, application=None, **extra):
        application = application or self.application
        params = SandboxCompliance.review_payload(
            self.account._provider_account_ref(), application.bundle_ref, status
        )
        params.update(extra)
        return params

    def post(self, params, application_id=None, signature=None, provider="sandbox"):
        path = PATH % (application_id or self.application.id)
        if provider != "sandbox":
            path = path.replace("/sandbox/", f"/{provider}/")
        sms = self.account._get_provider()
        if signature is None:
            signature = sms.sign(self.account.webhook_base_url + path, params)
        headers = {sms.signature_header: signature} if signature is not False else {}
        response = self.url_open(path, data=params, headers=headers, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def events(self):
        return self.Event.search([("application_id", "=", self.application.id)])

    def test_signed_callback_changes_the_state(self):
        response = self.post(self.payload("in-review"))
        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.application.state, "in_review")
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertTrue(event.processed)
        self.assertEqual(event.payload["Status"], "in-review")
        response = self.post(
            self.payload("twilio-rejected", FailureReason="The excerpt is unreadable.")
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.application.state, "rejected")
        self.assertEqual(self.application.rejection_reason, "The excerpt is unreadable.")
        self.assertEqual(len(self.events()), 2)

    def test_forged_signature_refused(self):
        params = self.payload("twilio-approved")
        for signature in ("forged", "", False):
            response = self.post(params, signature=signature)
            self.assertEqual(response.status_code, 403, repr(signature))
        # signed for other values: the status was changed on the way
        sms = self.account._get_provider()
        path = PATH % self.application.id
        signature = sms.sign(self.account.webhook_base_url + path, self.payload("in-review"))
        response = self.post(params, signature=signature)
        self.assertEqual(response.status_code, 403)
        # signed for another application's path
        other = PATH % (self.application.id + 1)
        signature = sms.sign(self.account.webhook_base_url + other, params)
        self.assertEqual(self.post(params, signature=signature).status_code, 403)
        self.assertEqual(self.application.state, "submitted")
        self.assertFalse(self.events())

    def test_replay_changes_nothing(self):
        in_review = self.payload("in-review")
        self.assertEqual(self.post(in_review).status_code, 204)
        self.assertEqual(self.post(self.payload("twilio-approved")).status_code, 204)
        self.assertEqual(self.application.state, "approved")
        self.assertEqual(len(self.events()), 2)
        # the same signed call again: taken, but nothing changes
        self.assertEqual(self.post(in_review).status_code, 204)
        self.assertEqual(self.application.state, "approved")
        self.assertEqual(len(self.events()), 2)

    def test_callback_about_another_bundle_changes_nothing(self):
        other = self.ready(self.new_application("DE", "mobile"))
        self.submit(other)
        for ref in (other.bundle_ref, "BU" + "0" * 32, ""):
            params = self.payload("twilio-approved", BundleSid=ref)
            with self.assertLogs("odoo.addons.clienteling_compliance", "WARNING"):
                self.assertEqual(self.post(params).status_code, 204)
        self.assertEqual(self.application.state, "submitted")
        self.assertEqual(other.state, "submitted")
        self.assertEqual(len(self.events()), 3, "kept as received")

    def test_update_copy_followed_by_callbacks_and_poll(self):
        self.post(self.payload("twilio-approved"))
        self.assertEqual(self.application.state, "approved")
        original = self.application.bundle_ref
        self.application.sudo().write({"state": "update_needed", "update_reason": "Test"})
        self.application.with_user(self.officer).action_start_update()
        copy = self.application.update_bundle_ref
        self.assertTrue(copy)
        self.submit(self.application)
        # a callback about the original bundle does not decide the copy
        with self.assertLogs("odoo.addons.clienteling_compliance", "WARNING"):
            self.post(self.payload("twilio-rejected", FailureReason="Old", BundleSid=original))
        self.assertEqual(self.application.update_bundle_ref, copy)
        self.assertFalse(self.application.rejection_reason)
        # the poll asks about the copy, and its approval puts it in place
        with (
            patch.object(
                SandboxCompliance,
                "fetch_bundle",
                return_value=Submission(copy, "twilio-approved"),
            ) as fetch,
            patch.object(SandboxCompliance, "replace_items", return_value=True) as replace,
        ):
            self.Application._cron_poll_status()
        fetch.assert_called_once_with(copy)
        replace.assert_called_once_with(original, copy)
        self.assertEqual(self.application.state, "approved")
        self.assertFalse(self.application.update_bundle_ref)
        self.assertEqual(self.application.bundle_ref, original)

    def test_unknown_application_or_provider(self):
        last = self.Application.sudo().search([], order="id desc", limit=1)
        params = self.payload("twilio-approved")
        self.assertEqual(self.post(params, application_id=last.id + 1000).status_code, 404)
        self.assertEqual(self.post(params, provider="nope").status_code, 404)
        # the route takes ids only
        response = self.url_open("/clienteling/compliance/sandbox/status/abc", data=params)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.application.state, "submitted")
        self.assertFalse(self.events())

    def test_callback_naming_another_account_refused(self):
        params = self.payload("twilio-approved", AccountSid="AC" + "1" * 32)
        self.assertEqual(self.post(params).status_code, 403)
        self.assertEqual(self.application.state, "submitted")
        self.assertFalse(self.events())

    def test_callback_of_an_archived_account_refused(self):
        params = self.payload("twilio-approved")
        self.account.active = False
        self.assertEqual(self.post(params).status_code, 404)
        self.assertEqual(self.application.state, "submitted")

    def test_poll_cron(self):
        draft = self.new_application("DE", "mobile")
        approved = Submission(self.application.bundle_ref, "twilio-approved")
        with patch.object(SandboxCompliance, "fetch_bundle", return_value=approved) as fetch:
            self.Application._cron_poll_status()
        fetch.assert_called_once_with(self.application.bundle_ref)
        self.assertEqual(self.application.state, "approved")
        self.assertEqual(draft.state, "draft")
        # nothing pending: nothing asked
        with patch.object(SandboxCompliance, "fetch_bundle") as fetch:
            self.Application._cron_poll_status()
        fetch.assert_not_called()

    def test_poll_cron_rejection_and_provider_failure(self):
        second = self.ready(self.new_application("DE", "mobile"))
        self.submit(second)
        answers = {
            self.application.bundle_ref: Submission(
                self.application.bundle_ref, "twilio-rejected", reason="Bill too old."
            ),
        }

        def fetch(provider, ref):
            if ref not in answers:
                raise ProviderError("Service unavailable", code="20503", kind="unavailable")
            return answers[ref]

        with (
            patch.object(SandboxCompliance, "fetch_bundle", autospec=True, side_effect=fetch),
            self.assertLogs("odoo.addons.clienteling_compliance", "WARNING") as logs,
        ):
            self.Application._cron_poll_status()
        self.assertEqual(self.application.state, "rejected")
        self.assertEqual(self.application.rejection_reason, "Bill too old.")
        self.assertEqual(second.state, "submitted", "asked again at the next poll")
        self.assertIn(f"application {second.id}", logs.output[0])
        # the provider's status unknown ("") changes nothing
        with patch.object(
            SandboxCompliance, "fetch_bundle", return_value=Submission(second.bundle_ref, "")
        ):
            self.Application._cron_poll_status()
        self.assertEqual(second.state, "submitted")


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestConcurrentSubmit(TransactionCase):
    """Two submits of one application at the same time make one submission.

    Real transactions on committed data (removed at the end): one holds the
    application's row lock while the other submits."""

    def test_concurrent_submits(self):
        db = db_connect(self.env.cr.dbname)
        admin = self.env.ref("base.user_admin").id
        ids = {}
        with db.cursor() as connection:
            env = api.Environment(connection, admin, {"tracking_disable": True})
            # the company's one active account (the demo's sandbox), else one of our own
            account = env["clienteling.sms.account"]._for_company()
            if account and account.provider != "sandbox":
                self.skipTest(f"{env.company.name} texts through {account.provider}")
            if not account:
                account = env["clienteling.sms.account"].create(
                    {
                        "name": "Concurrent sandbox",
                        "provider": "sandbox",
                        "company_id": env.company.id,
                        "webhook_base_url": "https://concurrent.example.com",
                    }
                )
                ids["account"] = account.id
            country = env.ref("base.nl")  # no application in the demo data
            regulation = env["clienteling.compliance.regulation"]._find(
                "sandbox", country, "mobile", "business"
            )
            application = env["clienteling.compliance.application"].create(
                {"regulation_id": regulation.id, "account_id": account.id}
            )
            for line in application.line_ids:
                line.value = {
                    "business_registration_number": "12345678",
                    "business_website": "https://concurrent.example.com",
                    "email": "legal@concurrent.example.com",
                }.get(line.name, line.value or f"Test {line.label}")
            for requirement in regulation.document_ids:
                env["clienteling.compliance.document"].create(
                    {
                        "application_id": application.id,
                        "requirement_id": requirement.id,
                        "document_type_id": requirement.document_type_ids[0].id,
                        "file": b64(PDF),
                        "filename": "document.pdf",
                    }
                )
            ids["application"] = application.id
            connection.commit()
        try:
            with db.cursor() as cr_a, db.cursor() as cr_b:
                env_a = api.Environment(cr_a, admin, {"tracking_disable": True})
                env_b = api.Environment(cr_b, admin, {"tracking_disable": True})
                app_a = env_a["clienteling.compliance.application"].browse(ids["application"])
                app_b = env_b["clienteling.compliance.application"].browse(ids["application"])
                # A submit holds the row...
                cr_a.execute(
                    "SELECT id FROM clienteling_compliance_application WHERE id = %s FOR UPDATE",
                    [app_a.id],
                )
                # ...the other says so at once, and creates nothing.
                with (
                    patch.object(SandboxCompliance, "create_end_user") as create_end_user,
                    self.assertLogs("odoo.sql_db", "ERROR") as logs,
                    self.assertRaisesRegex(UserError, "is being submitted by someone else"),
                ):
                    app_b.action_submit()
                self.assertIn("could not obtain lock", logs.output[0])
                create_end_user.assert_not_called()
                self.assertEqual(app_b.state, "draft")
                self.assertFalse(app_b.bundle_ref or app_b.end_user_ref)
                self.assertFalse(app_b.document_ids.filtered("submitted"))
                cr_b.rollback()
                result = app_a.action_submit()
                self.assertEqual(result["params"]["type"], "success")
                self.assertEqual(app_a.state, "submitted")
                bundle = app_a.bundle_ref
                cr_a.commit()
                # Once it is committed, the second is refused: already submitted.
                env_b.invalidate_all()
                with patch.object(SandboxCompliance, "create_bundle") as create_bundle:
                    with self.assertRaisesRegex(UserError, "already Submitted"):
                        app_b.action_submit()
                create_bundle.assert_not_called()
                self.assertEqual(app_b.bundle_ref, bundle)
                cr_b.rollback()
        finally:
            with db.cursor() as connection:
                env = api.Environment(connection, admin, {})
                application = env["clienteling.compliance.application"].browse(
                    ids.get("application")
                )
                documents = env["clienteling.compliance.document"].search(
                    [("application_id", "in", application.ids)]
                )
                env["ir.attachment"].sudo().search(
                    [
                        ("res_model", "=", "clienteling.compliance.document"),
                        ("res_id", "in", documents.ids),
                    ]
                ).unlink()
                for model in ("mail.message", "mail.followers", "mail.activity"):
                    env[model].sudo().search(
                        [
                            (
                                "res_model" if model != "mail.message" else "model",
                                "=",
                                application._name,
                            ),
                            ("res_id", "in", application.ids),
                        ]
                    ).unlink()
                connection.execute(
                    "DELETE FROM clienteling_compliance_application WHERE id IN %s",
                    [tuple(application.ids) or (0,)],
                )
                env["clienteling.sms.account"].browse(ids.get("account")).exists().unlink()
                connection.commit()
