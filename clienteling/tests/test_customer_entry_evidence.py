from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.clienteling.models.clienteling_rate_limit_mixin import CustomerEntryRateLimited

from .common_boundaries import BoundaryCase

FORM = {
    "name": "Maya Lind",
    "email": "maya.lind@example.org",
    "mobile": "(212) 555-0177",
    "birthday": "1990-02-28",
    "consent": "1",
}
EVIDENCE = [
    *("name", "email", "mobile", "consent", "consent_wording", "store_id", "associate_id"),
    *("state", "partner_id", "reviewed_by_id", "remote_address", "lang"),
]


@tagged("post_install", "-at_install", "clienteling")
class TestCustomerEntryEvidence(BoundaryCase):
    """What the customer submitted is evidence: nobody but a system administrator
    changes it, and only pending entries of one's own stores are reviewed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Entry = cls.env["clienteling.customer.entry"]
        cls.Merge = cls.env["clienteling.customer.entry.merge"]
        cls.reviewers_of_store_a = {
            "associate": cls.user_associate_a,
            "store manager": cls.user_store_manager_a,
            "clienteling administrator": cls.user_manager,
        }

    def _submit(self, store=None, address="203.0.113.7", **changes):
        entry, errors = self.Entry._submit(store or self.store_a, dict(FORM, **changes), address)
        self.assertFalse(errors)
        return entry

    def _snapshot(self, entry):
        return entry.sudo().read(EVIDENCE)

    def test_nobody_but_system_administrators_rewrites_a_submission(self):
        entry = self._submit(consent="")
        before = self._snapshot(entry)
        forgeries = {
            "consent": True,
            "consent_wording": "I agree to everything.",
            "mobile": "+12125550100",
            "email": "someone@example.org",
            "name": "Someone Else",
            "birthday_month": 1,
            "associate_id": self.employee_a.id,
            "state": "approved",
            "partner_id": self.customer_a.id,
            "reviewed_by_id": self.user_associate_a.id,
            "lang": "fr_FR",
        }
        for label, user in self.reviewers_of_store_a.items():
            for fname, value in forgeries.items():
                with self.subTest(user=label, field=fname):
                    with self.assertRaisesRegex(AccessError, "cannot be changed"):
                        entry.with_user(user).write({fname: value})
            with self.subTest(user=label, field="store_id"):
                with self.assertRaisesRegex(UserError, "store of a pending customer"):
                    entry.with_user(user).write({"store_id": self.store_b.id})
        for label, user in self.outsiders_of_store_a.items():
            with self.subTest(user=label):
                with self.assertRaises(AccessError):
                    entry.with_user(user).write({"consent": True})
        self.assertEqual(self._snapshot(entry), before)
        # a reviewer may write why they reject it, while it is pending
        entry.with_user(self.user_associate_a).reject_reason = "Test entry"
        # system administrators may correct it, with a trace; the store never changes
        entry.with_user(self.user_system).write({"mobile": "+12125550178"})
        self.assertEqual(entry.mobile, "+12125550178")
        with self.assertRaisesRegex(UserError, "store of a pending customer"):
            entry.with_user(self.user_system).write({"store_id": self.store_b.id})
        self.assertEqual(entry.store_id, self.store_a)

    def test_entries_come_from_the_form_only(self):
        entry = self._submit()
        values = {"name": "Forged", "store_id": self.store_a.id, "consent": True}
        for label, user in self.reviewers_of_store_a.items():
            with self.subTest(user=label):
                with self.assertRaises(AccessError):
                    self.Entry.with_user(user).create(values)
                with self.assertRaises(AccessError):
                    entry.with_user(user).copy()
        self.assertEqual(self.Entry.search_count([("name", "=", "Forged")]), 0)

    def test_review_only_from_pending(self):
        entry = self._submit()
        entry.with_user(self.user_associate_a).action_reject()
        reviewer = entry.with_user(self.user_associate_a)
        for action in ("action_approve", "action_reject", "action_open_merge"):
            with self.subTest(action=action):
                with self.assertRaisesRegex(UserError, "already reviewed"):
                    getattr(reviewer, action)()
        with self.assertRaisesRegex(UserError, "already reviewed"):
            self.Merge.with_user(self.user_associate_a).create(
                {"entry_id": entry.id, "partner_id": self.customer_a.id}
            )
        with self.assertRaisesRegex(UserError, "already reviewed"):
            reviewer.reject_reason = "Changed my mind"
        self.assertEqual(entry.state, "rejected")
        self.assertFalse(entry.partner_id)

    def test_other_stores_and_companies_neither_read_nor_review(self):
        entry = self._submit()
        partners = self.env["res.partner"].search_count([])
        for label, user in self.outsiders_of_store_a.items():
            as_user = entry.with_user(user)
            with self.subTest(user=label):
                self.assertFalse(self.Entry.with_user(user).search([("id", "=", entry.id)]))
                with self.assertRaises(AccessError):
                    as_user.read(["name", "mobile"])
                with self.assertRaises(AccessError):
                    as_user.write({"reject_reason": "Not mine"})
                for action in ("action_approve", "action_reject", "action_open_merge"):
                    with self.assertRaises(AccessError):
                        getattr(as_user, action)()
                with self.assertRaises(AccessError):
                    self.Merge.with_user(user).create(
                        {"entry_id": entry.id, "partner_id": self.customer_a.id}
                    )
                with self.assertRaises(AccessError):
                    as_user.unlink()
        self.assertEqual(entry.state, "pending")
        self.assertFalse(entry.reject_reason)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_merge_only_into_a_customer_the_reviewer_may_change(self):
        entry = self._submit(name="Jane Doe-Smith", mobile="212 555 0142")
        other_company_customer = self.env["res.partner"].create(
            {"name": "Jane Doe", "company_id": self.other_company.id, "mobile": "212 555 0142"}
        )
        colleague = self.user_store_manager_a.partner_id
        Merge = self.Merge.with_user(self.user_associate_a)
        with self.assertRaises(AccessError):
            Merge.create(
                {"entry_id": entry.id, "partner_id": other_company_customer.id}
            ).action_merge()
        with self.assertRaisesRegex(UserError, "user of Odoo"):
            Merge.create({"entry_id": entry.id, "partner_id": colleague.id}).action_merge()
        self.assertEqual(entry.state, "pending")
        self.assertEqual(other_company_customer.name, "Jane Doe")
        # a Clienteling Administrator of both companies still cannot mix them
        self.user_manager.company_ids |= self.other_company
        manager_env = self.Merge.with_user(self.user_manager).with_context(
            allowed_company_ids=[self.company.id, self.other_company.id]
        )
        with self.assertRaisesRegex(UserError, "belongs to Other Retail"):
            manager_env.create(
                {"entry_id": entry.id, "partner_id": other_company_customer.id}
            ).action_merge()
        self.assertEqual(entry.state, "pending")
        # into the store's own customer, it works
        Merge.create({"entry_id": entry.id, "partner_id": self.customer_a.id}).action_merge()
        self.assertEqual((entry.state, entry.partner_id), ("merged", self.customer_a))

    def test_reviewed_entries_are_deleted_by_system_administrators_only(self):
        approved = self._submit()
        approved.with_user(self.user_associate_a).action_approve()
        pending = self._submit(email="other@example.org", mobile="")
        with self.assertRaisesRegex(AccessError, "evidence"):
            approved.with_user(self.user_manager).unlink()
        pending.with_user(self.user_manager).unlink()
        approved.with_user(self.user_system).unlink()
        self.assertFalse(approved.exists())

    def test_consent_of_the_form_is_dated_when_the_customer_gave_it(self):
        entry = self._submit()
        # the customer texts STOP after sending the form, before anyone approves it
        self.env["clienteling.consent"].create(
            {
                "partner_id": False,
                "channel": "sms",
                "address": "+12125550177",
                "store_id": self.store_a.id,
                "state": "opted_out",
                "source": "keyword",
                "wording": "STOP",
                "date": entry.create_date + timedelta(minutes=1),
            }
        )
        entry.with_user(self.user_associate_a).action_approve()
        partner = entry.partner_id
        rows = partner.sudo().clienteling_consent_ids
        self.assertEqual(set(rows.mapped("source")), {"web_form"})
        self.assertEqual(set(rows.mapped("date")), {entry.create_date})
        self.assertFalse(rows.employee_id)  # nobody of the store was there
        self.assertEqual(rows.user_id, self.user_associate_a)
        self.assertEqual(
            partner._clienteling_consent_state("sms", self.store_a, "+12125550177"), "opted_out"
        )
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+12125550177")]))
        # the email consent had no STOP
        self.assertEqual(partner._clienteling_consent_state("email", self.store_a), "opted_in")

    def test_a_new_signed_form_ends_an_earlier_opt_out(self):
        self.customer_a._clienteling_record_consent(
            "sms", "opted_out", self.store_a, "keyword", "STOP"
        )
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+12125550142")]))
        stop = self.env["clienteling.consent"].search([("partner_id", "=", self.customer_a.id)])
        stop.date = stop.date - timedelta(days=1)
        entry = self._submit(name="Jane Doe", mobile="212 555 0142", email="")
        wizard = self.Merge.with_user(self.user_associate_a).create(
            {"entry_id": entry.id, "partner_id": self.customer_a.id}
        )
        wizard.action_merge()
        self.assertEqual(
            self.customer_a._clienteling_consent_state("sms", self.store_a), "opted_in"
        )
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+12125550142")]))


@tagged("post_install", "-at_install", "clienteling")
class TestCustomerEntryLimits(BoundaryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Entry = cls.env["clienteling.customer.entry"]
        cls.Param = cls.env["ir.config_parameter"]

    def _submit(self, address, store=None, index=0):
        return self.Entry._submit(
            store or self.store_a, dict(FORM, email=f"e{index}@example.org", mobile=""), address
        )

    def test_rotating_ipv6_addresses_of_one_network_count_as_one(self):
        self.Param.set_param("clienteling.customer_entry_rate_limit", "3")
        for index in range(3):
            entry, _errors = self._submit(f"2001:db8:1:2::{index + 1:x}", index=index)
            self.assertEqual(entry.remote_network, "2001:db8:1:2::/64")
        with self.assertRaisesRegex(CustomerEntryRateLimited, "from this network"):
            self._submit("2001:db8:1:2:ffff:ffff:ffff:ffff", index=9)
        # another /64, an IPv4 address: not affected
        self.assertTrue(self._submit("2001:db8:1:3::1", index=10)[0])
        self.assertTrue(self._submit("198.51.100.1", index=11)[0])

    def test_store_limit_holds_whatever_the_addresses(self):
        self.Param.set_param("clienteling.customer_entry_store_rate_limit", "3")
        for index in range(3):
            self.assertTrue(self._submit(f"198.51.100.{index + 1}", index=index)[0])
        before = self.Entry.search_count([])
        with self.assertRaisesRegex(CustomerEntryRateLimited, "too many entries"):
            self._submit("192.0.2.200", index=9)
        self.assertEqual(self.Entry.search_count([]), before)
        # another store's form is not affected
        self.assertTrue(self._submit("192.0.2.200", store=self.store_b, index=10)[0])

    def test_a_bad_limit_setting_falls_back_to_the_default(self):
        self.Param.set_param("clienteling.customer_entry_store_rate_limit", "not a number")
        self.Param.set_param("clienteling.customer_entry_rate_limit", "")
        self.assertTrue(self._submit("198.51.100.1")[0])
