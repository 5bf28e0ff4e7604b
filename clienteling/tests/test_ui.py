from datetime import date

from odoo.tests import HttpCase, tagged

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestUi(ClientelingCase, HttpCase):
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
