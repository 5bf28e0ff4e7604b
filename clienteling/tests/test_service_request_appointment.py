from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_service_request import ServiceRequestCase

START = datetime(2030, 3, 2, 15, 0)  # a Saturday afternoon, far in the future


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestAppointment(ServiceRequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day_alarm = cls.env.ref("calendar.alarm_notif_5")
        cls.hour_alarm = cls.env.ref("calendar.alarm_notif_3")
        cls.time_todo = cls.env.ref("clienteling.mail_activity_type_appointment_time")

    def appointment(self, **values):
        return self.request(
            kind="appointment",
            customer_name="Jane Doe",
            email="jane.doe@example.com",
            message="A fitting for a suit",
            **values,
        )

    def test_accepting_an_appointment_puts_it_in_the_associate_s_calendar(self):
        request = self.appointment(
            preferred_date_start=START, preferred_date_end=START + timedelta(hours=2)
        )
        self.assertFalse(request.calendar_event_id, "a New Lead is nobody's appointment yet")
        request.with_user(self.user_associate_a).action_accept()
        event = request.calendar_event_id
        self.assertEqual(event.name, "Appointment: Jane Doe")
        self.assertEqual((event.start, event.stop), (START, START + timedelta(hours=2)))
        self.assertEqual(event.user_id, self.user_associate_a)
        self.assertEqual(event.partner_ids, self.user_associate_a.partner_id | self.customer_a)
        self.assertEqual(event.alarm_ids, self.day_alarm | self.hour_alarm)
        self.assertEqual(
            sorted((a.duration, a.interval, a.alarm_type) for a in event.alarm_ids),
            [(1, "days", "notification"), (1, "hours", "notification")],
        )
        self.assertEqual((event.res_model, event.res_id), (request._name, request.id))
        self.assertIn("A fitting for a suit", str(event.description))
        # the associate sees it in their calendar
        self.assertEqual(
            self.env["calendar.event"]
            .with_user(self.user_associate_a)
            .search(
                [("id", "=", event.id), ("partner_ids", "in", self.user_associate_a.partner_id.ids)]
            ),
            event,
        )

    def test_without_an_end_the_appointment_lasts_an_hour(self):
        request = self.appointment(preferred_date_start=START)
        request.with_user(self.user_associate_a).action_accept()
        self.assertEqual(request.calendar_event_id.stop, START + timedelta(hours=1))

    def test_the_customer_gets_no_invitation_email(self):
        request = self.appointment(preferred_date_start=START)
        mails = self.env["mail.mail"].search([])
        request.with_user(self.user_associate_a).action_accept()
        sent = self.env["mail.mail"].search([]) - mails
        self.assertFalse(sent.filtered(lambda m: self.customer_a in m.recipient_ids))

    def test_without_a_preferred_time_a_to_do_asks_for_it(self):
        request = self.appointment()
        request.with_user(self.user_associate_a).action_accept()
        self.assertFalse(request.calendar_event_id)
        todo = request.activity_ids.filtered(lambda a: a.activity_type_id == self.time_todo)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.user_associate_a)
        # the time agreed with the customer: the event is created, the to-do done
        request.with_user(self.user_associate_a).preferred_date_start = START
        self.assertEqual(request.calendar_event_id.start, START)
        self.assertFalse(todo.exists())

    def test_routed_appointments_are_scheduled_at_creation(self):
        storefront = self.appointment(
            source="storefront", associate_id=self.employee_a.id, preferred_date_start=START
        )
        self.assertEqual(storefront.calendar_event_id.user_id, self.user_associate_a)
        entered = (
            self.Request.with_user(self.user_associate_a2)
            .create(
                {
                    "kind": "appointment",
                    "customer_name": "Walk In",
                    "email": "walk.in@example.com",
                    "store_id": self.store_a.id,
                    "preferred_date_start": START,
                }
            )
            .sudo()
        )
        self.assertEqual(entered.calendar_event_id.user_id, self.user_associate_a2)
        self.assertEqual(entered.calendar_event_id.partner_ids, self.user_associate_a2.partner_id)
        # team mode: the store's team; the store's manager holds the appointment
        self.company.clienteling_request_team_mode = True
        self.store_a.manager_ids = self.employee_manager_a
        team = self.appointment(preferred_date_start=START)
        self.assertEqual(team.state, "accepted")
        self.assertEqual(team.calendar_event_id.user_id, self.user_store_manager_a)

    def test_other_kinds_have_no_appointment(self):
        request = self.request(kind="question", preferred_date_start=START)
        request.with_user(self.user_associate_a).action_accept()
        self.assertFalse(request.calendar_event_id)
        self.assertFalse(
            request.activity_ids.filtered(lambda a: a.activity_type_id == self.time_todo)
        )

    def test_declining_or_closing_keeps_the_event(self):
        declined = self.appointment(preferred_date_start=START)
        declined.with_user(self.user_associate_a).action_accept()
        event = declined.calendar_event_id
        declined.with_user(self.user_associate_a).action_decline()
        self.assertTrue(event.exists())
        self.assertEqual(declined.calendar_event_id, event)
        closed = self.appointment(preferred_date_start=START)
        closed.with_user(self.user_associate_a).action_accept()
        closed.with_user(self.user_associate_a).action_close()
        self.assertTrue(closed.calendar_event_id.active)

    def test_schedule_button_opens_the_event(self):
        request = self.appointment(preferred_date_start=START)
        request.with_user(self.user_associate_a).action_accept()
        action = request.with_user(self.user_associate_a).action_open_calendar_event()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("calendar.event", request.calendar_event_id.id),
        )
        with self.assertRaises(AccessError):
            request.with_user(self.user_associate_b).action_open_calendar_event()

    def test_the_event_cannot_be_forced_on_a_request(self):
        request = self.appointment(preferred_date_start=START)
        other = self.env["calendar.event"].create(
            {"name": "Someone else's", "start": START, "stop": START + timedelta(hours=1)}
        )
        with self.assertRaisesRegex(AccessError, "Appointment"):
            request.with_user(self.user_associate_a).write({"calendar_event_id": other.id})

    def test_deleted_alarms_are_made_again(self):
        self.env["calendar.event"].search([]).write({"alarm_ids": [(5, 0, 0)]})
        (self.day_alarm | self.hour_alarm).unlink()
        request = self.appointment(preferred_date_start=START)
        request.with_user(self.user_associate_a).action_accept()
        self.assertEqual(
            sorted((a.duration, a.interval) for a in request.calendar_event_id.alarm_ids),
            [(1, "days"), (1, "hours")],
        )
