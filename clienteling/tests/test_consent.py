from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ClientelingCase

OPT_IN_TEXT = "Reply YES to agree, STOP to opt out."


@tagged("post_install", "-at_install", "clienteling")
class TestConsent(ClientelingCase):
    def _record(self, partner, state, store, user=None, **kwargs):
        partner = partner.with_user(user) if user else partner
        kwargs.setdefault("source", "keyword")
        return partner._clienteling_record_consent(
            "sms", state, store, wording=kwargs.pop("wording", state), **kwargs
        )

    def test_state_follows_the_newest_row(self):
        customer = self.customer_a
        self.assertFalse(customer._clienteling_consent_state("sms", self.store_a))
        self._record(customer, "pending", self.store_a, source="associate", wording=OPT_IN_TEXT)
        self.assertEqual(customer._clienteling_consent_state("sms", self.store_a), "pending")
        for state in ("opted_in", "opted_out", "opted_in"):
            self._record(customer, state, self.store_a)
            self.assertEqual(customer._clienteling_consent_state("sms", self.store_a), state)
        self.assertEqual(len(customer.clienteling_consent_ids), 4)
        self.assertEqual(customer.clienteling_consent_ids[-1].wording, OPT_IN_TEXT)
        # another store and another channel are separate
        self.assertFalse(customer._clienteling_consent_state("sms", self.store_b))
        self.assertFalse(customer._clienteling_consent_state("email", self.store_a))

    def test_address_defaults_to_the_customer_number_in_e164(self):
        consent = self._record(self.customer_b, "opted_in", self.store_b, wording="OUI")
        self.assertEqual(consent.address, "+33612345699")
        other = self._record(self.customer_b, "opted_out", self.store_b, address="06 12 34 56 00")
        self.assertEqual(other.address, "+33612345600")
        self.assertEqual(
            self.customer_b._clienteling_consent_state("sms", self.store_b, "+33612345699"),
            "opted_in",
        )
        self.assertEqual(
            self.customer_b._clienteling_consent_state("sms", self.store_b, "0612345600"),
            "opted_out",
        )

    def test_email_consent(self):
        consent = self.customer_a._clienteling_record_consent(
            "email", "opted_in", self.store_a, "web_form"
        )
        self.assertEqual(consent.address, "jane.doe@example.com")
        self.assertEqual(
            self.customer_a._clienteling_consent_state("email", self.store_a), "opted_in"
        )
        with self.assertRaisesRegex(ValidationError, "no valid email"):
            self.customer_b._clienteling_record_consent(
                "email", "opted_in", self.store_b, "web_form"
            )
        with self.assertRaisesRegex(ValidationError, "no valid email"):
            self.customer_a._clienteling_record_consent(
                "email", "opted_in", self.store_a, "api", address="not-an-email"
            )

    def test_bad_numbers_refused_and_nothing_written(self):
        no_phone = self.env["res.partner"].create({"name": "No Phone"})
        with self.assertRaisesRegex(ValidationError, "has no phone number"):
            self._record(no_phone, "opted_in", self.store_a)
        with self.assertRaisesRegex(ValidationError, "Invalid number"):
            self._record(self.customer_a, "opted_in", self.store_a, address="555")
        with self.assertRaises(ValueError):
            self._record(self.customer_a, "maybe", self.store_a)
        self.assertFalse(
            self.env["clienteling.consent"].search(
                [("partner_id", "in", [no_phone.id, self.customer_a.id])]
            )
        )

    def test_ledger_is_append_only_for_associates_and_managers(self):
        consent = self._record(
            self.customer_a,
            "opted_in",
            self.store_a,
            user=self.user_associate_a,
            source="associate",
        )
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    consent.with_user(user).write({"state": "opted_out"})
                with self.assertRaises(AccessError):
                    consent.with_user(user).unlink()
        self.assertEqual(consent.state, "opted_in")
        # system administrators may correct the ledger, saying why
        admin_consent = consent.with_user(self.env.ref("base.user_admin"))
        with self.assertRaisesRegex(UserError, "reason"):
            admin_consent.write({"wording": "YES "})
        admin_consent.write({"wording": "YES ", "reason": "Trailing space lost in the import"})
        self.assertEqual(consent.wording, "YES ")

    def test_associates_cannot_backdate_or_impersonate(self):
        consent = self.customer_a.with_user(self.user_associate_a)._clienteling_record_consent(
            "sms", "opted_in", self.store_a, "associate", wording="Verbal yes in store"
        )
        consent = consent.sudo()
        self.assertEqual(consent.user_id, self.user_associate_a)
        self.assertEqual(consent.employee_id, self.employee_a)
        self.assertGreater(consent.date, datetime(2026, 1, 1))
        forged = (
            self.env["clienteling.consent"]
            .with_user(self.user_associate_a)
            .create(
                {
                    "partner_id": self.customer_a.id,
                    "channel": "sms",
                    "state": "opted_in",
                    "store_id": self.store_a.id,
                    "date": "2001-01-01 00:00:00",
                    "user_id": self.user_manager.id,
                }
            )
        )
        self.assertNotEqual(forged.sudo().date, datetime(2001, 1, 1))
        self.assertEqual(forged.sudo().user_id, self.user_associate_a)
        self.assertEqual(forged.sudo().source, "associate")
        # trusted code (superuser mode: imports of history, integrations) keeps its dates
        imported = self.env["clienteling.consent"].create(
            {
                "partner_id": self.customer_a.id,
                "channel": "sms",
                "state": "opted_in",
                "store_id": self.store_a.id,
                "source": "import",
                "date": "2001-01-01 00:00:00",
            }
        )
        self.assertEqual(imported.date, datetime(2001, 1, 1))

    def test_sms_opt_out_blacklists_the_number_for_odoo(self):
        blacklist = self.env["phone.blacklist"]
        self._record(self.customer_a, "opted_in", self.store_a)
        self.assertFalse(blacklist.search([("number", "=", "+12125550142")]))
        self._record(self.customer_a, "opted_out", self.store_a, wording="STOP")
        self.assertTrue(blacklist.search([("number", "=", "+12125550142")]))
        self.customer_a.invalidate_recordset()
        self.assertTrue(self.customer_a.phone_sanitized_blacklisted)
        # opted in again at another store while still opted out of store A: stays blacklisted
        self._record(self.customer_a, "opted_in", self.store_b, address="+12125550142")
        self.assertTrue(blacklist.search([("number", "=", "+12125550142")]))
        # opted in again at store A: no store left opted out
        self._record(self.customer_a, "opted_in", self.store_a, wording="START")
        self.assertFalse(blacklist.search([("number", "=", "+12125550142")]))
        self.customer_a.invalidate_recordset()
        self.assertFalse(self.customer_a.phone_sanitized_blacklisted)

    def test_pending_does_not_lift_an_opt_out(self):
        self._record(self.customer_a, "opted_out", self.store_a)
        self._record(self.customer_a, "pending", self.store_a, source="associate")
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+12125550142")]))
