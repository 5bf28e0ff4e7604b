import base64

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tools.regulations import MAX_FILE_SIZE
from .common_security import JPEG, PDF, PNG, ComplianceSecurityCase, b64

BAD_FILES = {
    "text named .pdf": (b"Handelsregisterauszug: Test Retail GmbH, HRB 12345", "excerpt.pdf"),
    "ELF executable": (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 40, "excerpt.pdf"),
    "Windows executable": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 40, "excerpt.exe"),
    "GIF": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04", "scan.gif"),
    "PDF signature late": (b" %PDF-1.4 not at the start", "excerpt.pdf"),
}


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestComplianceDocuments(ComplianceSecurityCase):
    def _counts(self):
        return (
            self.env["clienteling.compliance.document"].search_count([]),
            self.env["ir.attachment"]
            .sudo()
            .search_count([("res_model", "=", "clienteling.compliance.document")]),
            self.env["clienteling.compliance.document.value"].search_count([]),
        )

    def _create(self, file_value, filename="excerpt.pdf", requirement=None, document_type=None):
        return self.env["clienteling.compliance.document"].create(
            {
                "application_id": self.application.id,
                "requirement_id": (requirement or self.requirement_address).id,
                "document_type_id": (document_type or self.type_excerpt).id,
                "file": file_value,
                "filename": filename,
            }
        )

    def test_wrong_file_types_are_refused_and_nothing_stored(self):
        before = self._counts()
        for label, (content, filename) in BAD_FILES.items():
            with (
                self.subTest(label),
                self.assertRaisesRegex(
                    ValidationError,
                    r"Only PDF, JPEG and PNG files are accepted \(this file is none of them\)",
                ),
            ):
                self._create(b64(content), filename)
            self.assertEqual(self._counts(), before, label)
        # nor does a replacement by a bad file change the document
        original = self._file_attachment(self.document)
        for label, (content, filename) in BAD_FILES.items():
            with (
                self.subTest(label, replace=True),
                self.assertRaisesRegex(ValidationError, "Only PDF, JPEG and PNG"),
            ):
                self.document.write({"file": b64(content), "filename": filename})
            self.document.invalidate_recordset()
            self.assertEqual(self.document.filename, "excerpt.pdf")
            self.assertEqual(self.document.mimetype, "application/pdf")
            self.assertEqual(base64.b64decode(self.document.file), PDF)
        self.assertEqual(self._file_attachment(self.document), original)

    def test_empty_unreadable_and_oversize_files_are_refused(self):
        before = self._counts()
        cases = [
            ("empty", b"", "The file is empty."),
            ("False", False, "The file is empty."),
            ("base64 of nothing", b64(b""), "The file is empty."),
            ("invalid base64", b"not base64 at all!!", "The file could not be read."),
            ("truncated base64", b64(PDF)[:-3], "The file could not be read."),
            (
                "just over the limit",
                b64(b"%PDF-1.4\n" + b"0" * (MAX_FILE_SIZE - 8)),
                r"The file is 5.1 MB: the provider accepts files up to 5 MB.",
            ),
        ]
        for label, value, message in cases:
            with self.subTest(label), self.assertRaisesRegex(ValidationError, message):
                self._create(value)
            self.assertEqual(self._counts(), before, label)
        for label, value, message in cases:
            with (
                self.subTest(label, replace=True),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.document.write({"file": value})
            self.document.invalidate_recordset()
            self.assertEqual(base64.b64decode(self.document.file), PDF)
            self.assertEqual(self.document.file_size, len(PDF))

    def test_a_file_at_the_limit_and_good_files_are_accepted(self):
        at_limit = b"%PDF-1.4\n" + b"0" * (MAX_FILE_SIZE - 9)
        self.assertEqual(len(at_limit), MAX_FILE_SIZE)
        document = self._create(b64(at_limit))
        self.assertEqual(
            (document.mimetype, document.file_size), ("application/pdf", MAX_FILE_SIZE)
        )
        document.unlink()
        for content, filename, mimetype in (
            (PDF, "excerpt.pdf", "application/pdf"),
            (JPEG, "excerpt.jpg", "image/jpeg"),
            (PNG, "excerpt.png", "image/png"),
            (PNG, "named-wrong.pdf", "image/png"),  # the bytes say what it is
        ):
            with self.subTest(filename):
                document = self._create(b64(content), filename)
                self.assertEqual(document.mimetype, mimetype)
                self.assertEqual(document.file_size, len(content))
                self.assertEqual(base64.b64decode(document.file), content)
                attachment = self._file_attachment(document)
                self.assertEqual(attachment.raw, content)
                document.unlink()
                self.assertFalse(attachment.exists())
        # a document not yet given its file: no size, the progress says it is missing
        empty = self.env["clienteling.compliance.document"].create(
            {
                "application_id": self.application.id,
                "requirement_id": self.requirement_address.id,
                "document_type_id": self.type_license.id,
            }
        )
        self.assertFalse(empty.file_size)
        self.assertEqual(self.application.missing_count, 1)
        empty.file = b64(JPEG)
        self.assertEqual((empty.mimetype, empty.file_size), ("image/jpeg", len(JPEG)))
        self.assertEqual(self.application.missing_count, 0)

    def test_document_type_must_be_accepted_by_the_requirement(self):
        document_field = self.env["clienteling.compliance.document"]._fields["document_type_id"]
        self.assertEqual(document_field.domain, "[('id', 'in', accepted_type_ids)]")
        self.assertEqual(self.document.accepted_type_ids, self.requirement_name.document_type_ids)
        self.assertNotIn(self.type_license, self.requirement_name.document_type_ids)
        before = self._counts()
        with self.assertRaisesRegex(ValidationError, "is not accepted for"):
            self._create(
                b64(PDF), requirement=self.requirement_name, document_type=self.type_license
            )
        self.assertEqual(self._counts(), before)
        with self.assertRaisesRegex(ValidationError, "is not accepted for"):
            self.document.document_type_id = self.type_license
        self.assertEqual(self.document.document_type_id, self.type_excerpt)
        # a requirement of another regulation
        ireland = self.env["clienteling.compliance.regulation"]._find(
            "sandbox", self.env.ref("base.ie"), "mobile", "business"
        )
        foreign = ireland.document_ids[:1]
        with self.assertRaisesRegex(ValidationError, "is not asked by"):
            self._create(b64(PDF), requirement=foreign, document_type=foreign.document_type_ids[:1])
        with self.assertRaisesRegex(ValidationError, "is not asked by"):
            self.document.requirement_id = foreign
        self.assertEqual(self._counts(), before)
        # an accepted type of the other requirement is fine
        document = self._create(b64(PDF), document_type=self.type_license)
        self.assertEqual(document.document_type_id, self.type_license)

    def test_replacing_a_file_while_draft_or_rejected_sends_it_again(self):
        for state in ("draft", "rejected", "update_needed"):
            with self.subTest(state):
                self.application.state = state
                self.document.write({"provider_ref": "RD" + "9" * 32, "problem": "Blurry."})
                self.document.write({"file": b64(PNG), "filename": "excerpt.png"})
                self.assertFalse(self.document.provider_ref)
                self.assertFalse(self.document.problem)
                self.assertEqual(self.document.mimetype, "image/png")
                self.assertEqual(self._file_attachment(self.document).raw, PNG)
        # another document type is another document too
        self.document.provider_ref = "RD" + "8" * 32
        self.document.document_type_id = self.type_excerpt  # same type: still re-sent
        self.assertFalse(self.document.provider_ref)
        # renaming the file alone does not
        self.document.provider_ref = "RD" + "7" * 32
        self.document.filename = "renamed.png"
        self.assertEqual(self.document.provider_ref, "RD" + "7" * 32)

    def test_submitted_documents_are_kept_as_sent(self):
        # the real flow: every requirement has its document, the sandbox submits
        self._create(b64(JPEG), "license.jpg", document_type=self.type_license)
        action = self.application.with_user(self.user_manager).action_submit()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertEqual(self.application.state, "submitted")
        documents = self.application.document_ids
        self.assertEqual(documents.mapped("submitted"), [True, True])
        self.assertTrue(all(documents.mapped("provider_ref")))
        before = [(d.filename, d.file_size, d.provider_ref) for d in documents]
        for vals in (
            {"file": b64(PNG)},
            {"filename": "other.pdf"},
            {"document_type_id": self.type_excerpt.id},
            {"file": b"not base64"},
        ):
            with (
                self.subTest(vals=list(vals)),
                self.assertRaisesRegex(
                    UserError, "A submitted document is kept as the record of what was sent"
                ),
            ):
                self.document.with_user(self.user_manager).write(vals)
        with self.assertRaisesRegex(UserError, "kept as the record of what was sent"):
            self.document.with_user(self.user_manager).unlink()
        with self.assertRaisesRegex(UserError, "kept as the record of what was sent"):
            self.document.value_ids.with_user(self.user_manager).write({"value": "Other GmbH"})
        with self.assertRaisesRegex(UserError, "kept as the record of what was sent"):
            self.application.with_user(self.user_manager).unlink()  # cascades to the documents
        # nor is a document added while the provider reviews the application
        with self.assertRaisesRegex(UserError, "is with the provider: documents are added"):
            self.env["clienteling.compliance.document"].with_user(self.user_manager).create(
                {
                    "application_id": self.application.id,
                    "requirement_id": self.requirement_address.id,
                    "document_type_id": self.type_excerpt.id,
                    "file": b64(PDF),
                    "filename": "late.pdf",
                }
            )
        self.assertEqual(self.application.document_ids, documents)
        self.env.invalidate_all()
        self.assertEqual([(d.filename, d.file_size, d.provider_ref) for d in documents], before)
        self.assertEqual(self._file_attachment(self.document).raw, PDF)
        # what the provider says about it is still recorded
        self.document.problem = "Blurry."
        self.assertEqual(self.document.problem, "Blurry.")

    def test_a_rejected_application_documents_are_replaced_and_sent_again(self):
        self._create(b64(JPEG), "license.jpg", document_type=self.type_license)
        application = self.application.with_user(self.user_manager)
        application.action_submit()
        self.assertEqual(application.state, "submitted")
        sent_ref = self.document.provider_ref
        self.assertTrue(sent_ref)
        review = (
            self.env["clienteling.compliance.review"]
            .with_user(self.user_manager)
            .create(
                {
                    "application_id": application.id,
                    "decision": "twilio-rejected",
                    "reason": "The excerpt is older than three months.",
                }
            )
        )
        review.action_apply()
        self.assertEqual(application.state, "rejected")
        self.assertEqual(application.rejection_reason, "The excerpt is older than three months.")
        document = self.document.with_user(self.user_manager)
        self.assertFalse(document.submitted)
        document.write({"file": b64(PNG), "filename": "excerpt-new.png"})
        self.assertFalse(document.provider_ref)
        self.assertEqual(document.mimetype, "image/png")
        # resubmitted: the new file goes to the provider as a new document
        action = application.action_submit()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertTrue(document.provider_ref)
        self.assertNotEqual(document.provider_ref, sent_ref)
        self.assertTrue(document.submitted)

    def test_document_fields_are_filled_from_the_application(self):
        line = self.application.line_ids.filtered(lambda line: line.name == "business_name")
        self.assertEqual(line.value, self.company.name)
        value = self.document.value_ids
        self.assertEqual(value.mapped("name"), ["business_name"])
        self.assertEqual(value.value, self.company.name)
        self.assertEqual(value.label, line.label)
        line.value = "Test Retail GmbH"
        document = self._create(b64(PDF), requirement=self.requirement_name)
        self.assertEqual(document.value_ids.value, "Test Retail GmbH")
        # a type reading no field has no values; the check sees what each says
        other = self._create(b64(PDF))
        self.assertFalse(other.value_ids)
        document.value_ids.value = "Someone Else AG"
        findings = self.application._local_evaluation().findings
        self.assertIn(
            ("business_name_info", "business_name", "mismatch"),
            [(f.requirement, f.object_field, f.check) for f in findings],
        )
