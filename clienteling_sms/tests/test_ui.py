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

    def test_storefront_request_answered_with_a_product_tour(self):
        """The main flow of service requests: a customer asks from an associate's
        storefront to be answered by text; the associate replies by text with a
        product in the conversation the confirmation opened; the KPIs move."""
        self.env.cr.execute("DELETE FROM clienteling_service_request")
        self.env.cr.execute("DELETE FROM clienteling_storefront_visit")
        self.env["product.product"].create({"name": "Tour Camel Coat", "list_price": 420.0})
        self.employee_a.write(
            {"clienteling_storefront_slug": "ann-tour", "clienteling_storefront_published": True}
        )
        # the dashboard's week is the associate's: the store's day
        self.user_associate_a.tz = self.store_a.tz
        self.start_tour("/clienteling/a/ann-tour", "clienteling_sms_storefront_request_tour")

        request = self.env["clienteling.service.request"].search([])
        self.assertEqual(
            (request.customer_name, request.mobile, request.preferred_channel, request.source),
            ("Jane Tour", "+12125550188", "text", "storefront"),
        )
        self.assertEqual((request.state, request.associate_id), ("accepted", self.employee_a))
        consent = self.env["clienteling.consent"].search([("address", "=", "+12125550188")])
        self.assertEqual((consent.state, consent.source), ("opted_in", "web_form"))
        self.assertEqual(consent.wording, request.consent_wording)
        confirmation = self.Conversation.search([("customer_number", "=", "+12125550188")])
        self.assertEqual(confirmation.phone_number_id, self.number_personal)
        self.assertEqual(len(self._outbound(confirmation)), 1)
        self.assertFalse(request.first_reply_date)

        self.start_tour(
            "/odoo/action-clienteling.clienteling_service_request_action",
            "clienteling_sms_request_product_reply_tour",
            login=self.user_associate_a.login,
        )
        request.invalidate_recordset()
        self.assertEqual(request.state, "replied")
        self.assertTrue(request.first_reply_date)
        link = self.env["clienteling.product.link"].search(
            [("product_id.name", "=", "Tour Camel Coat")]
        )
        self.assertEqual((link.employee_id, link.partner_id), (self.employee_a, request.partner_id))
        bodies = self._outbound(confirmation).mapped("body")
        self.assertEqual(len(bodies), 2)
        self.assertTrue(any(link.token in body for body in bodies), bodies)

        self.env["clienteling.kpi"]._kpi_refresh()
        self.start_tour(
            "/odoo/action-clienteling.clienteling_kpi_action_dashboard",
            "clienteling_sms_request_kpi_tour",
            login=self.user_associate_a.login,
        )
