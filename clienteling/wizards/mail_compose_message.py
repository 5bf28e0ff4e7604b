from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        message_id = self.env.context.get("clienteling_inbox_message_id")
        result = super(
            MailComposeMessage, self.with_context(clienteling_inbox_message_id=False)
        )._action_send_mail(auto_commit=auto_commit)
        if message_id:
            Message = self.env["clienteling.inbox.message"]
            for wizard in self:
                message = Message._clienteling_audit_from_context(
                    "email_reply",
                    self.env._(
                        "Email “%(subject)s” sent to %(recipients)s.",
                        subject=wizard.subject,
                        recipients=", ".join(wizard.partner_ids.mapped("display_name"))
                        or message_id,
                    ),
                )
                message.partner_id._clienteling_register_contact(
                    "email", "outbound", employee=self.env.user.employee_id
                )
        return result
