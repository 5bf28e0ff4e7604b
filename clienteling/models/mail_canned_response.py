from odoo import fields, models


class MailCannedResponse(models.Model):
    """Quick replies are offered in Discuss's composer (``::``) as canned
    responses kept in step with them; placeholders are filled when sent."""

    _inherit = "mail.canned.response"

    clienteling_quick_reply_id = fields.Many2one(
        "clienteling.quick.reply", index="btree_not_null", ondelete="cascade", readonly=True
    )
    clienteling_company_id = fields.Many2one(
        related="clienteling_quick_reply_id.company_id", store=True, string="Quick Reply Company"
    )
