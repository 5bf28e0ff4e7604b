from odoo import models


class ClientelingConversation(models.Model):
    _inherit = "clienteling.conversation"

    def _on_inbound_text(self, sms_message):
        """Texts to a store number (not an associate's own number) also land in the
        store's Engage inbox."""
        result = super()._on_inbound_text(sms_message)
        if self.store_id and not self.employee_id and self._is_textable():
            self.env["clienteling.inbox.message"].sudo()._clienteling_create_from_sms(
                self.store_id,
                self.customer_number,
                sms_message.body or "",
                reference=sms_message.provider_sid,
            )
        return result
