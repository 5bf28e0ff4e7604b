from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clienteling_advisor_lapsed_purchase_days = fields.Integer(
        related="company_id.clienteling_advisor_lapsed_purchase_days", readonly=False
    )
    clienteling_advisor_lapsed_contact_days = fields.Integer(
        related="company_id.clienteling_advisor_lapsed_contact_days", readonly=False
    )
    clienteling_advisor_keep_in_touch_list = fields.Selection(
        related="company_id.clienteling_advisor_keep_in_touch_list", readonly=False
    )
    clienteling_advisor_add_to_book_list = fields.Selection(
        related="company_id.clienteling_advisor_add_to_book_list", readonly=False
    )
    clienteling_advisor_new_customer_days = fields.Integer(
        related="company_id.clienteling_advisor_new_customer_days", readonly=False
    )
    clienteling_advisor_important_date_days = fields.Integer(
        related="company_id.clienteling_advisor_important_date_days", readonly=False
    )
    clienteling_advisor_important_date_list = fields.Selection(
        related="company_id.clienteling_advisor_important_date_list", readonly=False
    )
