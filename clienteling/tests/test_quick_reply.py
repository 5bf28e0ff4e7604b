from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestQuickReply(ClientelingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.QuickReply = cls.env["clienteling.quick.reply"]
        cls.opt_in = cls.QuickReply._get_opt_in_message(cls.company)

    def test_default_opt_in_message_asks_for_yes_and_says_how_to_stop(self):
        self.assertTrue(self.opt_in)
        text = self.opt_in._render(self.customer_a, self.employee_a, self.store_a)
        self.assertIn("Hi Jane, this is Ann from Test Fifth Avenue", text)
        self.assertIn("Reply YES", text)
        self.assertIn("STOP", text)
        self.assertNotIn("{{", text)

    def test_render_fills_every_placeholder(self):
        reply = self.QuickReply.create(
            {
                "name": "All",
                "body": "{{ customer.name }}|{{ customer.first_name }}|{{ associate.name }}|"
                "{{ associate.first_name }}|{{ store.name }}|{{ store.landline }}|{{ company.name }}",
            }
        )
        text = reply._render(self.customer_a, self.employee_a, self.store_a)
        self.assertEqual(
            text,
            f"Jane Doe|Jane|Ann Associate|Ann|Test Fifth Avenue|+12125550199|{self.company.name}",
        )
        # the store defaults to the associate's; defaults apply to missing values
        reply.body = "Hi {{ associate.first_name ||| there }} at {{ store.name }}"
        self.assertEqual(
            reply._render(self.customer_a, self.employee_b), "Hi Bea at Test Saint-Honoré"
        )
        self.assertEqual(reply._render(self.customer_a), "Hi there at ")

    def test_render_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        reply = self.QuickReply.create(
            {"name": "Thanks", "body": "Thank you {{ customer.first_name }}!"}
        )
        reply.with_context(lang="fr_FR").body = "Merci {{ customer.first_name }} !"
        self.customer_b.lang = "fr_FR"
        self.assertEqual(reply._render(self.customer_b, self.employee_b), "Merci Louise !")
        self.assertEqual(reply._render(self.customer_a, self.employee_a), "Thank you Jane!")

    def test_broken_placeholders_refused_on_save(self):
        cases = [
            ("Hi {{ customer.nickname }}", "unknown placeholder"),
            ("Hi {{ object.sudo().write({}) }}", "unknown placeholder"),
            ("Hi {{ customer.first_name }", "not closed"),
            ("Hi {{ customer.first_name", "not closed"),
            ("Hi customer.first_name }}", "not closed"),
        ]
        for body, message in cases:
            with self.subTest(body=body), self.assertRaisesRegex(ValidationError, message):
                self.QuickReply.create({"name": "Broken", "body": body})
        reply = self.QuickReply.create({"name": "Fine", "body": "Hello"})
        with self.assertRaisesRegex(ValidationError, "unknown placeholder"):
            reply.body = "Hello {{ 7 * 6 }}"
        reply.invalidate_recordset()
        self.assertEqual(reply.body, "Hello")

    def test_one_active_opt_in_message_per_company(self):
        with self.assertRaisesRegex(ValidationError, "already has an opt-in message"):
            self.QuickReply.create({"name": "Second", "body": "Reply YES", "kind": "opt_in"})
        reply = self.QuickReply.create({"name": "Draft", "body": "Reply YES"})
        with self.assertRaisesRegex(ValidationError, "already has an opt-in message"):
            reply.kind = "opt_in"
        # the database refuses it too, even when the check is bypassed
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env.cr.execute(
                "UPDATE clienteling_quick_reply SET kind = 'opt_in' WHERE id = %s", [reply.id]
            )

    def test_opt_in_message_cannot_disappear(self):
        with self.assertRaisesRegex(UserError, "must keep one active opt-in message"):
            self.opt_in.action_archive()
        with self.assertRaisesRegex(UserError, "must keep one active opt-in message"):
            self.opt_in.unlink()
        with self.assertRaisesRegex(UserError, "must keep one active opt-in message"):
            self.opt_in.kind = "quick_reply"
        self.opt_in.body = "Hi {{ customer.first_name }}, reply YES to hear from {{ store.name }}. STOP to opt out."
        self.assertTrue(self.opt_in.active)

    def test_quick_replies_can_be_archived_and_deleted_permanently(self):
        reply = self.QuickReply.create({"name": "Busy", "body": "With a customer, back soon."})
        reply.action_archive()
        self.assertFalse(reply.active)
        reply.unlink()
        self.assertFalse(reply.exists())

    def test_new_company_gets_its_opt_in_message(self):
        company = self.env["res.company"].create({"name": "Second Retailer"})
        opt_in = self.QuickReply._get_opt_in_message(company)
        self.assertEqual(len(opt_in), 1)
        self.assertEqual(opt_in.body, self.env.ref("clienteling.quick_reply_opt_in_default").body)

    def test_copy_of_the_opt_in_message_is_a_quick_reply(self):
        copy = self.opt_in.copy()
        self.assertEqual(copy.kind, "quick_reply")
        self.assertIn("(copy)", copy.name)

    def test_placeholder_help_lists_every_placeholder_with_its_label(self):
        lines = self.opt_in.placeholder_help.splitlines()
        self.assertEqual(len(lines), 7)
        self.assertIn("{{ customer.first_name }}: Customer's first name", lines)
        self.assertIn("{{ store.landline }}: Store landline (E.164)", lines)

    def test_french_translation_loads(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["clienteling"], ["fr_FR"], overwrite=True)
        store_fields = (
            self.env["clienteling.store"].with_context(lang="fr_FR").fields_get(["landline"])
        )
        self.assertEqual(store_fields["landline"]["string"], "Téléphone fixe")
        self.customer_b.lang = "fr_FR"
        text = self.opt_in._render(self.customer_b, self.employee_b, self.store_b)
        self.assertIn("Bonjour Louise", text)
        self.assertIn("STOP", text)
        self.assertNotIn("{{", text)
