from odoo.tests import tagged

from odoo.addons.clienteling.tests.common import BrowserCase

from .common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_sms")
class TestUi(ClientelingSmsCase, BrowserCase):
    def test_conversation_tour(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        self.start_tour(
            "/odoo/action-clienteling_sms.clienteling_conversation_action",
            "clienteling_sms_conversation_tour",
            login=self.user_associate_a.login,
        )
        sent = self._outbound(conversation).filtered(lambda m: not m.is_system_reply)
        self.assertEqual((sent.body, sent.state), ("Your coat is ready, Jane!", "delivered"))
        self.assertEqual(conversation.consent_state, "opted_out")
        self.assertEqual(len(self._outbound(conversation).filtered("is_system_reply")), 1)

    def test_discuss_tour(self):
        self.env["clienteling.quick.reply"].create(
            {"name": "Coat Ready", "body": "Hi {{ customer.first_name }}, your coat is ready."}
        )
        jane = self._conversation()
        self._opt_in(jane)
        self._inbound("Is my coat ready?")
        paul = self.env["res.partner"].create(
            {
                "name": "Paul Martin",
                "mobile": "+12125550143",
                "clienteling_store_id": self.store_a.id,
            }
        )
        self._inbound("Thanks", from_="+12125550143")
        stopped = self._conversation(customer=paul)
        stopped._record_consent("opted_out", "keyword", "STOP")
        self.start_tour(
            "/odoo/discuss", "clienteling_sms_discuss_tour", login=self.user_associate_a.login
        )
        sent = self._outbound(jane).filtered(lambda m: not m.is_system_reply)
        self.assertEqual(
            (sent.body, sent.state, sent.employee_id),
            ("Hi Jane, your coat is ready.", "delivered", self.employee_a),
        )
        self.assertFalse(self._outbound(stopped))
        self.assertNotIn("Are you coming", str(stopped.channel_id.message_ids.mapped("body")))

    def test_share_products_tour(self):
        self.env["product.product"].create({"name": "Tour Wool Coat", "list_price": 100.0})
        jane = self._conversation()
        self._opt_in(jane)
        self._inbound("Anything new?")
        self.start_tour(
            "/odoo/discuss",
            "clienteling_sms_share_products_tour",
            login=self.user_associate_a.login,
        )
        sent = self._outbound(jane)
        link = self.env["clienteling.product.link"].search(
            [("partner_id", "=", self.customer_a.id)]
        )
        self.assertEqual(link.product_id.name, "Tour Wool Coat")
        self.assertEqual(link.employee_id, self.employee_a)
        self.assertEqual(
            sent.body, f"Just in:\nTour Wool Coat: {link._public_url('https://shop.example.com')}"
        )
