from odoo import models


class ClientelingConversation(models.Model):
    _inherit = "clienteling.conversation"

    def _on_inbound_texts(self, sms_messages):
        """Texts to a store number (not an associate's own number) also land in the
        store's Engage inbox, created together."""
        result = super()._on_inbound_texts(sms_messages)
        texts = [
            (
                conversation.store_id,
                conversation.customer_number,
                text.body or "",
                None,
                text.provider_sid,
            )
            for text in sms_messages
            for conversation in [text.conversation_id]
            if conversation.store_id
            and not conversation.employee_id
            and conversation._is_textable()
        ]
        if texts:
            self.env["clienteling.inbox.message"].sudo()._clienteling_create_from_sms_batch(texts)
        return result

    def _on_outbound_text(self, sms_message):
        """A text written in the chat (or anywhere but the inbox's own reply
        screen, which audits itself) answers the store's last inbox item from this
        number: it goes in that item's audit trail."""
        result = super()._on_outbound_text(sms_message)
        if (
            self.store_id
            and not self.employee_id
            and not self.env.context.get("clienteling_inbox_message_id")
        ):
            item = (
                self.env["clienteling.inbox.message"]
                .sudo()
                .search(
                    [
                        ("channel", "=", "sms"),
                        ("store_id", "=", self.store_id.id),
                        ("sender", "=", self.customer_number),
                    ],
                    order="date desc, id desc",
                    limit=1,
                )
            )
            if item:
                item._clienteling_audit(
                    "sms_reply",
                    self.env._(
                        "Text to %(number)s (%(state)s): %(body)s",
                        number=self.customer_number,
                        state=sms_message.state,
                        body=sms_message.body,
                    ),
                )
        return result
