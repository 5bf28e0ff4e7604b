from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.clienteling.models.clienteling_rate_limit_mixin import CustomerEntryRateLimited

from .common import ClientelingCase

GOOD = {
    "name": "  Maya   Lind ",
    "email": "Maya.Lind@Example.org",
    "mobile": "(212) 555-0177",
    "birthday": "1990-02-28",
    "consent": "1",
}


@tagged("post_install", "-at_install", "clienteling")
class TestCustomerEntry(ClientelingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Entry = cls.env["clienteling.customer.entry"]

    def _submit(self, address="203.0.113.7", store=None, **changes):
        form = dict(GOOD, **changes)
        return self.Entry._submit(store or self.store_a, form, address)

    def _count(self):
        return self.Entry.sudo().search_count([])

    def test_submission_is_pending_and_creates_no_customer(self):
        partners = self.env["res.partner"].search_count([])
        entry, errors = self._submit()
        self.assertEqual(errors, {})
        self.assertEqual(entry.state, "pending")
        self.assertEqual(entry.name, "Maya Lind")
        self.assertEqual(entry.email, "maya.lind@example.org")
        self.assertEqual(entry.mobile, "+12125550177")
        self.assertEqual(
            (entry.birthday_day, entry.birthday_month, entry.birthday_year), (28, 2, 1990)
        )
        self.assertTrue(entry.consent)
        self.assertIn("Test Fifth Avenue", entry.consent_wording)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_bad_inputs_store_nothing(self):
        before = self._count()
        cases = {
            "missing name": ({"name": "  "}, "name", "enter your name"),
            "invalid email": ({"email": "maya@"}, "email", "valid email"),
            "invalid number": ({"mobile": "12"}, "mobile", "valid mobile"),
            "no way to reach": ({"mobile": "", "email": ""}, "mobile", "mobile number or an email"),
            "oversized name": ({"name": "M" * 101}, "name", "too long"),
            "oversized email": ({"email": "m" * 250 + "@x.org"}, "email", "too long"),
            "control characters": ({"name": "Maya\x00Lind"}, "name", "not allowed"),
            "30 February": ({"birthday": "02-30"}, "birthday", "valid birthday"),
            "born in the future": ({"birthday": "2999-01-01"}, "birthday", "valid birthday"),
            "birthday garbage": ({"birthday": "soon"}, "birthday", "valid birthday"),
        }
        for label, (changes, field, message) in cases.items():
            with self.subTest(label):
                entry, errors = self._submit(**changes)
                self.assertFalse(entry)
                self.assertIn(field, errors)
                self.assertIn(message, errors[field])
        self.assertEqual(self._count(), before)

    def test_29_february_without_year_is_accepted(self):
        entry, errors = self._submit(birthday="02-29", consent="")
        self.assertEqual(errors, {})
        self.assertEqual((entry.birthday_month, entry.birthday_day), (2, 29))
        self.assertFalse(entry.birthday_year)
        self.assertFalse(entry.consent)
        self.assertFalse(entry.consent_wording)

    def test_national_number_is_read_with_the_store_country(self):
        entry, errors = self._submit(store=self.store_b, mobile="06 12 34 56 78")
        self.assertEqual(errors, {})
        self.assertEqual(entry.mobile, "+33612345678")

    def test_flood_from_one_address_is_refused(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "clienteling.customer_entry_rate_limit", "3"
        )
        for index in range(3):
            entry, errors = self._submit(email=f"flood{index}@example.org", mobile="")
            self.assertTrue(entry, errors)
        before = self._count()
        with self.assertRaisesRegex(CustomerEntryRateLimited, "Too many forms"):
            self._submit(email="flood9@example.org", mobile="")
        self.assertEqual(self._count(), before)
        # Another address is not affected.
        entry, _errors = self._submit(address="198.51.100.1")
        self.assertTrue(entry)

    def test_duplicates_by_email_number_and_similar_name(self):
        by_email, _e = self._submit(name="Someone Else", email="JANE.DOE@example.com", mobile="")
        by_number, _e = self._submit(name="Someone Else", email="", mobile="212-555-0142")
        by_name, _e = self._submit(name="doe JANE", email="other@example.org", mobile="")
        nothing, _e = self._submit(name="Zed Nobody", email="zed@example.org", mobile="")
        for entry in (by_email, by_number, by_name):
            self.assertIn(self.customer_a, entry.duplicate_ids)
        self.assertNotIn(self.customer_a, nothing.duplicate_ids)

    def test_approve_creates_customer_birthday_and_consent_with_wording(self):
        entry, _e = self._submit()
        entry = entry.with_user(self.user_associate_a)
        entry.action_approve()
        partner = entry.partner_id
        self.assertEqual(entry.state, "approved")
        self.assertEqual(entry.reviewed_by_id, self.user_associate_a)
        self.assertEqual((partner.name, partner.phone_sanitized), ("Maya Lind", "+12125550177"))
        self.assertEqual(partner.email_normalized, "maya.lind@example.org")
        self.assertEqual(partner.clienteling_store_id, self.store_a)
        self.assertEqual(partner.clienteling_associate_id, self.employee_a)
        birthday = partner.clienteling_important_date_ids
        self.assertEqual((birthday.kind, birthday.month, birthday.day), ("birthday", 2, 28))
        consents = partner.sudo().clienteling_consent_ids
        self.assertEqual(sorted(consents.mapped("channel")), ["email", "sms"])
        for consent in consents:
            self.assertEqual(consent.state, "opted_in")
            self.assertEqual(consent.source, "web_form")
            self.assertEqual(consent.wording, entry.consent_wording)
            self.assertEqual(consent.reference, f"clienteling.customer.entry,{entry.id}")
        self.assertEqual(partner._clienteling_consent_state("sms", self.store_a), "opted_in")
        with self.assertRaisesRegex(UserError, "already reviewed"):
            entry.action_approve()

    def test_no_consent_records_nothing(self):
        entry, _e = self._submit(consent="")
        entry.action_approve()
        self.assertFalse(entry.partner_id.sudo().clienteling_consent_ids)

    def test_merge_fills_empty_fields_and_asks_before_overwriting(self):
        self.customer_a.email = False
        self.env["clienteling.important.date"].create(
            {"partner_id": self.customer_a.id, "kind": "birthday", "month": 5, "day": 4}
        )
        entry, _e = self._submit(name="Jane Doe-Smith", mobile="212 555 0142")
        wizard = (
            self.env["clienteling.customer.entry.merge"]
            .with_user(self.user_associate_a)
            .create({"entry_id": entry.id, "partner_id": self.customer_a.id})
        )
        self.assertTrue(wizard.name_differs)
        self.assertTrue(wizard.birthday_differs)
        self.assertFalse(wizard.email_differs)  # the customer has none: filled, no question
        self.assertFalse(wizard.mobile_differs)  # same number
        wizard.replace_birthday = True
        wizard.action_merge()
        self.assertEqual(entry.state, "merged")
        self.assertEqual(entry.partner_id, self.customer_a)
        self.assertEqual(self.customer_a.name, "Jane Doe")  # not ticked: kept
        self.assertEqual(self.customer_a.email, "maya.lind@example.org")  # was empty: filled
        birthday = self.customer_a.clienteling_important_date_ids
        self.assertEqual((birthday.month, birthday.day, birthday.year), (2, 28, 1990))
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_in"
        )

    def test_merge_replaces_name_when_ticked(self):
        entry, _e = self._submit(name="Jane Doe-Smith", mobile="212 555 0142")
        wizard = self.env["clienteling.customer.entry.merge"].create(
            {"entry_id": entry.id, "partner_id": self.customer_a.id, "replace_name": True}
        )
        wizard.action_merge()
        self.assertEqual(self.customer_a.name, "Jane Doe-Smith")
        self.assertEqual(self.customer_a.email, "Jane.Doe@Example.com")  # same address: kept

    def test_reject(self):
        entry, _e = self._submit()
        entry.reject_reason = "Test entry"
        partners = self.env["res.partner"].search_count([])
        entry.action_reject()
        self.assertEqual(entry.state, "rejected")
        self.assertFalse(entry.partner_id)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        with self.assertRaisesRegex(UserError, "already reviewed"):
            entry.action_reject()

    def test_associates_see_their_stores_entries_only(self):
        entry_a, _e = self._submit()
        entry_b, _e = self._submit(store=self.store_b, mobile="06 12 34 56 78")
        Entry = self.Entry.with_user(self.user_associate_a)
        self.assertEqual(Entry.search([]), entry_a)
        with self.assertRaises(AccessError):
            entry_b.with_user(self.user_associate_a).action_reject()
        self.assertEqual(entry_b.state, "pending")
        self.assertNotIn("remote_address", Entry.fields_get())

    def test_each_store_has_its_own_link(self):
        self.assertTrue(self.store_a.entry_token)
        self.assertNotEqual(self.store_a.entry_token, self.store_b.entry_token)
        self.assertTrue(
            self.store_a.entry_url.endswith("/clienteling/join/" + self.store_a.entry_token)
        )
        old = self.store_a.entry_token
        self.store_a.with_user(self.user_store_manager_a).action_regenerate_entry_token()
        self.assertNotEqual(self.store_a.entry_token, old)
        with self.assertRaises(AccessError):
            self.store_a.with_user(self.user_associate_a).action_regenerate_entry_token()

    def test_init_gives_each_store_its_own_token(self):
        # What a new column's single default leaves behind on an upgrade, before the
        # unique index exists; and a NULL.
        store_c = self.store_b.copy({"code": "C-TOKEN"})
        self.env.flush_all()
        self.env.cr.execute("DROP INDEX clienteling_store_entry_token_uniq")
        self.env.cr.execute(
            "UPDATE clienteling_store SET entry_token = 'shared' WHERE id IN %s",
            [(self.store_a.id, self.store_b.id)],
        )
        self.env.cr.execute(
            "UPDATE clienteling_store SET entry_token = NULL WHERE id = %s", [store_c.id]
        )
        self.env["clienteling.store"].init()
        stores = self.store_a | self.store_b | store_c
        self.env.cr.execute(
            "SELECT id, entry_token FROM clienteling_store WHERE id IN %s", [tuple(stores.ids)]
        )
        tokens = dict(self.env.cr.fetchall())
        self.assertEqual(len(set(tokens.values()) - {"shared", None}), 3)
        self.assertTrue(all(len(token) == 32 for token in tokens.values()))
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'clienteling_store_entry_token_uniq'"
        )
        self.assertTrue(self.env.cr.fetchone())
