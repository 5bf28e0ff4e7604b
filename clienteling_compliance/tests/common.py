"""Test helpers of clienteling_compliance, on the sandbox provider.

``ComplianceCase`` gives a company of its own (full address, registration
number, website) with a sandbox SMS account, a compliance officer who is not a
Clienteling administrator, and a production store with a landline in Germany,
the United Kingdom, France and the United States. Its helpers fill an
application's information with valid values, attach a valid tiny file for each
document requirement, and decide a review through the
``clienteling.compliance.review`` wizard (the signed status callback a sandbox
review posts)::

    application = self.new_application("GB", "mobile")
    self.fill(application)
    self.attach_documents(application)
    application.action_submit()
    self.review(application, "twilio-approved")
"""

import base64
from contextlib import contextmanager

from odoo.tests import HttpCase, TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

OFFICER_GROUPS = "base.group_user,clienteling_compliance.group_compliance_officer"

# The smallest files the addon recognises by their bytes.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
    b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
    b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

COMPANY_NAME = "Maison Test Compliance"
WEBSITE = "https://maison-test.example.com"
EMAIL = "legal@maison-test.example.com"
# A registration number of each country's known format (FR: a SIREN with a valid Luhn key).
REGISTRATION = {
    "DE": "HRB 12345",
    "GB": "12345678",
    "FR": "552100554",
    "US": "12-3456789",
    "CA": "123456789",
}


def b64(content):
    return base64.b64encode(content)


