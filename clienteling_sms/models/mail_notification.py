from odoo import fields, models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    # Odoo's SMS mass mode knows opted-out numbers; a text refused because of the
    # clienteling consent ledger shows the same reason on the message's notification.
    failure_type = fields.Selection(
        selection_add=[("sms_optout", "Opted Out")], ondelete={"sms_optout": "set null"}
    )
