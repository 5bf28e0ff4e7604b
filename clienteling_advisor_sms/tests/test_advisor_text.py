from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.clienteling_advisor.tests.common import AdvisorCase
from odoo.addons.clienteling_sms.tests.common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_advisor_sms")
class TestAdvisorText(ClientelingSmsCase, AdvisorCase):
    def test_text_from_an_advisor_line_opens_the_conversation(self):
        self.purchased(self.customer_a, 200)
        self.refresh()
        line = self.lines(self.user_associate_a, "keep_in_touch").filtered(
            lambda r: r.partner_id == self.customer_a
        )
        action = line.with_user(self.user_associate_a).action_text_customer()
        # no conversation yet: the composer, on the associate's own number; the
        # conversation exists from the first text on
        self.assertEqual(action["res_model"], "clienteling.sms.composer")
        self.assertEqual(
            (action["context"]["default_partner_id"], action["context"]["default_phone_number_id"]),
            (self.customer_a.id, self.number_personal.id),
        )
        self.assertFalse(
            self.env["clienteling.conversation"].search([("partner_id", "=", self.customer_a.id)])
        )
        conversation = self.env["clienteling.conversation"]._open_for_partner(
            self.customer_a, self.number_personal
        )
        self._inbound("Hi Ann", to=self.number_personal.number)
        # a conversation with texts: its chat
        action = line.with_user(self.user_associate_a).action_text_customer()
        self.assertEqual(
            action["params"]["active_id"], f"discuss.channel_{conversation.channel_id.id}"
        )

    def test_pending_line_cannot_be_texted(self):
        entry, _errors = self.env["clienteling.customer.entry"]._submit(
            self.store_a, {"name": "Pending Person", "mobile": "212 555 0111"}, "192.0.2.9"
        )
        line = self.lines(self.user_associate_a, "pending_customer").filtered(
            lambda r: r.entry_id == entry
        )
        with self.assertRaisesRegex(UserError, "Review the pending customer"):
            line.with_user(self.user_associate_a).action_text_customer()

    def test_text_shown_only_where_it_can_work(self):
        self.purchased(self.customer_a, 200)
        self.refresh()
        line = self.lines(self.user_associate_a, "keep_in_touch").filtered(
            lambda r: r.partner_id == self.customer_a
        )
        self.assertEqual(len(line), 1)
        self.assertTrue(line.can_text)
        # neither the associate nor the store has a number any more
        (self.number_personal | self.number_a).action_unassign()
        line.invalidate_recordset(["can_text"])
        self.customer_a.invalidate_recordset(["clienteling_can_text"])
        self.assertFalse(line.can_text)
        entry, _errors = self.env["clienteling.customer.entry"]._submit(
            self.store_a, {"name": "Pending Person", "mobile": "212 555 0111"}, "192.0.2.9"
        )
        self.refresh()
        pending = self.lines(self.user_associate_a, "pending_customer").filtered(
            lambda r: r.entry_id == entry
        )
        self.assertEqual(len(pending), 1)
        self.assertFalse(pending.can_text)
