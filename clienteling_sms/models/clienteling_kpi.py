from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.clienteling.models.clienteling_kpi import local_day


class ClientelingKpi(models.Model):
    _inherit = "clienteling.kpi"

    text_sent_count = fields.Integer("Texts Sent", readonly=True)
    text_received_count = fields.Integer("Texts Received", readonly=True)
    text_reply_count = fields.Integer(
        "Replies to Inbound Texts",
        readonly=True,
        help="Sent texts that answered one or more texts of the customer.",
    )
    text_reply_seconds = fields.Float(readonly=True)
    text_reply_hours = fields.Float(
        "Text Reply Time (Hours)",
        readonly=True,
        aggregator="avg",
        help="Average time from a customer's text to the associate's answer, without the "
        "nights (the dashboard shows the median).",
    )
    texted_customer_count = fields.Integer(
        "Customers Texted",
        readonly=True,
        help="Customers texted, counted once per day and associate.",
    )
    opted_in_texted_customer_count = fields.Integer(
        "Opted-in Customers Texted",
        readonly=True,
        help="Of the customers texted, those opted in at the end of that day.",
    )
    text_opt_in_rate = fields.Float(
        "Opt-in Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Opted-in customers / customers texted (per day and associate).",
    )

    @api.model
    def _kpi_ratios(self):
        return {
            **super()._kpi_ratios(),
            "text_reply_hours": ("text_reply_seconds", "text_reply_count", 1 / 3600),
            "text_opt_in_rate": ("opted_in_texted_customer_count", "texted_customer_count", 100.0),
        }

    def _kpi_before_refresh(self):
        res = super()._kpi_before_refresh()
        self.env["clienteling.kpi.text.reply"].sudo()._kpi_rebuild()
        return res

    @api.model
    def _kpi_sources(self):
        sent_at = SQL("COALESCE(m.sent_date, m.create_date)")
        return [
            *super()._kpi_sources(),
            (
                ("text_sent_count", "text_received_count"),
                SQL(
                    """
                    SELECT CASE WHEN m.direction = 'outbound' THEN %(sent_day)s
                                ELSE %(received_day)s END AS day,
                           m.company_id, m.store_id,
                           CASE WHEN m.direction = 'outbound' THEN m.employee_id
                                ELSE m.number_employee_id END AS employee_id,
                           count(*) FILTER (WHERE m.direction = 'outbound') AS text_sent_count,
                           count(*) FILTER (WHERE m.direction = 'inbound') AS text_received_count
                      FROM clienteling_sms_message m
                      JOIN clienteling_store s ON s.id = m.store_id
                     WHERE m.direction = 'inbound'
                        OR (m.state IN ('sent', 'delivered', 'undelivered')
                            AND NOT COALESCE(m.is_system_reply, FALSE))
                     GROUP BY 1, 2, 3, 4
                    """,
                    sent_day=local_day(sent_at, SQL("s.tz")),
                    received_day=local_day(SQL("m.create_date"), SQL("s.tz")),
                ),
            ),
            (
                ("text_reply_count", "text_reply_seconds"),
                SQL(
                    """
                    SELECT day, company_id, store_id, employee_id,
                           count(*) AS text_reply_count, sum(seconds) AS text_reply_seconds
                      FROM clienteling_kpi_text_reply
                     GROUP BY 1, 2, 3, 4
                    """
                ),
            ),
            (
                ("texted_customer_count", "opted_in_texted_customer_count"),
                SQL(
                    """
                    SELECT d.day, d.company_id, d.store_id, d.employee_id,
                           count(*) AS texted_customer_count,
                           count(*) FILTER (WHERE consent.state = 'opted_in')
                               AS opted_in_texted_customer_count
                      FROM (SELECT %(sent_day)s AS day, m.company_id, m.store_id, m.employee_id,
                                   c.customer_number, s.tz
                              FROM clienteling_sms_message m
                              JOIN clienteling_conversation c ON c.id = m.conversation_id
                              JOIN clienteling_store s ON s.id = m.store_id
                             WHERE m.direction = 'outbound'
                               AND m.state IN ('sent', 'delivered', 'undelivered')
                               AND NOT COALESCE(m.is_system_reply, FALSE)
                             GROUP BY 1, 2, 3, 4, 5, 6) AS d
                      LEFT JOIN LATERAL (
                          SELECT cs.state
                            FROM clienteling_consent cs
                           WHERE cs.address = d.customer_number
                             AND cs.channel = 'sms'
                             AND cs.store_id = d.store_id
                             AND cs.date < ((d.day + 1)::timestamp AT TIME ZONE COALESCE(d.tz, 'UTC'))
                                           AT TIME ZONE 'UTC'
                           ORDER BY cs.date DESC, cs.id DESC
                           LIMIT 1
                      ) AS consent ON TRUE
                     GROUP BY 1, 2, 3, 4
                    """,
                    sent_day=local_day(sent_at, SQL("s.tz")),
                ),
            ),
        ]

    @api.model
    def _dashboard_cards(self):
        cards = super()._dashboard_cards()
        return [
            *cards[:10],
            ("texts_sent", self.env._("Texts Sent"), "text_sent_count", "integer"),
            ("texts_received", self.env._("Texts Received"), "text_received_count", "integer"),
            (
                "text_reply_median",
                self.env._("Median Reply Time to Texts"),
                "text_reply_hours",
                "seconds",
            ),
            ("text_opt_in_rate", self.env._("Opt-in Rate"), "text_opt_in_rate", "percent"),
            *cards[10:],
        ]

    @api.model
    def _dashboard_extra_values(self, domain):
        values = super()._dashboard_extra_values(domain)
        replies = self.env["clienteling.kpi.text.reply"]
        query = replies._search(domain)
        self.env.cr.execute(
            query.select(
                SQL(
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
                    replies._field_to_sql(replies._table, "seconds", query),
                )
            )
        )
        values["text_reply_median"] = self.env.cr.fetchone()[0]
        return values
