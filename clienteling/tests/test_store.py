import importlib.util
from pathlib import Path

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestStore(ClientelingCase):
    def test_landline_stored_in_e164_with_the_store_country(self):
        self.assertEqual(self.store_a.landline, "+12125550199")
        self.assertEqual(self.store_b.landline, "+33142685399")
        self.store_b.landline = "+33 1 42 68 53 00"
        self.assertEqual(self.store_b.landline, "+33142685300")

    def test_invalid_landline_refused_with_the_reason(self):
        with self.assertRaisesRegex(ValidationError, "not a valid phone number in US"):
            self.store_a.landline = "(212) 555-01"
        with self.assertRaisesRegex(ValidationError, "not a phone number"):
            self.env["clienteling.store"].create(
                {"name": "Bad", "code": "BAD", "country_id": self.us.id, "landline": "call us"}
            )
        self.store_a.invalidate_recordset()
        self.assertEqual(self.store_a.landline, "+12125550199")

    def test_landline_of_another_country_refused(self):
        with self.assertRaisesRegex(ValidationError, "number of US, not of FR"):
            self.store_b.landline = "+1 212 555 0123"
        with self.assertRaisesRegex(ValidationError, "number of FR, not of US"):
            self.env["clienteling.store"].create(
                {"name": "Wrong", "code": "W", "country_id": self.us.id, "landline": "+33142685300"}
            )
        self.store_b.invalidate_recordset()
        self.assertEqual(self.store_b.landline, "+33142685399")

    def test_moving_a_store_to_another_country_checks_its_landline(self):
        with self.assertRaisesRegex(ValidationError, "number of US, not of FR"):
            self.store_a.country_id = self.fr

    def test_store_without_landline_is_allowed(self):
        store = self.env["clienteling.store"].create(
            {"name": "Popup", "code": "POP", "country_id": self.fr.id}
        )
        self.assertFalse(store.landline)

    def test_store_code_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["clienteling.store"].create(
                {"name": "Copy", "code": "T-NYC", "country_id": self.us.id}
            )
        other_company = self.env["res.company"].create(
            {"name": "Other Retail", "country_id": self.fr.id}
        )
        store = self.env["clienteling.store"].create(
            {
                "name": "Other",
                "code": "T-NYC",
                "country_id": self.fr.id,
                "company_id": other_company.id,
            }
        )
        self.assertEqual(store.code, "T-NYC")

    def test_counts_and_actions(self):
        self.assertEqual(self.store_a.employee_count, 2)
        self.assertEqual(self.store_a.customer_count, 1)
        action = self.store_a.action_view_customers()
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.customer_a)
        action = self.store_a.action_view_employees()
        self.assertEqual(
            self.env["hr.employee"].search(action["domain"]),
            self.employee_a | self.employee_manager_a,
        )

    def test_associates_screen_only_for_users_who_may_read_employees(self):
        menu = self.env.ref("clienteling.clienteling_menu_associates")
        Store = self.env["clienteling.store"]
        for user, shown in ((self.user_store_manager_a, False), (self.user_manager, True)):
            menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertEqual(menu.id in menus, shown, user.login)
            arch = Store.with_user(user).get_view(
                self.env.ref("clienteling.clienteling_store_view_form").id
            )["arch"]
            self.assertEqual('name="action_view_employees"' in arch, shown, user.login)
            # whoever sees them can open them
            if shown:
                action = self.store_a.with_user(user).action_view_employees()
                self.env["hr.employee"].with_user(user).search(action["domain"])

    def test_numbers_shown_in_the_national_format_of_the_store_country(self):
        self.assertEqual(self.store_a.landline, "+12125550199")  # stored E.164
        self.assertEqual(self.store_a.landline_display, "(212) 555-0199")
        self.assertEqual(self.store_b.landline_display, "01 42 68 53 99")
        consent = self.env["clienteling.consent"].create(
            {
                "partner_id": self.customer_a.id,
                "channel": "sms",
                "store_id": self.store_b.id,
                "state": "opted_in",
                "source": "associate",
            }
        )
        self.assertEqual(consent.address, "+12125550142")
        # a New York number seen from the Paris store keeps its country code
        self.assertEqual(consent.address_display, "+1 212-555-0142")
        consent.store_id = self.store_a
        self.assertEqual(consent.address_display, "(212) 555-0142")
        entry, _errors = self.env["clienteling.customer.entry"]._submit(
            self.store_b, {"name": "Louis Martin", "mobile": "06 12 34 56 78"}, "192.0.2.7"
        )
        self.assertEqual(entry.mobile, "+33612345678")
        self.assertEqual(entry.mobile_display, "06 12 34 56 78")

    def test_consent_wording_uses_the_quick_reply_placeholders(self):
        self.assertIn("{{ store.name }}", self.store_a.entry_consent_wording)
        self.assertNotIn("{store}", self.store_a.entry_consent_wording)
        self.assertIn("from Test Fifth Avenue.", self.store_a._entry_consent_text())
        self.store_a.entry_consent_wording = "Texts from {{ store.name }}, {{ store.landline }}."
        self.assertEqual(
            self.store_a._entry_consent_text(), "Texts from Test Fifth Avenue, (212) 555-0199."
        )

    def test_migration_rewrites_the_former_placeholders_in_every_language(self):
        path = Path(__file__).parents[1] / "migrations" / "18.0.1.3.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("clienteling_migration_1_3", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.cr.execute(
            """UPDATE clienteling_store SET entry_consent_wording = %s::jsonb WHERE id = %s""",
            ('{"en_US": "Yes, {store}.", "fr_FR": "Oui, {store} ({landline})."}', self.store_a.id),
        )
        self.store_a.invalidate_recordset(["entry_consent_wording"])
        self.assertEqual(self.store_a._entry_consent_text(), "Yes, Test Fifth Avenue.")
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.store_a.invalidate_recordset(["entry_consent_wording"])
        self.assertEqual(self.store_a.entry_consent_wording, "Yes, {{ store.name }}.")
        self.assertEqual(
            self.store_a.with_context(lang="fr_FR").entry_consent_wording,
            "Oui, {{ store.name }} ({{ store.landline }}).",
        )
        self.assertEqual(self.store_a._entry_consent_text(), "Yes, Test Fifth Avenue.")
