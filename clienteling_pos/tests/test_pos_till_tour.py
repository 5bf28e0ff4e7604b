from odoo import Command
from odoo.tests import tagged

from odoo.addons.clienteling.tests.common import BrowserCase
from odoo.addons.pos_hr.tests.test_frontend import TestPosHrHttpCommon


@tagged("post_install", "-at_install", "clienteling_pos")
class TestPosTillTour(BrowserCase, TestPosHrHttpCommon):
    """A cashier finds a customer at the till, sees their clienteling details and
    adds them to their client book with their consent to texts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        cls.store = env["clienteling.store"].create(
            {"name": "Test Fifth Avenue", "code": "T-NYC", "country_id": cls.env.ref("base.us").id}
        )
        cls.cashier = env["hr.employee"].create(
            {
                "name": "Carl Cashier",
                "pin": "4321",
                "work_email": "carl.cashier@example.com",
                "company_id": cls.env.company.id,
                "clienteling_store_id": cls.store.id,
                "clienteling_role": "associate",
            }
        )
        cls.colleague = env["hr.employee"].create(
            {
                "name": "Ann Associate",
                "company_id": cls.env.company.id,
                "clienteling_store_id": cls.store.id,
                "clienteling_role": "associate",
            }
        )
        cls.main_pos_config.sudo().write(
            {
                "clienteling_store_id": cls.store.id,
                "basic_employee_ids": [Command.link(cls.cashier.id)],
            }
        )
        Partner = env["res.partner"]
        cls.walk_in = Partner.create(
            {
                "name": "Walk In",
                "mobile": "+1 212 555 0177",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        env["clienteling.important.date"].create(
            {"partner_id": cls.walk_in.id, "kind": "birthday", "month": 3, "day": 28}
        )
        Partner.create({"name": "Jane Doe", "clienteling_associate_id": cls.colleague.id})

    def test_till_add_to_client_book(self):
        self.start_pos_tour("ClientelingPosTillTour", login="pos_user")
        self.assertEqual(self.walk_in.clienteling_associate_id, self.cashier)
        self.assertEqual(self.walk_in.clienteling_store_id, self.store)
        consent = (
            self.env["clienteling.consent"].sudo().search([("partner_id", "=", self.walk_in.id)])
        )
        self.assertRecordValues(
            consent,
            [
                {
                    "channel": "sms",
                    "state": "opted_in",
                    "source": "associate",
                    "store_id": self.store.id,
                    "employee_id": self.cashier.id,
                    "user_id": self.pos_user.id,
                    "wording": self.store._pos_consent_text(),
                }
            ],
        )
        self.assertIn("Test Fifth Avenue", consent.wording)
