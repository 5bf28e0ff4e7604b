import dataclasses
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.clienteling_sms.tools.sandbox import SandboxProvider

from ..tools import catalog
from ..tools.regulations import InfoField
from ..tools.sandbox_compliance import SandboxCompliance
from .common import ComplianceCase


@tagged("post_install", "-at_install", "clienteling_compliance")
class TestGate(ComplianceCase):
    """Every way of buying a number passes the gate."""

    def assertRefused(self, message_parts, exception=RedirectWarning):
        """A context manager: the block is refused with a message naming each part."""
        test = self

        class Refused:
            def __enter__(self):
                self.cm = test.assertRaises(exception)
                self.context = self.cm.__enter__()
                return self.context

            def __exit__(self, *exc):
                handled = self.cm.__exit__(*exc)
                message = str(self.context.exception.args[0])
                for part in message_parts:
                    test.assertIn(part, message)
                return handled

        return Refused()

    def numbers(self):
        return self.Number.search([("account_id", "=", self.account.id)])

    def employee(self, store):
        return self.env["hr.employee"].create(
            {
                "name": "Greta Associate",
                "company_id": self.company.id,
                "clienteling_store_id": store.id,
            }
        )

    def test_refused_without_application_on_every_path(self):
        refusal = [
            "United Kingdom",
            "mobile numbers need an approved regulatory application",
            "Maison Test Compliance has none",
        ]
        with self.assertRefused(refusal) as refused:
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        action = refused.exception.args[1]
        regulation = self.regulation("GB", "mobile")
        self.assertEqual(action["res_model"], "clienteling.compliance.application")
        self.assertFalse(action.get("res_id"))
        self.assertEqual(action["context"]["default_regulation_id"], regulation.id)
        self.assertEqual(action["context"]["default_company_id"], self.company.id)
        self.assertEqual(refused.exception.args[2], "Create the Application")
        # The action's context creates the application it names.
        created = (
            self.Application.with_user(self.officer).with_context(**action["context"]).create({})
        )
        self.assertEqual(created.regulation_id, regulation)
        created.unlink()
        with self.assertRefused(refusal):
            self.Number._purchase(self.account, self.gb)  # a spare number, no store
        with self.assertRefused(refusal):
            self.provision(target="store", store_ids=[(6, 0, self.store_gb.ids)]).action_provision()
        with self.assertRefused(refusal):
            self.provision(
                target="employee", employee_ids=[(6, 0, self.employee(self.store_gb).ids)]
            ).action_provision()
        with self.assertRefused(refusal):
            self.provision(target="pool", country_id=self.gb.id, quantity=2).action_provision()
        spare = self.Number.create(
            {
                "number": "+447911123456",
                "account_id": self.account.id,
                "country_id": self.gb.id,
                "number_type": "mobile",
            }
        )
        onboard = self.env["clienteling.store.onboard"].create(
            {"store_id": self.store_gb.id, "phone_number_id": spare.id}
        )
        with self.assertRefused(refusal):
            onboard.action_onboard()
        self.assertEqual(self.numbers(), spare, "nothing bought")
        self.assertEqual(spare.state, "available")
        self.assertFalse(self.store_gb.sms_onboarded)
        # Approved: every path buys, under the application.
        application = self.approved("GB", "mobile")
        onboard.action_onboard()
        self.assertEqual(spare.store_id, self.store_gb)
        self.Number._purchase(self.account, self.gb)
        self.provision(target="pool", country_id=self.gb.id, quantity=2).action_provision()
        associate = self.employee(self.store_gb)
        self.provision(target="employee", employee_ids=[(6, 0, associate.ids)]).action_provision()
        london = self.env["clienteling.store"].create(
            self._store_vals("London Soho", "T-SOH", self.gb, "020 7946 0959")
        )
        self.provision(target="store", store_ids=[(6, 0, london.ids)]).action_provision()
        bought = self.numbers() - spare
        self.assertEqual(len(bought), 5)
        self.assertEqual(bought.compliance_application_id, application)
        self.assertEqual(bought.filtered("employee_id").employee_id, associate)

    def test_refusal_names_what_is_missing_and_opens_the_application(self):
        draft = self.new_application("GB", "mobile")
        with self.assertRefused(
            ["United Kingdom", "application: Draft", "items still missing"]
        ) as refused:
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        action = refused.exception.args[1]
        self.assertEqual(action["res_id"], draft.id)
        self.assertEqual(refused.exception.args[2], "Open the Application")
        self.ready(draft)
        self.fill(draft, {"business_registration_number": "12345678"})
        with self.assertRefused(["application: Draft", "ready to be checked and submitted"]):
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        self.submit(draft)
        with self.assertRefused(["application: Submitted"]):
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        self.review(draft, "twilio-rejected", reason="The bill is older than 3 months.")
        with self.assertRefused(["application: Rejected", "The bill is older than 3 months"]):
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        self.assertFalse(self.numbers())

    def test_per_number_country(self):
        """German local numbers: one approved application per number."""
        with self.assertRefused(["Germany", "local numbers", "for each number"]) as refused:
            self.Number._purchase(self.account, self.de, store=self.store_de, number_type="local")
        context = refused.exception.args[1]["context"]
        self.assertEqual(context["default_store_id"], self.store_de.id)
        application = self.approved("DE", "local", store=self.store_de)
        number = self.Number._purchase(
            self.account, self.de, store=self.store_de, number_type="local"
        )
        self.assertEqual(number.compliance_application_id, application)
        self.assertEqual(application.phone_number_id, number)
        # the store's own address goes with it (the locality)
        self.assertIn(
            self.store_de.partner_id or self.company.partner_id, application.address_ids.partner_id
        )
        with self.assertRefused(["Germany", "for each number"]):
            self.Number._purchase(self.account, self.de, store=self.store_de, number_type="local")
        self.assertEqual(len(self.numbers()), 1)
        # Another store's application does not serve this one.
        munich = self.env["clienteling.store"].create(
            self._store_vals("München", "T-MUC", self.de, "089 1234567")
        )
        theirs = self.approved("DE", "local", store=munich)
        with self.assertRefused(["Germany"]):
            self.Number._purchase(self.account, self.de, store=self.store_de, number_type="local")
        second = self.Number._purchase(self.account, self.de, store=munich, number_type="local")
        self.assertEqual(second.compliance_application_id, theirs)
        # German mobile numbers are not per number: a number of their own type each.
        with self.assertRefused(["Germany", "mobile numbers"]):
            self.Number._purchase(self.account, self.de, store=self.store_de)

    def test_batch_buys_for_the_approved_stores_and_lists_the_others(self):
        application = self.approved("GB", "mobile")
        stores = self.store_gb | self.store_de
        result = self.provision(target="store", store_ids=[(6, 0, stores.ids)]).action_provision()
        self.assertEqual(result["params"]["type"], "warning")
        message = result["params"]["message"]
        self.assertIn("1 numbers provisioned", message)
        self.assertIn("Berlin Mitte: Germany: mobile numbers need an approved", message)
        number = self.numbers()
        self.assertEqual(number.store_id, self.store_gb)
        self.assertEqual(number.compliance_application_id, application)
        # all refused: nothing bought, every reason said
        munich = self.env["clienteling.store"].create(
            self._store_vals("München", "T-MUC", self.de, "089 1234567")
        )
        with self.assertRaisesRegex(UserError, "Berlin Mitte: Germany.*\n.*München: Germany"):
            self.provision(
                target="store", store_ids=[(6, 0, (self.store_de | munich).ids)]
            ).action_provision()
        self.assertEqual(self.numbers(), number)

    def test_per_number_spare_number_sent_with_the_store_address(self):
        """A number bought under a store's per-number application without naming
        the store is that store's: the store's address goes with it."""
        self.store_de.partner_id = self.env["res.partner"].create(
            {
                "name": "Berlin Mitte store",
                "street": "Friedrichstraße 50",
                "city": "Berlin",
                "zip": "10117",
                "country_id": self.de.id,
            }
        )
        application = self.approved("DE", "local", store=self.store_de)
        store_address = application.address_ids.filtered(
            lambda a: a.partner_id == self.store_de.partner_id
        )
        self.assertTrue(store_address.provider_ref)
        self.assertEqual(application.address_ref, store_address.provider_ref)
        purchase = SandboxProvider.purchase_number
        with patch.object(
            SandboxProvider, "purchase_number", autospec=True, side_effect=purchase
        ) as purchased:
            number = self.Number._purchase(self.account, self.de, number_type="local")
        self.assertEqual(purchased.call_args.kwargs["address_ref"], store_address.provider_ref)
        self.assertEqual(purchased.call_args.kwargs["bundle_ref"], application.bundle_ref)
        self.assertEqual(application.phone_number_id, number)
        self.assertEqual(len(application.address_ids), 1, "the company's address is not sent")

    def test_country_without_approval_passes(self):
        regulation = self.regulation("CA", "local")
        self.assertEqual(regulation.kind, "none")
        number = self.Number._purchase(self.account, self.ca)
        self.assertEqual(number.country_id, self.ca)
        self.assertEqual(number.number_type, "local")
        self.assertFalse(number.compliance_application_id)

    def test_not_self_service_refused_even_approved(self):
        refusal = ["France", "provider's support"]
        # without an approval: the approval is what is missing
        with self.assertRefused(["France", "has none"]):
            self.Number._purchase(self.account, self.fr, store=self.store_fr)
        application = self.approved("FR", "mobile")
        self.assertFalse(application.regulation_id.self_service)
        # approved: the provider's support buys it (a number it bought is onboarded as usual)
        with self.assertRefused(refusal, UserError):
            self.Number._purchase(self.account, self.fr, store=self.store_fr)
        # the wizard says it per store, and buys nothing
        with self.assertRaisesRegex(UserError, "Paris Saint-Honoré: .*provider's support"):
            self.provision(target="store", store_ids=[(6, 0, self.store_fr.ids)]).action_provision()
        self.assertFalse(self.numbers())

    def test_unknown_regulation(self):
        """A country the catalog does not know is refused with the reason."""
        with self.assertRefused(["No regulation is known", "Brazil"]):
            self.Number._purchase(self.account, self.env.ref("base.br"))

    def test_expired_closes_the_gate(self):
        application = self.approved("GB", "mobile")
        self.Number._purchase(self.account, self.gb, store=self.store_gb)
        today = fields.Date.context_today(application)
        application.sudo().valid_until = today - timedelta(days=1)
        other = self.approved("DE", "mobile")
        other.sudo().valid_until = today + timedelta(days=10)
        self.Application._cron_expiry()
        self.assertEqual(application.state, "expired")
        self.assertIn(
            "Expired: numbers of United Kingdom can no longer be bought",
            application.activity_ids.mapped("summary"),
        )
        with self.assertRefused(["United Kingdom"]):
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        # A month before: still approved, the officer is told once.
        self.assertEqual(other.state, "approved")
        warned = other.activity_ids.filtered(lambda a: a.date_deadline == other.valid_until)
        self.assertEqual(len(warned), 1)
        self.assertEqual(warned.user_id, self.officer)
        self.Application._cron_expiry()
        self.assertEqual(
            len(other.activity_ids.filtered(lambda a: a.date_deadline == other.valid_until)), 1
        )
        self.Number._purchase(self.account, self.de, store=self.store_de)
        # valid until today: still valid; an update needed past its date expires
        other.sudo().valid_until = today
        self.Application._cron_expiry()
        self.assertEqual(other.state, "approved")
        other.sudo().write({"state": "update_needed", "valid_until": today - timedelta(days=1)})
        self.Application._cron_expiry()
        self.assertEqual(other.state, "expired")
        with self.assertRefused(["Germany"]):
            self.Number._purchase(self.account, self.de, store=self.store_de)

    def test_valid_until_from_the_provider_asks_an_update(self):
        application = self.ready(self.new_application("GB", "mobile"))
        self.fill(application, {"business_registration_number": "12345678"})
        self.submit(application)
        until = fields.Date.context_today(application) + timedelta(days=60)
        self.review(application, "twilio-approved", valid_until=until)
        self.assertEqual(application.state, "update_needed")
        self.assertEqual(application.valid_until, until)
        self.assertIn(fields.Date.to_string(until), application.update_reason)
        with self.assertRefused(["United Kingdom", "Update Needed", "withdraw its approval"]):
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        with self.assertRaisesRegex(UserError, "start its update"):
            application.with_user(self.officer).action_check()
        application.with_user(self.officer).action_start_update()
        self.assertTrue(application.update_bundle_ref)
        application.with_user(self.officer).action_check()
        self.assertTrue(application.check_passed)
        self.submit(application)
        self.review(application, "twilio-approved")
        self.assertEqual(application.state, "approved")
        self.assertFalse(application.valid_until, "the update answered the provider")
        self.Number._purchase(self.account, self.gb, store=self.store_gb)

    def _change_regulation(self, country, number_type, new_field):
        (regulation,) = catalog.regulations(country, number_type, "business")
        changed = dataclasses.replace(
            regulation, fields=(*regulation.fields, InfoField(new_field, "VAT number"))
        )
        return self.Regulation.sudo()._store_regulations("sandbox", [changed], complete=False)

    def test_changed_requirements_close_the_gate_and_update_reopens_it(self):
        application = self.approved("GB", "mobile")
        self.Number._purchase(self.account, self.gb, store=self.store_gb)
        bundle = application.bundle_ref
        fingerprint = application.submitted_fingerprint
        # A refresh with nothing new changes nothing.
        (same,) = catalog.regulations("GB", "mobile", "business")
        self.assertFalse(self.Regulation._store_regulations("sandbox", [same], complete=False))
        self.assertEqual(application.state, "approved")
        changed = self._change_regulation("GB", "mobile", "vat_number")
        self.assertEqual(changed, application.regulation_id)
        self.assertNotEqual(changed.fingerprint, fingerprint)
        self.assertEqual(application.state, "update_needed")
        self.assertEqual(application.update_reason, "New information asked: VAT number")
        self.assertIn(
            "Update needed: the regulation changed", application.activity_ids.mapped("summary")
        )
        vat = self.line(application, "vat_number")
        self.assertTrue(vat.required)
        with self.assertRefused(["United Kingdom", "Update Needed", "VAT number"]):
            self.Number._purchase(self.account, self.gb, store=self.store_gb)
        # A submitted document stays the record until the update starts.
        with self.assertRaisesRegex(UserError, "kept as the record"):
            application.document_ids[0].with_user(self.officer).unlink()
        # The update: a copy of the bundle, filled, submitted, approved.
        with self.assertRaisesRegex(UserError, "Only an approved bundle"):
            self.new_application("DE", "mobile").with_user(self.officer).action_start_update()
        # The approved bundle is not changed in place: the update starts with a copy.
        vat.with_user(self.officer).value = "GB123456789"
        officer_application = application.with_user(self.officer)
        with patch.object(SandboxCompliance, "submit") as submit:
            with self.assertRaisesRegex(UserError, "start its update"):
                officer_application.action_check()
            with self.assertRaisesRegex(UserError, "start its update"):
                officer_application.action_submit()
        submit.assert_not_called()
        self.assertEqual(application.state, "update_needed")
        result = application.with_user(self.officer).action_start_update()
        self.assertIn("A copy is ready", result["params"]["message"])
        copy = application.update_bundle_ref
        self.assertTrue(copy and copy != bundle)
        self.assertFalse(application.document_ids.filtered("submitted"))
        application.with_user(self.officer).action_start_update()
        self.assertEqual(application.update_bundle_ref, copy, "copied once")
        self.submit(application)
        self.assertEqual(application.update_bundle_ref, copy)
        self.assertEqual(application.bundle_ref, bundle)
        self.assertTrue(application.document_ids.filtered("submitted"))
        self.review(application, "twilio-approved")
        self.assertEqual(application.state, "approved")
        self.assertFalse(application.update_bundle_ref)
        self.assertFalse(application.update_reason)
        self.assertEqual(application.bundle_ref, bundle, "the numbers stay on the original")
        self.assertEqual(application.submitted_fingerprint, changed.fingerprint)
        number = self.Number._purchase(self.account, self.gb, store=self.store_gb)
        self.assertEqual(number.compliance_application_id, application)

    def test_changed_requirements_removed_document(self):
        application = self.approved("GB", "mobile")
        (regulation,) = catalog.regulations("GB", "mobile", "business")
        changed = dataclasses.replace(regulation, documents=regulation.documents[:1])
        removed = application.regulation_id.document_ids[1:]
        filed = application.document_ids.filtered(lambda d: d.requirement_id == removed)
        self.assertTrue(filed.submitted)
        self.Regulation._store_regulations("sandbox", [changed], complete=False)
        self.assertEqual(application.state, "update_needed")
        self.assertEqual(application.update_reason, f"Document no longer asked: {removed.name}")
        # the document filed under it is kept, its requirement archived
        self.assertNotIn(removed, application.regulation_id.document_ids)
        self.assertEqual(application.missing_count, 0, "no longer counted")
        self.assertTrue(filed.exists())
        self.assertEqual(filed.requirement_id, removed)
        self.assertFalse(removed.active)
        # asked again: the same requirement, active again
        self.Regulation._store_regulations("sandbox", [regulation], complete=False)
        self.assertTrue(removed.active)
        self.assertIn(removed, application.regulation_id.document_ids)

    def test_sandbox_and_staging_stores(self):
        sandbox = self.env["clienteling.store"].create(
            self._store_vals(
                "Sandbox Berlin", "T-SBX", self.de, "030 901822", environment="sandbox"
            )
        )
        self.assertEqual(sandbox.compliance_state, "test")
        self.assertFalse(sandbox.compliance_warning)
        number = self.Number._purchase(self.account, self.de, store=sandbox)
        self.assertFalse(number.compliance_application_id)
        wizard = self.provision(target="store", store_ids=[(6, 0, sandbox.ids)])
        self.assertFalse(wizard.compliance_warnings)
        self.assertEqual(wizard.action_provision()["params"]["type"], "success")
        # A sandbox store's numbers never come from a real account.
        twilio = self.env["clienteling.sms.account"].create(
            {
                "name": "Live",
                "active": False,  # one active account per company
                "provider": "twilio",
                "company_id": self.company.id,
                "twilio_account_sid": "AC" + "0" * 32,
                "twilio_auth_token": "secret",
            }
        )
        with self.assertRaisesRegex(UserError, "Sandbox Berlin is a sandbox store"):
            self.Number._purchase(twilio, self.de, store=sandbox)
        # Staging stores pass the gate as production does.
        staging = self.env["clienteling.store"].create(
            self._store_vals(
                "Staging London", "T-STG", self.gb, "020 7946 0960", environment="staging"
            )
        )
        self.assertEqual(staging.compliance_state, "missing")
        with self.assertRefused(["United Kingdom"]):
            self.Number._purchase(self.account, self.gb, store=staging)
        self.approved("GB", "mobile")
        self.Number._purchase(self.account, self.gb, store=staging)

    def test_one_sandbox_and_one_staging_store_per_country(self):
        Store = self.env["clienteling.store"]
        Store.create(
            self._store_vals(
                "Sandbox Berlin", "T-SB1", self.de, "030 901822", environment="sandbox"
            )
        )
        with self.assertRaisesRegex(ValidationError, "already has a sandbox store in Germany"):
            Store.create(
                self._store_vals(
                    "Sandbox Munich", "T-SB2", self.de, "089 1234567", environment="sandbox"
                )
            )
        staging = Store.create(
            self._store_vals(
                "Staging Berlin", "T-ST1", self.de, "030 901823", environment="staging"
            )
        )
        with self.assertRaisesRegex(ValidationError, "already has a staging store in Germany"):
            Store.create(
                self._store_vals(
                    "Staging Munich", "T-ST2", self.de, "089 1234568", environment="staging"
                )
            )
        # turning a production store into a second staging one is refused as well
        with self.assertRaisesRegex(ValidationError, "staging store"):
            self.store_de.environment = "staging"
        # other countries and other companies have their own
        Store.create(
            self._store_vals(
                "Sandbox London", "T-SB3", self.gb, "020 7946 0961", environment="sandbox"
            )
        )
        other = self.env["res.company"].create({"name": "Other Retail"})
        Store.with_company(other).create(
            dict(
                self._store_vals(
                    "Their Sandbox", "T-SB4", self.de, "030 901824", environment="sandbox"
                ),
                company_id=other.id,
            )
        )
        # an archived staging store leaves room for another
        staging.active = False
        Store.create(
            self._store_vals(
                "Staging Munich", "T-ST2", self.de, "089 1234568", environment="staging"
            )
        )
        # production stores are not limited
        Store.create(self._store_vals("Berlin West", "T-BEW", self.de, "030 901825"))

    def test_warnings_on_store_and_wizards(self):
        self.assertEqual(self.store_gb.compliance_state, "missing")
        self.assertIn("United Kingdom", self.store_gb.compliance_warning)
        self.assertIn("has none", self.store_gb.compliance_warning)
        self.assertEqual(self.store_fr.compliance_state, "missing")
        self.assertIn("has none", self.store_fr.compliance_warning)
        toronto = self.env["clienteling.store"].create(
            self._store_vals("Toronto", "T-TOR", self.ca, "(416) 555-0199")
        )
        self.assertEqual(toronto.compliance_state, "not_needed")
        self.assertFalse(toronto.compliance_warning)
        application = self.new_application("GB", "mobile")
        self.store_gb.invalidate_recordset(["compliance_state", "compliance_warning"])
        self.assertEqual(self.store_gb.compliance_state, "pending")
        self.assertIn("application: Draft", self.store_gb.compliance_warning)
        onboard = self.env["clienteling.store.onboard"].new({"store_id": self.store_gb.id})
        self.assertEqual(onboard.compliance_warning, self.store_gb.compliance_warning)
        wizard = self.provision(
            target="store", store_ids=[(6, 0, (self.store_gb | self.store_fr | toronto).ids)]
        )
        lines = wizard.compliance_warnings.split("\n")
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("London Bond Street: United Kingdom"))
        self.assertTrue(lines[1].startswith("Paris Saint-Honoré: "))
        associate = self.employee(self.store_gb)
        wizard = self.provision(target="employee", employee_ids=[(6, 0, associate.ids)])
        self.assertIn("London Bond Street: ", wizard.compliance_warnings)
        self.assertFalse(self.provision(target="pool", country_id=self.gb.id).compliance_warnings)
        # Approved: no warning any more.
        self.ready(application)
        self.fill(application, {"business_registration_number": "12345678"})
        self.submit(application)
        self.review(application)
        self.store_gb.invalidate_recordset(["compliance_state", "compliance_warning"])
        self.assertEqual(self.store_gb.compliance_state, "approved")
        self.assertFalse(self.store_gb.compliance_warning)
        wizard = self.provision(target="store", store_ids=[(6, 0, self.store_gb.ids)])
        self.assertFalse(wizard.compliance_warnings)
