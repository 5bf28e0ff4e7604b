from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import MANAGER_GROUPS, STORE_MANAGER_GROUPS, ClientelingCase


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
        # Sam also manages Paris: he moves a customer there.
        self.employee_manager_a.clienteling_managed_store_ids = self.store_b
        wizard = self._wizard(
            from_employee_id=self.employee_a.id,
            to_employee_id=self.employee_b.id,
            partner_ids=[(6, 0, self.customer_a.ids)],
            move_store_book=True,
        )
        wizard.action_reassign()
        self.assertEqual(self.customer_a.clienteling_associate_id, self.employee_b)
        self.assertEqual(self.customer_a.clienteling_store_id, self.store_b)

    def test_only_between_associates_and_customers_of_own_stores(self):
        # Sam manages New York only: not to Paris, not from Paris.
        with self.assertRaisesRegex(AccessError, "Bea Associate is not one of them"):
            self._wizard(
                from_employee_id=self.employee_a.id,
                to_employee_id=self.employee_b.id,
                move_store_book=True,
            ).action_reassign()
        with self.assertRaisesRegex(AccessError, "Bea Associate is not one of them"):
            self._wizard(
                from_employee_id=self.employee_b.id, to_employee_id=self.employee_a.id
            ).action_reassign()
        # Ann's client book holds a customer of the Paris store book: not Sam's to move.
        self.customer_b.clienteling_associate_id = self.employee_a
        with self.assertRaisesRegex(AccessError, "store you do not manage: Louise Bernard"):
            self._wizard(
                from_employee_id=self.employee_a.id, to_employee_id=self.employee_manager_a.id
            ).action_reassign()
        self.assertEqual(
            (self.customer_a | self.customer_b).clienteling_associate_id, self.employee_a
        )
        # Paris's store manager cannot touch New York's client books either.
        manager_b = mail_new_test_user(
            self.env, login="t_mgr_b", name="Paris Manager", groups=STORE_MANAGER_GROUPS
        )
        self.env["hr.employee"].create(
            {
                "name": "Paris Manager",
                "user_id": manager_b.id,
                "clienteling_store_id": self.store_b.id,
                "clienteling_role": "store_manager",
            }
        )
        wizard = (
            self.env["clienteling.client.book.reassign"]
            .with_user(manager_b)
            .create(
                {
                    "from_employee_id": self.employee_a.id,
                    "to_employee_id": self.employee_manager_a.id,
                    "partner_ids": [(6, 0, self.customer_a.ids)],
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "Ann Associate, Sam Store Manager"):
            wizard.action_reassign()
        self.assertEqual(self.customer_a.clienteling_associate_id, self.employee_a)
        # Nor read Sam's wizard.
        own = self._wizard(
            from_employee_id=self.employee_a.id, to_employee_id=self.employee_manager_a.id
        )
        with self.assertRaises(AccessError):
            own.with_user(manager_b).read(["partner_ids"])
        # Associates do not reassign at all.
        with self.assertRaises(AccessError):
            self.env["clienteling.client.book.reassign"].with_user(self.user_associate_a).create(
                {"from_employee_id": self.employee_a.id, "to_employee_id": self.employee_b.id}
            )

    def test_administrators_within_their_companies(self):
        self.env["clienteling.client.book.reassign"].with_user(self.user_manager).create(
            {
                "from_employee_id": self.employee_a.id,
                "to_employee_id": self.employee_b.id,
                "move_store_book": True,
            }
        ).action_reassign()
        self.assertEqual(self.customer_a.clienteling_associate_id, self.employee_b)
        self.assertEqual(self.customer_a.clienteling_store_id, self.store_b)
        other = self.env["res.company"].create({"name": "Other Retail"})
        admin_other = mail_new_test_user(
            self.env,
            login="t_admin_other",
            groups=MANAGER_GROUPS,
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        wizard = (
            self.env["clienteling.client.book.reassign"]
            .with_user(admin_other)
            .create({"from_employee_id": self.employee_b.id, "to_employee_id": self.employee_a.id})
        )
        with self.assertRaisesRegex(AccessError, "not one of them"):
            wizard.action_reassign()
        self.assertEqual(self.customer_a.clienteling_associate_id, self.employee_b)
        # The wizard offers the user's stores' associates only.
        self.assertEqual(
            self.env["clienteling.client.book.reassign"]
            .with_user(self.user_store_manager_a)
            .new({})
            .allowed_store_ids._origin,
            self.store_a,
        )

    def test_bad_requests(self):
        with self.assertRaisesRegex(UserError, "two different associates"):
            self._wizard(
                from_employee_id=self.employee_a.id, to_employee_id=self.employee_a.id
            ).action_reassign()
        with self.assertRaisesRegex(UserError, "client book is empty"):
            self._wizard(
                from_employee_id=self.employee_manager_a.id, to_employee_id=self.employee_a.id
            ).action_reassign()
        sams = self.env["res.partner"].create(
            {
                "name": "Sam's Customer",
                "clienteling_store_id": self.store_a.id,
                "clienteling_associate_id": self.employee_manager_a.id,
            }
        )
        with self.assertRaisesRegex(UserError, "not in Ann Associate's client book"):
            self._wizard(
                from_employee_id=self.employee_a.id,
                to_employee_id=self.employee_manager_a.id,
                partner_ids=[(6, 0, sams.ids)],
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
