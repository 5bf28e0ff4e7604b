import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import SQL, create_index, create_unique_index

from ..tools.days import new_local_day

_logger = logging.getLogger(__name__)

CATEGORIES = [
    ("keep_in_touch", "Keep in Touch"),
    ("add_to_client_book", "Add to Client Book"),
    ("new_customer", "New Customers"),
    ("pending_customer", "Pending Customers"),
    ("important_date", "Upcoming Important Dates"),
]
SCOPES = [
    ("associate", "Associate"),
    ("store", "Store"),
    ("company", "Company"),
]
# First key of the advisory lock a refresh holds for its company (second key).
REFRESH_LOCK = 0x434C4144

COLUMNS = SQL(
    """company_id, scope, category, employee_id, store_id, partner_id, entry_id,
       days_since_purchase, days_since_contact, last_purchase_date, last_contact_date,
       important_date_id, important_date, important_date_kind, days_until,
       days_since_creation, sort_key, reference_date, refreshed_at"""
)


def _local_date(column, tz):
    """The local date, in time zone ``tz``, of a naive UTC timestamp ``column``."""
    return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, tz)


def _occurrence(year, month, day):
    """month/day in ``year`` (SQL int expressions); 29 February is the 28th in common years."""
    leap = SQL("(mod(%(y)s, 4) = 0 AND (mod(%(y)s, 100) <> 0 OR mod(%(y)s, 400) = 0))", y=year)
    return SQL(
        "make_date(%(y)s, %(m)s, CASE WHEN %(m)s = 2 AND %(d)s = 29 AND NOT %(leap)s "
        "THEN 28 ELSE %(d)s END)",
        y=year,
        m=month,
        d=day,
        leap=leap,
    )


