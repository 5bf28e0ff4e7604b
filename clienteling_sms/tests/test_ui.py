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
