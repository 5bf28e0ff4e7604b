import base64
import io
from datetime import date

from PIL import Image

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

    def test_customer_entry_link_tour(self):
        """A store manager opens their store's customer entry link from its form; a
        customer fills the form in; the thank-you page, reloaded, sends nothing again."""
        company = self.store_a.company_id
        logo = io.BytesIO()
        Image.new("RGB", (120, 40), "navy").save(logo, format="PNG")
        company.logo = base64.b64encode(logo.getvalue())
        self.assertFalse(company.uses_default_logo)
        Entry = self.env["clienteling.customer.entry"]
        self.assertFalse(Entry.search([("name", "=", "Tour Walk-In")]))
        self.start_tour(
            "/odoo/action-clienteling.clienteling_store_action",
            "clienteling_customer_entry_link_tour",
            login=self.user_store_manager_a.login,
        )
        entry = Entry.search([("name", "=", "Tour Walk-In")])
        self.assertEqual(len(entry), 1)
        self.assertEqual(
            (entry.store_id, entry.state, entry.mobile, entry.consent, entry.associate_id),
            (self.store_a, "pending", "+12125550166", True, self.employee_manager_a),
        )
        self.assertIn("Test Fifth Avenue", entry.consent_wording)
        # The thank-you page once more, in the same session: back to the form.
        self.authenticate(self.user_store_manager_a.login, self.user_store_manager_a.login)
        thanks = f"/clienteling/join/{self.store_a.entry_token}/thanks"
        response = self.url_open(thanks, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/clienteling/join/{self.store_a.entry_token}?lang=en_US"
            )
        )
        self.assertEqual(Entry.search_count([("name", "=", "Tour Walk-In")]), 1)

    def test_kpi_dashboard_tour(self):
        for channel, email in (("text", False), ("email", "kpi.tour@example.com")):
            self.env["clienteling.service.request"].create(
                {
                    "customer_name": "KPI Tour",
                    "email": email,
                    "mobile": "+12125550123",
                    "preferred_channel": channel,
                    "store_id": self.store_a.id,
                    "associate_id": self.employee_a.id,
                    "source": "storefront",
                }
            )
        self.env["clienteling.kpi"]._kpi_refresh()
        self.start_tour(
            "/odoo/action-clienteling.clienteling_kpi_action_dashboard",
            "clienteling_kpi_tour",
            login=self.user_store_manager_a.login,
        )
