from odoo import models
from odoo.exceptions import UserError


class ClientelingInboxMessage(models.Model):
    """Engage and texting: inbound texts to a store number appear in the store's
    inbox, and an inbox message can be answered by text."""

    _inherit = "clienteling.inbox.message"

    def _clienteling_sms_reply_available(self):
        return True

    def _clienteling_sms_reply(self):
        """The text composer for the linked customer, on the store's number, under
        the usual consent rules. The audit row is written when the text is sent."""
        self.ensure_one()
        self.check_access("read")
        number = self.store_id.clienteling_number_id
        if not number:
            raise UserError(
                self.env._(
                    "%s has no clienteling number: onboard the store first.", self.store_id.name
                )
            )
        conversation = self.env["clienteling.conversation"]._open_for_partner(
            self.partner_id, number
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "clienteling.sms.composer",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_conversation_id": conversation.id,
                "clienteling_inbox_message_id": self.id,
            },
        }
