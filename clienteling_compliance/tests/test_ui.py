import base64

from odoo.tests import new_test_user, tagged

from odoo.addons.clienteling.tests.common import STORE_MANAGER_GROUPS, BrowserCase
from odoo.addons.clienteling_sms.tests.common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestComplianceUi(ClientelingSmsCase, BrowserCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.de = cls.env.ref("base.de")
        # the demo's German applications: this test makes its own
        cls.env["clienteling.compliance.application"].search(
            [("company_id", "=", cls.company.id), ("country_id", "=", cls.de.id)]
        ).unlink()
        cls.store_berlin = cls.env["clienteling.store"].create(
            {
                "name": "Test Friedrichstraße",
                "code": "T-BER",
                "country_id": cls.de.id,
                "tz": "Europe/Berlin",
                "landline": "030 1234567",
            }
        )
        # a compliance officer who is not a Clienteling user
        cls.user_officer = new_test_user(
            cls.env,
            login="t_officer",
            name="Olga Officer",
            email="olga@example.com",
            groups="base.group_user,clienteling_compliance.group_compliance_officer",
        )
        cls.regulation = cls.env["clienteling.compliance.regulation"]._find(
            "sandbox", cls.de, "mobile", "business"
        )

    def test_application_tour(self):
        self.assertFalse(self.user_officer.has_group("clienteling.group_clienteling_user"))
        self.assertEqual(len(self.regulation), 1)
        self.start_tour(
            "/odoo/action-clienteling_compliance.clienteling_compliance_country_action",
            "clienteling_compliance_application_tour",
            login=self.user_officer.login,
        )
        application = self.env["clienteling.compliance.application"].search(
            [("company_id", "=", self.company.id), ("country_id", "=", self.de.id)]
        )
        self.assertEqual(len(application), 1)
        self.assertEqual(application.regulation_id, self.regulation)
        self.assertEqual(application.create_uid, self.user_officer)
        self.assertEqual(application.state, "submitted")
        self.assertTrue(application.check_passed)
        self.assertFalse(application.evaluation)
        self.assertTrue(application.submitted_date)
        self.assertEqual(application._values(), {"business_name": "Tour Retail GmbH"})
        self.assertTrue(application.end_user_ref)
        self.assertTrue(application.bundle_ref)
        documents = application.document_ids.sorted("filename")
        self.assertEqual(
            [
                (d.requirement_id.name, d.document_type_id.code, d.filename, d.mimetype)
                for d in documents
            ],
            [
                (
                    "business_address_proof_info",
                    "trade_license",
                    "gewerbeanmeldung.pdf",
                    "application/pdf",
                ),
                (
                    "business_name_info",
                    "commercial_registrar_excerpt",
                    "handelsregister.pdf",
                    "application/pdf",
                ),
            ],
        )
        for document in documents:
            self.assertTrue(document.provider_ref)
            self.assertTrue(document.submitted)
            self.assertFalse(document.problem)
            self.assertTrue(base64.b64decode(document.file).startswith(b"%PDF-1.4"))
            self.assertEqual(document.file_size, len(base64.b64decode(document.file)))
        self.assertEqual(documents[1]._read_values(), {"business_name": "Tour Retail GmbH"})

    def test_store_manager_tour(self):
        manager = new_test_user(
            self.env, login="t_mgr_ber", name="Berta Store Manager", groups=STORE_MANAGER_GROUPS
        )
        self.env["hr.employee"].create(
            {
                "name": "Berta Store Manager",
                "user_id": manager.id,
                "clienteling_store_id": self.store_berlin.id,
                "clienteling_role": "store_manager",
            }
        )
        self.assertFalse(manager.has_group("clienteling_compliance.group_compliance_officer"))
        store = self.store_berlin.with_user(manager)
        self.assertEqual(store.compliance_state, "missing")
        self.assertIn("Germany", store.compliance_warning)
        self.start_tour(
            f"/odoo/action-clienteling.clienteling_store_action/{self.store_berlin.id}",
            "clienteling_compliance_store_tour",
            login=manager.login,
        )
