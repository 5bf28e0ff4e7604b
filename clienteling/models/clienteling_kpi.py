import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import TableKind, table_exists, table_kind

from ..tools.reply_time import SQL_FUNCTION

_logger = logging.getLogger(__name__)

KEY_COLUMNS = ("day", "company_id", "store_id", "employee_id")
PERIODS = ("week", "month", "quarter")
REFRESHED_AT_PARAM = "clienteling.kpi_refreshed_at"
# pg_try_advisory_xact_lock key: one refresh at a time
REFRESH_LOCK = 0x4B50494B
# the associates listed under "Sales by Associate" on the dashboard
SALES_BY_ASSOCIATE_LIMIT = 10


def local_day(timestamp, tz):
    """SQL: the local date, in zone ``tz`` (SQL), of a naive UTC ``timestamp`` (SQL)."""
    return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(%s, 'UTC'))::date", timestamp, tz)


KPI_INDEXES = (
    ("id", ("id",), True),
    ("store_day", ("store_id", "day"), False),
    ("employee_day", ("employee_id", "day"), False),
    ("company_day", ("company_id", "day"), False),
)


def create_reporting_table(cr, table, columns, indexes=()):
    """CREATE TABLE ``table`` with ``columns`` ({name: type}) and ``indexes``
    ((name, columns, unique), named ``<table>_<name>_idx``)."""
    cr.execute(
        SQL(
            "CREATE TABLE %s (%s)",
            SQL.identifier(table),
            SQL(", ").join(
                SQL("%s %s", SQL.identifier(name), SQL(kind)) for name, kind in columns.items()
            ),
        )
    )
    for name, index_columns, unique in indexes:
        cr.execute(
            SQL(
                "CREATE %s INDEX %s ON %s (%s)",
                SQL("UNIQUE") if unique else SQL(),
                SQL.identifier(f"{table}_{name}_idx"),
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(c) for c in index_columns),
            )
        )


def replace_reporting_table(cr, table, columns, indexes, select):
    """Fill a new copy of ``table`` from ``select`` and put it in its place, in the
    current transaction: readers see the previous rows until it commits, and the
    table never bloats (no DELETE to vacuum)."""
    new = f"{table}_new"
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(new)))
    create_reporting_table(cr, new, columns)
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) %s",
            SQL.identifier(new),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            select,
        )
    )
    for name, index_columns, unique in indexes:
        cr.execute(
            SQL(
                "CREATE %s INDEX %s ON %s (%s)",
                SQL("UNIQUE") if unique else SQL(),
                SQL.identifier(f"{new}_{name}_idx"),
                SQL.identifier(new),
                SQL(", ").join(SQL.identifier(c) for c in index_columns),
            )
        )
    cr.execute(SQL("ANALYZE %s", SQL.identifier(new)))
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
    cr.execute(SQL("ALTER TABLE %s RENAME TO %s", SQL.identifier(new), SQL.identifier(table)))
    for name, _columns, _unique in indexes:
        cr.execute(
            SQL(
                "ALTER INDEX %s RENAME TO %s",
                SQL.identifier(f"{new}_{name}_idx"),
                SQL.identifier(f"{table}_{name}_idx"),
            )
        )


