from odoo import api, fields, models
from odoo.tools import SQL


class ResCompany(models.Model):
    _inherit = "res.company"

    clienteling_auto_assign_books = fields.Boolean(
        string="Assign New Customers to Their Creator",
        default=True,
        help="A customer created by an associate from the Clienteling app joins that "
        "associate's client book and store book.",
    )

    clienteling_request_team_mode = fields.Boolean(
        string="Requests in Team Mode",
        default=False,
        help="Requests from the connect widget go straight to the store's Customer "
        "Requests, answered by its team, instead of waiting in New Leads for an "
        "associate to accept them.",
    )

    clienteling_link_attribution_days = fields.Integer(
        string="Credit Shared Links For (Days)",
        default=14,
        help="An online order by a customer who opened an associate's product link or storefront "
        "in these last days is credited to that associate.",
    )

    _sql_constraints = [
        (
            "clienteling_link_attribution_days_positive",
            "CHECK(clienteling_link_attribution_days IS NULL "
            "OR clienteling_link_attribution_days >= 0)",
            "The days a shared link is credited cannot be negative.",
        ),
    ]

    def init(self):
        res = super().init()
        self._clienteling_set_column_defaults(
            [
                "clienteling_auto_assign_books",
                "clienteling_request_team_mode",
                "clienteling_link_attribution_days",
            ]
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["clienteling.quick.reply"].sudo()._ensure_opt_in_message(companies)
        return companies

    def _clienteling_set_column_defaults(self, fnames):
        """Give the columns of ``fnames`` their field's default in the database too.

        Odoo applies defaults in Python: a company inserted by code that does not
        know these fields gets NULL (refused when the field is required). Odoo's own
        ``at_install`` tests do exactly that when they run on a database where our
        addons are installed: their registry holds only the modules loaded before
        them. Rows left NULL by such inserts get the default too.
        """
        for fname in fnames:
            field = self._fields[fname]
            value = field.convert_to_column_insert(
                field.convert_to_write(field.default(self), self), self
            )
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE res_company ALTER COLUMN %s SET DEFAULT %s",
                    SQL.identifier(fname),
                    value,
                )
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE res_company SET %s = %s WHERE %s IS NULL",
                    SQL.identifier(fname),
                    value,
                    SQL.identifier(fname),
                )
            )
