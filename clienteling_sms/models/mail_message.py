from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _extras_to_store(self, store, format_reply):
        super()._extras_to_store(store, format_reply=format_reply)
        chat_messages = self.filtered(lambda m: m.model == "discuss.channel")
        if not chat_messages:
            return
        # sudo: the delivery rows of texts the user reads in their chat
        texts = (
            self.env["clienteling.sms.message"]
            .sudo()
            .search([("mail_message_id", "in", chat_messages.ids)])
        )
        for text in texts:
            store.add(text.mail_message_id, {"clienteling_text": text._chat_state()})
        card = self.env.ref("clienteling_sms.mt_service_request_card", raise_if_not_found=False)
        for message in chat_messages.filtered(lambda m: card and m.subtype_id == card):
            # a service request's preview: shown as a card, not as a notice line
            store.add(message, {"clienteling_request_card": True})
