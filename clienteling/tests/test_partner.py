from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestPartner(ClientelingCase):
    def test_sanitized_number_uses_the_store_country_when_the_customer_has_none(self):
        self.assertFalse(self.customer_b.country_id)
        self.assertEqual(self.customer_b.phone_sanitized, "+33612345699")
        self.assertEqual(self.customer_a.phone_sanitized, "+12125550142")
        partner = self.env["res.partner"].create({"name": "No Store", "mobile": "06 12 34 56 98"})
        partner.clienteling_store_id = self.store_b
        self.assertEqual(partner.phone_sanitized, "+33612345698")

    def test_sanitized_number_is_indexed(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner' AND indexdef LIKE '%(phone_sanitized)%'"
        )
        self.assertTrue(self.env.cr.fetchall())

    def test_search_by_phone_in_any_format(self):
        Partner = self.env["res.partner"]
        for number in ("+1 212-555-0142", "(212) 555 0142", "+12125550142"):
            self.assertEqual(
                Partner._clienteling_search_by_phone(number, self.us), self.customer_a, number
            )
        self.assertEqual(
            Partner._clienteling_search_by_phone("06 12 34 56 99", self.fr), self.customer_b
        )
        self.assertFalse(Partner._clienteling_search_by_phone("garbage", self.us))
        self.assertFalse(Partner._clienteling_search_by_phone("(212) 555-0143", self.us))

    def test_register_purchase(self):
        partner = self.env["res.partner"].create({"name": "Walk-in", "mobile": "+12125550177"})
        partner._clienteling_register_purchase(date(2026, 3, 1), 120.5, self.store_a)
        partner._clienteling_register_purchase("2026-01-15", 30, self.store_b)
        self.assertEqual(
            partner.clienteling_last_purchase_date, date(2026, 3, 1)
        )  # never goes back
        self.assertEqual(partner.clienteling_purchase_count, 2)
        self.assertAlmostEqual(partner.clienteling_purchase_total, 150.5)
        self.assertEqual(partner.clienteling_store_id, self.store_a)  # first store kept
        partner._clienteling_register_purchase(datetime(2026, 3, 2, 23, 0), -20.5)
        self.assertEqual(partner.clienteling_purchase_count, 2)  # a refund is not a purchase
        self.assertAlmostEqual(partner.clienteling_purchase_total, 130.0)
        # nor a last purchase: the Advisor's "no purchase in N days" counts from the sale
        self.assertEqual(partner.clienteling_last_purchase_date, date(2026, 3, 1))

    def test_register_purchase_bad_input(self):
        with self.assertRaisesRegex(UserError, "needs a date"):
            self.customer_a._clienteling_register_purchase(None, 10)
        with self.assertRaisesRegex(UserError, "Invalid purchase amount"):
            self.customer_a._clienteling_register_purchase("2026-01-01", "ten")
        with self.assertRaisesRegex(UserError, "Invalid purchase date"):
            self.customer_a._clienteling_register_purchase("2026-13-01", 10)
        self.assertEqual(self.customer_a.clienteling_purchase_count, 0)
        self.env["res.partner"]._clienteling_register_purchase("2026-01-01", 10)  # empty: no-op

    def test_register_contact_keeps_the_newest(self):
        customer = self.customer_a
        customer._clienteling_register_contact(
            "sms", "outbound", datetime(2026, 5, 2, 10), self.employee_a
        )
        customer._clienteling_register_contact(
            "email", "inbound", datetime(2026, 4, 1, 9), self.employee_a
        )
        customer._clienteling_register_contact(
            "sms", "inbound", datetime(2026, 5, 1, 9), self.employee_b
        )
        self.assertEqual(customer.clienteling_last_contact_date, datetime(2026, 5, 2, 10))
        rows = customer.clienteling_contact_ids
        self.assertEqual(rows.employee_id, self.employee_a | self.employee_b)
        row_a = rows.filtered(lambda r: r.employee_id == self.employee_a)
        self.assertEqual(row_a.contact_count, 2)
        self.assertEqual(row_a.last_contact_date, datetime(2026, 5, 2, 10))
        self.assertEqual((row_a.last_channel, row_a.last_direction), ("sms", "outbound"))
        self.assertEqual(row_a.first_contact_date, datetime(2026, 4, 1, 9))
        self.assertEqual(row_a.store_id, self.store_a)
        # "the customers this associate talked to" is one query on the per-associate rows
        talked_to = self.env["clienteling.associate.contact"].search(
            [("employee_id", "=", self.employee_b.id)]
        )
        self.assertEqual(talked_to.partner_id, customer)

    def test_register_contact_without_associate_and_bad_input(self):
        self.customer_b._clienteling_register_contact("phone", "inbound")
        self.assertTrue(self.customer_b.clienteling_last_contact_date)
        self.assertFalse(self.customer_b.clienteling_contact_ids)
        with self.assertRaisesRegex(UserError, "Unknown contact channel"):
            self.customer_b._clienteling_register_contact("pigeon", "inbound")
        with self.assertRaisesRegex(UserError, "Unknown contact direction"):
            self.customer_b._clienteling_register_contact("sms", "sideways")
        with self.assertRaisesRegex(UserError, "Invalid contact date"):
            self.customer_b._clienteling_register_contact("sms", "inbound", "yesterday")

    def test_register_needs_read_access(self):
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "t_portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.customer_a.with_user(portal)._clienteling_register_contact("sms", "inbound")
        self.assertFalse(self.customer_a.clienteling_last_contact_date)

    def test_my_books(self):
        Partner = self.env["res.partner"].with_user(self.user_associate_a)
        self.assertEqual(
            Partner.search([("clienteling_in_my_client_book", "=", True)]), self.customer_a
        )
        self.assertEqual(
            Partner.search([("clienteling_in_my_store_book", "=", True)]), self.customer_a
        )
        self.assertNotIn(
            self.customer_a, Partner.search([("clienteling_in_my_client_book", "=", False)])
        )
        self.assertIn(
            self.customer_b, Partner.search([("clienteling_in_my_store_book", "!=", True)])
        )
        with self.assertRaises(UserError):
            Partner.search([("clienteling_in_my_client_book", "ilike", "x")])
        self.assertEqual(self.employee_a.clienteling_client_book_count, 1)
        self.assertEqual(self.employee_manager_a.clienteling_client_book_count, 0)

    def test_customer_created_from_the_app_joins_the_creators_books(self):
        Partner = self.env["res.partner"].with_user(self.user_associate_a)
        created = Partner.with_context(clienteling_assign_books=True).create({"name": "New Client"})
        self.assertEqual(created.clienteling_associate_id, self.employee_a)
        self.assertEqual(created.clienteling_store_id, self.store_a)
        plain = Partner.create({"name": "Supplier Contact"})
        self.assertFalse(plain.clienteling_associate_id)
        self.company.clienteling_auto_assign_books = False
        created = Partner.with_context(clienteling_assign_books=True).create(
            {"name": "Other Client"}
        )
        self.assertFalse(created.clienteling_associate_id)
