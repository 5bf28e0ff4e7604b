import json
from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ClientelingCase

DUPLICATE_USER = "A user cannot be linked to multiple employees in the same company."


@tagged("post_install", "-at_install", "clienteling")
class TestEmployeeRules(ClientelingCase):
    """The record rules follow every change of a user's employees and stores.

    Odoo caches each user's rule domains; each test reads first, so that the cache
    holds the old domain, then changes the employees and reads again.
    """

    def _stores_seen(self, user):
        return (
            self.env["clienteling.store"]
            .with_user(user)
            .search([("id", "in", (self.store_a | self.store_b).ids)])
        )

    def test_user_moved_to_another_employee(self):
        user_a, user_b = self.user_associate_a, self.user_associate_b
        self.assertEqual(self._stores_seen(user_a), self.store_a)
        self.assertEqual(self._stores_seen(user_b), self.store_b)
        self.employee_a.user_id = False
        self.assertFalse(self._stores_seen(user_a))
        self.employee_b.user_id = user_a
        self.assertEqual(self._stores_seen(user_a), self.store_b)
        self.assertFalse(self._stores_seen(user_b))

    def test_store_change(self):
        self.assertEqual(self._stores_seen(self.user_associate_a), self.store_a)
        self.employee_a.clienteling_store_id = self.store_b
        self.assertEqual(self._stores_seen(self.user_associate_a), self.store_b)

    def test_archived_or_deleted_employee(self):
        self.assertEqual(self._stores_seen(self.user_associate_a), self.store_a)
        self.employee_a.action_archive()
        self.assertFalse(self._stores_seen(self.user_associate_a))
        self.employee_a.action_unarchive()
        self.assertEqual(self._stores_seen(self.user_associate_a), self.store_a)
        self.assertEqual(self._stores_seen(self.user_associate_b), self.store_b)
        self.employee_b.unlink()
        self.assertFalse(self._stores_seen(self.user_associate_b))

    def test_new_employee_of_an_existing_user(self):
        user = new_test_user(
            self.env, login="t_late_assoc", groups="clienteling.group_clienteling_associate"
        )
        self.assertFalse(self._stores_seen(user))
        self.env["hr.employee"].create(
            {"name": "Late Associate", "user_id": user.id, "clienteling_store_id": self.store_b.id}
        )
        self.assertEqual(self._stores_seen(user), self.store_b)

    def test_managers_set_from_the_store(self):
        manager = self.user_store_manager_a
        self.assertEqual(self._stores_seen(manager), self.store_a)
        self.store_b.manager_ids = self.employee_manager_a
        self.assertEqual(self._stores_seen(manager), self.store_a | self.store_b)
        self.store_b.write({"manager_ids": [(5, 0, 0)]})
        self.assertEqual(self._stores_seen(manager), self.store_a)

    def test_rule_cache_cleared_only_on_a_real_change(self):
        registry = self.env.registry
        with patch.object(registry, "clear_cache", wraps=registry.clear_cache) as clear_cache:
            self.employee_a.write({"name": "Ann A. Associate", "job_title": "Stylist"})
            self.employee_a.write(
                {"user_id": self.user_associate_a.id, "clienteling_store_id": self.store_a.id}
            )
            self.env["hr.employee"].create(
                {"name": "No User", "clienteling_store_id": self.store_a.id}
            )
            self.assertEqual(clear_cache.call_count, 0)
            self.employee_a.clienteling_store_id = self.store_b
            self.assertEqual(clear_cache.call_count, 1)

    def test_user_already_linked_in_the_company(self):
        """Odoo's own error (the one Odoo's hr test expects), not a failure inside
        the evaluation of a record rule: the change is written before the rule
        cache is cleared."""
        hr_officer = new_test_user(
            self.env, login="t_hr_officer", groups="base.group_user,hr.group_hr_user"
        )
        employee = self.env["hr.employee"].create({"name": "Second Ann"})
        form = Form(employee.with_user(hr_officer))
        form.user_id = self.user_associate_a
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            form.save()
        self.assertEqual(self.user_associate_a.employee_ids, self.employee_a)
        self.assertFalse(employee.user_id)
        self.assertEqual(self._stores_seen(self.user_associate_a), self.store_a)


@tagged("post_install", "-at_install", "clienteling")
class TestEmployeeRulesHttp(ClientelingCase, HttpCase):
    def test_user_already_linked_through_the_web_client(self):
        """Saving the employee form with a user who already has an employee in the
        company shows Odoo's duplicate message (a ValidationError), as Odoo's hr
        test_set_user_on_new_employee expects, here through a real request."""
        company = self.env["res.company"].create({"name": "Second Company"})
        officer = new_test_user(
            self.env,
            login="t_hr_officer",
            groups="base.group_user,hr.group_hr_user",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        self.env["hr.employee"].create(
            {"name": "Officer", "user_id": officer.id, "company_id": company.id}
        )
        employee = self.env["hr.employee"].create({"name": "Second", "company_id": company.id})
        self.authenticate("t_hr_officer", "t_hr_officer")
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": "hr.employee",
                "method": "web_save",
                "args": [[employee.id], {"user_id": officer.id}],
                "kwargs": {
                    "specification": {"name": {}, "user_id": {"fields": {}}},
                    "context": {"allowed_company_ids": company.ids},
                },
            },
        }
        with mute_logger("odoo.sql_db", "odoo.http"):
            response = self.url_open(
                "/web/dataset/call_kw/hr.employee/web_save",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn(DUPLICATE_USER, error["message"])
        employee.invalidate_recordset()
        self.assertFalse(employee.user_id)
