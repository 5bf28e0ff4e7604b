from odoo import models


class ClientelingSmsComposer(models.TransientModel):
    _inherit = "clienteling.sms.composer"

    def _send_text(self):
        """A reply from the Engage inbox (its message in the context): checked
        before anything is sent, audited on the message."""
        Inbox = self.env["clienteling.inbox.message"]
        Inbox._clienteling_message_from_context()
        message = super()._send_text()
        Inbox._clienteling_audit_from_context(
            "sms_reply",
            self.env._(
                "Text to %(number)s (%(state)s): %(body)s",
                number=self.conversation_id.customer_number,
                state=message.state,
                body=message.body,
            ),
        )
        return message