class ComplianceMixin:
    """A company of its own with a sandbox account, an officer and four stores."""

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        """As a request would: roll back to a savepoint on the error (Odoo's
        ``assertRaises`` does), so that tests see what the database kept."""
        if args or kwargs:
            return super().assertRaisesRegex(expected_exception, expected_regex, *args, **kwargs)
        return self._assert_raises_regex(expected_exception, expected_regex)

    @contextmanager
    def _assert_raises_regex(self, expected_exception, expected_regex):
        with self.assertRaises(expected_exception) as context:
            yield context
        self.assertRegex(str(context.exception), expected_regex)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no application of another company either (the demo data has some): the
        # scheduled actions go through every company's
        cls.env.cr.execute("DELETE FROM clienteling_compliance_application")
        cls.env.invalidate_all()
        env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.de = env.ref("base.de")
        cls.gb = env.ref("base.uk")
        cls.fr = env.ref("base.fr")
        cls.us = env.ref("base.us")
        cls.ca = env.ref("base.ca")
        cls.company = env["res.company"].create(
            {
                "name": COMPANY_NAME,
                "street": "Unter den Linden 1",
                "city": "Berlin",
                "zip": "10117",
                "country_id": cls.de.id,
                "email": EMAIL,
                "phone": "+49 30 901820",
                "website": WEBSITE,
                "company_registry": REGISTRATION["DE"],
            }
        )
        # the superuser, working in the test company
        cls.env = env(context=dict(env.context, allowed_company_ids=[cls.company.id]))
        cls.officer = new_test_user(
            cls.env,
            login="t_compliance_officer",
            name="Olivia Officer",
            email="olivia.officer@maison-test.example.com",
            groups=OFFICER_GROUPS,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.account = cls.env["clienteling.sms.account"].create(
            {
                "name": "Compliance sandbox",
                "provider": "sandbox",
                "company_id": cls.company.id,
                "webhook_base_url": "https://compliance.example.com",
            }
        )
        Store = cls.env["clienteling.store"]
        cls.store_de = Store.create(cls._store_vals("Berlin Mitte", "T-BER", cls.de, "030 901820"))
        cls.store_gb = Store.create(
            cls._store_vals("London Bond Street", "T-LON", cls.gb, "020 7946 0958")
        )
        cls.store_fr = Store.create(
            cls._store_vals("Paris Saint-Honoré", "T-PAR", cls.fr, "01 42 68 53 99")
        )
        cls.store_us = Store.create(
            cls._store_vals("New York Fifth Avenue", "T-NYC", cls.us, "(212) 555-0199")
        )
        cls.Application = cls.env["clienteling.compliance.application"]
        cls.Regulation = cls.env["clienteling.compliance.regulation"]
        cls.Document = cls.env["clienteling.compliance.document"]
        cls.Number = cls.env["clienteling.phone.number"]

    @classmethod
    def _store_vals(cls, name, code, country, landline, **extra):
        return dict(
            name=name,
            code=code,
            country_id=country.id,
            company_id=cls.company.id,
            landline=landline,
            **extra,
        )

    # Regulations and applications.

    def regulation(self, country_code, number_type, kind=None):
        """The sandbox's business regulation of a country and number type."""
        country = self.env["res.country"].search([("code", "=", country_code)])
        regulations = self.Regulation._find("sandbox", country, number_type, "business")
        if kind:
            regulations = regulations.filtered(lambda r: r.kind == kind)
        self.assertEqual(
            len(regulations), 1, f"one sandbox regulation for {country_code} {number_type}"
        )
        return regulations

    def new_application(self, country_code, number_type, store=None, kind=None, user=None):
        """A new application of the officer (or ``user``)."""
        regulation = self.regulation(country_code, number_type, kind)
        vals = {"regulation_id": regulation.id}
        if store:
            vals["store_id"] = store.id
        return self.Application.with_user(user or self.officer).create(vals)

    def valid_value(self, line):
        """A value the checks accept for ``line``."""
        name = line.name
        country = line.application_id.country_id.code
        if line.choices:
            separator = "|" if "|" in line.choices else ","
            return line.choices.split(separator)[0].strip()
        if name in ("email", "business_email", "contact_email", "notification_email") or (
            name.endswith("_email")
        ):
            return EMAIL
        if name.endswith(("_url", "_website")) or name in ("business_website", "website"):
            return WEBSITE
        if name in ("business_registration_number", "ein", "company_registration_number"):
            return REGISTRATION.get(country, "12345")
        if name == "business_registration_authority":
            return "EIN"
        return f"Test {line.label}"

    def fill(self, application, values=None, only_required=False):
        """Give every empty line a valid value (``values`` {name: value} win)."""
        values = dict(values or {})
        for line in application.line_ids:
            if line.name in values:
                line.value = values.pop(line.name)
            elif not (line.value or "").strip() and (line.required or not only_required):
                line.value = self.valid_value(line)
        self.assertFalse(values, f"no line for {sorted(values)}")
        return application

    def line(self, application, name):
        line = application.line_ids.filtered(lambda line: line.name == name)
        self.assertEqual(len(line), 1, f"one line {name}")
        return line

    def attach_documents(self, application, content=PDF, filename="document.pdf", skip=()):
        """A document with a valid tiny file for each requirement (but ``skip``)."""
        documents = self.Document.browse()
        for requirement in application.regulation_id.document_ids:
            if requirement.name in skip:
                continue
            documents |= self.Document.with_user(self.officer).create(
                {
                    "application_id": application.id,
                    "requirement_id": requirement.id,
                    "document_type_id": requirement.document_type_ids[0].id,
                    "file": b64(content),
                    "filename": filename,
                }
            )
        return documents

    def ready(self, application):
        """Filled (the registration number in the country's format) and
        documented: ready to be checked and submitted."""
        country = application.country_id.code
        names = application.line_ids.mapped("name")
        values = {
            name: REGISTRATION.get(country, "12345")
            for name in ("business_registration_number", "ein")
            if name in names
        }
        self.fill(application, values)
        self.attach_documents(application)
        return application

    def review(self, application, decision="twilio-approved", reason=None, valid_until=None):
        """Decide the review as the sandbox reviewer (the wizard, as the officer)."""
        vals = {"decision": decision}
        if reason is not None:
            vals["reason"] = reason
        if valid_until is not None:
            vals["valid_until"] = valid_until
        wizard = (
            self.env["clienteling.compliance.review"]
            .with_user(self.officer)
            .with_context(active_model=application._name, active_id=application.id)
            .create(vals)
        )
        self.assertEqual(wizard.application_id, application)
        return wizard.action_apply()

    def submit(self, application):
        result = application.with_user(self.officer).action_submit()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        return result

    def approved(self, country_code, number_type, store=None, kind=None):
        """An application taken through submission and an approving review."""
        application = self.ready(self.new_application(country_code, number_type, store, kind))
        self.submit(application)
        self.review(application, "twilio-approved")
        self.assertEqual(application.state, "approved")
        return application

    def provision(self, **vals):
        """A provisioning wizard of the test company's account (superuser)."""
        return self.env["clienteling.phone.number.provision"].create(
            dict({"account_id": self.account.id}, **vals)
        )


class ComplianceCase(ComplianceMixin, TransactionCase):
    pass


class ComplianceHttpCase(ComplianceMixin, HttpCase):
    pass
