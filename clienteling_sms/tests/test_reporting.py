import importlib.util
from pathlib import Path

from odoo.tests import tagged

from .common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_sms")
class TestTextReporting(ClientelingSmsCase):
    """Texts and conversations in graph and pivot views: per store, direction and
    associate, within the record rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Message = cls.env["clienteling.sms.message"]
        # New York: a text to the store number, two to Ann's own number; Paris: one
        for sid, to, sender in (
            ("SMREPORT1", cls.number_a.number, "+12125550142"),
            ("SMREPORT2", cls.number_personal.number, "+12125550142"),
            ("SMREPORT3", cls.number_personal.number, "+12125550142"),
            ("SMREPORT4", cls.number_b.number, "+33612345699"),
        ):
            params = {
                "MessageSid": sid,
                "AccountSid": cls.account._provider_account_ref(),
                "From": sender,
                "To": to,
                "Body": "Hello",
                "NumMedia": "0",
            }
            cls.Event.sudo()._receive("inbound", cls.account, params)
        cls.texts = cls.Message.search([("provider_sid", "like", "SMREPORT")])

    def _counts(self, user, groupby):
        groups = self.Message.with_user(user).read_group(
            [("id", "in", self.texts.ids)], ["segment_count:sum"], groupby, lazy=False
        )
        return {
            tuple(
                group[name][0] if isinstance(group[name], tuple) else group[name]
                for name in groupby
            ): group["__count"]
            for group in groups
        }

    def test_received_texts_belong_to_the_associate_of_the_number(self):
        self.assertEqual(len(self.texts), 4)
        personal = self.texts.filtered(
            lambda t: t.conversation_id.phone_number_id == self.number_personal
        )
        self.assertEqual(len(personal), 2)
        self.assertEqual(personal.number_employee_id, self.employee_a)
        self.assertFalse((self.texts - personal).number_employee_id)
        # the number moves to another associate: its conversation and texts follow it
        personal.conversation_id.sudo().employee_id = self.employee_manager_a
        self.assertEqual(personal.number_employee_id, self.employee_manager_a)

    def test_store_manager_counts_own_store_only(self):
        counts = self._counts(self.user_store_manager_a, ["store_id", "direction"])
        self.assertEqual(counts, {(self.store_a.id, "inbound"): 3})
        counts = self._counts(self.user_manager, ["store_id", "direction"])
        self.assertEqual(counts, {(self.store_a.id, "inbound"): 3, (self.store_b.id, "inbound"): 1})

    def test_associate_counts_what_they_may_read(self):
        # Ann reads her store number's texts and her own number's
        counts = self._counts(self.user_associate_a, ["number_employee_id"])
        self.assertEqual(counts, {(self.employee_a.id,): 2, (False,): 1})
        self.assertFalse(self._counts(self.user_associate_b, ["store_id"]).get((self.store_a.id,)))

    def test_conversations_per_store_and_associate(self):
        groups = (
            self.env["clienteling.conversation"]
            .with_user(self.user_store_manager_a)
            .read_group([], ["unread_count:sum"], ["store_id", "employee_id"], lazy=False)
        )
        found = {(g["store_id"][0], g["employee_id"] and g["employee_id"][0]): g for g in groups}
        self.assertEqual(
            set(found), {(self.store_a.id, False), (self.store_a.id, self.employee_a.id)}
        )
        self.assertEqual(found[(self.store_a.id, self.employee_a.id)]["unread_count"], 2)

    def test_graph_and_pivot_views(self):
        for model, action, graph_field in (
            (
                "clienteling.sms.message",
                "clienteling_sms.clienteling_sms_message_action",
                "direction",
            ),
            (
                "clienteling.conversation",
                "clienteling_sms.clienteling_conversation_action",
                "store_id",
            ),
        ):
            modes = self.env.ref(action).view_mode.split(",")
            self.assertEqual(modes[0], "list")
            self.assertIn("graph", modes)
            self.assertIn("pivot", modes)
            views = (
                self.env[model]
                .with_user(self.user_store_manager_a)
                .get_views([(False, "graph"), (False, "pivot")])["views"]
            )
            self.assertIn(f'name="{graph_field}"', views["graph"]["arch"])
            self.assertIn('name="store_id"', views["pivot"]["arch"])

    def test_upgrade_fills_the_associate_of_existing_texts(self):
        personal = self.texts.filtered("number_employee_id")
        self.env.flush_all()
        self.env.cr.execute("UPDATE clienteling_sms_message SET number_employee_id = NULL")
        path = Path(__file__).parent.parent / "migrations" / "18.0.1.3.0" / "pre-migrate.py"
        spec = importlib.util.spec_from_file_location("clienteling_sms_pre_migrate_1_3", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(personal.number_employee_id, self.employee_a)
        self.assertFalse((self.texts - personal).number_employee_id)
