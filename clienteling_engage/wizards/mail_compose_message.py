from odoo import models
from odoo.exceptions import UserError

INBOX = "clienteling.inbox.message"


class MailComposeMessage(models.TransientModel):
    """E-mails about inbox messages: a reply (comment mode, the "Email Reply"
    button) is posted in the message's chatter, which stays in its store, and
    audited there (``clienteling.inbox.message.message_post``). Mass mailing
    inbox messages, which would go out unaudited, is refused."""

    _inherit = "mail.compose.message"

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        if self.model == INBOX:
            raise UserError(
                self.env._("Inbox messages are answered one at a time, with Email Reply.")
            )
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)
