from odoo import api, fields, models
from odoo.exceptions import ValidationError

CUSTOMER_LISTS = [
    ("all", "All Customers"),
    ("store", "Store Book"),
    ("client", "Client Book"),
]

ADVISOR_SETTINGS = [
    "clienteling_advisor_lapsed_purchase_days",
    "clienteling_advisor_lapsed_contact_days",
    "clienteling_advisor_keep_in_touch_list",
    "clienteling_advisor_add_to_book_list",
    "clienteling_advisor_new_customer_days",
    "clienteling_advisor_important_date_days",
    "clienteling_advisor_important_date_list",
]


class ResCompany(models.Model):
    _inherit = "res.company"

    clienteling_advisor_lapsed_purchase_days = fields.Integer(
        string="Lapsed After Days Without Purchase",
        default=90,
        help="A customer whose last purchase is at least this many days old is lapsed.",
    )
    clienteling_advisor_lapsed_contact_days = fields.Integer(
        string="Lapsed After Days Without Contact",
        default=60,
        help="A customer last contacted at least this many days ago is lapsed.",
    )
    clienteling_advisor_keep_in_touch_list = fields.Selection(
        CUSTOMER_LISTS, string="Keep in Touch List", default="client", required=True
    )
    clienteling_advisor_add_to_book_list = fields.Selection(
        CUSTOMER_LISTS[:2],
        string="Add to Client Book List",
        default="store",
        required=True,
        help="Customers an associate talked to who are in nobody's client book: from the "
        "whole company, or from the associate's store book only.",
    )
    clienteling_advisor_new_customer_days = fields.Integer(
        string="New Customers Shown For (Days)",
        default=10,
        help="A customer an associate creates stays in their New Customers list this many "
        "days, the day of creation included.",
    )
    clienteling_advisor_important_date_days = fields.Integer(
        string="Important Dates Ahead (Days)",
        default=60,
        help="Important dates from today to this many days ahead are shown.",
    )
    clienteling_advisor_important_date_list = fields.Selection(
        CUSTOMER_LISTS, string="Important Dates List", default="client", required=True
    )
    clienteling_advisor_refresh_requested_at = fields.Datetime(
        string="Advisor Refresh Requested",
        readonly=True,
        copy=False,
        help="Set by the Advisor's Refresh button: the scheduled refresh rebuilds this "
        "company's lists when they are older.",
    )

    def init(self):
        res = super().init()
        self._clienteling_set_column_defaults(ADVISOR_SETTINGS)
        return res

    @api.constrains(
        "clienteling_advisor_lapsed_purchase_days",
        "clienteling_advisor_lapsed_contact_days",
        "clienteling_advisor_new_customer_days",
        "clienteling_advisor_important_date_days",
    )
    def _check_clienteling_advisor_days(self):
        for company in self:
            for fname in (
                "clienteling_advisor_lapsed_purchase_days",
                "clienteling_advisor_lapsed_contact_days",
                "clienteling_advisor_new_customer_days",
                "clienteling_advisor_important_date_days",
            ):
                if not 1 <= company[fname] <= 3650:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between 1 and 3650 days.",
                            setting=self._fields[fname]._description_string(self.env),
                        )
                    )
