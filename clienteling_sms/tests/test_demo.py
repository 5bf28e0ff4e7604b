from datetime import timedelta

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "clienteling_sms")
class TestDemo(TransactionCase):
    """The demo tells one story: a retailer, and texts dated as its consent ledger."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("clienteling_sms.conv_03_demo", raise_if_not_found=False):
            self.skipTest("a database without demo data")

    def test_the_company_is_a_retailer(self):
        self.assertEqual(self.env.ref("base.main_company").name, "Hartley & Vane")

    def test_texts_dated_as_the_consent_ledger_and_the_chatter(self):
        conversations = self.env["clienteling.conversation"].search(
            [
                (
                    "id",
                    "in",
                    [self.env.ref(f"clienteling_sms.conv_0{i}_demo").id for i in (2, 3, 4, 5)],
                )
            ]
        )
        keywords = {"YES": "opted_in", "START": "opted_in", "STOP": "opted_out"}
        checked = 0
        for conversation in conversations:
            for text in conversation.sms_message_ids:
                # the conversation's list shows when the text was written: its chatter's
                # date (to the minute, as the screens show them)
                self.assertLess(
                    abs(text.create_date - text.mail_message_id.date),
                    timedelta(minutes=1),
                    text.body,
                )
                state = keywords.get((text.body or "").strip().upper())
                if text.direction != "inbound" or not state:
                    continue
                ledger = self.env["clienteling.consent"].search(
                    [
                        ("partner_id", "=", conversation.partner_id.id),
                        ("store_id", "=", conversation.store_id.id),
                        ("state", "=", state),
                        ("source", "=", "keyword"),
                    ]
                )
                self.assertTrue(
                    any(abs(row.date - text.create_date) < timedelta(minutes=1) for row in ledger),
                    f"{conversation.display_name}: {text.body} at {text.create_date}, "
                    f"ledger {ledger.mapped('date')}",
                )
                checked += 1
        self.assertGreaterEqual(checked, 3)
