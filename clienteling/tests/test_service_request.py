from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ASSOCIATE_GROUPS, ClientelingCase


class ServiceRequestCase(ClientelingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # start from no request (the demo data has some)
        cls.env.cr.execute("DELETE FROM clienteling_service_request")
        cls.env.invalidate_all()
        cls.Request = cls.env["clienteling.service.request"]
        cls.user_associate_a2 = mail_new_test_user(
            cls.env, login="t_assoc_a2", name="Alex Associate", groups=ASSOCIATE_GROUPS
        )
        cls.employee_a2 = cls.env["hr.employee"].create(
            {
                "name": "Alex Associate",
                "user_id": cls.user_associate_a2.id,
                "clienteling_store_id": cls.store_a.id,
                "clienteling_role": "associate",
            }
        )

    def request(self, **values):
        vals = {
            "customer_name": "Walk In",
            "email": "walk.in@example.com",
            "store_id": self.store_a.id,
            "source": "widget",
            **values,
        }
        return self.Request.create(vals)

    def visible(self, user):
        return self.Request.with_user(user).search([]) & self.Request.search([])


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestRouting(ServiceRequestCase):
    def test_widget_request_is_a_new_lead_of_the_store(self):
        request = self.request(kind="appointment", message="A fitting on Saturday?")
        self.assertEqual(request.state, "new_lead")
        self.assertFalse(request.associate_id)
        self.assertFalse(request.accepted_date)
        self.assertFalse(request.accepted_by_id)
        self.assertTrue(request.received_date)
        self.assertEqual(request.company_id, self.store_a.company_id)

    def test_team_mode_sends_widget_requests_to_the_store_team(self):
        self.company.clienteling_request_team_mode = True
        request = self.request()
        self.assertEqual(request.state, "accepted")
        self.assertFalse(request.associate_id, "the store's team, no one in particular")
        self.assertEqual(request.accepted_date, request.received_date)

    def test_team_mode_setting_in_the_settings_page(self):
        settings = self.env["res.config.settings"].create({"clienteling_request_team_mode": True})
        settings.execute()
        self.assertTrue(self.company.clienteling_request_team_mode)

    def test_storefront_and_footer_requests_go_to_the_associate(self):
        for source in ("storefront", "footer"):
            request = self.request(source=source, associate_id=self.employee_a.id)
            self.assertEqual(request.state, "accepted", source)
            self.assertEqual(request.associate_id, self.employee_a)
            self.assertEqual(request.accepted_date, request.received_date)
            self.assertEqual(request.accepted_by_id, self.user_associate_a)

    def test_footer_request_without_associate_is_a_new_lead(self):
        self.assertEqual(self.request(source="footer").state, "new_lead")

    def test_associate_entered_request_is_theirs(self):
        request = self.Request.with_user(self.user_associate_a).create(
            {
                "customer_name": "Phone Caller",
                "mobile": "(212) 555-0177",
                "preferred_channel": "text",
                "store_id": self.store_a.id,
            }
        )
        self.assertEqual(request.source, "associate")
        self.assertEqual(request.state, "accepted")
        self.assertEqual(request.associate_id, self.employee_a)
        self.assertEqual(request.accepted_by_id, self.user_associate_a)
        self.assertEqual(request.accepted_date, request.received_date)

    def test_associate_records_a_request_in_the_form(self):
        form = Form(self.Request.with_user(self.user_associate_a))
        form.customer_name = "Counter Visit"
        form.kind = "appointment"
        form.email = "Counter.Visit@Example.com"
        form.store_id = self.store_a
        form.preferred_date_start = "2026-12-12 15:00:00"
        form.preferred_date_end = "2026-12-12 16:00:00"
        request = form.save()
        self.assertEqual(request.email, "counter.visit@example.com")
        self.assertEqual(request.source, "associate")
        self.assertEqual((request.state, request.associate_id), ("accepted", self.employee_a))

    def test_associate_of_another_store_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "does not work at Test Fifth Avenue"):
            self.request(source="storefront", associate_id=self.employee_b.id)
        self.assertFalse(self.Request.search([("store_id", "=", self.store_a.id)]))

    def test_routing_fields_cannot_be_forced(self):
        with self.assertRaisesRegex(AccessError, "follows its routing"):
            self.Request.with_user(self.user_associate_a).create(
                {
                    "customer_name": "Forced",
                    "email": "f@example.com",
                    "store_id": self.store_a.id,
                    "state": "closed",
                }
            )
        request = self.request()
        with self.assertRaisesRegex(AccessError, "through its buttons only"):
            request.with_user(self.user_associate_a).write({"state": "accepted"})
        self.assertEqual(request.state, "new_lead")


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestInput(ServiceRequestCase):
    def test_customer_linked_by_email(self):
        request = self.request(customer_name="J. Doe", email="  JANE.DOE@example.com ")
        self.assertEqual(request.email, "jane.doe@example.com")
        self.assertEqual(request.partner_id, self.customer_a)

    def test_customer_linked_by_national_number(self):
        request = self.request(
            customer_name="Jane", email=False, mobile="212-555-0142", preferred_channel="text"
        )
        self.assertEqual(request.mobile, "+12125550142")
        self.assertEqual(request.partner_id, self.customer_a)

    def test_national_number_read_with_the_store_country(self):
        request = self.request(
            store_id=self.store_b.id,
            customer_name="Louise",
            email=False,
            mobile="06 12 34 56 99",
            preferred_channel="text",
        )
        self.assertEqual(request.mobile, "+33612345699")
        self.assertEqual(request.partner_id, self.customer_b)

    def test_name_alone_never_links(self):
        request = self.request(customer_name="Jane Doe", email="someone.else@example.com")
        self.assertFalse(request.partner_id)

    def test_bad_input_is_refused_with_nothing_stored(self):
        cases = [
            ({"email": "jane@@example"}, '"jane@@example" is not a valid email address'),
            (
                {"email": False, "mobile": "hello", "preferred_channel": "text"},
                r'mobile number cannot be used: "hello" is not a phone number \(not a number\)',
            ),
            (
                {"mobile": "212-555", "preferred_channel": "text"},
                r'"212-555" is not a valid phone number in US',
            ),
            (
                {"mobile": False, "preferred_channel": "text"},
                "Walk In prefers a text message: enter their mobile number",
            ),
            (
                {"email": False, "mobile": "+12125550177"},
                "Walk In prefers an email: enter their email address",
            ),
        ]
        for values, message in cases:
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message):
                self.request(**values)
        self.assertFalse(self.Request.search([]))

    def test_bad_number_refused_on_write(self):
        request = self.request()
        with self.assertRaisesRegex(ValidationError, "not a phone number"):
            request.write({"mobile": "call me"})
        self.assertFalse(request.mobile)
        request.write({"mobile": "(212) 555-0177"})
        self.assertEqual(request.mobile, "+12125550177")

    def test_preferred_time_in_order(self):
        with self.assertRaisesRegex(ValidationError, "cannot come before its start"):
            self.request(
                kind="appointment",
                preferred_date_start="2026-12-12 15:00:00",
                preferred_date_end="2026-12-12 14:00:00",
            )


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestAccept(ServiceRequestCase):
    def test_associate_of_the_store_accepts_a_new_lead(self):
        request = self.request()
        request.with_user(self.user_associate_a).action_accept()
        self.assertEqual(request.state, "accepted")
        self.assertEqual(request.associate_id, self.employee_a)
        self.assertEqual(request.accepted_by_id, self.user_associate_a)
        self.assertTrue(request.accepted_date)
        self.assertIn("Ann Associate accepted the request.", request.message_ids[0].body)

    def test_second_accept_is_refused_with_the_winner(self):
        request = self.request()
        request.with_user(self.user_associate_a).action_accept()
        with self.assertRaisesRegex(UserError, "already accepted by Ann Associate"):
            request.with_user(self.user_associate_a2).action_accept()
        self.assertEqual(request.associate_id, self.employee_a)

    def test_associate_of_another_store_cannot_accept(self):
        request = self.request()
        with self.assertRaises(AccessError):
            request.with_user(self.user_associate_b).action_accept()
        # Even an administrator who works at another store (rules let them see it).
        self.employee_b.user_id = self.user_manager
        with self.assertRaisesRegex(UserError, "Only the associates of Test Fifth Avenue"):
            request.with_user(self.user_manager).action_accept()
        self.assertEqual(request.state, "new_lead")

    def test_decline_close_reopen(self):
        request = self.request()
        request.with_user(self.user_associate_a).action_decline("Spam")
        self.assertEqual(request.state, "declined")
        self.assertIn("Spam", request.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "is Declined: it cannot be accepted"):
            request.with_user(self.user_associate_a).action_accept()
        request.with_user(self.user_associate_a).action_reopen()
        self.assertEqual(request.state, "new_lead")
        request.with_user(self.user_associate_a).action_accept()
        request.with_user(self.user_associate_a).action_close()
        self.assertEqual(request.state, "closed")
        with self.assertRaisesRegex(UserError, "is Closed: it cannot be closed"):
            request.action_close()
        request.with_user(self.user_associate_a).action_reopen()
        self.assertEqual(request.state, "accepted")


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestRules(ServiceRequestCase):
    def test_who_sees_which_requests(self):
        lead_a = self.request(customer_name="Lead A")
        mine = self.request(
            customer_name="Ann's", source="storefront", associate_id=self.employee_a.id
        )
        colleague = self.request(
            customer_name="Alex's", source="storefront", associate_id=self.employee_a2.id
        )
        self.company.clienteling_request_team_mode = True
        team_a = self.request(customer_name="Team A")
        lead_b = self.request(
            customer_name="Team B", store_id=self.store_b.id, email="b@example.com"
        )
        self.assertEqual(self.visible(self.user_associate_a), lead_a | mine | team_a)
        self.assertEqual(self.visible(self.user_associate_a2), lead_a | colleague | team_a)
        self.assertEqual(self.visible(self.user_associate_b), lead_b)
        self.assertEqual(
            self.visible(self.user_store_manager_a), lead_a | mine | colleague | team_a
        )
        self.assertEqual(
            self.visible(self.user_manager), lead_a | mine | colleague | team_a | lead_b
        )
        with self.assertRaises(AccessError):
            colleague.with_user(self.user_associate_a).write({"message": "Mine now"})
        with self.assertRaises(AccessError):
            lead_a.with_user(self.user_associate_b).read(["customer_name"])

    def test_associate_cannot_create_for_another_store(self):
        with self.assertRaises(AccessError):
            self.Request.with_user(self.user_associate_b).create(
                {"customer_name": "X", "email": "x@example.com", "store_id": self.store_a.id}
            )

    def test_other_company_is_invisible(self):
        other = self.env["res.company"].create({"name": "Other Retail"})
        store = self.env["clienteling.store"].create(
            {"name": "Other Store", "code": "O-1", "company_id": other.id, "country_id": self.us.id}
        )
        request = self.request(store_id=store.id)
        self.assertNotIn(request, self.Request.with_user(self.user_manager).search([]))


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestConcurrentAccept(TransactionCase):
    """Two associates accept one New Lead at once, in two real transactions on
    committed rows (cleaned up at the end): one wins, the other is told."""

    def test_first_accept_wins(self):
        db = db_connect(self.env.cr.dbname)
        ids = {}
        with db.cursor() as setup:
            env = api.Environment(setup, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
            store = env["clienteling.store"].create(
                {"name": "Race Store", "code": "T-RACE", "country_id": env.ref("base.us").id}
            )
            users = env["res.users"]
            employees = env["hr.employee"]
            for login, name in (("t_race_1", "Rita Racer"), ("t_race_2", "Remy Racer")):
                user = mail_new_test_user(env, login=login, name=name, groups=ASSOCIATE_GROUPS)
                users |= user
                employees |= employees.create(
                    {
                        "name": name,
                        "user_id": user.id,
                        "clienteling_store_id": store.id,
                        "clienteling_role": "associate",
                    }
                )
            request = env["clienteling.service.request"].create(
                {
                    "customer_name": "Racing Customer",
                    "email": "race@example.com",
                    "store_id": store.id,
                    "source": "widget",
                }
            )
            ids = {
                "store": store.id,
                "users": users.ids,
                "partners": users.partner_id.ids,
                "employees": employees.ids,
                "request": request.id,
            }
            setup.commit()
        try:
            with db.cursor() as connection1, db.cursor() as connection2:
                env1 = api.Environment(connection1, ids["users"][0], {})
                env2 = api.Environment(connection2, ids["users"][1], {})
                first = env1["clienteling.service.request"].browse(ids["request"])
                second = env2["clienteling.service.request"].browse(ids["request"])
                first.action_accept()  # holds the row until its transaction ends
                with self.assertRaisesRegex(UserError, "being accepted by someone else"):
                    second.action_accept()
                connection1.commit()
                connection2.rollback()
                with self.assertRaisesRegex(UserError, "already accepted by Rita Racer"):
                    second.action_accept()
                connection2.rollback()
                connection2.execute(
                    "SELECT state, associate_id FROM clienteling_service_request WHERE id = %s",
                    (ids["request"],),
                )
                self.assertEqual(connection2.fetchone(), ("accepted", ids["employees"][0]))
        finally:
            with db.cursor() as cleanup:
                env = api.Environment(cleanup, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
                env["clienteling.service.request"].browse(ids["request"]).unlink()
                env["hr.employee"].browse(ids["employees"]).unlink()
                env["res.users"].browse(ids["users"]).unlink()
                env["res.partner"].browse(ids["partners"]).unlink()
                env["clienteling.store"].browse(ids["store"]).unlink()
                cleanup.commit()


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestReply(ServiceRequestCase):
    def test_an_email_from_the_request_is_its_first_reply(self):
        request = self.request(source="storefront", associate_id=self.employee_a.id)
        other_store = self.request(store_id=self.store_b.id)
        self.assertEqual(request.state, "accepted")
        as_associate = request.with_user(self.user_associate_a)
        # an internal note is not a reply
        as_associate.message_post(body="Call her back", subtype_xmlid="mail.mt_note")
        self.assertFalse(request.first_reply_date)
        as_associate.message_post(
            body="Yes, we have it in a 6.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertTrue(request.first_reply_date)
        self.assertEqual(request.state, "replied")
        first = request.first_reply_date
        as_associate.message_post(
            body="See you Saturday.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(request.first_reply_date, first)
        self.assertFalse(other_store.first_reply_date)

    def test_a_reply_to_the_customer_answers_their_open_requests_of_that_store(self):
        lead = self.request(mobile="+12125550123")
        accepted = self.request(
            source="storefront", associate_id=self.employee_a.id, email="ana@example.com"
        )
        elsewhere = self.request(store_id=self.store_b.id, mobile="+12125550123")
        closed = self.request(source="storefront", associate_id=self.employee_a.id)
        closed.with_user(self.user_associate_a).action_close()
        when = fields.Datetime.now()
        answered = self.Request._clienteling_record_reply(
            self.store_a, when, mobile="+12125550123", email="ANA@example.com"
        )
        self.assertEqual(answered, lead | accepted)
        self.assertEqual(lead.first_reply_date, when)
        self.assertEqual(lead.state, "new_lead")  # still waits to be accepted
        self.assertEqual(accepted.state, "replied")
        self.assertFalse(elsewhere.first_reply_date)
        self.assertFalse(closed.first_reply_date)
        # nothing named: nothing answered
        self.assertFalse(self.Request._clienteling_record_reply(self.store_a, when))
