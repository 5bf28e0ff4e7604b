from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_boundaries import BoundaryCase

NUMBER = "+12125550142"


@tagged("post_install", "-at_install", "clienteling")
class TestConsentForgery(BoundaryCase):
    """Rows a person writes say what that person did; only the customer (or a
    system administrator who writes why) ends an opt-out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Consent = cls.env["clienteling.consent"]
        # people of store A (or of every store) who are not system administrators
        cls.people_of_store_a = {
            "associate": cls.user_associate_a,
            "store manager": cls.user_store_manager_a,
            "clienteling administrator": cls.user_manager,
        }

    def _values(self, **changes):
        values = {
            "partner_id": self.customer_a.id,
            "channel": "sms",
            "state": "opted_in",
            "store_id": self.store_a.id,
            "wording": "Customer replied YES",
        }
        values.update(changes)
        return values

    def _stop(self, store=None):
        """The customer texts STOP (trusted keyword processing)."""
        return self.customer_a._clienteling_record_consent(
            "sms", "opted_out", store or self.store_a, "keyword", "STOP", reference="SM-stop"
        )

    def _blacklisted(self, number=NUMBER):
        return bool(self.env["phone.blacklist"].search([("number", "=", number)]))

    def _rows(self):
        return self.Consent.search_count([("partner_id", "=", self.customer_a.id)])

    def test_sources_a_person_did_not_witness_are_refused(self):
        for label, user in {
            **self.people_of_store_a,
            "system administrator": self.user_system,
        }.items():
            for source in ("keyword", "web_form"):
                with self.subTest(user=label, source=source):
                    with self.assertRaisesRegex(AccessError, "witnessed yourself"):
                        self.Consent.with_user(user).create(self._values(source=source))
        for label, user in self.people_of_store_a.items():
            for source in ("import", "api", "correction"):
                with self.subTest(user=label, source=source):
                    with self.assertRaisesRegex(AccessError, "witnessed yourself"):
                        self.Consent.with_user(user).create(self._values(source=source))
        # through the customer's method and the customer's consent lines too
        with self.assertRaisesRegex(AccessError, "witnessed yourself"):
            self.customer_a.with_user(self.user_associate_a)._clienteling_record_consent(
                "sms", "opted_in", self.store_a, "keyword", "YES", reference="SM-forged"
            )
        with self.assertRaisesRegex(AccessError, "witnessed yourself"):
            self.customer_a.with_user(self.user_associate_a).write(
                {"clienteling_consent_ids": [(0, 0, self._values(source="web_form"))]}
            )
        self.assertEqual(self._rows(), 0)

    def test_a_person_records_as_themselves_without_provider_reference(self):
        Consent = self.Consent.with_user(self.user_associate_a)
        with self.assertRaisesRegex(AccessError, "your own name"):
            Consent.create(self._values(source="associate", employee_id=self.employee_manager_a.id))
        with self.assertRaisesRegex(AccessError, "your own name"):
            Consent.create(self._values(employee_id=self.employee_b.id))
        with self.assertRaisesRegex(AccessError, "no provider reference"):
            Consent.create(self._values(reference="SM0123456789"))
        self.assertEqual(self._rows(), 0)
        consent = Consent.create(
            self._values(date="2001-01-01 00:00:00", user_id=self.user_manager.id)
        ).sudo()
        self.assertEqual(
            (consent.source, consent.employee_id, consent.user_id, consent.reference),
            ("associate", self.employee_a, self.user_associate_a, False),
        )
        self.assertGreater(consent.date, fields.Datetime.now() - timedelta(minutes=5))

    def test_nobody_but_the_customer_ends_an_opt_out(self):
        self._stop()
        self.assertTrue(self._blacklisted())
        attempts = {
            "opt-in": {"state": "opted_in"},
            "opt-in request": {"state": "pending"},
            "opt-in with a reason": {"state": "opted_in", "reason": "The customer said so"},
        }
        for label, user in self.people_of_store_a.items():
            for attempt, values in attempts.items():
                with self.subTest(user=label, attempt=attempt):
                    with self.assertRaisesRegex(AccessError, "only the customer can opt in"):
                        self.Consent.with_user(user).create(self._values(**values))
            with self.subTest(user=label, path="customer method"):
                with self.assertRaisesRegex(AccessError, "only the customer can opt in"):
                    self.customer_a.with_user(user)._clienteling_record_consent(
                        "sms", "opted_in", self.store_a, "associate", "YES in store"
                    )
        # one batch that opts out and in again is no way around it
        with self.assertRaisesRegex(AccessError, "only the customer can opt in"):
            self.Consent.with_user(self.user_associate_a).create(
                [self._values(state="opted_out"), self._values(state="opted_in")]
            )
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_out"
        )
        self.assertTrue(self._blacklisted())
        # another opt-out is always welcome
        self.Consent.with_user(self.user_associate_a).create(self._values(state="opted_out"))
        # a system administrator can, only with a written reason
        Consent = self.Consent.with_user(self.user_system)
        with self.assertRaisesRegex(UserError, "write the reason"):
            Consent.create(self._values(reason="  "))
        self.assertTrue(self._blacklisted())
        consent = Consent.create(self._values(reason="STOP recorded on the wrong customer"))
        self.assertEqual(consent.source, "associate")
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_in"
        )
        self.assertFalse(self._blacklisted())

    def test_the_customer_ends_their_opt_out(self):
        self._stop()
        self.customer_a._clienteling_record_consent(
            "sms", "opted_in", self.store_a, "keyword", "START", reference="SM-start"
        )
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_in"
        )
        self.assertFalse(self._blacklisted())

    def test_an_associate_opt_in_never_lifts_a_blacklist(self):
        # Odoo's own opt-out (e.g. from SMS marketing): not in the ledger
        self.env["phone.blacklist"]._add([NUMBER])
        consent = self.Consent.with_user(self.user_associate_a).create(self._values())
        self.assertEqual(consent.state, "opted_in")
        self.assertTrue(self._blacklisted())
        # a STOP at store B: store A's own consent stands, the blacklist too
        self.env["phone.blacklist"]._remove([NUMBER])
        self._stop(self.store_b)
        self.Consent.with_user(self.user_associate_a).create(self._values())
        self.assertTrue(self._blacklisted())

    def test_other_stores_and_companies_record_nothing(self):
        for label, user in self.outsiders_of_store_a.items():
            with self.subTest(user=label):
                with self.assertRaises(AccessError):
                    self.Consent.with_user(user).create(self._values(state="opted_out"))
        self.assertEqual(self._rows(), 0)

    def test_system_administrators_import_with_their_own_right(self):
        Consent = self.Consent.with_user(self.user_system)
        imported = Consent.create(
            self._values(
                source="import",
                date="2020-05-01 10:00:00",
                employee_id=self.employee_a.id,
                reference="batch-2020-05",
            )
        )
        self.assertEqual(
            (imported.source, imported.employee_id, imported.reference, imported.user_id),
            ("import", self.employee_a, "batch-2020-05", self.user_system),
        )
        self.assertEqual(str(imported.date), "2020-05-01 10:00:00")
        # an import that ends a current opt-out needs its reason too
        self._stop()
        with self.assertRaisesRegex(UserError, "write the reason"):
            Consent.create(self._values(source="api"))
        # history older than the opt-out does not end it: no reason needed
        Consent.create(self._values(source="import", date="2019-01-01 00:00:00"))
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_out"
        )
        self.assertTrue(self._blacklisted())

    def test_corrections_need_a_reason_and_keep_the_opt_out_deletable_only_by_correction(self):
        stop = self._stop()
        admin_stop = stop.with_user(self.user_system)
        with self.assertRaisesRegex(UserError, "reason"):
            admin_stop.write({"state": "opted_in"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            admin_stop.unlink()
        self.assertTrue(self._blacklisted())
        # a correction by write, with its reason, follows the blacklist
        admin_stop.write(
            {"state": "opted_in", "reason": "Typed STOP by mistake, said the customer"}
        )
        self.assertFalse(self._blacklisted())
        admin_stop.write({"state": "opted_out", "reason": "Back to what the customer sent"})
        self.assertTrue(self._blacklisted())
        # deleting an opt-in after an opt-out puts the number back on the blacklist
        self.env["phone.blacklist"]._remove([NUMBER])
        later = self.Consent.create(
            self._values(source="keyword", date=fields.Datetime.now() + timedelta(minutes=1))
        )
        self.assertFalse(self._blacklisted())
        later.with_user(self.user_system).unlink()
        self.assertTrue(self._blacklisted())

    def test_correction_wizard(self):
        stop = self._stop()
        Wizard = self.env["clienteling.consent.correction"]
        for label, user in {**self.people_of_store_a, **self.outsiders_of_store_a}.items():
            with self.subTest(user=label):
                with self.assertRaises(AccessError):
                    Wizard.with_user(user).create(
                        {"consent_id": stop.id, "state": "opted_in", "reason": "Please"}
                    )
        wizard = Wizard.with_user(self.user_system).create(
            {"consent_id": stop.id, "state": "opted_in", "reason": "  "}
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_correct()
        wizard.reason = "The customer's signed letter of 3 March"
        action = wizard.action_correct()
        correction = self.Consent.browse(action["res_id"])
        self.assertEqual(
            (correction.source, correction.state, correction.user_id, correction.address),
            ("correction", "opted_in", self.user_system, NUMBER),
        )
        self.assertEqual(correction.reason, "The customer's signed letter of 3 March")
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_in"
        )
        self.assertFalse(self._blacklisted())
        self.assertEqual(stop.state, "opted_out")  # the ledger keeps the opt-out row
