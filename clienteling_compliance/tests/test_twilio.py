import copy
import json
from datetime import date

from odoo.exceptions import RedirectWarning, UserError
from odoo.tests import tagged

from .common_security import PDF, PNG, ComplianceSecurityCase, b64
from .twilio_compliance_recorder import DE_LOCAL_BUSINESS, IE_LOCAL_BUSINESS, ComplianceRecorder

ACCOUNT = "AC" + "5" * 32
TOKEN = "t0k3n-compliance-secret"
RC = "/v2/RegulatoryCompliance"


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestComplianceTwilio(ComplianceSecurityCase):
    """The Twilio compliance provider inside Odoo, against the local recorder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_partner = cls.env["res.partner"].create(
            {
                "name": "Test Friedrichstraße",
                "street": "Friedrichstraße 100",
                "city": "Berlin",
                "zip": "10117",
                "country_id": cls.de.id,
            }
        )
        cls.berlin = cls.env["clienteling.store"].create(
            {
                "name": "Test Friedrichstraße",
                "code": "T-BER",
                "country_id": cls.de.id,
                "tz": "Europe/Berlin",
                "landline": "+49 30 1234567",
                "partner_id": cls.store_partner.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.recorder = ComplianceRecorder()
        self.recorder.__enter__()
        self.addCleanup(self.recorder.__exit__, None, None, None)
        self.account.write(
            {
                "provider": "twilio",
                "twilio_account_sid": ACCOUNT,
                "twilio_auth_token": TOKEN,
                "twilio_api_base_url": self.recorder.url,
            }
        )

    # Helpers.

    def _posts(self, path):
        return [r for r in self.recorder.requests if r["method"] == "POST" and r["path"] == path]

    def _refresh(self):
        return self.account.with_user(self.user_manager).action_refresh_regulations()

    def _twilio_regulation(self, country, number_type="local", kind="bundle"):
        return self.env["clienteling.compliance.regulation"].search(
            [
                ("provider", "=", "twilio"),
                ("country_id", "=", country.id),
                ("number_type", "=", number_type),
                ("kind", "=", kind),
            ]
        )

    def _application(self, complete=True):
        """A Twilio application for German local numbers (the Berlin store's),
        every piece of information and document given."""
        self._refresh()
        regulation = self._twilio_regulation(self.de)
        application = (
            self.env["clienteling.compliance.application"]
            .with_user(self.user_manager)
            .create(
                {
                    "regulation_id": regulation.id,
                    "account_id": self.account.id,
                    "store_id": self.berlin.id,
                }
            )
        )
        if complete:
            application.line_ids.filtered(
                lambda line: line.name == "business_registration_number"
            ).value = "HRB 12345"
            for requirement in regulation.document_ids:
                self._new_document(
                    requirement,
                    requirement.document_type_ids.filtered(
                        lambda t: t.code == "commercial_registrar_excerpt"
                    ),
                    PDF,
                    f"{requirement.name}.pdf",
                    application=application,
                )
        return application

    def _submitted(self):
        application = self._application()
        action = application.action_submit()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        return application

    # Regulations.

    def test_refresh_stores_the_providers_regulations(self):
        action = self._refresh()
        self.assertEqual(
            action["params"]["message"],
            "Regulations read from the provider: 0 changed since the last reading.",
        )
        (listing,) = [r for r in self.recorder.requests if r["path"] == f"{RC}/Regulations"]
        self.assertEqual(listing["method"], "GET")
        self.assertEqual(listing["query"]["IncludeConstraints"], ["true"])
        self.assertEqual(listing["user"], ACCOUNT)
        germany = self._twilio_regulation(self.de)
        germany.ensure_one()
        self.assertEqual(germany.provider_ref, DE_LOCAL_BUSINESS["sid"])
        self.assertEqual(germany.name, "Germany: Local - Business")
        self.assertEqual(germany.end_user_type, "business")
        self.assertEqual(
            germany.field_ids.mapped("name"), ["business_name", "business_registration_number"]
        )
        self.assertEqual(
            germany.field_ids.mapped("label"), ["Business Name", "Business Registration Number"]
        )
        self.assertTrue(all(germany.field_ids.mapped("required")))
        by_name = {d.name: d for d in germany.document_ids}
        self.assertEqual(set(by_name), {"business_name_info", "proof_of_address_info"})
        self.assertEqual(
            by_name["business_name_info"].document_type_ids.mapped("code"),
            ["commercial_registrar_excerpt"],
        )
        self.assertEqual(
            set(by_name["proof_of_address_info"].document_type_ids.mapped("code")),
            {"commercial_registrar_excerpt", "utility_bill"},
        )
        # the address ids are the addon's to send, not a field read from the document
        self.assertEqual(
            by_name["proof_of_address_info"].type_fields,
            {
                "commercial_registrar_excerpt": ["business_name"],
                "utility_bill": ["first_name", "last_name"],
            },
        )
        self.assertTrue(germany.fingerprint and germany.fetched_at and germany.requirements)
        # what Twilio does not say comes from the catalog (seed 000)
        self.assertTrue(germany.self_service)
        self.assertTrue(germany.per_number)
        self.assertEqual(germany.address_rule, "locality")
        ireland = self._twilio_regulation(self.env.ref("base.ie"))
        self.assertEqual(ireland.provider_ref, IE_LOCAL_BUSINESS["sid"])
        identity = ireland.field_ids.filtered(lambda f: f.name == "business_identity")
        self.assertEqual(identity.choices, "DIRECT_CUSTOMER | INDEPENDENT_SOFTWARE_VENDOR")
        self.assertFalse(ireland.field_ids.filtered(lambda f: f.name == "comments").required)
        # US and CA registrations from the offline catalog, under Twilio
        us_kinds = set(
            self.env["clienteling.compliance.regulation"]
            .search([("provider", "=", "twilio"), ("country_id", "=", self.us.id)])
            .mapped("kind")
        )
        self.assertTrue({"a2p_10dlc", "toll_free"} <= us_kinds, us_kinds)
        self.assertTrue(
            self.env["clienteling.compliance.regulation"].search_count(
                [("provider", "=", "twilio"), ("country_id.code", "=", "CA")]
            )
        )
        self.assertFalse(
            self.env["clienteling.compliance.regulation"].search_count(
                [
                    ("provider", "=", "twilio"),
                    ("kind", "=", "bundle"),
                    ("country_id.code", "=", "FR"),
                ]
            ),
            "bundles only as the provider lists them",
        )
        # the sandbox's catalog is untouched
        self.assertEqual(self.regulation.provider, "sandbox")
        self.assertTrue(self.regulation.active)

    def test_refresh_refused_by_the_provider_changes_nothing(self):
        self._refresh()
        germany = self._twilio_regulation(self.de)
        fingerprint = germany.fingerprint
        self.recorder.fail_on("/Regulations", 401, 20003, "Authenticate")
        with self.assertRaisesRegex(UserError, "The regulations could not be read: .*credentials"):
            self._refresh()
        self.assertEqual(germany.fingerprint, fingerprint)
        self.assertTrue(germany.active)

    def test_changed_requirements_turn_an_approved_application_update_needed(self):
        application = self._application()
        regulation = application.regulation_id
        application.sudo().write(
            {
                "state": "approved",
                "bundle_ref": "BU" + "a" * 32,
                "submitted_fingerprint": regulation.fingerprint,
                "submitted_requirements": regulation.requirements,
            }
        )
        # the same requirements again: nothing changes
        self.assertIn("0 changed", self._refresh()["params"]["message"])
        self.assertEqual(application.state, "approved")
        changed = copy.deepcopy(DE_LOCAL_BUSINESS)
        end_user = changed["requirements"]["end_user"][0]
        end_user["fields"].append("business_website")
        end_user["detailed_fields"].append(
            {"machine_name": "business_website", "friendly_name": "Business Website"}
        )
        self.recorder.regulations = [IE_LOCAL_BUSINESS, changed]
        action = self._refresh()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("1 changed", action["params"]["message"])
        self.assertEqual(application.state, "update_needed")
        self.assertIn("New information asked: Business Website", application.update_reason)
        self.assertIn("business_website", application.line_ids.mapped("name"))
        self.assertTrue(
            application.activity_ids.filtered(lambda a: "Update needed" in (a.summary or ""))
        )

    # Check.

    def test_check_shows_each_finding_next_to_its_information_or_document(self):
        application = self._application()
        self.recorder.evaluation = "noncompliant"
        action = application.action_check()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("3 requirements are not met", action["params"]["message"])
        self.assertFalse(application.check_passed)
        self.assertEqual(len(application.evaluation), 3)
        self.assertEqual(application.state, "draft")
        lines = {line.name: line for line in application.line_ids}
        self.assertEqual(lines["business_registration_number"].problem, "Required.")
        self.assertEqual(lines["business_registration_number"].status, "problem")
        self.assertFalse(lines["business_name"].problem)
        documents = {d.requirement_id.name: d for d in application.document_ids}
        self.assertEqual(
            documents["business_name_info"].problem,
            "An Excerpt from the commercial register is missing. Please add one to the "
            "regulatory bundle.",
        )
        self.assertEqual(
            documents["proof_of_address_info"].problem, "Last name is not read from the document."
        )
        # the provider's evaluation was asked once, of the bundle built for it
        evaluations = [r for r in self.recorder.requests if r["path"].endswith("/Evaluations")]
        self.assertEqual(len(evaluations), 1)
        self.assertEqual(
            evaluations[0]["path"], f"{RC}/Bundles/{application.bundle_ref}/Evaluations"
        )
        # a compliant check clears the marks
        self.recorder.evaluation = "compliant"
        action = application.action_check()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(application.check_passed)
        self.assertFalse(any(application.line_ids.mapped("problem")))
        self.assertFalse(any(application.document_ids.mapped("problem")))

    def test_local_check_failing_asks_nothing_of_the_provider(self):
        application = self._application(complete=False)
        before = len(self.recorder.requests)
        action = application.action_check()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(len(self.recorder.requests), before)
        self.assertFalse(application.end_user_ref or application.bundle_ref)
        line = application.line_ids.filtered(lambda l_: l_.name == "business_registration_number")
        self.assertEqual(line.problem, "Required.")
        # a wrong registration number format is said in words too
        line.value = "not a number"
        application.action_check()
        self.assertEqual(
            line.problem, "This is not a registration number of this country's format."
        )

    # Submit.

    def test_submit_pushes_each_item_once_with_the_file(self):
        application = self._submitted()
        self.assertEqual(application.state, "submitted")
        self.assertEqual(len(self._posts(f"{RC}/EndUsers")), 1)
        addresses = self._posts(f"/2010-04-01/Accounts/{ACCOUNT}/Addresses.json")
        self.assertEqual(len(addresses), 1)
        # a locality: the store's own address
        self.assertEqual(addresses[0]["form"]["Street"], ["Friedrichstraße 100"])
        self.assertEqual(addresses[0]["form"]["IsoCountry"], ["DE"])
        uploads = self._posts(f"{RC}/SupportingDocuments")
        self.assertEqual(len(uploads), 2)
        for upload in uploads:
            self.assertTrue(upload["content_type"].startswith("multipart/form-data"))
            self.assertEqual(upload["files"]["File"]["content"], PDF)
            self.assertEqual(upload["files"]["File"]["content_type"], "application/pdf")
            self.assertEqual(upload["form"]["Type"], ["commercial_registrar_excerpt"])
            attributes = json.loads(upload["form"]["Attributes"][0])
            self.assertEqual(attributes["business_name"], self.company.name)
            self.assertEqual(attributes["address_sids"], [application.address_ref])
            self.assertEqual(upload["user"], ACCOUNT)
        (bundle,) = self._posts(f"{RC}/Bundles")
        self.assertEqual(bundle["form"]["RegulationSid"], [DE_LOCAL_BUSINESS["sid"]])
        self.assertEqual(
            bundle["form"]["StatusCallback"],
            [f"https://shop.example.com/clienteling/compliance/twilio/status/{application.id}"],
        )
        bundle_ref = application.bundle_ref
        assignments = self._posts(f"{RC}/Bundles/{bundle_ref}/ItemAssignments")
        self.assertEqual(
            sorted(a["form"]["ObjectSid"][0] for a in assignments),
            sorted([application.end_user_ref, *application.document_ids.mapped("provider_ref")]),
        )
        self.assertEqual(len(self._posts(f"{RC}/Bundles/{bundle_ref}/Evaluations")), 1)
        (submit,) = self._posts(f"{RC}/Bundles/{bundle_ref}")
        self.assertEqual(submit["form"]["Status"], ["pending-review"])
        self.assertTrue(application.end_user_ref.startswith("IT"))
        self.assertTrue(application.address_ref.startswith("AD"))
        self.assertTrue(
            all(ref.startswith("RD") for ref in application.document_ids.mapped("provider_ref"))
        )
        self.assertTrue(all(application.document_ids.mapped("submitted")))
        # submitted twice: refused, nothing sent
        before = len(self.recorder.requests)
        with self.assertRaisesRegex(UserError, "is already Submitted"):
            application.action_submit()
        self.assertEqual(len(self.recorder.requests), before)

    def test_failure_midway_keeps_what_was_created_and_a_retry_duplicates_nothing(self):
        application = self._application()
        self.recorder.fail_on(f"{RC}/Bundles", 400, 70002, "The bundle could not be created")
        action = application.action_submit()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("The bundle could not be created", action["params"]["message"])
        self.assertIn("The bundle could not be created", application.last_error)
        self.assertEqual(application.state, "draft")
        self.assertFalse(application.bundle_ref)
        end_user, address = application.end_user_ref, application.address_ref
        documents = application.document_ids.mapped("provider_ref")
        self.assertTrue(end_user and address and all(documents))
        self.assertFalse(any(application.document_ids.mapped("submitted")))
        messages = application.message_ids.mapped("body")
        self.assertTrue(any("The bundle could not be created" in str(m) for m in messages))
        self.assertFalse(any(TOKEN in str(m) for m in messages))
        # retried once the provider answers again
        self.recorder.fail_paths.clear()
        action = application.action_submit()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertEqual(application.state, "submitted")
        self.assertFalse(application.last_error)
        self.assertEqual(application.end_user_ref, end_user)
        self.assertEqual(application.document_ids.mapped("provider_ref"), documents)
        self.assertEqual(len(self._posts(f"{RC}/EndUsers")), 1)
        self.assertEqual(len(self._posts(f"{RC}/EndUsers/{end_user}")), 1)  # updated, not created
        self.assertEqual(len(self._posts(f"/2010-04-01/Accounts/{ACCOUNT}/Addresses.json")), 1)
        self.assertEqual(len(self._posts(f"{RC}/SupportingDocuments")), 2)
        self.assertEqual(len(self._posts(f"{RC}/Bundles")), 2)  # the failed one, the created one
        self.assertEqual(
            len(self._posts(f"{RC}/Bundles/{application.bundle_ref}/ItemAssignments")), 3
        )

    def test_failure_at_an_upload_resumes_at_that_document(self):
        application = self._application()
        self.recorder.fail_on(
            "/SupportingDocuments", 400, 22209, "The supporting document could not be read"
        )
        action = application.action_submit()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertTrue(application.end_user_ref)
        self.assertFalse(any(application.document_ids.mapped("provider_ref")))
        self.assertFalse(application.bundle_ref)
        self.recorder.fail_paths.clear()
        application.action_submit()
        self.assertEqual(application.state, "submitted")
        self.assertEqual(len(self._posts(f"{RC}/EndUsers")), 1)
        # the refused upload and the two that went through
        self.assertEqual(len(self._posts(f"{RC}/SupportingDocuments")), 3)

    # Status.

    def test_refresh_status_follows_the_bundle_to_approval_and_valid_until(self):
        application = self._submitted()
        bundle = application.bundle_ref
        self.recorder.bundle_status[bundle] = "in-review"
        application.action_refresh_status()
        self.assertEqual(application.state, "in_review")
        self.recorder.bundle_status[bundle] = "twilio-approved"
        application.action_refresh_status()
        self.assertEqual(application.state, "approved")
        self.assertTrue(application.approved_date)
        self.assertTrue(
            application.activity_ids.filtered(lambda a: (a.summary or "").startswith("Approved"))
        )
        self.recorder.valid_until[bundle] = "2027-03-31T00:00:00Z"
        application.action_refresh_status()
        self.assertEqual(application.state, "update_needed")
        self.assertEqual(application.valid_until, date(2027, 3, 31))
        self.assertIn("2027-03-31", application.update_reason)
        fetches = [
            r
            for r in self.recorder.requests
            if r["method"] == "GET" and r["path"] == f"{RC}/Bundles/{bundle}"
        ]
        self.assertEqual(len(fetches), 3)

    def test_refresh_status_rejected_with_the_reason(self):
        application = self._submitted()
        bundle = application.bundle_ref
        document = application.document_ids[0]
        self.recorder.bundle_status[bundle] = "twilio-rejected"
        self.recorder.document_failure[document.provider_ref] = "The excerpt is not legible."
        application.action_refresh_status()
        self.assertEqual(application.state, "rejected")
        self.assertEqual(application.rejection_reason, "The excerpt is not legible.")
        self.assertTrue(
            application.activity_ids.filtered(lambda a: "Rejected" in (a.summary or ""))
        )
        # the rejected document is replaced and sent again, once
        self.assertFalse(document.submitted)
        rejected_ref = document.provider_ref
        assigned = [item["object_sid"] for item in self.recorder.assignments[bundle]]
        self.assertIn(rejected_ref, assigned)
        document.write({"file": b64(PNG), "filename": "excerpt.png"})
        self.assertFalse(document.provider_ref)
        application.action_submit()
        # the rejected one went out of the bundle, the new one in
        assigned = [item["object_sid"] for item in self.recorder.assignments[bundle]]
        self.assertNotIn(rejected_ref, assigned)
        self.assertIn(document.provider_ref, assigned)
        self.assertFalse(application.replaced_refs)
        uploads = self._posts(f"{RC}/SupportingDocuments")
        self.assertEqual(len(uploads), 3)
        self.assertEqual(uploads[-1]["files"]["File"]["content"], PNG)
        self.assertEqual(uploads[-1]["files"]["File"]["content_type"], "image/png")
        self.assertEqual(application.state, "submitted")
        self.assertFalse(application.rejection_reason)

    def test_an_update_goes_through_a_copy_that_replaces_the_items(self):
        application = self._submitted()
        original = application.bundle_ref
        self.recorder.bundle_status[original] = "twilio-approved"
        application.action_refresh_status()
        self.assertEqual(application.state, "approved")
        changed = copy.deepcopy(DE_LOCAL_BUSINESS)
        end_user = changed["requirements"]["end_user"][0]
        end_user["fields"].append("business_website")
        end_user["detailed_fields"].append(
            {"machine_name": "business_website", "friendly_name": "Business Website"}
        )
        self.recorder.regulations = [IE_LOCAL_BUSINESS, changed]
        self._refresh()
        self.assertEqual(application.state, "update_needed")
        website = application.line_ids.filtered(lambda line: line.name == "business_website")
        # the new information is checked before anything is copied
        website.value = "retail.example.com"
        self.assertEqual(application.action_check()["params"]["type"], "warning")
        self.assertEqual(website.problem, "This is not a web address (https://...).")
        website.value = "https://retail.example.com"
        application.action_start_update()
        (copy_request,) = self._posts(f"{RC}/Bundles/{original}/Copies")
        self.assertEqual(copy_request["user"], ACCOUNT)
        update = application.update_bundle_ref
        self.assertTrue(update and update != original)
        self.assertFalse(any(application.document_ids.mapped("submitted")))
        # started twice: one copy
        application.action_start_update()
        self.assertEqual(len(self._posts(f"{RC}/Bundles/{original}/Copies")), 1)
        action = application.action_submit()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        (submit,) = self._posts(f"{RC}/Bundles/{update}")
        self.assertEqual(submit["form"]["Status"], ["pending-review"])
        self.assertEqual(len(self._posts(f"{RC}/Bundles/{update}/ItemAssignments")), 3)
        self.assertEqual(len(self._posts(f"{RC}/EndUsers")), 1)
        updated = self._posts(f"{RC}/EndUsers/{application.end_user_ref}")
        attributes = json.loads(updated[-1]["form"]["Attributes"][0])
        self.assertEqual(attributes["business_website"], "https://retail.example.com")
        self.assertEqual(len(self._posts(f"{RC}/SupportingDocuments")), 2)
        # the original keeps its numbers until the copy is approved
        self.assertEqual(application.bundle_ref, original)
        self.assertFalse(self._posts(f"{RC}/Bundles/{original}/ReplaceItems"))
        self.recorder.bundle_status[update] = "twilio-approved"
        application.action_refresh_status()
        (replace,) = self._posts(f"{RC}/Bundles/{original}/ReplaceItems")
        self.assertEqual(replace["form"]["FromBundleSid"], [update])
        self.assertEqual(application.state, "approved")
        self.assertEqual(application.bundle_ref, original)
        self.assertFalse(application.update_bundle_ref)
        self.assertFalse(application.update_reason)
        self.assertEqual(application.submitted_fingerprint, application.regulation_id.fingerprint)

    def test_refresh_status_refused_by_the_provider_is_told(self):
        application = self._submitted()
        self.recorder.fail_on(f"{RC}/Bundles/{application.bundle_ref}", 404, 20404, "Not found")
        action = application.action_refresh_status()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(application.state, "submitted")
        self.assertTrue(application.last_error)
        self.assertNotIn(TOKEN, application.last_error)

    # Numbers.

    def test_a_number_bought_after_approval_carries_the_bundle_and_address(self):
        application = self._submitted()
        self.recorder.bundle_status[application.bundle_ref] = "twilio-approved"
        application.action_refresh_status()
        self.assertEqual(application.state, "approved")
        Number = self.env["clienteling.phone.number"]
        number = Number._purchase(self.account, self.de, store=self.berlin, number_type="local")
        search = [r for r in self.recorder.requests if "/AvailablePhoneNumbers/" in r["path"]]
        self.assertEqual(
            search[0]["path"], f"/2010-04-01/Accounts/{ACCOUNT}/AvailablePhoneNumbers/DE/Local.json"
        )
        (purchase,) = self._posts(f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json")
        self.assertEqual(purchase["form"]["BundleSid"], [application.bundle_ref])
        self.assertEqual(purchase["form"]["AddressSid"], [application.address_ref])
        self.assertEqual(number.compliance_application_id, application)
        self.assertEqual(application.phone_number_id, number)  # Germany: one per number
        # the store's next number needs its own approval
        with self.assertRaises(RedirectWarning) as refusal:
            Number._purchase(self.account, self.de, store=self.berlin, number_type="local")
        self.assertIn("Germany", str(refusal.exception.args[0]))
        self.assertEqual(
            len(self._posts(f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json")), 1
        )

    def test_a_purchase_refused_with_21649_is_told_in_words(self):
        application = self._submitted()
        self.recorder.bundle_status[application.bundle_ref] = "twilio-approved"
        application.action_refresh_status()
        self.recorder.fail_on(
            "/IncomingPhoneNumbers.json",
            400,
            21649,
            "Phone Number Requires a Bundle: This phone number requires a Bundle.",
        )
        wizard = self.env["clienteling.phone.number.provision"].create(
            {
                "account_id": self.account.id,
                "target": "store",
                "store_ids": [(6, 0, self.berlin.ids)],
                "number_type": "local",
            }
        )
        with self.assertRaisesRegex(
            UserError,
            "Test Friedrichstraße: The provider refuses numbers of this country without an "
            r"approved regulatory application \(bundle\).",
        ):
            wizard.action_provision()
        self.assertFalse(self.berlin.clienteling_number_id)
        self.assertFalse(application.phone_number_id)

    def test_no_number_without_an_approved_twilio_application(self):
        self._refresh()
        with self.assertRaises(RedirectWarning) as refusal:
            self.env["clienteling.phone.number"]._purchase(
                self.account, self.de, store=self.berlin, number_type="local"
            )
        message = refusal.exception.args[0]
        self.assertIn("Germany", message)
        self.assertIn("for each number", message)
        self.assertFalse(self._posts(f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json"))

    # US toll-free.

    def test_toll_free_verification_submitted_stores_its_ref(self):
        self._refresh()
        regulation = self._twilio_regulation(self.us, "toll-free", "toll_free")
        regulation.ensure_one()
        toll_free = self.env["clienteling.phone.number"].create(
            {
                "number": "+18005550123",
                "account_id": self.account.id,
                "country_id": self.us.id,
                "number_type": "toll-free",
                "provider_sid": "PN" + "7" * 32,
            }
        )
        application = (
            self.env["clienteling.compliance.application"]
            .with_user(self.user_manager)
            .create({"regulation_id": regulation.id, "account_id": self.account.id})
        )
        values = {
            "business_name": "Test Retail Inc.",
            "business_registration_number": "12-3456789",
            "business_registration_authority": "EIN",
            "business_registration_country": "US",
            "business_type": "PRIVATE_PROFIT",
            "business_website": "https://retail.example.com",
            "business_street_address": "1 Fifth Avenue",
            "business_city": "New York",
            "business_state_province_region": "NY",
            "business_postal_code": "10003",
            "business_country": "US",
            "business_contact_first_name": "Olga",
            "business_contact_last_name": "Officer",
            "business_contact_email": "olga@retail.example.com",
            "business_contact_phone": "+12125550100",
            "notification_email": "compliance@retail.example.com",
            "use_case_categories": "CUSTOMER_CARE",
            "use_case_summary": "Store associates answer their customers.",
            "production_message_sample": "Hi Jane, your coat is ready at Fifth Avenue.",
            "opt_in_type": "WEB_FORM",
            "opt_in_proof_url": "https://retail.example.com/join",
            "message_volume": "1,000",
        }
        for line in application.line_ids:
            if line.name in values:
                line.value = values[line.name]
        action = application.action_submit()
        self.assertEqual(action["params"]["type"], "success", application.evaluation)
        (verification,) = self._posts("/v1/Tollfree/Verifications")
        form = verification["form"]
        self.assertEqual(form["TollfreePhoneNumberSid"], [toll_free.provider_sid])
        self.assertEqual(form["BusinessName"], ["Test Retail Inc."])
        self.assertEqual(form["BusinessStreetAddress"], ["1 Fifth Avenue"])
        self.assertEqual(form["OptInImageUrls"], ["https://retail.example.com/join"])
        self.assertEqual(form["NotificationEmail"], ["compliance@retail.example.com"])
        self.assertTrue(application.registration_ref.startswith("HH"))
        self.assertEqual(application.state, "submitted")
        self.recorder.toll_free_status[application.registration_ref] = "TWILIO_REJECTED"
        self.recorder.rejection_reason[application.registration_ref] = "Opt-in proof unreachable."
        application.action_refresh_status()
        self.assertEqual(application.state, "rejected")
        self.assertEqual(application.rejection_reason, "Opt-in proof unreachable.")
        # a value outside the listed choices is said in words
        volume = application.line_ids.filtered(lambda line: line.name == "message_volume")
        volume.value = "1000"
        application.action_check()
        self.assertEqual(volume.problem, f"Choose one of: {volume.choices}")
        self.assertIn("1,000 | 10,000", volume.choices)

    def test_toll_free_verification_without_a_toll_free_number_sends_nothing(self):
        self._refresh()
        regulation = self._twilio_regulation(self.us, "toll-free", "toll_free")
        application = self.env["clienteling.compliance.application"].create(
            {"regulation_id": regulation.id, "account_id": self.account.id}
        )
        for line in application.line_ids.filtered("required"):
            line.value = (
                (line.choices or "").split(" | ")[0]
                or {
                    "business_website": "https://retail.example.com",
                    "opt_in_proof_url": "https://retail.example.com/join",
                    "business_registration_number": "12-3456789",
                }.get(line.name)
                or ("ops@retail.example.com" if "email" in line.name else "Value")
            )
        application.line_ids.filtered(
            lambda l_: l_.name == "business_registration_authority"
        ).value = "EIN"
        with self.assertRaisesRegex(UserError, "cannot be submitted: .*tollfree_phone_number_sid"):
            application.action_submit()
        self.assertFalse(self._posts("/v1/Tollfree/Verifications"))
        self.assertFalse(application.registration_ref)
        self.assertEqual(application.state, "draft")
