from odoo.tests import tagged

from .test_service_request import ServiceRequestCase


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestNotify(ServiceRequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.arrival = cls.env.ref("clienteling.mt_service_request_new")
        cls.answer = cls.env.ref("clienteling.mail_activity_type_service_request")
        cls.store_a_users = cls.user_associate_a | cls.user_associate_a2 | cls.user_store_manager_a

    def notified(self, request):
        """The partners told of the request's arrival (their inbox or e-mail)."""
        message = request.message_ids.filtered(lambda m: m.subtype_id == self.arrival)
        self.assertLessEqual(len(message), 1)
        notified = (
            self.env["mail.notification"]
            .search([("mail_message_id", "in", message.ids)])
            .res_partner_id
        )
        self.assertEqual(notified, message.partner_ids)
        return notified

    def answer_todos(self, request):
        return request.activity_ids.filtered(lambda a: a.activity_type_id == self.answer)

    def test_a_new_lead_tells_the_store_s_associates(self):
        request = self.request(customer_name="Jane Doe")
        self.assertEqual(self.notified(request), self.store_a_users.partner_id)
        self.assertNotIn(self.user_associate_b.partner_id, self.notified(request))
        self.assertNotIn(self.user_manager.partner_id, self.notified(request))
        self.assertFalse(self.answer_todos(request), "nobody's to-do before it is accepted")
        message = request.message_ids.filtered(lambda m: m.subtype_id == self.arrival)
        self.assertIn("New Lead at Test Fifth Avenue", message.body)
        self.assertIn("Jane Doe", message.body)
        self.assertEqual(message.author_id, self.env.ref("base.partner_root"))
        # they read it in their inbox
        for user in self.store_a_users:
            self.assertEqual(
                self.env["mail.message"].with_user(user).browse(message.id).body, message.body
            )

    def test_team_mode_tells_the_store_s_associates(self):
        self.company.clienteling_request_team_mode = True
        request = self.request()
        self.assertEqual(self.notified(request), self.store_a_users.partner_id)
        self.assertFalse(self.answer_todos(request))

    def test_a_storefront_request_tells_its_associate_with_a_to_do(self):
        request = self.request(source="storefront", associate_id=self.employee_a.id)
        self.assertEqual(self.notified(request), self.user_associate_a.partner_id)
        todo = self.answer_todos(request)
        self.assertEqual(todo.user_id, self.user_associate_a)
        self.assertIn(self.user_associate_a.partner_id, request.message_partner_ids)
        self.assertNotIn(self.user_associate_a2.partner_id, request.message_partner_ids)
        # the associate's first reply (an e-mail from the request) marks it done
        request.with_user(self.user_associate_a).message_post(
            body="Hello Walk In", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertTrue(request.first_reply_date)
        self.assertFalse(todo.exists())

    def test_an_associate_s_own_entry_tells_nobody(self):
        request = self.Request.with_user(self.user_associate_a).create(
            {
                "customer_name": "Walk In",
                "email": "walk.in@example.com",
                "store_id": self.store_a.id,
            }
        )
        self.assertFalse(self.notified(request.sudo()))
        self.assertFalse(self.answer_todos(request.sudo()))

    def test_an_entry_for_a_colleague_tells_the_colleague(self):
        request = (
            self.Request.with_user(self.user_store_manager_a)
            .create(
                {
                    "customer_name": "Walk In",
                    "email": "walk.in@example.com",
                    "store_id": self.store_a.id,
                    "associate_id": self.employee_a2.id,
                }
            )
            .sudo()
        )
        self.assertEqual(self.notified(request), self.user_associate_a2.partner_id)
        self.assertEqual(self.answer_todos(request).user_id, self.user_associate_a2)

    def test_declining_clears_the_to_do(self):
        request = self.request(source="storefront", associate_id=self.employee_a.id)
        todo = self.answer_todos(request)
        request.with_user(self.user_associate_a).action_decline()
        self.assertFalse(todo.exists())

    def test_store_counts_as_each_user_sees_them(self):
        self.request()
        self.request()
        self.request(source="storefront", associate_id=self.employee_a.id)
        self.request(source="storefront", associate_id=self.employee_a2.id)
        closed = self.request(source="storefront", associate_id=self.employee_a.id)
        closed.action_close()
        counts = [
            (store.service_request_new_lead_count, store.service_request_open_count)
            for store in (
                self.store_a.with_user(self.user_associate_a),
                self.store_a.with_user(self.user_store_manager_a),
            )
        ]
        self.assertEqual(counts, [(2, 1), (2, 2)])
        self.store_b.invalidate_recordset()
        self.assertEqual(
            self.store_b.with_user(self.user_associate_b).service_request_new_lead_count, 0
        )
        action = self.store_a.with_user(self.user_associate_a).action_view_new_leads()
        self.assertEqual(
            self.Request.with_user(self.user_associate_a).search_count(action["domain"]), 2
        )
