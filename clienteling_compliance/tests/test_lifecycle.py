from unittest.mock import patch

from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.clienteling_sms.tools.provider import ProviderError
from odoo.addons.clienteling_sms.tools.sandbox import SandboxProvider

from ..tools.sandbox_compliance import SandboxCompliance
from .common import COMPANY_NAME, EMAIL, JPEG, PDF, PNG, REGISTRATION, WEBSITE, ComplianceCase, b64


def findings(application, code=None):
    return [f for f in application.evaluation or [] if code is None or f["code"] == code]


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestLifecycle(ComplianceCase):
    """Draft, check, submit, review and purchase on the sandbox (GB mobile: a
    bundle, self-service, one application for every number of the country)."""

    def test_full_lifecycle(self):
        application = self.new_application("GB", "mobile")
        regulation = application.regulation_id
        self.assertEqual(application.state, "draft")
        self.assertEqual(application.company_id, self.company)
        self.assertEqual(application.account_id, self.account)
        self.assertEqual(application.user_id, self.officer)
        self.assertEqual(application.line_ids.mapped("name"), regulation.field_ids.mapped("name"))
        self.assertTrue(application.editable)
        # Draft: a required field emptied, one document of two.
        self.fill(application, {"first_name": "", "business_registration_number": "12345678"})
        self.attach_documents(application, skip=("business_address_proof_info",))
        self.assertEqual(application.missing_count, 2)
        self.assertLess(application.progress, 100)
        result = application.with_user(self.officer).action_check()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("2 requirements are not met", result["params"]["message"])
        self.assertFalse(application.check_passed)
        self.assertEqual(
            [(f["field"], f["requirement"]) for f in findings(application, "22215")],
            [("first_name", "first_name")],
        )
        self.assertEqual(
            [f["requirement"] for f in findings(application, "22216")],
            ["business_address_proof_info"],
        )
        first_name = self.line(application, "first_name")
        self.assertEqual(first_name.problem, "Required.")
        self.assertEqual(first_name.status, "problem")
        self.assertFalse(self.line(application, "business_name").problem)
        self.assertFalse(self.line(application, "comments").required)
        self.assertFalse(application.document_ids.problem)
        # Nothing reached the provider while the regulation's own checks fail.
        self.assertFalse(application.end_user_ref or application.bundle_ref)
        # Submission is refused until the check passes.
        result = application.with_user(self.officer).action_submit()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(application.state, "draft")
        self.assertFalse(application.bundle_ref or application.submitted_date)
        self.assertFalse(application.document_ids.filtered("submitted"))
        # Fixed: the check passes, the marks go.
        first_name.value = "Olivia"
        self.assertFalse(first_name.problem, "a new value clears the mark")
        self.attach_documents(
            application, content=PNG, filename="bill.png", skip=("business_registration_info",)
        )
        self.assertEqual(application.missing_count, 0)
        self.assertEqual(application.progress, 100)
        result = application.with_user(self.officer).action_check()
        self.assertEqual(result["params"]["type"], "success")
        self.assertTrue(application.check_passed)
        self.assertFalse(application.evaluation)
        self.assertFalse(application.line_ids.filtered("problem"))
        # Submit: the provider's ids are kept, the documents become the record.
        self.submit(application)
        self.assertEqual(application.state, "submitted")
        self.assertTrue(application.submitted_date)
        self.assertTrue(application.bundle_ref.startswith("BU"))
        self.assertTrue(application.end_user_ref.startswith("IT"))
        self.assertTrue(application.address_ref.startswith("AD"))
        self.assertEqual(application.submitted_fingerprint, regulation.fingerprint)
        self.assertEqual(len(application.document_ids), 2)
        for document in application.document_ids:
            self.assertTrue(document.submitted)
            self.assertTrue(document.provider_ref.startswith("RD"))
        self.assertEqual(application.address_ids.partner_id, self.company.partner_id)
        self.assertFalse(application.editable)
        document = application.document_ids[0].with_user(self.officer)
        with self.assertRaisesRegex(UserError, "kept as the record"):
            document.write({"file": b64(PDF), "filename": "other.pdf"})
        with self.assertRaisesRegex(UserError, "kept as the record"):
            document.unlink()
        with self.assertRaisesRegex(UserError, "was submitted"):
            first_name.with_user(self.officer).value = "Someone"
        self.assertEqual(first_name.value, "Olivia")
        # Submitting or checking again is refused.
        with self.assertRaisesRegex(UserError, "already Submitted"):
            application.with_user(self.officer).action_submit()
        with self.assertRaisesRegex(UserError, "Only a draft"):
            application.with_user(self.officer).action_check()
        # No number while it waits.
        with self.assertRaisesRegex(Exception, "United Kingdom"):
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        # The review: in review, then approved; the officer is told each time.
        self.review(application, "in-review")
        self.assertEqual(application.state, "in_review")
        self.review(application, "twilio-approved")
        self.assertEqual(application.state, "approved")
        self.assertTrue(application.approved_date)
        summaries = application.activity_ids.mapped("summary")
        self.assertIn("In review at the provider", summaries)
        self.assertIn("Approved: numbers of United Kingdom can be bought", summaries)
        self.assertEqual(application.activity_ids.user_id, self.officer)
        # A number is bought for a store of the country, under the bundle.
        purchase = SandboxProvider.purchase_number
        with patch.object(
            SandboxProvider, "purchase_number", autospec=True, side_effect=purchase
        ) as purchased:
            number = self.Number._purchase(self.account, self.gb, store=self.store_gb)
        self.assertEqual(purchased.call_args.kwargs["bundle_ref"], application.bundle_ref)
        self.assertEqual(purchased.call_args.kwargs["address_ref"], application.address_ref)
        self.assertEqual(number.compliance_application_id, application)
        self.assertEqual(number.country_id, self.gb)
        self.assertEqual(number.number_type, "mobile")
        self.assertFalse(application.phone_number_id, "one application for every number")
        # And through the provisioning wizard, for the store itself.
        wizard = self.provision(target="store", store_ids=[(6, 0, self.store_gb.ids)])
        result = wizard.action_provision()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        bought = self.Number.search(
            [("account_id", "=", self.account.id), ("store_id", "=", self.store_gb.id)]
        )
        self.assertEqual(len(bought), 1)
        self.assertEqual(bought.compliance_application_id, application)
        self.assertEqual(bought.state, "assigned")
        self.assertIn(bought.number, application.message_ids.mapped("body")[0])

    def test_rejected_fixed_resubmitted(self):
        application = self.ready(self.new_application("GB", "mobile"))
        self.fill(application, {"business_registration_number": "12345678"})
        self.submit(application)
        bundle = application.bundle_ref
        end_user = application.end_user_ref
        with self.assertRaisesRegex(UserError, "Say why"):
            self.review(application, "twilio-rejected", reason="  ")
        self.assertEqual(application.state, "submitted")
        self.review(application, "twilio-rejected", reason="The excerpt is unreadable.")
        self.assertEqual(application.state, "rejected")
        self.assertEqual(application.rejection_reason, "The excerpt is unreadable.")
        activity = application.activity_ids.filtered(
            lambda a: a.summary == "Rejected: fix and resubmit"
        )
        self.assertEqual(activity.user_id, self.officer)
        self.assertIn("The excerpt is unreadable.", str(activity.note))
        # Editable again: information and documents.
        self.assertTrue(application.editable)
        website = self.line(application, "business_website").with_user(self.officer)
        website.value = "https://www.maison-test.example.com"
        excerpt = application.document_ids.filtered(
            lambda d: d.requirement_id.name == "business_registration_info"
        )
        excerpt.with_user(self.officer).write({"file": b64(JPEG), "filename": "excerpt.jpg"})
        self.assertEqual(excerpt.mimetype, "image/jpeg")
        self.assertFalse(excerpt.provider_ref, "a new file is sent again")
        self.assertFalse(excerpt.submitted, "no longer what was sent")
        # A review of a rejected application is refused.
        with self.assertRaisesRegex(UserError, "Only a submitted application"):
            self.review(application, "twilio-approved")
        # Resubmitted: the same bundle and end user, the new file sent.
        self.submit(application)
        self.assertEqual(application.state, "submitted")
        self.assertFalse(application.rejection_reason)
        self.assertEqual(application.bundle_ref, bundle)
        self.assertEqual(application.end_user_ref, end_user)
        self.assertTrue(excerpt.provider_ref)
        self.assertTrue(excerpt.submitted)
        self.review(application, "twilio-approved")
        self.assertEqual(application.state, "approved")

    def test_failed_submit_resumes_without_duplicates(self):
        application = self.ready(self.new_application("GB", "mobile"))
        self.fill(application, {"business_registration_number": "12345678"})
        with patch.object(
            SandboxCompliance,
            "create_bundle",
            side_effect=ProviderError("Service unavailable", code="20503", kind="unavailable"),
        ):
            result = application.with_user(self.officer).action_submit()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(application.state, "draft")
        self.assertTrue(application.last_error)
        self.assertFalse(application.bundle_ref)
        end_user = application.end_user_ref
        documents = {d.id: d.provider_ref for d in application.document_ids}
        self.assertTrue(end_user and all(documents.values()), "kept as created")
        with (
            patch.object(SandboxCompliance, "create_end_user") as create_end_user,
            patch.object(SandboxCompliance, "create_document") as create_document,
        ):
            self.submit(application)
        create_end_user.assert_not_called()
        create_document.assert_not_called()
        self.assertEqual(application.state, "submitted")
        self.assertEqual(application.end_user_ref, end_user)
        self.assertEqual({d.id: d.provider_ref for d in application.document_ids}, documents)
        self.assertFalse(application.last_error)

    def test_format_checks_next_to_the_field(self):
        application = self.ready(self.new_application("GB", "mobile"))
        self.fill(
            application,
            {
                "email": "legal at maison-test",
                "business_website": "maison-test",
                "business_registration_number": "HRB 12345",
            },
        )
        # the document says what the information says: only the formats fail
        application.with_user(self.officer).action_check()
        self.assertFalse(application.check_passed)
        self.assertEqual(
            sorted((f["field"], f["check"]) for f in findings(application, "format")),
            [
                ("business_registration_number", "registration"),
                ("business_website", "url"),
                ("email", "email"),
            ],
        )
        self.assertEqual(self.line(application, "email").problem, "This is not an e-mail address.")
        self.assertEqual(
            self.line(application, "business_website").problem,
            "This is not a web address (https://...).",
        )
        self.assertEqual(
            self.line(application, "business_registration_number").problem,
            "This is not a registration number of this country's format.",
        )
        self.assertFalse(self.line(application, "business_name").problem)
        self.assertFalse(application.end_user_ref, "nothing sent to the provider")
        # Said while typing too (the onchange), and gone once right.
        email = self.line(application, "email")
        email.value = "still wrong@"
        email._onchange_value()
        self.assertEqual(email.problem, "This is not an e-mail address.")
        email.value = EMAIL
        email._onchange_value()
        self.assertFalse(email.problem)
        self.fill(
            application,
            {"business_website": WEBSITE, "business_registration_number": "AB123456"},
        )
        # the documents read the old number: a mismatch now
        application.with_user(self.officer).action_check()
        self.assertEqual(
            {(f["field"], f["check"]) for f in findings(application, "22217")},
            {("business_registration_number", "mismatch")},
        )
        for document in application.document_ids:
            document.value_ids.filtered(
                lambda v: v.name == "business_registration_number"
            ).value = "AB123456"
        application.with_user(self.officer).action_check()
        self.assertTrue(application.check_passed, application.evaluation)

    def test_registration_formats_of_the_country(self):
        fr = self.ready(self.new_application("FR", "mobile"))
        line = self.line(fr, "business_registration_number")
        # a SIREN whose Luhn key is wrong, a German number, letters
        for wrong in ("552100555", "HRB 12345", "SIREN"):
            line.value = wrong
            fr.with_user(self.officer).action_check()
            self.assertIn(
                ("business_registration_number", "registration"),
                [(f["field"], f["check"]) for f in findings(fr, "format")],
                wrong,
            )
        for right in (REGISTRATION["FR"], "552 100 554", "55210055400013"):
            line.value = right
            for document in fr.document_ids:
                document.value_ids.filtered(
                    lambda v: v.name == "business_registration_number"
                ).value = right
            fr.with_user(self.officer).action_check()
            self.assertFalse(findings(fr, "format"), right)
        # Germany's formats: HRB numbers and VAT ids, not a British number.
        de = self.new_application("DE", "mobile")
        self.assertFalse(
            de.line_ids.filtered(lambda line: line.name == "business_registration_number")
        )
        de_local = self.new_application("DE", "local", store=self.store_de)
        line = self.line(de_local, "business_registration_number")
        self.assertEqual(line.value, REGISTRATION["DE"], "pre-filled from the company")
        line.value = "12345678"
        line._onchange_value()
        self.assertTrue(line.problem)
        line.value = "DE123456789"
        line._onchange_value()
        self.assertFalse(line.problem)

    def test_document_mismatch_reported_on_the_document(self):
        application = self.ready(self.new_application("GB", "mobile"))
        self.fill(application, {"business_registration_number": "12345678"})
        excerpt = application.document_ids.filtered(
            lambda d: d.requirement_id.name == "business_registration_info"
        )
        values = {v.name: v for v in excerpt.value_ids}
        self.assertEqual(sorted(values), ["business_name", "business_registration_number"])
        self.assertEqual(values["business_name"].value, COMPANY_NAME, "read as the information")
        values["business_name"].value = "Other Company Ltd"
        values["business_registration_number"].value = ""
        application.with_user(self.officer).action_check()
        self.assertEqual(
            sorted((f["field"], f["check"]) for f in findings(application, "22217")),
            [("business_name", "mismatch"), ("business_registration_number", "")],
        )
        self.assertIn("differs from the information given", excerpt.problem)
        self.assertIn("is not read from the document", excerpt.problem)
        proof = application.document_ids - excerpt
        self.assertFalse(proof.problem)
        # the information lines are not blamed for the document
        self.assertFalse(application.line_ids.filtered("problem"))
        self.assertFalse(application.bundle_ref)
        values["business_name"].value = "  maison TEST   compliance "
        values["business_registration_number"].value = "12345678"
        application.with_user(self.officer).action_check()
        self.assertTrue(application.check_passed, "spaces and case do not matter")
        self.assertFalse(excerpt.problem)

    def test_bad_files_refused(self):
        application = self.new_application("GB", "mobile")
        requirement = application.regulation_id.document_ids[0]
        vals = {
            "application_id": application.id,
            "requirement_id": requirement.id,
            "document_type_id": requirement.document_type_ids[0].id,
            "filename": "x.pdf",
        }
        Document = self.Document.with_user(self.officer)
        cases = [
            (b"", "The file is empty"),
            (b64(b"plain text, named x.pdf"), "Only PDF, JPEG and PNG"),
            (b64(b"GIF89a\x01\x00"), "Only PDF, JPEG and PNG"),
            (b"not base64!!", "could not be read"),
            (b64(b"%PDF-" + b"0" * (5 * 1024 * 1024)), "up to 5 MB"),
        ]
        for content, message in cases:
            with self.assertRaisesRegex(ValidationError, message):
                Document.create(dict(vals, file=content))
        self.assertFalse(application.document_ids)
        document = Document.create(dict(vals, file=b64(PDF)))
        self.assertEqual((document.mimetype, document.file_size), ("application/pdf", len(PDF)))
        with self.assertRaisesRegex(ValidationError, "Only PDF, JPEG and PNG"):
            document.write({"file": b64(b"<html></html>")})
        self.assertEqual(document.mimetype, "application/pdf")
        document.write({"file": b64(PNG), "filename": "x.png"})
        self.assertEqual(document.mimetype, "image/png")

    def test_prefilled_values(self):
        application = self.new_application("GB", "mobile")
        values = application._values()
        self.assertEqual(values["business_name"], COMPANY_NAME)
        self.assertEqual(values["business_website"], WEBSITE)
        self.assertEqual(values["email"], self.officer.email)
        self.assertEqual((values["first_name"], values["last_name"]), ("Olivia", "Officer"))
        self.assertEqual(values["comments"], "")
        # US A2P 10DLC: the SMS account's keywords and replies, the opt-in message.
        body = "Hi {{ customer.first_name }}, reply YES to receive texts from {{ store.name }}."
        QuickReply = self.env["clienteling.quick.reply"]
        opt_in = QuickReply._get_opt_in_message(self.company)
        if opt_in:
            opt_in.body = body
        else:
            QuickReply.create(
                {"name": "Opt-in", "kind": "opt_in", "company_id": self.company.id, "body": body}
            )
        self.account.write({"help_keywords": "HELP, INFO", "opt_in_keywords": "YES, START"})
        ten_dlc = self.new_application("US", "local", kind="a2p_10dlc")
        self.assertEqual(ten_dlc.kind, "a2p_10dlc")
        values = ten_dlc._values()
        self.assertEqual(values["opt_in_keywords"], "YES, START")
        self.assertEqual(values["help_keywords"], "HELP, INFO")
        self.assertEqual(values["opt_out_keywords"], self.account.opt_out_keywords)
        # the texts as a customer of the country's store reads them (reviewers judge words)
        store = self.store_us
        self.assertEqual(
            values["help_message"],
            f"{store.name}: texts from your store associate. Call us on "
            f"{store.landline_display}. Reply STOP to opt out.",
        )
        self.assertNotIn("{{", values["opt_out_message"])
        self.assertIn(store.name, values["opt_out_message"])
        self.assertEqual(
            values["opt_in_message"], f"Hi Jane, reply YES to receive texts from {store.name}."
        )
        self.assertEqual(values["message_sample_1"], values["opt_in_message"])
        self.assertEqual(values["website_url"], WEBSITE)
        self.assertEqual(values["business_name"], COMPANY_NAME)
        # Toll-free: the customer entry form of the country's store as opt-in proof.
        toll_free = self.new_application("US", "toll-free", kind="toll_free")
        entry_url = self.store_us.sudo().entry_url
        self.assertTrue(entry_url)
        self.assertEqual(toll_free._values()["opt_in_proof_url"], entry_url)
        self.assertEqual(toll_free._values()["business_website"], WEBSITE)

    def test_prefilled_per_number_application_by_an_officer(self):
        """The officer is not a Clienteling user: the store's entry link is
        still read for the application (a per-number application has a store)."""
        application = self.new_application("DE", "local", store=self.store_de)
        self.assertEqual(application.store_id, self.store_de)
        self.assertIn(self.store_de.name, application.name)
        self.assertEqual(application._values()["business_name"], COMPANY_NAME)

    def test_progress(self):
        application = self.new_application("GB", "mobile")
        required = application.line_ids.filtered("required")
        total = len(required) + len(application.regulation_id.document_ids)
        for line in application.line_ids:
            line.value = ""
        self.assertEqual(application.missing_count, total)
        self.assertEqual(application.progress, 0)
        self.line(application, "comments").value = "Optional"
        self.assertEqual(application.missing_count, total, "an optional field counts for nothing")
        self.line(application, "business_name").value = "   "
        self.assertEqual(application.missing_count, total, "blanks are not a value")
        self.fill(application, only_required=True)
        self.assertEqual(application.missing_count, 2)
        self.attach_documents(application, skip=("business_address_proof_info",))
        self.assertEqual(application.missing_count, 1)
        self.assertAlmostEqual(application.progress, 100.0 * (total - 1) / total)

    def test_one_application_per_company_and_regulation(self):
        first = self.new_application("GB", "mobile")
        with self.assertRaisesRegex(ValidationError, "already has an application"):
            self.new_application("GB", "mobile")
        # another number type of the country is another application
        self.new_application("GB", "local")
        # an expired one does not count
        first.sudo().state = "expired"
        second = self.new_application("GB", "mobile")
        self.assertEqual(second.state, "draft")
        # another company has its own
        other = self.env["res.company"].create({"name": "Other Retail"})
        self.env["clienteling.sms.account"].create(
            {"name": "Other sandbox", "provider": "sandbox", "company_id": other.id}
        )
        regulation = self.regulation("GB", "mobile")
        theirs = self.Application.with_company(other).create(
            {"regulation_id": regulation.id, "company_id": other.id}
        )
        self.assertEqual(theirs.company_id, other)

    def test_per_number_regulations_need_a_store(self):
        regulation = self.regulation("DE", "local")
        self.assertTrue(regulation.per_number)
        with self.assertRaisesRegex(ValidationError, "application per number: choose the store"):
            self.new_application("DE", "local")
        first = self.new_application("DE", "local", store=self.store_de)
        with self.assertRaisesRegex(ValidationError, "already has an application"):
            self.new_application("DE", "local", store=self.store_de)
        munich = self.env["clienteling.store"].create(
            self._store_vals("München", "T-MUC", self.de, "089 1234567")
        )
        self.assertTrue(self.new_application("DE", "local", store=munich))
        # Once its number is bought, the store may have an application for another.
        first.sudo().phone_number_id = self.Number.create(
            {"number": "+4930901821", "account_id": self.account.id, "country_id": self.de.id}
        )
        self.assertTrue(self.new_application("DE", "local", store=self.store_de))
        # A country that needs no approval has no application.
        with self.assertRaisesRegex(ValidationError, "needs no approval"):
            self.new_application("CA", "local")

    def test_us_a2p_10dlc_registration(self):
        """US local numbers: an A2P 10DLC registration instead of a bundle."""
        with self.assertRaisesRegex(RedirectWarning, "United States: local numbers need"):
            self.Number._purchase(self.account, self.us, store=self.store_us)
        application = self.new_application("US", "local", kind="a2p_10dlc")
        self.assertFalse(application.regulation_id.document_ids)
        self.fill(application, {"message_sample_1": ""})
        application.with_user(self.officer).action_check()
        self.assertEqual([f["field"] for f in findings(application, "22215")], ["message_sample_1"])
        self.fill(
            application,
            {
                "message_sample_1": "Hi Jane, your coat is ready. Reply STOP to opt out.",
                "business_registration_number": "12-34567",
            },
        )
        application.with_user(self.officer).action_check()
        self.assertIn(
            ("business_registration_number", "registration"),
            [(f["field"], f["check"]) for f in findings(application, "format")],
        )
        self.line(application, "business_registration_number").value = "12-3456789"
        self.submit(application)
        self.assertEqual(application.state, "submitted")
        self.assertTrue(application.registration_ref.startswith("BN"))
        self.assertFalse(application.bundle_ref or application.end_user_ref)
        self.review(application, "twilio-approved")
        self.assertEqual(application.state, "approved")
        number = self.Number._purchase(self.account, self.us, store=self.store_us)
        self.assertEqual(number.number_type, "local")
        self.assertEqual(number.compliance_application_id, application)
        # toll-free numbers are verified once bought (Twilio verifies a number it sold)
        toll_free = self.Number._purchase(self.account, self.us, number_type="toll-free")
        self.assertEqual(toll_free.number_type, "toll-free")
        self.assertFalse(toll_free.compliance_application_id)

    def test_provider_refusal_during_check(self):
        application = self.ready(self.new_application("GB", "mobile"))
        refusal = ProviderError("Bundle evaluation failed", code="22216", kind="rejected")
        with patch.object(SandboxCompliance, "evaluate", side_effect=refusal):
            result = application.with_user(self.officer).action_check()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("The provider refused", result["params"]["message"])
        self.assertTrue(application.last_error)
        self.assertIn(application.last_error, result["params"]["message"])
        self.assertIn("The provider refused", application.message_ids[0].body)
        self.assertFalse(application.check_passed)
        # what was created before the refusal is kept for the retry
        self.assertTrue(application.bundle_ref and application.end_user_ref)
        self.assertEqual(application.state, "draft")

    def test_review_wizard_refusals(self):
        application = self.ready(self.new_application("GB", "mobile"))
        with self.assertRaisesRegex(UserError, "Only a submitted application is reviewed"):
            self.review(application, "twilio-approved")
        self.assertEqual(application.state, "draft")
        self.submit(application)
        with self.assertRaisesRegex(UserError, "Say why"):
            self.review(application, "twilio-rejected")
        self.assertEqual(application.state, "submitted")
        # a reason given with an approval is not a rejection reason
        self.review(application, "twilio-approved", reason="Looks fine")
        self.assertEqual(application.state, "approved")
        self.assertFalse(application.rejection_reason)
        with self.assertRaisesRegex(UserError, "Only a submitted application is reviewed"):
            self.review(application, "twilio-rejected", reason="Too late")
        self.assertEqual(application.state, "approved")
