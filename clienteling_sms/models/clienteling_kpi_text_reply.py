from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import table_exists

from odoo.addons.clienteling.models.clienteling_kpi import (
    KPI_INDEXES,
    create_reporting_table,
    replace_reporting_table,
)


class ClientelingKpiTextReply(models.Model):
    """One reply to inbound texts: the first text an associate sent after one or more
    texts of the customer in the same conversation, and how long the customer waited
    (from the first of those texts, without the nights, as Request Reply Time).

    Rebuilt with the KPIs (``clienteling.kpi._kpi_refresh``); read for the median
    reply time, which cannot be summed from the KPI rows."""

    _name = "clienteling.kpi.text.reply"
    _description = "Clienteling KPIs: Reply to Inbound Texts"
    _auto = False
    _order = "day desc, id desc"
    _rec_name = "day"

    day = fields.Date(readonly=True, help="The day of the reply, in the store's time zone.")
    company_id = fields.Many2one("res.company", readonly=True)
    store_id = fields.Many2one("clienteling.store", readonly=True)
    employee_id = fields.Many2one("hr.employee", string="Associate", readonly=True)
    conversation_id = fields.Many2one("clienteling.conversation", readonly=True)
    inbound_date = fields.Datetime("Received", readonly=True)
    reply_date = fields.Datetime("Replied", readonly=True)
    seconds = fields.Float("Reply Seconds", readonly=True, aggregator="avg")

    def _kpi_reply_columns(self):
        return {
            name: self._fields[name].column_type[0]
            for name in (
                "id",
                "day",
                "company_id",
                "store_id",
                "employee_id",
                "conversation_id",
                "inbound_date",
                "reply_date",
                "seconds",
            )
        }

    def init(self):
        if not table_exists(self.env.cr, self._table):
            create_reporting_table(self.env.cr, self._table, self._kpi_reply_columns(), KPI_INDEXES)

    def _kpi_rebuild(self):
        """Replace the rows, set-based: texts are numbered per conversation by the
        count of sent texts before them; a sent text answers the received texts of
        the previous number. Keyword texts (STOP, START, HELP) and their automatic
        answers are not a conversation."""
        replace_reporting_table(
            self.env.cr,
            self._table,
            self._kpi_reply_columns(),
            KPI_INDEXES,
            SQL(
                """
                WITH texts AS (
                    SELECT m.id, m.conversation_id, m.direction, m.company_id, m.store_id,
                           CASE WHEN m.direction = 'outbound' THEN m.employee_id
                                ELSE m.number_employee_id END AS employee_id,
                           CASE WHEN m.direction = 'outbound'
                                THEN COALESCE(m.sent_date, m.create_date)
                                ELSE m.create_date END AS at
                      FROM clienteling_sms_message m
                     WHERE m.store_id IS NOT NULL
                       AND ((m.direction = 'inbound' AND m.keyword IS NULL)
                            OR (m.direction = 'outbound'
                                AND m.state IN ('sent', 'delivered', 'undelivered')
                                AND NOT COALESCE(m.is_system_reply, FALSE)))
                ), numbered AS (
                    SELECT texts.*,
                           count(*) FILTER (WHERE direction = 'outbound') OVER (
                               PARTITION BY conversation_id ORDER BY at, id ROWS UNBOUNDED PRECEDING
                           ) AS run
                      FROM texts
                ), waiting AS (
                    SELECT conversation_id, run, min(at) AS inbound_at
                      FROM numbered
                     WHERE direction = 'inbound'
                     GROUP BY conversation_id, run
                )
                SELECT o.id, %(day)s, o.company_id, o.store_id, o.employee_id, o.conversation_id,
                       w.inbound_at, o.at,
                       CASE WHEN %(same_day)s
                            THEN extract(epoch FROM o.at - w.inbound_at)::float8
                            ELSE clienteling_business_seconds(w.inbound_at, o.at,
                                                              COALESCE(s.tz, 'UTC'))
                       END
                  FROM numbered o
                  JOIN waiting w ON w.conversation_id = o.conversation_id AND w.run = o.run - 1
                  JOIN clienteling_store s ON s.id = o.store_id
                 WHERE o.direction = 'outbound'
                 ORDER BY 2, 4, 5
                """,
                day=SQL("((o.at AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(s.tz, 'UTC'))::date"),
                # the fast path: both texts in the daytime (10:00-22:00) of one local day,
                # where no night can fall between them
                same_day=SQL(
                    """
                    date_trunc('day', (w.inbound_at AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(s.tz, 'UTC'))
                        = date_trunc('day', (o.at AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(s.tz, 'UTC'))
                    AND ((w.inbound_at AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(s.tz, 'UTC'))::time
                        >= '10:00'
                    AND ((o.at AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(s.tz, 'UTC'))::time
                        <= '22:00'
                    """
                ),
            ),
        )
        self.invalidate_model()
