from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.service_request_form import visitor_key


class ClientelingStorefrontVisit(models.Model):
    """Visits of an associate's storefront: one row per associate, day and
    visitor, whose hits count the pages opened. "Storefront Visits" is the sum
    of the hits, "Unique Visitors" the number of rows."""

    _name = "clienteling.storefront.visit"
    _description = "Storefront Visit"
    _order = "visit_date desc, id desc"
    _log_access = False

    employee_id = fields.Many2one(
        "hr.employee", string="Associate", required=True, index=True, ondelete="cascade"
    )
    store_id = fields.Many2one("clienteling.store", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", required=True, index=True)
    visit_date = fields.Date(required=True, index=True)
    visitor_key = fields.Char(
        required=True, help="A daily hash of the visitor's address and browser, never the address."
    )
    hits = fields.Integer(default=1, required=True)

    _sql_constraints = [
        (
            "visitor_day_uniq",
            "unique(employee_id, visit_date, visitor_key)",
            "One row per associate, day and visitor.",
        ),
    ]

    @api.model
    def _record_visit(self, employee, remote_address, user_agent):
        """Count a storefront page opened by the visitor at ``remote_address``
        with ``user_agent``: a new row for their first page of the day, one more
        hit after. Safe when two pages open at once."""
        today = fields.Date.context_today(self.with_context(tz=employee.clienteling_store_id.tz))
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        key = visitor_key(remote_address, user_agent, today, secret)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_storefront_visit
                       (employee_id, store_id, company_id, visit_date, visitor_key, hits)
                VALUES (%(employee)s, %(store)s, %(company)s, %(day)s, %(key)s, 1)
                ON CONFLICT (employee_id, visit_date, visitor_key)
                DO UPDATE SET hits = clienteling_storefront_visit.hits + 1
                """,
                employee=employee.id,
                store=employee.clienteling_store_id.id or None,
                company=employee.company_id.id,
                day=today,
                key=key,
            )
        )
