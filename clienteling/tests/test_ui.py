from datetime import date

from odoo.tests import tagged

from .common import BrowserCase, ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestUi(ClientelingCase, BrowserCase):
    def test_client_book_tour(self):
        self.start_tour(
            "/odoo/action-clienteling.res_partner_action_client_book",
            "clienteling_client_book_tour",
            login=self.user_associate_a.login,
        )
        customer = self.env["res.partner"].search([("name", "=", "Grace Tour")])
        self.assertEqual(customer.clienteling_associate_id, self.employee_a)
        self.assertEqual(customer.clienteling_store_id, self.store_a)
        self.assertEqual(customer.phone_sanitized, "+12125550177")
        birthday = customer.clienteling_important_date_ids
        self.assertEqual((birthday.month, birthday.day), (2, 29))
        self.assertIn(birthday.next_date.month, (2, 3))
        self.assertGreaterEqual(birthday.next_date, date.today())

    def test_customer_entry_review_tour(self):
        entry, errors = self.env["clienteling.customer.entry"]._submit(
            self.store_a,
            {"name": "Jane Doe-Smith", "mobile": "(212) 555-0142", "consent": "1"},
            "192.0.2.44",
        )
        self.assertFalse(errors)
        self.start_tour(
            "/odoo/action-clienteling.clienteling_customer_entry_action",
            "clienteling_customer_entry_tour",
            login=self.user_associate_a.login,
        )
        self.assertEqual(entry.state, "merged")
        self.assertEqual(entry.partner_id, self.customer_a)
        self.assertEqual(self.customer_a.name, "Jane Doe-Smith")
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_in"
        )