class ClientelingKpi(models.Model):
    """Clienteling KPIs: one row per day, store and associate (none for the store's
    team), in a reporting table rebuilt set-based by ``_kpi_refresh`` (hourly, or the
    Refresh button) from the SQL sources of ``_kpi_sources``, which each addon extends.

    Ratio measures (percentages, average times) are weighted: their aggregate in
    graph, pivot and dashboard is sum(numerator) / sum(denominator), see ``_kpi_ratios``.
    """

    _name = "clienteling.kpi"
    _description = "Clienteling KPIs"
    _auto = False
    _order = "day desc, store_id, employee_id"
    _rec_name = "day"

    day = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    store_id = fields.Many2one("clienteling.store", readonly=True)
    employee_id = fields.Many2one("hr.employee", string="Associate", readonly=True)

    request_count = fields.Integer("Total Requests", readonly=True)
    appointment_request_count = fields.Integer("Appointment Requests", readonly=True)
    personal_shopper_request_count = fields.Integer("Personal Shopper Requests", readonly=True)
    question_request_count = fields.Integer("Question Requests", readonly=True)
    email_request_count = fields.Integer("Email Requests", readonly=True)
    text_request_count = fields.Integer("Text Requests", readonly=True)
    text_preference_rate = fields.Float(
        "Text Correspondence Preference (%)",
        readonly=True,
        aggregator="avg",
        help="Email/Text Correspondence Preference: the share of requests asking for an "
        "answer by text.",
    )
    replied_request_count = fields.Integer("Replied Requests", readonly=True)
    request_reply_seconds = fields.Float(readonly=True, help="Sum over the replied requests.")
    request_reply_hours = fields.Float(
        "Request Reply Time (Hours)",
        readonly=True,
        aggregator="avg",
        help="Average time from a request to the first reply, without the nights "
        "(22:00-10:00 in the store's time zone).",
    )
    contacts_added = fields.Integer(
        readonly=True, help="Customers added to the store and client books."
    )
    opt_in_count = fields.Integer("Opt-ins", readonly=True)
    opt_out_count = fields.Integer("Opt-outs", readonly=True)
    storefront_visit_count = fields.Integer("Storefront Visits", readonly=True)
    storefront_visitor_count = fields.Integer("Unique Visitors", readonly=True)
    product_link_click_count = fields.Integer("Product Link Clicks", readonly=True)
    sales_amount = fields.Float(
        "Total Sales",
        readonly=True,
        help="Amount sold, without taxes, in the company currency, net of returns and "
        "cancellations (credited sales).",
    )
    link_sales_amount = fields.Float(
        "Sales from Shared Links",
        readonly=True,
        help="The part of the total sales credited to an associate whose product link "
        "the customer opened before buying online.",
    )

    # Schema.

    @api.model
    def _kpi_ratios(self):
        """{ratio field: (numerator field, denominator field, factor)}."""
        return {
            "text_preference_rate": ("text_request_count", "request_count", 100.0),
            "request_reply_hours": ("request_reply_seconds", "replied_request_count", 1 / 3600),
        }

    @api.model
    def _kpi_measures(self):
        """The summed columns: every number field but the ratios."""
        ratios = self._kpi_ratios()
        return [
            name
            for name, field in self._fields.items()
            if field.type in ("integer", "float")
            and field.store
            and name != "id"
            and name not in ratios
        ]

    def _kpi_columns(self):
        """{column: PostgreSQL type} of the table."""
        columns = {"id": "int4"}
        for name in (*KEY_COLUMNS, *self._kpi_measures(), *self._kpi_ratios()):
            columns[name] = self._fields[name].column_type[0]
        return columns

    def init(self):
        cr = self.env.cr
        cr.execute(SQL_FUNCTION)
        columns = self._kpi_columns()
        cr.execute(
            SQL(
                "SELECT column_name, udt_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                self._table,
            )
        )
        existing = dict(cr.fetchall())
        if existing != columns:
            # measures added or removed by an addon: rebuilt empty, refreshed at the next run
            kind = table_kind(cr, self._table)
            if kind:
                what = {TableKind.View: "VIEW", TableKind.Materialized: "MATERIALIZED VIEW"}
                cr.execute(
                    SQL(
                        "DROP %s %s",
                        SQL(what.get(kind, "TABLE")),
                        SQL.identifier(self._table),
                    )
                )
            create_reporting_table(cr, self._table, columns, KPI_INDEXES)
            # the scheduled action fills it again soon (on install, it has not run yet)
            cron = self.env.ref("clienteling.ir_cron_kpi_refresh", raise_if_not_found=False)
            if cron:
                cron._trigger()

    # Sources.

    @api.model
    def _kpi_sources(self):
        """[(measures, SQL)]: each SQL selects ``day, company_id, store_id,
        employee_id`` and the named measures, one row per event or pre-grouped;
        the builder fills the other measures with 0 and sums per key."""
        store_tz = SQL("s.tz")
        sources = [
            (
                (
                    "request_count",
                    "appointment_request_count",
                    "personal_shopper_request_count",
                    "question_request_count",
                    "email_request_count",
                    "text_request_count",
                    "replied_request_count",
                    "request_reply_seconds",
                ),
                SQL(
                    """
                    SELECT %(day)s AS day, r.company_id, r.store_id, r.associate_id AS employee_id,
                           1 AS request_count,
                           (r.kind = 'appointment')::int AS appointment_request_count,
                           (r.kind = 'personal_shopping')::int AS personal_shopper_request_count,
                           (r.kind = 'question')::int AS question_request_count,
                           (r.preferred_channel = 'email')::int AS email_request_count,
                           (r.preferred_channel = 'text')::int AS text_request_count,
                           (r.first_reply_date >= r.received_date)::int AS replied_request_count,
                           COALESCE(clienteling_business_seconds(
                               r.received_date, r.first_reply_date, COALESCE(s.tz, 'UTC')
                           ), 0) AS request_reply_seconds
                      FROM clienteling_service_request r
                      JOIN clienteling_store s ON s.id = r.store_id
                    """,
                    day=local_day(SQL("r.received_date"), store_tz),
                ),
            ),
            (
                ("contacts_added",),
                SQL(
                    """
                    SELECT %(day)s AS day, s.company_id, s.id AS store_id,
                           p.clienteling_associate_id AS employee_id, 1 AS contacts_added
                      FROM res_partner p
                      JOIN clienteling_store s ON s.id = p.clienteling_store_id
                    """,
                    day=local_day(SQL("p.create_date"), store_tz),
                ),
            ),
            (
                ("sales_amount", "link_sales_amount"),
                SQL(
                    """
                    SELECT %(day)s AS day, c.company_id, c.store_id, c.employee_id,
                           c.amount AS sales_amount,
                           CASE WHEN c.source = 'link' THEN c.amount ELSE 0 END
                               AS link_sales_amount
                      FROM clienteling_sale_credit c
                      JOIN clienteling_store s ON s.id = c.store_id
                    """,
                    day=local_day(SQL("c.date"), store_tz),
                ),
            ),
            (
                ("opt_in_count", "opt_out_count"),
                SQL(
                    """
                    SELECT %(day)s AS day, c.company_id, c.store_id, c.employee_id,
                           (c.state = 'opted_in')::int AS opt_in_count,
                           (c.state = 'opted_out')::int AS opt_out_count
                      FROM clienteling_consent c
                      JOIN clienteling_store s ON s.id = c.store_id
                     WHERE c.source != 'correction' AND c.state != 'pending'
                    """,
                    day=local_day(SQL("c.date"), store_tz),
                ),
            ),
        ]
        # the tables of the storefront and of product links may not exist yet
        if table_exists(self.env.cr, "clienteling_storefront_visit"):
            sources.append(
                (
                    ("storefront_visit_count", "storefront_visitor_count"),
                    SQL(
                        """
                        SELECT v.visit_date AS day, v.company_id, v.store_id, v.employee_id,
                               v.hits AS storefront_visit_count, 1 AS storefront_visitor_count
                          FROM clienteling_storefront_visit v
                         WHERE v.store_id IS NOT NULL AND v.company_id IS NOT NULL
                        """
                    ),
                )
            )
        if table_exists(self.env.cr, "clienteling_product_link_click"):
            sources.append(
                (
                    ("product_link_click_count",),
                    SQL(
                        """
                        SELECT %(day)s AS day, s.company_id, k.store_id, k.employee_id,
                               1 AS product_link_click_count
                          FROM clienteling_product_link_click k
                          JOIN clienteling_store s ON s.id = k.store_id
                        """,
                        day=local_day(SQL("k.clicked_at"), store_tz),
                    ),
                )
            )
        return sources

    def _kpi_select(self):
        """The SELECT that fills the table."""
        measures = self._kpi_measures()
        parts = []
        for source_measures, source in self._kpi_sources():
            unknown = set(source_measures) - set(measures)
            if unknown:
                raise ValueError(f"unknown KPI measures {sorted(unknown)}")
            parts.append(
                SQL(
                    "SELECT day, company_id, store_id, employee_id, %s FROM (%s) AS source",
                    SQL(", ").join(
                        SQL.identifier(m)
                        if m in source_measures
                        else SQL("0 AS %s", SQL.identifier(m))
                        for m in measures
                    ),
                    source,
                )
            )
        sums = SQL(", ").join(
            SQL(
                "SUM(%s)::%s AS %s",
                SQL.identifier(m),
                SQL(self._fields[m].column_type[0]),
                SQL.identifier(m),
            )
            for m in measures
        )
        ratios = SQL(", ").join(
            SQL(
                "CASE WHEN %(den)s > 0 THEN %(num)s * %(factor)s / %(den)s END AS %(name)s",
                num=SQL.identifier(num),
                den=SQL.identifier(den),
                factor=factor,
                name=SQL.identifier(name),
            )
            for name, (num, den, factor) in self._kpi_ratios().items()
        )
        return SQL(
            """
            SELECT (row_number() OVER (ORDER BY day, company_id, store_id, employee_id))::int,
                   day, company_id, store_id, employee_id, %(measures)s, %(ratios)s
              FROM (SELECT day, company_id, store_id, employee_id, %(sums)s
                      FROM (%(union)s) AS events
                     WHERE day IS NOT NULL AND store_id IS NOT NULL AND company_id IS NOT NULL
                     GROUP BY day, company_id, store_id, employee_id) AS grouped
             ORDER BY day, company_id, store_id, employee_id
            """,
            measures=SQL(", ").join(SQL.identifier(m) for m in measures),
            ratios=ratios,
            sums=sums,
            union=SQL(" UNION ALL ").join(parts),
        )

    # Refresh.

    def _kpi_before_refresh(self):
        """Hook: fill the detail tables the sources read (same transaction)."""

    @api.model
    def _kpi_refresh(self):
        """Rebuild the table in one transaction (``replace_reporting_table``).
        Returns False when another refresh is running."""
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", REFRESH_LOCK))
        if not cr.fetchone()[0]:
            return False
        self.env.flush_all()
        self._kpi_before_refresh()
        replace_reporting_table(
            cr, self._table, self._kpi_columns(), KPI_INDEXES, self._kpi_select()
        )
        self.env["ir.config_parameter"].sudo().set_param(
            REFRESHED_AT_PARAM, fields.Datetime.to_string(fields.Datetime.now())
        )
        self.invalidate_model()
        return True

    @api.model
    def _cron_refresh(self):
        if not self._kpi_refresh():
            _logger.info("Clienteling KPIs: a refresh is already running, skipped.")

    @api.model
    def action_refresh(self):
        """The Refresh button (Clienteling administrators): a rebuild takes seconds to
        minutes on a large database, so it is queued to the scheduled action (which
        runs one refresh at a time) rather than run inside the request."""
        if not self.env.user.has_group("clienteling.group_clienteling_manager"):
            raise AccessError(self.env._("Only Clienteling administrators can refresh the KPIs."))
        self.env.ref("clienteling.ir_cron_kpi_refresh").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The KPIs will be refreshed in a moment: open the dashboard again then."
                ),
            },
        }

    @api.model
    def _kpi_refreshed_at(self):
        value = self.env["ir.config_parameter"].sudo().get_param(REFRESHED_AT_PARAM)
        return fields.Datetime.to_datetime(value) if value else None

    # Weighted ratios in graph and pivot views.

    def _read_group_select(self, aggregate_spec, query):
        name, _sep, _func = aggregate_spec.partition(":")
        ratio = self._kpi_ratios().get(name)
        if ratio:
            num, den, factor = ratio
            return SQL(
                "SUM(%(num)s) * %(factor)s / NULLIF(SUM(%(den)s), 0)",
                num=self._field_to_sql(self._table, num, query),
                den=self._field_to_sql(self._table, den, query),
                factor=factor,
            )
        return super()._read_group_select(aggregate_spec, query)

    # Dashboard.

    @api.model
    def _dashboard_range(self, period):
        if period not in PERIODS:
            raise UserError(self.env._("Unknown period: %s", period))
        today = fields.Date.context_today(self)
        if period == "week":
            start = today - timedelta(days=today.weekday())
        elif period == "month":
            start = today.replace(day=1)
        else:
            start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return start, today

    @api.model
    def _dashboard_cards(self):
        """[(key, label, measure field, format)] of the dashboard, in order; the value
        of a card is its measure's aggregate (ratios weighted)."""
        return [
            ("requests", self.env._("Total Requests"), "request_count", "integer"),
            (
                "appointments",
                self.env._("Appointment Requests"),
                "appointment_request_count",
                "integer",
            ),
            ("email_requests", self.env._("Email Requests"), "email_request_count", "integer"),
            ("text_requests", self.env._("Text Requests"), "text_request_count", "integer"),
            (
                "text_preference",
                self.env._("Email/Text Correspondence Preference"),
                "text_preference_rate",
                "percent",
            ),
            (
                "personal_shopper",
                self.env._("Personal Shopper Requests"),
                "personal_shopper_request_count",
                "integer",
            ),
            ("reply_time", self.env._("Request Reply Time"), "request_reply_hours", "hours"),
            ("contacts_added", self.env._("Contacts Added"), "contacts_added", "integer"),
            ("opt_ins", self.env._("Opt-ins"), "opt_in_count", "integer"),
            ("opt_outs", self.env._("Opt-outs"), "opt_out_count", "integer"),
            (
                "storefront_visits",
                self.env._("Storefront Visits"),
                "storefront_visit_count",
                "integer",
            ),
            (
                "unique_visitors",
                self.env._("Unique Visitors"),
                "storefront_visitor_count",
                "integer",
            ),
            (
                "product_link_clicks",
                self.env._("Product Link Clicks"),
                "product_link_click_count",
                "integer",
            ),
            ("sales", self.env._("Total Sales"), "sales_amount", "amount"),
            ("link_sales", self.env._("Sales from Shared Links"), "link_sales_amount", "amount"),
        ]

    @api.model
    def _dashboard_extra_values(self, domain):
        """Hook: {card key: value} of cards not read from this table (e.g. medians)."""
        return {}

    @api.model
    def get_dashboard(self, period="month", store_id=None):
        """The KPI cards of ``period`` (this week, month or quarter to date) over the
        rows the user may read (record rules apply), optionally of one store."""
        self.check_access("read")
        date_from, date_to = self._dashboard_range(period)
        domain = [
            ("day", ">=", fields.Date.to_string(date_from)),
            ("day", "<=", fields.Date.to_string(date_to)),
        ]
        if store_id:
            domain.append(("store_id", "=", int(store_id)))
        cards = self._dashboard_cards()
        measures = list(dict.fromkeys(card[2] for card in cards if card[2]))
        query = self._search(domain)
        self.env.cr.execute(
            query.select(*(self._read_group_select(f"{m}:sum", query) for m in measures))
        )
        ratios = self._kpi_ratios()
        totals = {
            # no row: counts are 0, ratios have no value
            measure: value if value is not None or measure in ratios else 0
            for measure, value in zip(measures, self.env.cr.fetchone(), strict=True)
        }
        extra = self._dashboard_extra_values(domain)
        stores = self.env["clienteling.store"].search([])
        sales_by_associate = [
            {"id": employee.id, "name": employee.name, "amount": amount}
            for employee, amount in self._read_group(
                [*domain, ("employee_id", "!=", False), ("sales_amount", "!=", 0)],
                ["employee_id"],
                ["sales_amount:sum"],
                order="sales_amount:sum desc",
                limit=SALES_BY_ASSOCIATE_LIMIT,
            )
        ]
        refreshed_at = self._kpi_refreshed_at()
        return {
            "period": period,
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "domain": domain,
            "refreshed_at": fields.Datetime.to_string(refreshed_at) if refreshed_at else False,
            "can_refresh": self.env.user.has_group("clienteling.group_clienteling_manager"),
            "stores": [{"id": s.id, "name": s.display_name} for s in stores],
            "store_id": int(store_id) if store_id else False,
            "sales_by_associate": sales_by_associate,
            "cards": [
                {
                    "key": key,
                    "label": label,
                    "measure": measure,
                    "format": value_format,
                    "value": extra[key] if key in extra else totals.get(measure),
                }
                for key, label, measure, value_format in cards
            ],
        }
