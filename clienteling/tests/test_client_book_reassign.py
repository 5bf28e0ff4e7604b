from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestClientBookReassign(ClientelingCase):
    def _wizard(self, **vals):
        return (
            self.env["clienteling.client.book.reassign"]
            .with_user(self.user_store_manager_a)
            .create(vals)
        )

    def test_whole_client_book_moves_with_its_history(self):
        second = self.env["res.partner"].create(
            {"name": "Second", "clienteling_associate_id": self.employee_a.id}
        )
        self.customer_a._clienteling_record_consent(
            "sms", "opted_in", self.store_a, "keyword", "YES"
        )
        wizard = self._wizard(
            from_employee_id=self.employee_a.id, to_employee_id=self.employee_manager_a.id
        )
        wizard.action_reassign()
        self.assertEqual(
            (self.customer_a | second).clienteling_associate_id, self.employee_manager_a
        )
        self.assertEqual(self.customer_a.clienteling_consent_ids.state, "opted_in")
        self.assertEqual(self.employee_a.clienteling_client_book_count, 0)

    def test_selected_customers_and_store_book(self):
        wizard = self._wizard(
            from_employee_id=self.employee_a.id,
            to_employee_id=self.employee_b.id,
            partner_ids=[(6, 0, self.customer_a.ids)],
            move_store_book=True,
        )
        wizard.action_reassign()
        self.assertEqual(self.customer_a.clienteling_associate_id, self.employee_b)
        self.assertEqual(self.customer_a.clienteling_store_id, self.store_b)

    def test_bad_requests(self):
        with self.assertRaisesRegex(UserError, "two different associates"):
            self._wizard(
                from_employee_id=self.employee_a.id, to_employee_id=self.employee_a.id
            ).action_reassign()
        with self.assertRaisesRegex(UserError, "not in Ann Associate's client book"):
            self._wizard(
                from_employee_id=self.employee_a.id,
                to_employee_id=self.employee_b.id,
                partner_ids=[(6, 0, self.customer_b.ids)],
            ).action_reassign()
        with self.assertRaisesRegex(UserError, "client book is empty"):
            self._wizard(
                from_employee_id=self.employee_manager_a.id, to_employee_id=self.employee_a.id
            ).action_reassign()
        self.assertEqual(self.customer_b.clienteling_associate_id, self.employee_b)

    def test_defaults_from_selected_customers(self):
        wizard_form = Form(
            self.env["clienteling.client.book.reassign"].with_context(
                active_model="res.partner", active_ids=self.customer_a.ids
            )
        )
        self.assertEqual(wizard_form.from_employee_id, self.employee_a)
        self.assertEqual(wizard_form.partner_ids[:], self.customer_a)
