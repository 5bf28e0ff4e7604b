"""Shared setup of the security, document and Twilio tests of clienteling_compliance.

A German company (its address is the one sent with the numbers), the sandbox
account of ``ClientelingSmsCase``, an application for German mobile numbers with
a PDF supporting document, and the people who meet it: the store's associate
and manager, a Clienteling administrator (no system rights: a compliance officer
by implication), a compliance officer of another company and a plain internal user.
"""

import base64

from odoo.addons.clienteling_sms.tests.common import ClientelingSmsCase
from odoo.addons.mail.tests.common import mail_new_test_user

OFFICER = "clienteling_compliance.group_compliance_officer"
OFFICER_GROUPS = f"base.group_user,{OFFICER}"

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n\x00\xff\xfe binary bytes\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


def b64(content):
    return base64.b64encode(content)


class ComplianceSecurityCase(ClientelingSmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # start from no application (the demo data has some for this company)
        cls.env.cr.execute(
            "DELETE FROM clienteling_compliance_application WHERE company_id = %s",
            [cls.company.id],
        )
        cls.env.invalidate_all()
        cls.de = cls.env.ref("base.de")
        cls.company.partner_id.write(
            {
                "street": "Unter den Linden 1",
                "city": "Berlin",
                "zip": "10117",
                "country_id": cls.de.id,
            }
        )
        cls.user_internal = mail_new_test_user(
            cls.env, login="t_cc_internal", name="Iris Internal", groups="base.group_user"
        )
        cls.user_officer = mail_new_test_user(
            cls.env, login="t_cc_officer", name="Olga Officer", groups=OFFICER_GROUPS
        )
        cls.company_b = cls.env["res.company"].create({"name": "Other Retailer B"})
        cls.user_officer_b = mail_new_test_user(
            cls.env,
            login="t_cc_officer_b",
            name="Otto Officer B",
            groups=OFFICER_GROUPS,
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        Regulation = cls.env["clienteling.compliance.regulation"]
        cls.regulation = Regulation._find("sandbox", cls.de, "mobile", "business")
        cls.regulation.ensure_one()
        cls.requirement_name = cls.regulation.document_ids.filtered(
            lambda d: d.name == "business_name_info"
        )
        cls.requirement_address = cls.regulation.document_ids.filtered(
            lambda d: d.name == "business_address_proof_info"
        )
        DocumentType = cls.env["clienteling.compliance.document.type"]
        cls.type_excerpt = DocumentType.search([("code", "=", "commercial_registrar_excerpt")])
        cls.type_license = DocumentType.search([("code", "=", "trade_license")])
        cls.application = cls.env["clienteling.compliance.application"].create(
            {"regulation_id": cls.regulation.id, "account_id": cls.account.id}
        )
        cls.document = cls._new_document(cls.requirement_name, cls.type_excerpt, PDF, "excerpt.pdf")
        cls.address = cls.application._address_for()
        cls.event = (
            cls.env["clienteling.compliance.event"]
            .sudo()
            .create(
                {
                    "application_id": cls.application.id,
                    "payload": {"BundleSid": "BU" + "0" * 32, "Status": "in-review"},
                    "digest": "test-digest-security",
                }
            )
        )

    @classmethod
    def _new_document(cls, requirement, document_type, content, filename, application=None):
        return cls.env["clienteling.compliance.document"].create(
            {
                "application_id": (application or cls.application).id,
                "requirement_id": requirement.id,
                "document_type_id": document_type.id,
                "file": b64(content),
                "filename": filename,
            }
        )

    @classmethod
    def _file_attachment(cls, document):
        return (
            cls.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "clienteling.compliance.document"),
                    ("res_id", "=", document.id),
                    ("res_field", "=", "file"),
                ]
            )
        )
