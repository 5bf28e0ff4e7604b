from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.clienteling.models.clienteling_kpi import local_day


class ClientelingKpi(models.Model):
    _inherit = "clienteling.kpi"

    advisor_acted_count = fields.Integer(
        "Advisor Lines Acted On",
        readonly=True,
        help="Advisor lines whose customer was contacted, added to a client book, "
        "snoozed or dismissed.",
    )

    @api.model
    def _kpi_sources(self):
        return [
            *super()._kpi_sources(),
            (
                ("advisor_acted_count",),
                SQL(
                    """
                    SELECT %(day)s AS day, a.company_id, a.store_id, a.employee_id,
                           count(*) AS advisor_acted_count
                      FROM clienteling_advisor_action a
                      JOIN clienteling_store s ON s.id = a.store_id
                     GROUP BY 1, 2, 3, 4
                    """,
                    day=local_day(SQL("a.date"), SQL("s.tz")),
                ),
            ),
        ]

    @api.model
    def _dashboard_cards(self):
        return [
            *super()._dashboard_cards(),
            (
                "advisor_acted",
                self.env._("Advisor Lines Acted On"),
                "advisor_acted_count",
                "integer",
            ),
        ]
