import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_security import PDF, ComplianceSecurityCase

# The records of an application only compliance officers reach.
PRIVATE_MODELS = (
    "clienteling.compliance.application",
    "clienteling.compliance.application.line",
    "clienteling.compliance.document",
    "clienteling.compliance.document.value",
    "clienteling.compliance.address",
    "clienteling.compliance.event",
    "clienteling.compliance.country",
)
CATALOG_MODELS = (
    "clienteling.compliance.regulation",
    "clienteling.compliance.regulation.field",
    "clienteling.compliance.regulation.document",
    "clienteling.compliance.document.type",
)
SECRET = "s3cr3t-auth-token-4f1d"


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestComplianceSecurity(ComplianceSecurityCase):
    def _private_records(self):
        return {
            "clienteling.compliance.application": self.application,
            "clienteling.compliance.application.line": self.application.line_ids[:1],
            "clienteling.compliance.document": self.document,
            "clienteling.compliance.document.value": self.document.value_ids[:1],
            "clienteling.compliance.address": self.address,
            "clienteling.compliance.event": self.event,
        }

    def test_setup_is_what_the_tests_say(self):
        system = self.env.ref("base.group_system")
        self.assertNotIn(system, self.user_manager.groups_id)
        self.assertTrue(
            self.user_manager.has_group("clienteling_compliance.group_compliance_officer")
        )
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_internal):
            self.assertFalse(user.has_group("clienteling_compliance.group_compliance_officer"))
        self.assertEqual(len(self.document.value_ids), 1)
        self.assertTrue(self._file_attachment(self.document))

    def test_officers_read_and_write_their_company_applications(self):
        for user in (self.user_manager, self.user_officer):
            with self.subTest(user=user.name):
                for model, record in self._private_records().items():
                    self.assertTrue(record.ensure_one())
                    self.assertEqual(
                        self.env[model].with_user(user).search([("id", "=", record.id)]), record
                    )
                    record.with_user(user).read(["company_id"])
                application = self.application.with_user(user)
                application.email = f"{user.login}@example.com"
                line = application.line_ids.filtered(lambda line: line.name == "business_name")
                line.value = "Test Retail GmbH"
                self.assertEqual(line.value, "Test Retail GmbH")
                document = self.document.with_user(user)
                self.assertEqual(document.file, self.document.sudo().file)
                document.value_ids.value = "Test Retail GmbH"
                document.filename = "excerpt-2026.pdf"
                country = self.env["clienteling.compliance.country"].with_user(user)
                self.assertIn(self.de, country.search([]).country_id)
        # the Clienteling administrator opens an application of another country
        ireland = self.env["clienteling.compliance.regulation"]._find(
            "sandbox", self.env.ref("base.ie"), "mobile", "business"
        )
        created = (
            self.env["clienteling.compliance.application"]
            .with_user(self.user_manager)
            .create({"regulation_id": ireland.id, "account_id": self.account.id})
        )
        self.assertEqual(created.company_id, self.company)
        self.assertTrue(created.line_ids)
        created.unlink()

    def test_associates_store_managers_and_internal_users_see_no_application(self):
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_internal):
            for model, record in self._private_records().items():
                with self.subTest(user=user.name, model=model):
                    Model = self.env[model].with_user(user)
                    with self.assertRaises(AccessError):
                        Model.search([])
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["company_id"])
                    with self.assertRaises(AccessError):
                        record.with_user(user).check_access("write")
                    with self.assertRaises(AccessError):
                        record.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["clienteling.compliance.country"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["clienteling.compliance.application"].with_user(user).create(
                    {"regulation_id": self.regulation.id, "account_id": self.account.id}
                )
            with self.assertRaises(AccessError):
                self.env["clienteling.compliance.document"].with_user(user).create(
                    {
                        "application_id": self.application.id,
                        "requirement_id": self.requirement_address.id,
                        "document_type_id": self.type_excerpt.id,
                    }
                )
        with self.assertRaises(AccessError):
            self.application.with_user(self.user_associate_a).write({"email": "x@example.com"})
        with self.assertRaises(AccessError):
            self.document.value_ids.with_user(self.user_store_manager_a).write({"value": "Forged"})
        self.assertTrue(self.application.exists() and self.document.exists())
        self.assertNotEqual(self.document.value_ids.value, "Forged")

    def test_document_files_are_out_of_reach_through_attachments(self):
        attachment = self._file_attachment(self.document)
        self.assertEqual(attachment.raw, PDF)
        domain = [("res_model", "=", "clienteling.compliance.document")]
        for user in (
            self.user_associate_a,
            self.user_store_manager_a,
            self.user_internal,
            self.user_officer_b,
        ):
            with self.subTest(user=user.name):
                Attachment = self.env["ir.attachment"].with_user(user)
                self.assertFalse(Attachment.search(domain))
                self.assertFalse(Attachment.search([*domain, ("res_field", "=", "file")]))
                self.assertFalse(Attachment.search([("id", "=", attachment.id)]))
                with self.assertRaises(AccessError):
                    attachment.with_user(user).read(["datas"])
                with self.assertRaises(AccessError):
                    attachment.with_user(user).write({"datas": b"SGFja2Vk"})
                with self.assertRaises(AccessError):
                    attachment.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    # a new attachment on the document (its chatter) is refused too
                    Attachment.create(
                        {
                            "name": "planted.pdf",
                            "raw": PDF,
                            "res_model": "clienteling.compliance.document",
                            "res_id": self.document.id,
                        }
                    )
        self.assertEqual(attachment.raw, PDF)
        # officers of the company do read it
        officer_attachment = attachment.with_user(self.user_officer)
        self.assertEqual(officer_attachment.raw, PDF)

    def test_store_people_see_the_compliance_state_of_their_store(self):
        for user in (self.user_associate_a, self.user_store_manager_a):
            with self.subTest(user=user.name):
                store = self.store_a.with_user(user)
                self.assertEqual(store.compliance_state, "missing")
                self.assertIn("United States", store.compliance_warning)
                store.invalidate_recordset()
        # an application in progress: the store says where it stands, not what is in it
        us_regulation = self.env["clienteling.compliance.regulation"]._find(
            "sandbox", self.us, "local", "business"
        )
        self.env["clienteling.compliance.application"].create(
            {"regulation_id": us_regulation.id, "account_id": self.account.id}
        )
        for user in (self.user_associate_a, self.user_store_manager_a):
            with self.subTest(user=user.name, state="draft"):
                store = self.store_a.with_user(user)
                store.invalidate_recordset()
                self.assertEqual(store.compliance_state, "pending")
                self.assertIn("Draft", store.compliance_warning)
                store.read(["compliance_state", "compliance_warning"])

    def test_another_company_officer_sees_nothing_of_this_company(self):
        user = self.user_officer_b
        for model, record in self._private_records().items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(user)
                self.assertFalse(Model.search([("id", "=", record.id)]))
                self.assertFalse(Model.search([("company_id", "=", self.company.id)]))
                with self.assertRaises(AccessError):
                    record.with_user(user).read(["company_id"])
        self.assertFalse(self.env["clienteling.compliance.country"].with_user(user).search([]))
        with self.assertRaises(AccessError):
            self.application.with_user(user).write({"email": "b@example.com"})
        with self.assertRaises(AccessError):
            self.document.with_user(user).write({"filename": "stolen.pdf"})
        with self.assertRaises(AccessError):
            self.document.with_user(user).unlink()
        # its buttons are refused, not run
        for button in ("action_check", "action_submit", "action_refresh_status"):
            with self.subTest(button=button), self.assertRaises(AccessError):
                getattr(self.application.with_user(user), button)()
        self.assertEqual(self.application.state, "draft")
        self.assertFalse(self.application.evaluation_date)

    def test_regulations_catalog_readable_by_all_internal_users_never_written(self):
        records = {
            "clienteling.compliance.regulation": self.regulation,
            "clienteling.compliance.regulation.field": self.regulation.field_ids[:1],
            "clienteling.compliance.regulation.document": self.requirement_name,
            "clienteling.compliance.document.type": self.type_excerpt,
        }
        for user in (
            self.user_internal,
            self.user_associate_a,
            self.user_store_manager_a,
            self.user_manager,
            self.user_officer_b,
        ):
            for model, record in records.items():
                with self.subTest(user=user.name, model=model):
                    Model = self.env[model].with_user(user)
                    self.assertIn(record, Model.search([]))
                    record.with_user(user).read(["display_name"])
                    with self.assertRaises(AccessError):
                        record.with_user(user).check_access("write")
                    with self.assertRaises(AccessError):
                        Model.create({"name": "Planted"})
                    with self.assertRaises(AccessError):
                        record.with_user(user).unlink()
                    with self.assertRaises(AccessError):
                        record.with_user(user).copy()
        with self.assertRaises(AccessError):
            self.regulation.with_user(self.user_manager).write({"self_service": False})
        self.assertTrue(self.regulation.self_service)

    def test_buttons_refuse_non_officers(self):
        application = self.application
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_internal):
            for button in (
                "action_check",
                "action_submit",
                "action_refresh_status",
                "action_start_update",
            ):
                with self.subTest(user=user.name, button=button):
                    with self.assertRaisesRegex(UserError, "Only compliance officers"):
                        getattr(application.with_user(user), button)()
            with self.subTest(user=user.name, button="refresh regulations"):
                with self.assertRaisesRegex(UserError, "Only compliance officers"):
                    self.account.with_user(user).action_refresh_regulations()
                with self.assertRaisesRegex(UserError, "Only compliance officers"):
                    self.env["clienteling.sms.account"].with_user(user).action_refresh_regulations()
            with self.subTest(user=user.name, button="simulate review"):
                Review = self.env["clienteling.compliance.review"].with_user(user)
                with self.assertRaises(AccessError):
                    Review.create({"application_id": application.id})
                review = self.env["clienteling.compliance.review"].create(
                    {"application_id": application.id}
                )
                with self.assertRaises(Exception) as refusal:
                    review.with_user(user).action_apply()
                self.assertIsInstance(refusal.exception, AccessError | UserError)
        self.assertEqual(application.state, "draft")
        self.assertFalse(application.evaluation_date)
        self.assertFalse(
            self.env["clienteling.compliance.event"].search_count(
                [("application_id", "=", application.id), ("id", "!=", self.event.id)]
            )
        )

    def test_simulate_review_only_for_sandbox_accounts(self):
        self.application.state = "submitted"
        self.application.bundle_ref = "BU" + "1" * 32
        self.account.write(
            {
                "provider": "twilio",
                "twilio_account_sid": "AC" + "1" * 32,
                "twilio_auth_token": SECRET,
                "twilio_api_base_url": "http://127.0.0.1:9",
            }
        )
        review = (
            self.env["clienteling.compliance.review"]
            .with_user(self.user_manager)
            .with_context(active_model=self.application._name, active_id=self.application.id)
            .create({"decision": "twilio-approved"})
        )
        self.assertEqual(review.application_id, self.application)
        with self.assertRaisesRegex(UserError, "Only a sandbox account's reviews are simulated"):
            review.action_apply()
        self.assertEqual(self.application.state, "submitted")

    def test_no_secret_in_chatter_nor_last_error(self):
        self.account.write(
            {
                "provider": "twilio",
                "twilio_account_sid": "AC" + "2" * 32,
                "twilio_auth_token": SECRET,
                "twilio_api_base_url": "http://127.0.0.1:9",
            }
        )
        # the auth token is for system administrators only
        with self.assertRaises(AccessError):
            self.account.with_user(self.user_manager).read(["twilio_auth_token"])
        application = self.application.with_user(self.user_manager)
        application.sudo().write({"state": "submitted", "bundle_ref": "BU" + "2" * 32})
        action = application.action_refresh_status()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertTrue(application.last_error)
        with self.assertRaises(UserError):
            self.account.with_user(self.user_manager).action_refresh_regulations()
        texts = [application.last_error, action["params"]["message"]]
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", application._name), ("res_id", "=", application.id)])
        )
        self.assertTrue(messages)
        texts += [str(m.body) for m in messages]
        texts += [
            str(v.old_value_char) + str(v.new_value_char)
            for v in messages.sudo().tracking_value_ids
        ]
        for text in texts:
            self.assertNotIn(SECRET, text)
            self.assertNotIn("s3cr3t", text)


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestComplianceSecurityHttp(ComplianceSecurityCase, HttpCase):
    """The same boundaries through the web client's own routes."""

    def _call_kw(self, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        with mute_logger("odoo.http", "odoo.sql_db"):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/{method}",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        return response.json()

    def _refused(self, answer):
        self.assertIn("error", answer, answer)
        return answer["error"]["data"]

    def test_store_people_reach_no_application_nor_file_over_http(self):
        attachment = self._file_attachment(self.document)
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_internal):
            with self.subTest(user=user.name):
                self.authenticate(user.login, user.login)
                for model, record in (
                    ("clienteling.compliance.application", self.application),
                    ("clienteling.compliance.document", self.document),
                    ("clienteling.compliance.document.value", self.document.value_ids),
                    ("clienteling.compliance.application.line", self.application.line_ids[:1]),
                    ("clienteling.compliance.address", self.address),
                    ("clienteling.compliance.event", self.event),
                ):
                    error = self._refused(
                        self._call_kw(model, "search_read", [[]], {"fields": ["id"]})
                    )
                    self.assertEqual(error["name"], "odoo.exceptions.AccessError", model)
                    error = self._refused(self._call_kw(model, "read", [record.ids, ["id"]]))
                    self.assertEqual(error["name"], "odoo.exceptions.AccessError", model)
                error = self._refused(
                    self._call_kw(
                        "clienteling.compliance.document",
                        "write",
                        [self.document.ids, {"filename": "x"}],
                    )
                )
                answer = self._call_kw(
                    "ir.attachment",
                    "search_read",
                    [[("res_model", "=", "clienteling.compliance.document")]],
                    {"fields": ["datas"]},
                )
                self.assertEqual(answer.get("result", []), [])
                answer = self._call_kw("ir.attachment", "read", [attachment.ids, ["datas"]])
                self.assertEqual(self._refused(answer)["name"], "odoo.exceptions.AccessError")
                for url in (
                    f"/web/content/clienteling.compliance.document/{self.document.id}/file",
                    f"/web/content/{attachment.id}",
                    f"/web/content/{attachment.id}?download=true",
                ):
                    with mute_logger("odoo.http"):
                        response = self.url_open(url)
                    self.assertIn(response.status_code, (403, 404), url)
                    self.assertNotIn(PDF[:20], response.content, url)
                # /web/image answers a placeholder picture, never the file
                response = self.url_open(f"/web/image/{attachment.id}")
                self.assertNotIn(PDF[:20], response.content)
                self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
                # a button through RPC
                error = self._refused(
                    self._call_kw(
                        "clienteling.compliance.application", "action_check", [self.application.ids]
                    )
                )
                self.assertIn("Only compliance officers", error["message"])
                # the store's state is theirs to see
                answer = self._call_kw(
                    "clienteling.store",
                    "read",
                    [self.store_a.ids, ["compliance_state", "compliance_warning"]],
                )
                self.assertEqual(answer["result"][0]["compliance_state"], "missing", answer)
        self.assertEqual(self.document.filename, "excerpt.pdf")
        self.assertEqual(self.application.state, "draft")

    def test_officers_download_their_company_files_only(self):
        attachment = self._file_attachment(self.document)
        self.authenticate(self.user_manager.login, self.user_manager.login)
        response = self.url_open(
            f"/web/content/clienteling.compliance.document/{self.document.id}/file"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF)
        answer = self._call_kw(
            "clienteling.compliance.document", "search_read", [[]], {"fields": ["filename"]}
        )
        self.assertIn(self.document.id, [r["id"] for r in answer["result"]])
        # another company's officer: nothing
        self.authenticate(self.user_officer_b.login, self.user_officer_b.login)
        answer = self._call_kw(
            "clienteling.compliance.application", "search_read", [[]], {"fields": ["name"]}
        )
        self.assertNotIn(self.application.id, [r["id"] for r in answer["result"]])
        error = self._refused(
            self._call_kw(
                "clienteling.compliance.application", "read", [self.application.ids, ["name"]]
            )
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        for url in (
            f"/web/content/clienteling.compliance.document/{self.document.id}/file",
            f"/web/content/{attachment.id}",
        ):
            with mute_logger("odoo.http"):
                response = self.url_open(url)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn(PDF[:20], response.content)
        error = self._refused(
            self._call_kw(
                "clienteling.compliance.application", "action_submit", [self.application.ids]
            )
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.application.state, "draft")
