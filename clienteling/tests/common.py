import unittest
from contextlib import contextmanager

from odoo.tests import HttpCase, TransactionCase

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.mail.tests.common import mail_new_test_user

from .system_tools import (
    CHROMIUM,
    MissingSystemTool,
    find_tool,
    report_missing_tool,
    running_on_ci,
)

ASSOCIATE_GROUPS = "base.group_user,clienteling.group_clienteling_associate"
STORE_MANAGER_GROUPS = "base.group_user,clienteling.group_clienteling_store_manager"
MANAGER_GROUPS = "base.group_user,clienteling.group_clienteling_manager"


class ClientelingCase(TransactionCase):
    """Two stores of one company (New York, Paris), their associates and customers."""

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        """Like Odoo's ``assertRaises``: roll back to a savepoint on the error, as a
        request would, so that tests see what the database really kept."""
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
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env.company
        cls.us = cls.env.ref("base.us")
        cls.fr = cls.env.ref("base.fr")
        cls.store_a = cls.env["clienteling.store"].create(
            {
                "name": "Test Fifth Avenue",
                "code": "T-NYC",
                "country_id": cls.us.id,
                "tz": "America/New_York",
                "landline": "(212) 555-0199",
            }
        )
        cls.store_b = cls.env["clienteling.store"].create(
            {
                "name": "Test Saint-Honoré",
                "code": "T-PAR",
                "country_id": cls.fr.id,
                "tz": "Europe/Paris",
                "landline": "01 42 68 53 99",
            }
        )
        cls.user_associate_a = mail_new_test_user(
            cls.env, login="t_assoc_a", name="Ann Associate", groups=ASSOCIATE_GROUPS
        )
        cls.user_associate_b = mail_new_test_user(
            cls.env, login="t_assoc_b", name="Bea Associate", groups=ASSOCIATE_GROUPS
        )
        cls.user_store_manager_a = mail_new_test_user(
            cls.env, login="t_mgr_a", name="Sam Store Manager", groups=STORE_MANAGER_GROUPS
        )
        cls.user_manager = mail_new_test_user(
            cls.env, login="t_cl_mgr", name="Max Manager", groups=MANAGER_GROUPS
        )
        Employee = cls.env["hr.employee"]
        cls.employee_a = Employee.create(
            {
                "name": "Ann Associate",
                "user_id": cls.user_associate_a.id,
                "clienteling_store_id": cls.store_a.id,
                "clienteling_role": "associate",
            }
        )
        cls.employee_b = Employee.create(
            {
                "name": "Bea Associate",
                "user_id": cls.user_associate_b.id,
                "clienteling_store_id": cls.store_b.id,
                "clienteling_role": "associate",
            }
        )
        cls.employee_manager_a = Employee.create(
            {
                "name": "Sam Store Manager",
                "user_id": cls.user_store_manager_a.id,
                "clienteling_store_id": cls.store_a.id,
                "clienteling_role": "store_manager",
            }
        )
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {
                "name": "Jane Doe",
                "mobile": "(212) 555-0142",
                "email": "Jane.Doe@Example.com",
                "country_id": cls.us.id,
                "clienteling_store_id": cls.store_a.id,
                "clienteling_associate_id": cls.employee_a.id,
            }
        )
        cls.customer_b = Partner.create(
            {
                "name": "Louise Bernard",
                "mobile": "06 12 34 56 99",
                "lang": "fr_FR" if cls.env["res.lang"]._lang_get("fr_FR") else "en_US",
                "clienteling_store_id": cls.store_b.id,
                "clienteling_associate_id": cls.employee_b.id,
            }
        )


class BrowserCase(HttpCase):
    """HttpCase whose browser tests are skipped with the command that installs Chromium
    when it is missing, and fail when CI is set (Odoo's HttpCase skips them)."""

    def browser_js(self, *args, **kwargs):
        if not find_tool(CHROMIUM):
            report_missing_tool(CHROMIUM)
        try:
            return super().browser_js(*args, **kwargs)
        except unittest.SkipTest as skip:
            if running_on_ci():
                raise MissingSystemTool(f"Chromium did not run the browser test: {skip}") from skip
            raise
