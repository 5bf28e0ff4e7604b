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
