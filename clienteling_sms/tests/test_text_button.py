from lxml import etree

from odoo.tests import tagged

from .common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_sms")
class TestTextButton(ClientelingSmsCase):
    """Text shows where it can work, and replaces Odoo's SMS link on the numbers."""

    def can_text(self, user, partner):
        partner.invalidate_recordset(["clienteling_can_text"])
        return partner.with_user(user).clienteling_can_text

    def test_associate_with_a_number_can_text_a_customer_with_a_mobile(self):
        self.assertTrue(self.can_text(self.user_associate_a, self.customer_a))
        self.assertTrue(self.can_text(self.user_associate_b, self.customer_b))
        no_number = self.env["res.partner"].create(
            {"name": "No Number", "clienteling_store_id": self.store_a.id}
        )
        self.assertFalse(self.can_text(self.user_associate_a, no_number))

    def test_no_text_when_the_store_has_no_number(self):
        self.number_b.action_unassign()
        self.assertFalse(self.can_text(self.user_associate_b, self.customer_b))
        # the New York associate keeps their own number
        self.assertTrue(self.can_text(self.user_associate_a, self.customer_a))
        self.number_personal.action_unassign()
        self.assertTrue(self.can_text(self.user_associate_a, self.customer_a))  # store number
        self.number_a.action_unassign()
        self.assertFalse(self.can_text(self.user_associate_a, self.customer_a))

    def test_customer_of_a_served_store_can_be_texted_by_a_user_without_a_number(self):
        self.number_b.action_unassign()
        # Bea's store has no number any more; Jane's store (New York) has one
        # that Bea may not read (another store's): no Text for her.
        self.assertFalse(self.can_text(self.user_associate_b, self.customer_a))
        self.assertTrue(self.can_text(self.user_manager, self.customer_a))

    def test_customer_screens_show_text_not_odoo_sms(self):
        Partner = self.env["res.partner"].with_user(self.user_associate_a)
        for view_ref, view_type in (
            ("base.view_partner_form", "form"),
            ("clienteling.res_partner_view_list_clienteling", "list"),
            ("clienteling.res_partner_view_kanban_clienteling", "kanban"),
        ):
            arch = Partner.get_view(self.env.ref(view_ref).id, view_type)["arch"]
            tree = etree.fromstring(arch)
            texts = tree.xpath("//button[@name='action_clienteling_text']")
            self.assertEqual(len(texts), 1, view_ref)
            self.assertIn("clienteling_can_text", texts[0].get("invisible"), view_ref)
            # the customer's own numbers (not the contacts' in sub-views)
            numbers = tree.xpath("//field[@widget='phone'][not(ancestor::field)]")
            self.assertTrue(numbers or view_type == "kanban", view_ref)
            for field in numbers:
                self.assertIn("'enable_sms': false", field.get("options") or "", view_ref)
