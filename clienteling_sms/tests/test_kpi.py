from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from .common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_sms")
class TestTextKpi(ClientelingSmsCase):
    """Texts sent and received, replies to inbound texts and the opt-in rate on texts
    whose dates are known exactly (New York, on daylight time since 8 March 2026)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kpi = cls.env["clienteling.kpi"]
        store_chat = cls.Conversation._get_or_create(
            cls.number_a, "+12125550142", partner=cls.customer_a
        )
        personal_chat = cls.Conversation._get_or_create(cls.number_personal, "+12125550143")
        ann, sam = cls.employee_a, cls.employee_manager_a
        texts = [
            # (conversation, direction, associate, state, UTC)
            # 10:00 and 10:05 EDT, answered at 10:30 (from the first): 1,800 s; a second
            # text sent at once answers nothing
            (store_chat, "inbound", None, "received", "2026-03-10 14:00:00"),
            (store_chat, "inbound", None, "received", "2026-03-10 14:05:00"),
            (store_chat, "outbound", ann, "delivered", "2026-03-10 14:30:00"),
            (store_chat, "outbound", ann, "sent", "2026-03-10 14:40:00"),
            # a failed text is neither sent nor a reply
            (store_chat, "outbound", ann, "failed", "2026-03-10 16:00:00"),
            # 21:30 EDT, answered by Sam at 10:30 the next day: 30 + 30 min = 3,600 s
            (store_chat, "inbound", None, "received", "2026-03-11 01:30:00"),
            (store_chat, "outbound", sam, "delivered", "2026-03-11 14:30:00"),
            # Ann's own number: 14:00 EDT, answered at 16:00: 7,200 s
            (personal_chat, "inbound", None, "received", "2026-03-10 18:00:00"),
            (personal_chat, "outbound", ann, "delivered", "2026-03-10 20:00:00"),
        ]
        Message = cls.env["clienteling.sms.message"]
        for conversation, direction, employee, state, when in texts:
            message = Message.create(
                {
                    "conversation_id": conversation.id,
                    "direction": direction,
                    "employee_id": employee.id if employee else False,
                    "state": state,
                    "body": "Hello",
                }
            )
            cls.env.flush_all()
            cls.env.cr.execute(
                SQL(
                    "UPDATE clienteling_sms_message SET create_date = %s, sent_date = %s "
                    "WHERE id = %s",
                    when,
                    when if direction == "outbound" else None,
                    message.id,
                )
            )
        # Jane (store number) opted in before the texts; the other customer never did
        consent = store_chat._record_consent("opted_in", "keyword", "YES")
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE clienteling_consent SET date = '2026-03-10 12:00:00' WHERE id IN %s",
                tuple(consent.ids),
            )
        )
        cls.env.invalidate_all()
        cls.Kpi._kpi_refresh()

    def row(self, employee, day):
        return self.Kpi.search(
            [
                ("store_id", "=", self.store_a.id),
                ("employee_id", "=", employee.id if employee else False),
                ("day", "=", day),
            ]
        )

    def test_texts_replies_and_opt_in_rate(self):
        self.assertRecordValues(
            self.row(self.employee_a, "2026-03-10"),
            [
                {
                    "text_sent_count": 3,
                    "text_received_count": 1,
                    "text_reply_count": 2,
                    "text_reply_seconds": 9000.0,
                    "text_reply_hours": 1.25,
                    "texted_customer_count": 2,
                    "opted_in_texted_customer_count": 1,
                    "text_opt_in_rate": 50.0,
                }
            ],
        )
        self.assertRecordValues(
            self.row(self.employee_manager_a, "2026-03-11"),
            [
                {
                    "text_sent_count": 1,
                    "text_received_count": 0,
                    "text_reply_count": 1,
                    "text_reply_seconds": 3600.0,
                    "texted_customer_count": 1,
                    "text_opt_in_rate": 100.0,
                }
            ],
        )
        # texts to the store number are the store's (received at 21:30 EDT: the 10th)
        self.assertEqual(self.row(None, "2026-03-10").text_received_count, 3)
        replies = self.env["clienteling.kpi.text.reply"].search(
            [("store_id", "=", self.store_a.id)]
        )
        self.assertEqual(sorted(replies.mapped("seconds")), [1800.0, 3600.0, 7200.0])

    def test_dashboard_medians_per_role(self):
        def cards(user):
            with freeze_time("2026-03-12 15:00:00"):
                data = self.Kpi.with_user(user).get_dashboard("week")
            return {card["key"]: card["value"] for card in data["cards"]}

        manager = cards(self.user_store_manager_a)
        self.assertEqual(manager["texts_sent"], 4)
        self.assertEqual(manager["texts_received"], 4)
        self.assertEqual(manager["text_reply_median"], 3600.0)
        self.assertAlmostEqual(manager["text_opt_in_rate"], 200 / 3)
        ann = cards(self.user_associate_a)
        self.assertEqual((ann["texts_sent"], ann["texts_received"]), (3, 1))
        self.assertEqual(ann["text_reply_median"], 4500.0)
        bea = cards(self.user_associate_b)
        self.assertEqual((bea["texts_sent"], bea["text_reply_median"]), (0, None))
        admin = cards(self.user_manager)
        self.assertGreaterEqual(admin["texts_sent"], 4)

    def test_replies_follow_the_record_rules(self):
        Reply = self.env["clienteling.kpi.text.reply"]
        self.assertEqual(
            Reply.with_user(self.user_associate_a).search([]).employee_id, self.employee_a
        )
        self.assertFalse(Reply.with_user(self.user_associate_b).search([]))
        self.assertEqual(len(Reply.with_user(self.user_store_manager_a).search([])), 3)
