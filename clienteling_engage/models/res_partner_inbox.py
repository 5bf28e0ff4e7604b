from odoo import fields, models


class ResPartner(models.Model):
    """A customer's e-mails and texts of the Engage inbox.

    They are not copied into the customer's chatter (every internal user can read a
    partner's chatter and its attachments): each stays in its inbox message, which
    record rules keep to its store, and the customer's form lists those the user may
    read.
    """

    _inherit = "res.partner"

    clienteling_inbox_message_ids = fields.One2many(
        "clienteling.inbox.message",
        "partner_id",
        string="Inbox Messages",
        readonly=True,
        groups="clienteling.group_clienteling_associate",
    )
