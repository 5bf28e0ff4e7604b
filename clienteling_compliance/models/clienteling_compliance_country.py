from odoo import fields, models, tools
from odoo.tools import SQL

from .clienteling_compliance_application import STATES

# The state a country shows: its most advanced application.
RANKS = ["expired", "draft", "rejected", "update_needed", "submitted", "in_review", "approved"]


class ClientelingComplianceCountry(models.Model):
    """A card per country where a company has stores or applications: where its
    approval stands, the numbers in use and the stores still waiting for one."""

    _name = "clienteling.compliance.country"
    _description = "Compliance by Country"
    _auto = False
    _order = "company_id, country_id"

    company_id = fields.Many2one("res.company", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    country_flag = fields.Char(related="country_id.image_url")
    state = fields.Selection([*STATES, ("none", "No Application")], readonly=True)
    valid_until = fields.Date(readonly=True)
    application_count = fields.Integer(readonly=True)
    numbers_in_use = fields.Integer(readonly=True)
    stores_waiting = fields.Integer(string="Stores Waiting for a Number", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        rank = SQL(" ").join(
            SQL("WHEN %s THEN %s", state, index) for index, state in enumerate(RANKS, 1)
        )
        unrank = SQL(" ").join(
            SQL("WHEN %s THEN %s", index, state) for index, state in enumerate(RANKS, 1)
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %(table)s AS (
            WITH number_store AS (
                SELECT n.id, COALESCE(n.store_id, e.clienteling_store_id) AS store_id
                  FROM clienteling_phone_number n
             LEFT JOIN hr_employee e ON e.id = n.employee_id
                 WHERE n.state = 'assigned'
            ), keys AS (
                SELECT company_id, country_id FROM clienteling_store
                 WHERE active AND country_id IS NOT NULL
                 UNION
                SELECT company_id, country_id FROM clienteling_compliance_application
            ), applications AS (
                SELECT company_id, country_id,
                       MAX(CASE state %(rank)s END) AS rank,
                       MIN(valid_until) FILTER (WHERE state IN ('approved', 'update_needed'))
                           AS valid_until,
                       COUNT(*) AS application_count
                  FROM clienteling_compliance_application
              GROUP BY company_id, country_id
            ), numbers AS (
                SELECT s.company_id, s.country_id, COUNT(*) AS numbers_in_use
                  FROM number_store ns
                  JOIN clienteling_store s ON s.id = ns.store_id
              GROUP BY s.company_id, s.country_id
            ), waiting AS (
                SELECT s.company_id, s.country_id, COUNT(*) AS stores_waiting
                  FROM clienteling_store s
                 WHERE s.active AND s.environment != 'sandbox'
                   AND NOT EXISTS (
                       SELECT 1 FROM clienteling_phone_number n
                        WHERE n.store_id = s.id AND n.state = 'assigned')
              GROUP BY s.company_id, s.country_id
            )
            SELECT k.company_id * 65536 + k.country_id AS id,
                   k.company_id, k.country_id,
                   COALESCE(CASE a.rank %(unrank)s END, 'none') AS state,
                   a.valid_until,
                   COALESCE(a.application_count, 0) AS application_count,
                   COALESCE(n.numbers_in_use, 0) AS numbers_in_use,
                   COALESCE(w.stores_waiting, 0) AS stores_waiting
              FROM keys k
         LEFT JOIN applications a USING (company_id, country_id)
         LEFT JOIN numbers n USING (company_id, country_id)
         LEFT JOIN waiting w USING (company_id, country_id)
            )
            """,
                table=SQL.identifier(self._table),
                rank=rank,
                unrank=unrank,
            )
        )

    def action_open_applications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling_compliance.clienteling_compliance_application_action"
        )
        action["domain"] = [
            ("company_id", "=", self.company_id.id),
            ("country_id", "=", self.country_id.id),
        ]
        action["context"] = {"search_default_country_id": self.country_id.id}
        return action
