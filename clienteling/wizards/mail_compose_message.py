from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        # checked before anything is sent: the context comes from the client
        message = self.env["clienteling.inbox.message"]._clienteling_message_from_context()
        result = super(
            MailComposeMessage, self.with_context(clienteling_inbox_message_id=False)
        )._action_send_mail(auto_commit=auto_commit)
        for wizard in self if message else ():
            message._clienteling_audit(
                "email_reply",
                self.env._(
                    "Email “%(subject)s” sent to %(recipients)s.",
                    subject=wizard.subject,
                    recipients=", ".join(wizard.partner_ids.mapped("display_name"))
                    or message.partner_id.display_name,
                ),
            )
            # the message was checked (write access) above: its customer's dates
            message.partner_id.sudo()._clienteling_register_contact(
                "email", "outbound", employee=self.env.user.employee_id
            )
        return result
