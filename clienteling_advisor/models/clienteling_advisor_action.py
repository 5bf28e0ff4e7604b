from odoo import api, fields, models
from odoo.tools import SQL

ACTIONS = [
    ("contacted", "Contacted"),
    ("added", "Added to Client Book"),
    ("snoozed", "Snoozed"),
    ("dismissed", "Dismissed"),
]


class ClientelingAdvisorAction(models.Model):
    """What an associate did about an Advisor line: contacted the customer (a text
    or e-mail sent while the line was in their list), added them to their client
    book, snoozed or dismissed the line. Kept apart from the lines, which refreshes
    rebuild; counted by the KPI "Advisor Lines Acted On"."""

    _name = "clienteling.advisor.action"
    _description = "Advisor Line Acted On"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    employee_id = fields.Many2one(
        "hr.employee", string="Associate", required=True, index=True, ondelete="cascade"
    )
    store_id = fields.Many2one("clienteling.store", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="cascade")
    category = fields.Selection(
        selection=lambda self: self.env["clienteling.advisor.category"]._code_selection(),
        required=True,
    )
    action = fields.Selection(ACTIONS, required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _record(self, lines, employee, action):
        """``employee`` did ``action`` on Advisor ``lines`` (trusted callers, after
        their access checks)."""
        self.sudo().create(
            [
                {
                    "employee_id": employee.id,
                    "store_id": employee.clienteling_store_id.id,
                    "company_id": employee.company_id.id,
                    "partner_id": line.partner_id.id,
                    "category": line.category,
                    "action": action,
                }
                for line in lines.filtered("partner_id")
            ]
        )

    @api.model
    def _record_contacts(self, partners, employee, when):
        """``employee`` contacted ``partners`` at ``when``: each line of their lists
        about these customers counts once per refresh, set-based."""
        if not partners or not employee or not employee.clienteling_store_id:
            return
        self.env["clienteling.advisor.recommendation"].flush_model()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_advisor_action (employee_id, store_id, company_id,
                    partner_id, category, action, date, create_uid, create_date, write_uid,
                    write_date)
                SELECT DISTINCT %(employee)s, %(store)s, %(company)s, l.partner_id, l.category,
                       'contacted', %(when)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                       now() AT TIME ZONE 'UTC'
                  FROM clienteling_advisor_recommendation l
                 WHERE l.partner_id IN %(partners)s
                   AND l.company_id = %(company)s
                   AND ((l.scope = 'associate' AND l.employee_id = %(employee)s)
                        OR (l.scope = 'store' AND l.store_id = %(store)s)
                        OR l.scope = 'company')
                   AND NOT EXISTS (
                       SELECT 1 FROM clienteling_advisor_action a
                        WHERE a.employee_id = %(employee)s AND a.partner_id = l.partner_id
                          AND a.category = l.category AND a.action = 'contacted'
                          AND a.date >= l.refreshed_at)
                """,
                employee=employee.id,
                store=employee.clienteling_store_id.id,
                company=employee.company_id.id,
                partners=tuple(partners.ids),
                when=when,
                uid=self.env.uid,
            )
        )
        self.invalidate_model()