class ClientelingAdvisorRecommendation(models.Model):
    """One line of an Advisor list: a customer (or a pending entry) an associate
    should look at, and why. Rebuilt by ``_refresh``; never edited by hand.

    ``scope`` says whose list the line is in: one associate's (``employee_id``),
    every associate of a store (``store_id``), or every associate of the company.
    Lists built from store books or all customers are stored once, not once per
    associate.
    """

    _name = "clienteling.advisor.recommendation"
    _description = "Advisor Recommendation"
    _order = "sort_key, id"
    _log_access = False
    _rec_name = "partner_id"
    # A cache rebuilt every night: its table is created by ``init`` without foreign
    # keys, whose checks would cost 60% of a refresh. Deleting a customer, an
    # associate, a store, an entry or an important date deletes its lines.
    _auto = False

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    scope = fields.Selection(SCOPES, required=True, readonly=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True)
    employee_id = fields.Many2one(
        "hr.employee",
        string="Associate",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
    )
    store_id = fields.Many2one(
        "clienteling.store", index="btree_not_null", readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
    )
    entry_id = fields.Many2one(
        "clienteling.customer.entry", string="Pending Customer", readonly=True, ondelete="cascade"
    )
    days_since_purchase = fields.Integer(readonly=True)
    days_since_contact = fields.Integer(readonly=True)
    last_purchase_date = fields.Date(readonly=True)
    last_contact_date = fields.Datetime(readonly=True)
    important_date_id = fields.Many2one(
        "clienteling.important.date", readonly=True, ondelete="cascade"
    )
    important_date = fields.Date(string="Date", readonly=True)
    important_date_kind = fields.Selection(
        [("birthday", "Birthday"), ("anniversary", "Anniversary"), ("other", "Other")],
        string="Occasion",
        readonly=True,
    )
    days_until = fields.Integer(string="In (Days)", readonly=True)
    days_since_creation = fields.Integer(string="Created (Days Ago)", readonly=True)
    sort_key = fields.Float(readonly=True, aggregator=None)
    reference_date = fields.Date(
        string="As Of", readonly=True, help="The store's date when the list was computed."
    )
    refreshed_at = fields.Datetime(readonly=True)
    mobile = fields.Char(related="partner_id.mobile")
    email = fields.Char(related="partner_id.email")
    client_book_owner_id = fields.Many2one(
        related="partner_id.clienteling_associate_id", string="Client Book"
    )
    entry_name = fields.Char(related="entry_id.name", string="Entered Name")
    for_me = fields.Boolean(
        compute="_compute_for_me",
        search="_search_for_me",
        help="In the lists of the current user, without what they dismissed or snoozed.",
    )

    def init(self):
        res = super().init()
        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS clienteling_advisor_recommendation (
                id SERIAL PRIMARY KEY,
                company_id integer NOT NULL,
                scope varchar NOT NULL,
                category varchar NOT NULL,
                employee_id integer,
                store_id integer,
                partner_id integer,
                entry_id integer,
                days_since_purchase integer,
                days_since_contact integer,
                last_purchase_date date,
                last_contact_date timestamp,
                important_date_id integer,
                important_date date,
                important_date_kind varchar,
                days_until integer,
                days_since_creation integer,
                sort_key double precision,
                reference_date date,
                refreshed_at timestamp
            )
            """
        )
        for fname in (
            "company_id",
            "employee_id",
            "store_id",
            "partner_id",
            "entry_id",
            "important_date_id",
        ):
            cr.execute(
                SQL(
                    "ALTER TABLE clienteling_advisor_recommendation DROP CONSTRAINT IF EXISTS %s",
                    SQL.identifier(f"clienteling_advisor_recommendation_{fname}_fkey"),
                )
            )
        for columns in (["employee_id"], ["store_id"], ["partner_id"]):
            create_index(
                cr, f"clienteling_advisor_recommendation_{columns[0]}_idx", self._table, columns
            )
        # Company-wide lines: with the employee and store indexes, "my lines" is a
        # bitmap OR of three small index scans instead of a scan of the table.
        create_index(
            cr,
            "clienteling_advisor_recommendation_company_scope_idx",
            self._table,
            ["company_id", "category"],
            where="scope = 'company'",
        )
        create_index(
            cr, "clienteling_advisor_recommendation_list_idx", self._table, ["category", "sort_key"]
        )
        create_unique_index(
            cr, "clienteling_advisor_recommendation_entry_uniq", self._table, ["entry_id"]
        )
        return res

    @api.model
    def _forget(self, fname, records):
        """Delete the lines of ``records`` (deleted customers, associates...)."""
        if records:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM clienteling_advisor_recommendation WHERE %s IN %s",
                    SQL.identifier(fname),
                    tuple(records.ids),
                )
            )
            self.invalidate_model()

    @api.depends("partner_id", "entry_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.partner_id.display_name or line.entry_id.name or ""

    def _compute_for_me(self):
        mine = self.search([("id", "in", self.ids), ("for_me", "=", True)])
        for line in self:
            line.for_me = line in mine

    @api.model
    def _my_employees(self):
        return self.env.user.employee_ids.filtered(
            lambda e: e.clienteling_store_id and e.company_id in self.env.companies
        )

    def _search_for_me(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "Unsupported search: %(operator)s %(value)s", operator=operator, value=value
                )
            )
        employees = self._my_employees()
        domain = expression.OR(
            [
                [("scope", "=", "associate"), ("employee_id", "in", employees.ids)],
                [("scope", "=", "store"), ("store_id", "in", employees.clienteling_store_id.ids)],
                [("scope", "=", "company"), ("company_id", "in", employees.company_id.ids)],
            ]
        )
        hidden = defaultdict(list)
        for snooze in self.env["clienteling.advisor.snooze"].sudo()._active(employees):
            hidden[snooze.category].append(snooze.partner_id.id)
        for category, partner_ids in hidden.items():
            domain = expression.AND(
                [domain, ["|", ("category", "!=", category), ("partner_id", "not in", partner_ids)]]
            )
        if (operator == "=") != value:
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    # Row actions.

    def action_open_customer(self):
        self.ensure_one()
        if self.entry_id:
            return self.entry_id._get_records_action()
        return self.partner_id._get_records_action()

    def action_add_to_my_client_book(self):
        self.check_access("read")
        employee = self._my_employees()[:1]
        if not employee:
            raise UserError(
                self.env._("You are not an associate of a store: you have no client book.")
            )
        partners = self.partner_id
        taken = partners.filtered(
            lambda p: p.clienteling_associate_id.active and p.clienteling_associate_id != employee
        )
        if taken:
            raise UserError(
                self.env._(
                    "%(customer)s is already in the client book of %(associate)s.",
                    customer=taken[0].display_name,
                    associate=taken[0].clienteling_associate_id.name,
                )
            )
        elsewhere = partners - partners._filtered_access("write")
        if elsewhere:
            raise UserError(
                self.env._(
                    "%(customer)s is in the store book of %(store)s: only that store can "
                    "add them to a client book.",
                    customer=elsewhere[0].display_name,
                    store=elsewhere[0].clienteling_store_id.sudo().display_name,
                )
            )
        partners.write({"clienteling_associate_id": employee.id})
        partners.filtered(lambda p: not p.clienteling_store_id).write(
            {"clienteling_store_id": employee.clienteling_store_id.id}
        )
        self.sudo().search(
            [("category", "=", "add_to_client_book"), ("partner_id", "in", partners.ids)]
        ).unlink()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Added to your client book: %s", partners[0].display_name)
                if len(partners) == 1
                else self.env._("%s customers added to your client book.", len(partners)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_dismiss(self):
        self._snooze(days=None)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_open_snooze(self):
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Snooze"),
            "res_model": "clienteling.advisor.snooze.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recommendation_ids": [Command.set(self.ids)]},
        }

    def _snooze(self, days):
        """Hide these lines' customers from the current associate's list of the same
        category for ``days`` days (``None``: for good), across refreshes."""
        self.check_access("read")
        employee = self._my_employees()[:1]
        if not employee:
            raise UserError(self.env._("Only a store's associates can dismiss or snooze."))
        lines = self.filtered("partner_id")
        if not lines:
            raise UserError(self.env._("Review a pending customer instead of dismissing it."))
        until = fields.Date.context_today(self, fields.Datetime.now()) if days else False
        if days:
            until = fields.Date.add(until, days=days)
        Snooze = self.env["clienteling.advisor.snooze"]
        for line in lines:
            Snooze._set(employee, line.partner_id, line.category, until)

    # Refresh.

    def action_refresh(self):
        """The Refresh button (no record needed): rebuild the current company's lists now."""
        company = self.env.company
        if not self.env.user.has_group("clienteling.group_clienteling_associate"):
            raise UserError(self.env._("Only Clienteling users can refresh the Advisor."))
        if not self.sudo()._refresh_company(company):
            raise UserError(
                self.env._(
                    "The Advisor of %s is being refreshed right now: its lists will be "
                    "updated in a moment.",
                    company.name,
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_refresh(self, now=None):
        """Hourly: rebuild the lists of each company one of whose stores has
        reached a new local day since its last refresh. A retailer in several time
        zones gets fresh lists soon after each store's midnight."""
        now = now or fields.Datetime.now()
        for company in self._companies_to_refresh(now):
            if not self._refresh_company(company, now=now):
                _logger.info("Advisor of company %s: a refresh is already running", company.id)

    @api.model
    def _companies_to_refresh(self, now):
        companies = self.env["res.company"]
        for company in self.env["res.company"].search([]):
            self.env.cr.execute(
                SQL(
                    """SELECT refreshed_at FROM clienteling_advisor_recommendation
                        WHERE company_id = %s AND category <> 'pending_customer' LIMIT 1""",
                    company.id,
                )
            )
            row = self.env.cr.fetchone()
            zones = set(
                self.env["clienteling.store"].search([("company_id", "=", company.id)]).mapped("tz")
            )
            if new_local_day(row and row[0], now, sorted(zones)):
                companies |= company
        return companies

    @api.model
    def _refresh_company(self, company, now=None):
        """Rebuild every list of ``company`` in this transaction.

        Other transactions keep seeing the previous lines until this one commits.
        Return False, doing nothing, when another transaction is refreshing the
        same company (an advisory lock held until its commit).
        """
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", REFRESH_LOCK, company.id))
        if not cr.fetchone()[0]:
            return False
        now = now or fields.Datetime.now()
        counts = {}
        try:
            with cr.savepoint(flush=False):
                self._create_sources(company.id, now)
                cr.execute(
                    SQL(
                        "DELETE FROM clienteling_advisor_recommendation WHERE company_id = %s",
                        company.id,
                    )
                )
                for category, build in (
                    ("keep_in_touch", self._sql_keep_in_touch),
                    ("important_date", self._sql_important_date),
                    ("add_to_client_book", self._sql_add_to_client_book),
                    ("new_customer", self._sql_new_customer),
                    ("pending_customer", self._sql_pending_customer),
                ):
                    cr.execute(
                        SQL(
                            "INSERT INTO clienteling_advisor_recommendation (%s) %s %s",
                            COLUMNS,
                            build(company, company.id, now),
                            SQL("ON CONFLICT DO NOTHING")
                            if category == "pending_customer"
                            else SQL(),
                        )
                    )
                    counts[category] = cr.rowcount
            # Fresh statistics: a refresh replaces most of the table.
            cr.execute("ANALYZE clienteling_advisor_recommendation")
        except SerializationFailure:
            # Another refresh committed since this transaction began: its lines are
            # as fresh as ours would be.
            _logger.info("Advisor of company %s was refreshed meanwhile", company.id)
            return False
        finally:
            self.invalidate_model()
        _logger.info("Advisor of company %s refreshed: %s", company.id, counts)
        return counts

    @api.model
    def _create_sources(self, company, now):
        """Temporary tables, analyzed for good plans: the company's associates (with
        a user, in an active store), its active stores, both with their local date,
        and the customers (``known``: of this company, else of no company)."""
        cr = self.env.cr
        cr.execute(
            "DROP TABLE IF EXISTS clienteling_advisor_emp, clienteling_advisor_store, "
            "clienteling_advisor_cust"
        )
        today = SQL("((%s::timestamp AT TIME ZONE 'UTC') AT TIME ZONE s.tz)::date", now)
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE clienteling_advisor_emp ON COMMIT DROP AS
                SELECT e.id, e.user_id, e.clienteling_store_id AS store_id, s.tz,
                       %(today)s AS today
                  FROM hr_employee e
                  JOIN clienteling_store s ON s.id = e.clienteling_store_id
                 WHERE e.active AND s.active AND e.user_id IS NOT NULL
                   AND e.company_id = %(company)s AND s.company_id = %(company)s;
                CREATE TEMPORARY TABLE clienteling_advisor_store ON COMMIT DROP AS
                SELECT s.id, s.tz, %(today)s AS today
                  FROM clienteling_store s
                 WHERE s.active AND s.company_id = %(company)s;
                CREATE TEMPORARY TABLE clienteling_advisor_cust ON COMMIT DROP AS
                SELECT p.id, p.clienteling_store_id AS book_store_id,
                       CASE WHEN o.active THEN o.id END AS owner_id,
                       p.clienteling_last_purchase_date AS lpd,
                       p.clienteling_last_contact_date AS lcd,
                       p.create_date, p.create_uid,
                       COALESCE(p.company_id, s.company_id, o.company_id) IS NOT NULL AS known
                  FROM res_partner p
                  LEFT JOIN clienteling_store s ON s.id = p.clienteling_store_id
                  LEFT JOIN hr_employee o ON o.id = p.clienteling_associate_id
                 WHERE p.active AND p.partner_share AND (p.type = 'contact' OR p.type IS NULL)
                   AND COALESCE(p.company_id, s.company_id, o.company_id, %(company)s)
                       = %(company)s;
                ANALYZE clienteling_advisor_emp, clienteling_advisor_store,
                        clienteling_advisor_cust;
                """,
                company=company,
                today=today,
            )
        )

    @api.model
    def _sql_members(self, customer_list, now):
        """The customers of a configured list, with whose list each line is in and
        the local date of that list's store: (scope, employee_id, store_id, tz,
        today, and the customer's columns)."""
        if customer_list == "client":
            return SQL(
                """SELECT 'associate' AS scope, e.id AS employee_id, e.store_id, e.tz, e.today, c.*
                     FROM clienteling_advisor_cust c
                     JOIN clienteling_advisor_emp e ON e.id = c.owner_id
                    WHERE c.known"""
            )
        if customer_list == "store":
            return SQL(
                """SELECT 'store' AS scope, NULL::int AS employee_id, st.id AS store_id, st.tz,
                          st.today, c.*
                     FROM clienteling_advisor_cust c
                     JOIN clienteling_advisor_store st ON st.id = c.book_store_id
                    WHERE c.known"""
            )
        # store_id: the customer's store book, archived or not: the record rules
        # show these lines to that store's associates (and to all for no store book).
        return SQL(
            """SELECT 'company' AS scope, NULL::int AS employee_id, c.book_store_id AS store_id,
                      COALESCE(st.tz, 'UTC') AS tz,
                      COALESCE(st.today, %(now)s::timestamp::date) AS today, c.*
                 FROM clienteling_advisor_cust c
                 LEFT JOIN clienteling_advisor_store st ON st.id = c.book_store_id
                WHERE c.known""",
            now=now,
        )

    @api.model
    def _sql_keep_in_touch(self, company, company_id, now):
        purchase_days = company.clienteling_advisor_lapsed_purchase_days
        contact_days = company.clienteling_advisor_lapsed_contact_days
        return SQL(
            """
            SELECT %(company)s, k.scope, 'keep_in_touch', k.employee_id, k.store_id, k.id, NULL,
                   k.dp, k.dc, k.lpd, k.lcd, NULL, NULL, NULL, NULL, NULL,
                   -GREATEST(k.dp - %(purchase_days)s, k.dc - %(contact_days)s), k.today,
                   %(now)s
              FROM (SELECT m.*, m.today - m.lpd AS dp, m.today - %(lcd_local)s AS dc
                      FROM (%(members)s) m) k
             WHERE k.dp >= %(purchase_days)s OR k.dc >= %(contact_days)s
            """,
            company=company_id,
            now=now,
            purchase_days=purchase_days,
            contact_days=contact_days,
            lcd_local=_local_date(SQL("m.lcd"), SQL("m.tz")),
            members=self._sql_members(company.clienteling_advisor_keep_in_touch_list, now),
        )

    @api.model
    def _sql_important_date(self, company, company_id, now):
        year = SQL("EXTRACT(YEAR FROM m.today)::int")
        this_year = _occurrence(year, SQL("d.month"), SQL("d.day"))
        next_year = _occurrence(SQL("(%s + 1)", year), SQL("d.month"), SQL("d.day"))
        return SQL(
            """
            SELECT %(company)s, i.scope, 'important_date', i.employee_id, i.store_id, i.id, NULL,
                   i.today - i.lpd, i.today - %(lcd_local)s, i.lpd, i.lcd,
                   i.date_id, i.occurrence, i.kind, i.occurrence - i.today, NULL,
                   i.occurrence - i.today, i.today, %(now)s
              FROM (SELECT m.*, d.id AS date_id, d.kind,
                           CASE WHEN %(this_year)s >= m.today THEN %(this_year)s
                                ELSE %(next_year)s END AS occurrence
                      FROM (%(members)s) m
                      JOIN clienteling_important_date d ON d.partner_id = m.id) i
             WHERE i.occurrence <= i.today + %(days)s
            """,
            company=company_id,
            now=now,
            days=company.clienteling_advisor_important_date_days,
            this_year=this_year,
            next_year=next_year,
            lcd_local=_local_date(SQL("i.lcd"), SQL("i.tz")),
            members=self._sql_members(company.clienteling_advisor_important_date_list, now),
        )

    @api.model
    def _sql_add_to_client_book(self, company, company_id, now):
        same_store = company.clienteling_advisor_add_to_book_list == "store"
        return SQL(
            """
            SELECT %(company)s, 'associate', 'add_to_client_book', e.id, e.store_id, c.id, NULL,
                   e.today - c.lpd, e.today - %(contact_local)s, c.lpd, ac.last_contact_date,
                   NULL, NULL, NULL, NULL, NULL,
                   -EXTRACT(EPOCH FROM ac.last_contact_date), e.today, %(now)s
                FROM clienteling_associate_contact ac
              JOIN clienteling_advisor_emp e ON e.id = ac.employee_id
              JOIN clienteling_advisor_cust c ON c.id = ac.partner_id
             WHERE c.owner_id IS NULL
               AND (c.book_store_id = e.store_id
                    OR (NOT %(same_store)s AND c.book_store_id IS NULL))
            """,
            company=company_id,
            now=now,
            same_store=same_store,
            contact_local=_local_date(SQL("ac.last_contact_date"), SQL("e.tz")),
        )

    @api.model
    def _sql_new_customer(self, company, company_id, now):
        days = company.clienteling_advisor_new_customer_days
        return SQL(
            """
            SELECT %(company)s, 'associate', 'new_customer', n.employee_id, n.store_id, n.id, NULL,
                   n.today - n.lpd, n.today - %(lcd_local)s, n.lpd, n.lcd,
                   NULL, NULL, NULL, NULL, n.age,
                   -EXTRACT(EPOCH FROM n.create_date), n.today, %(now)s
              FROM (SELECT c.*, e.id AS employee_id, e.store_id, e.tz, e.today,
                           e.today - %(created_local)s AS age
                      FROM clienteling_advisor_cust c
                      JOIN clienteling_advisor_emp e ON e.user_id = c.create_uid
                     WHERE c.known AND c.create_date >= %(now)s::timestamp - make_interval(days => %(days)s + 1)
                   ) n
             WHERE n.age BETWEEN 0 AND %(days)s - 1
            """,
            company=company_id,
            now=now,
            days=days,
            lcd_local=_local_date(SQL("n.lcd"), SQL("n.tz")),
            created_local=_local_date(SQL("c.create_date"), SQL("e.tz")),
        )

    @api.model
    def _sql_pending_customer(self, company, company_id, now):
        return SQL(
            """
            SELECT %(company)s, 'store', 'pending_customer', NULL, en.store_id, NULL, en.id,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   st.today - %(created_local)s,
                   -EXTRACT(EPOCH FROM en.create_date), st.today, %(now)s
              FROM clienteling_customer_entry en
              JOIN clienteling_advisor_store st ON st.id = en.store_id
             WHERE en.state = 'pending'
            """,
            company=company_id,
            now=now,
            created_local=_local_date(SQL("en.create_date"), SQL("st.tz")),
        )

    @api.model
    def _demo_mark_created(self, customers):
        """Demo data: (customer xmlid, user xmlid, days ago) as if that user had
        created the customer then, for the New Customers lists."""
        self.env.flush_all()
        for partner_xmlid, user_xmlid, days_ago in customers:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET create_uid = %s, create_date = %s WHERE id = %s",
                    self.env.ref(user_xmlid).id,
                    fields.Datetime.now() - timedelta(days=days_ago),
                    self.env.ref(partner_xmlid).id,
                )
            )
        self.env["res.partner"].invalidate_model(["create_uid", "create_date"])

    # Pending entries appear and disappear at once, not at the next refresh.

    @api.model
    def _sync_pending_entries(self, entries):
        """Add a line for each pending entry of ``entries``, remove the others'."""
        self.env.flush_all()
        cr = self.env.cr
        reviewed = entries.filtered(lambda e: e.state != "pending")
        if reviewed:
            cr.execute(
                SQL(
                    "DELETE FROM clienteling_advisor_recommendation WHERE entry_id IN %s",
                    tuple(reviewed.ids),
                )
            )
        pending = entries - reviewed
        for company in pending.company_id:
            company_entries = pending.filtered_domain([("company_id", "=", company.id)])
            cr.execute(
                SQL(
                    "%s INSERT INTO clienteling_advisor_recommendation (%s) %s AND en.id IN %s "
                    "ON CONFLICT DO NOTHING",
                    SQL(
                        """
                        WITH clienteling_advisor_store AS (
                            SELECT s.id, s.tz,
                                   ((%(now)s::timestamp AT TIME ZONE 'UTC') AT TIME ZONE s.tz)::date
                                   AS today
                              FROM clienteling_store s
                             WHERE s.active AND s.company_id = %(company)s)
                        """,
                        now=fields.Datetime.now(),
                        company=company.id,
                    ),
                    COLUMNS,
                    self._sql_pending_customer(company, company.id, fields.Datetime.now()),
                    tuple(company_entries.ids),
                )
            )
        self.invalidate_model()
