import logging
import threading

from psycopg2.errors import DeadlockDetected, LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.days import new_local_day
from ..tools.indexes import index_on

_logger = logging.getLogger(__name__)

# First key of the advisory lock a refresh holds for its company (second key).
REFRESH_LOCK = 0x434C4144
# First key of the lock a refresh holds exclusively and live updates (purchases,
# contacts) shared, for the company (second key): a live update skips while a
# refresh rebuilds the lines, a refresh waits for the live updates under way.
LIVE_LOCK = 0x434C4156

# The columns every list's builder selects, in this order.
COLUMNS = SQL(
    """company_id, scope, category, employee_id, store_id, partner_id, entry_id,
       days_since_purchase, days_since_contact, last_purchase_date, last_contact_date,
       important_date_id, important_date, important_date_kind, days_until,
       days_since_creation, sort_key, reference_date, refreshed_at"""
)

# A refresh rebuilds the whole lines table (new table, indexes built at the end,
# swapped in) rather than its company's lines in place when the company has at
# least this many lines, and more than the other companies together: writing the
# index entries line by line is most of the time of a large refresh.
BULK_MIN_LINES = 200_000

# How long a table rebuild waits, at its end, for the transactions still reading
# the previous lines (new readers wait behind it) before giving up.
SWAP_LOCK_TIMEOUT = "10s"


class SwapAbandoned(Exception):
    """A table rebuild could not lock the previous table in time to swap it."""


# Lists whose lines are also written between refreshes (pending entries appear at
# once): a line written meanwhile by another transaction is kept.
LIVE_LISTS = ("pending_customer",)


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


def _next_occurrence(today):
    """The first occurrence on or after date ``today`` (an SQL expression) of the
    month and day of important date ``d``."""
    year = SQL("EXTRACT(YEAR FROM %s)::int", today)
    this_year = _occurrence(year, SQL("d.month"), SQL("d.day"))
    next_year = _occurrence(SQL("(%s + 1)", year), SQL("d.month"), SQL("d.day"))
    return SQL(
        "CASE WHEN %(this)s >= %(today)s THEN %(this)s ELSE %(next)s END",
        this=this_year,
        today=today,
        next=next_year,
    )


class ClientelingAdvisorRefresh(models.AbstractModel):
    """Rebuilds the Advisor lines of a company with set-based SQL, one INSERT per
    active list (``clienteling.advisor.category``).

    Each list's lines come from its builder, the method ``_sql_<code>(company, now)``
    of this model: it returns a SELECT of ``COLUMNS`` and may read the temporary
    tables of ``_create_sources``. Another addon adds a list with a
    ``selection_add`` on the list's ``code``, a list record and its builder here,
    by inheritance.
    """

    _name = "clienteling.advisor.refresh"
    _description = "Advisor Refresh"

    @api.model
    def _builder(self, code):
        """The method building the lines of list ``code``, or None."""
        return getattr(self, f"_sql_{code}", None)

    @api.model
    def _cron_refresh(self, now=None):
        """Hourly: rebuild the lists of each company one of whose stores has
        reached a new local day since its last refresh, or whose refresh was
        requested since (the Refresh button). A retailer in several time zones gets
        fresh lists soon after each store's midnight."""
        now = now or fields.Datetime.now()
        for company in self._companies_to_refresh(now):
            if not self._refresh_company(company, now=now):
                _logger.info("Advisor of company %s: a refresh is already running", company.id)
            elif not getattr(threading.current_thread(), "testing", False):
                # Each company in its own transaction: a table rebuilt and swapped
                # in is locked until the commit, and the next company's refresh
                # must see the lines written meanwhile.
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _companies_to_refresh(self, now):
        table = SQL.identifier(self.env["clienteling.advisor.recommendation"]._table)
        companies = self.env["res.company"]
        for company in self.env["res.company"].search([]):
            self.env.cr.execute(
                SQL(
                    """SELECT refreshed_at FROM %s
                        WHERE company_id = %s AND category NOT IN %s LIMIT 1""",
                    table,
                    company.id,
                    LIVE_LISTS,
                )
            )
            row = self.env.cr.fetchone()
            zones = set(
                self.env["clienteling.store"].search([("company_id", "=", company.id)]).mapped("tz")
            )
            requested = company.clienteling_advisor_refresh_requested_at
            if new_local_day(row and row[0], now, sorted(zones)) or (
                requested and (not row or requested >= row[0])
            ):
                companies |= company
        return companies

    @api.model
    def _request_refresh(self, company):
        """Have the scheduled action rebuild ``company``'s lists in a moment, in
        its own transaction (trusted callers, after their access checks)."""
        company.with_env(self.env).clienteling_advisor_refresh_requested_at = fields.Datetime.now()
        self.env.ref("clienteling_advisor.ir_cron_advisor_refresh")._trigger()

    @api.model
    def _refresh_company(self, company, now=None):
        """Rebuild every active list of ``company`` in this transaction, and return
        the number of lines of each list (by code).

        Other transactions keep seeing the previous lines until this one commits.
        Return False, doing nothing, when another transaction is refreshing the
        same company (an advisory lock held until its commit).

        A large company's lines are rebuilt with the whole table (``_rebuild_table``):
        the table is then locked, for readers too, from its swap at the end until
        the commit, which should follow at once.
        """
        cr = self.env.cr
        Line = self.env["clienteling.advisor.recommendation"]
        table = SQL.identifier(Line._table)
        self.env.flush_all()
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", REFRESH_LOCK, company.id))
        if not cr.fetchone()[0]:
            return False
        cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", LIVE_LOCK, company.id))
        # Hash joins of the whole company's customers in memory, not in batches on disk
        # (one refresh at a time: this memory is used once).
        cr.execute("SET LOCAL work_mem = '256MB'")
        # Statements run once, rich in expressions: compiling them (JIT) cost up to
        # 4 s of the Important Dates list at 5,000,000 customers, for no gain.
        cr.execute("SET LOCAL jit = off")
        now = now or fields.Datetime.now()
        codes = self.env["clienteling.advisor.category"].sudo().search([]).mapped("code")
        counts = {}
        try:
            with cr.savepoint(flush=False):
                self._create_sources(company.id, now)
                counts = self._rebuild_table(company, now, codes)
                if counts is None:
                    counts = {}
                    Line._check_lines_current()
                    cr.execute(SQL("DELETE FROM %s WHERE company_id = %s", table, company.id))
                    for code in codes:
                        cr.execute(self._sql_insert(code, self._builder(code)(company, now)))
                        counts[code] = cr.rowcount
                    # Fresh statistics: a refresh replaces most of the table.
                    cr.execute(SQL("ANALYZE %s", table))
        except SerializationFailure:
            # Another refresh committed since this transaction began: its lines are
            # as fresh as ours would be.
            _logger.info("Advisor of company %s was refreshed meanwhile", company.id)
            return False
        except SwapAbandoned:
            # Next time (the company is still due).
            _logger.warning(
                "Advisor of company %s: the lines table was in use too long to swap it, "
                "refresh abandoned",
                company.id,
            )
            return False
        finally:
            Line.invalidate_model()
        _logger.info("Advisor of company %s refreshed: %s", company.id, counts)
        return counts

    # The whole table rebuilt and swapped in, for large companies.

    @api.model
    def _rebuild_table(self, company, now, codes):
        """Rebuild the lines table whole, in this transaction: the lines of
        ``company`` built into a new table without indexes, the other companies'
        lines copied, the indexes built in bulk, then the new table swapped in
        (readers see the previous lines meanwhile; writers of lines wait, then are
        retried: ``_check_lines_current``). Return the number of lines of each list
        (by code), or None, doing nothing, when rebuilding ``company``'s lines in
        place is cheaper or the table cannot be swapped."""
        cr = self.env.cr
        Line = self.env["clienteling.advisor.recommendation"]
        name = Line._table
        cr.execute(SQL("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", name))
        if BULK_MIN_LINES and cr.fetchone()[0] < BULK_MIN_LINES:
            return None
        Line._check_lines_current("EXCLUSIVE")
        mine, total, fingerprint = self._lines_fingerprint(cr, company.id)
        if mine < BULK_MIN_LINES or mine < total - mine:
            return None
        shape = self._table_shape(name)
        if shape is None:
            return None
        if self._lines_written_meanwhile(company.id, fingerprint):
            _logger.info(
                "Advisor of company %s: lines written meanwhile, rebuilt in place", company.id
            )
            return None
        indexes, references = shape
        table = SQL.identifier(name)
        new_name = f"{name}_new"
        new = SQL.identifier(new_name)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", new))
        cr.execute(
            SQL(
                """CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS
                                       INCLUDING STORAGE INCLUDING COMMENTS)""",
                new,
                table,
            )
        )
        counts = {}
        for code in codes:
            cr.execute(self._sql_insert(code, self._builder(code)(company, now), table=new_name))
            counts[code] = cr.rowcount
        cr.execute(
            SQL("INSERT INTO %s SELECT * FROM %s WHERE company_id <> %s", new, table, company.id)
        )
        # One index build at a time, sorted in memory.
        cr.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for number, (_index, indexdef, _constraint, _kind) in enumerate(indexes):
            cr.execute(index_on(indexdef, f'"{name}_n{number}"', f'"{new_name}"'))
        cr.execute(SQL("ANALYZE %s", new))
        cr.execute(SQL("SELECT obj_description(%s::regclass, 'pg_class')", name))
        comment = cr.fetchone()[0]
        if comment:
            cr.execute(SQL("COMMENT ON TABLE %s IS %s", new, comment))
        # The swap: readers wait from here to the commit. Not longer than
        # SWAP_LOCK_TIMEOUT for the transactions reading the previous lines (or the
        # snooze wizards' lines).
        cr.execute(SQL("SET LOCAL lock_timeout = %s", SWAP_LOCK_TIMEOUT))
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", table))
                for ref_table, column, constraint, _definition in references:
                    # As ON DELETE CASCADE would, for the lines not kept.
                    cr.execute(
                        SQL(
                            "DELETE FROM %s r WHERE NOT EXISTS (SELECT FROM %s n WHERE n.id = r.%s)",
                            SQL.identifier(ref_table),
                            new,
                            SQL.identifier(column),
                        )
                    )
                    cr.execute(
                        SQL(
                            "ALTER TABLE %s DROP CONSTRAINT %s",
                            SQL.identifier(ref_table),
                            SQL.identifier(constraint),
                        )
                    )
        except (LockNotAvailable, DeadlockDetected) as error:
            raise SwapAbandoned from error
        cr.execute("SET LOCAL lock_timeout TO DEFAULT")
        cr.execute(SQL("SELECT pg_get_serial_sequence(%s, 'id')", name))
        sequence = cr.fetchone()[0]
        if sequence:
            cr.execute(SQL("ALTER SEQUENCE %s OWNED BY %s.id", SQL(sequence), new))
        cr.execute(SQL("DROP TABLE %s", table))
        cr.execute(SQL("ALTER TABLE %s RENAME TO %s", new, table))
        for number, (index, _indexdef, constraint, kind) in enumerate(indexes):
            built = SQL.identifier(f"{name}_n{number}")
            if constraint:
                cr.execute(
                    SQL(
                        "ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s",
                        table,
                        SQL.identifier(constraint),
                        SQL("PRIMARY KEY" if kind == "p" else "UNIQUE"),
                        built,
                    )
                )
            else:
                cr.execute(SQL("ALTER INDEX %s RENAME TO %s", built, SQL.identifier(index)))
        for ref_table, _column, constraint, definition in references:
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD CONSTRAINT %s %s",
                    SQL.identifier(ref_table),
                    SQL.identifier(constraint),
                    SQL(definition),
                )
            )
        return counts

    @api.model
    def _lines_fingerprint(self, cr, company_id):
        """(lines of ``company_id``, all lines, a hash of the row versions seen by
        ``cr``'s transaction): two transactions see the same lines if they get
        the same hash."""
        cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE company_id = %s), count(*),
                          COALESCE(sum(hashtext(ctid::text)), 0)
                     FROM %s""",
                company_id,
                SQL.identifier(self.env["clienteling.advisor.recommendation"]._table),
            )
        )
        return cr.fetchone()

    @api.model
    def _lines_written_meanwhile(self, company_id, fingerprint):
        """Whether lines were written since this transaction began (its lines'
        ``fingerprint`` differs from the latest's): only the lines it sees would be
        copied (the lock keeps writers out from now on)."""
        with self.env.registry.cursor() as other:
            return self._lines_fingerprint(other, company_id)[2] != fingerprint

    @api.model
    def _table_shape(self, name):
        """The indexes of table ``name`` (name, definition, constraint and its
        type, if any) and the single-column ON DELETE CASCADE foreign keys to it
        (table, column, constraint, definition); None if the table cannot be
        swapped for a copy: other constraints, foreign keys or triggers,
        dependent views, inheritance."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT EXISTS (SELECT FROM pg_depend d
                                   WHERE d.refobjid = %(t)s::regclass
                                     AND d.classid = 'pg_rewrite'::regclass)
                       OR EXISTS (SELECT FROM pg_trigger
                                   WHERE tgrelid = %(t)s::regclass AND NOT tgisinternal)
                       OR EXISTS (SELECT FROM pg_inherits
                                   WHERE %(t)s::regclass IN (inhrelid, inhparent))
                       OR EXISTS (SELECT FROM pg_constraint
                                   WHERE conrelid = %(t)s::regclass
                                     AND contype NOT IN ('p', 'u', 'c'))
                       OR EXISTS (SELECT FROM pg_constraint
                                   WHERE confrelid = %(t)s::regclass
                                     AND (confdeltype <> 'c' OR cardinality(conkey) <> 1))""",
                t=name,
            )
        )
        if cr.fetchone()[0]:
            return None
        cr.execute(
            SQL(
                """SELECT c.relname, pg_get_indexdef(i.indexrelid), con.conname, con.contype
                     FROM pg_index i
                     JOIN pg_class c ON c.oid = i.indexrelid
                     LEFT JOIN pg_constraint con
                            ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    WHERE i.indrelid = %s::regclass
                    ORDER BY c.relname""",
                name,
            )
        )
        indexes = cr.fetchall()
        cr.execute(
            SQL(
                """SELECT r.relname, a.attname, con.conname, pg_get_constraintdef(con.oid)
                     FROM pg_constraint con
                     JOIN pg_class r ON r.oid = con.conrelid
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
                    WHERE con.confrelid = %s::regclass AND con.contype = 'f'
                    ORDER BY con.conname""",
                name,
            )
        )
        return indexes, cr.fetchall()

    @api.model
    def _sql_insert(self, code, select, table=None):
        """INSERT the lines of list ``code`` that ``select`` gives (into ``table``,
        by default the lines' table)."""
        return SQL(
            "INSERT INTO %s (%s) %s %s",
            SQL.identifier(table or self.env["clienteling.advisor.recommendation"]._table),
            COLUMNS,
            select,
            SQL("ON CONFLICT DO NOTHING") if code in LIVE_LISTS else SQL(),
        )

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
        sources = self._sql_sources(company, now)
        for name, select in sources.items():
            cr.execute(
                SQL(
                    "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS %s",
                    SQL.identifier(name),
                    select,
                )
            )
        cr.execute(SQL("ANALYZE %s", SQL(", ").join(map(SQL.identifier, sources))))

    @api.model
    def _sql_sources(self, company, now, partner_ids=None):
        """The SELECTs of the builders' sources, by name; with ``partner_ids``, only
        what the lines of these customers need (their associates and stores)."""
        today = SQL("((%s::timestamp AT TIME ZONE 'UTC') AT TIME ZONE s.tz)::date", now)
        emp_filter = store_filter = cust_filter = SQL()
        if partner_ids:
            lines = SQL.identifier(self.env["clienteling.advisor.recommendation"]._table)
            emp_filter = SQL(
                "AND e.id IN (SELECT employee_id FROM %s WHERE partner_id IN %s)",
                lines,
                partner_ids,
            )
            store_filter = SQL(
                """AND (s.id IN (SELECT store_id FROM %(lines)s WHERE partner_id IN %(ids)s)
                        OR s.id IN (SELECT clienteling_store_id FROM res_partner
                                     WHERE id IN %(ids)s))""",
                lines=lines,
                ids=partner_ids,
            )
            cust_filter = SQL("AND p.id IN %s", partner_ids)
        return {
            "clienteling_advisor_emp": SQL(
                """SELECT e.id, e.user_id, e.clienteling_store_id AS store_id, s.tz,
                          %(today)s AS today
                     FROM hr_employee e
                     JOIN clienteling_store s ON s.id = e.clienteling_store_id
                    WHERE e.active AND s.active AND e.user_id IS NOT NULL
                      AND e.company_id = %(company)s AND s.company_id = %(company)s %(filter)s""",
                company=company,
                today=today,
                filter=emp_filter,
            ),
            "clienteling_advisor_store": SQL(
                """SELECT s.id, s.tz, %(today)s AS today
                     FROM clienteling_store s
                    WHERE s.active AND s.company_id = %(company)s %(filter)s""",
                company=company,
                today=today,
                filter=store_filter,
            ),
            "clienteling_advisor_cust": SQL(
                """SELECT p.id, p.clienteling_store_id AS book_store_id,
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
                          = %(company)s %(filter)s""",
                company=company,
                filter=cust_filter,
            ),
        }

    # Live updates: a purchase or a contact re-evaluates the lines of its customers.

    @api.model
    def _reevaluated_lists(self, codes):
        """The lists, among ``codes``, whose lines a purchase or a contact re-evaluates:
        those built from the customers' dates (their builders read only the sources
        of ``_sql_sources``). Another addon's list leaves it out if not."""
        return [code for code in codes if code not in LIVE_LISTS and self._builder(code)]

    @api.model
    def _refresh_partners(self, partners):
        """Re-evaluate, in this transaction, the Advisor lines of ``partners`` whose
        last purchase or contact date just changed (trusted callers, after their
        access checks): a line whose list's condition no longer holds goes, the
        others get the new dates; no line is added (that waits for the next
        refresh). Each line is judged as of its list's refresh, like the rest of
        its list. A few indexed statements per call, whatever the number of
        customers; skipped for a company whose refresh is running (it rebuilds
        the lines anyway), and while a refresh rebuilds the whole table. The
        lines kept keep their ids."""
        if not partners:
            return
        cr = self.env.cr
        Line = self.env["clienteling.advisor.recommendation"]
        table = SQL.identifier(Line._table)
        self.env.flush_all()
        if not Line._check_lines_current(nowait=True):
            _logger.info("Advisor: lines table being rebuilt, live update skipped")
            return
        partner_ids = tuple(partners.ids)
        cr.execute(
            SQL(
                """SELECT company_id, max(refreshed_at), array_agg(DISTINCT category),
                          pg_try_advisory_xact_lock_shared(%s, company_id)
                     FROM %s WHERE partner_id IN %s AND category NOT IN %s
                    GROUP BY company_id""",
                LIVE_LOCK,
                table,
                partner_ids,
                LIVE_LISTS,
            )
        )
        for company_id, refreshed_at, codes, unlocked in cr.fetchall():
            codes = self._reevaluated_lists(codes)
            if not unlocked:
                _logger.info(
                    "Advisor of company %s: refresh running, live update skipped", company_id
                )
                continue
            if not codes:
                continue
            company = self.env["res.company"].browse(company_id)
            cr.execute(self._sql_reevaluate(company, refreshed_at, partner_ids, codes))
        Line.invalidate_model()

    @api.model
    def _sql_reevaluate(self, company, now, partner_ids, codes):
        """One statement: the lines of lists ``codes`` about ``partner_ids`` that
        their builders, as of ``now``, still give (same list, associate or store,
        important date) get the new figures in place; the others are deleted."""
        table = SQL.identifier(self.env["clienteling.advisor.recommendation"]._table)
        sources = self._sql_sources(company.id, now, partner_ids=partner_ids)
        same_line = SQL(
            """f.partner_id = l.partner_id AND f.category = l.category AND f.scope = l.scope
               AND f.employee_id IS NOT DISTINCT FROM l.employee_id
               AND (l.scope = 'company' OR f.store_id IS NOT DISTINCT FROM l.store_id)
               AND f.important_date_id IS NOT DISTINCT FROM l.important_date_id"""
        )
        mine = SQL(
            "l.partner_id IN %s AND l.company_id = %s AND l.category IN %s",
            partner_ids,
            company.id,
            tuple(codes),
        )
        return SQL(
            """
            WITH %(sources)s,
            -- the empty first branch types the builders' NULLs as the lines' columns
            fresh AS MATERIALIZED (
                SELECT %(columns)s FROM %(table)s WHERE false UNION ALL %(builders)s),
            gone AS (
                DELETE FROM %(table)s l
                 WHERE %(mine)s AND NOT EXISTS (SELECT 1 FROM fresh f WHERE %(same_line)s))
            UPDATE %(table)s l
               SET store_id = f.store_id,
                   days_since_purchase = f.days_since_purchase,
                   days_since_contact = f.days_since_contact,
                   last_purchase_date = f.last_purchase_date,
                   last_contact_date = f.last_contact_date,
                   important_date = f.important_date,
                   days_until = f.days_until,
                   days_since_creation = f.days_since_creation,
                   sort_key = f.sort_key
              FROM fresh f
             WHERE %(mine)s AND %(same_line)s
            """,
            # materialized: small, and planned apart (half the planning time)
            sources=SQL(", ").join(
                SQL("%s AS MATERIALIZED (%s)", SQL.identifier(name), select)
                for name, select in sources.items()
            ),
            table=table,
            columns=COLUMNS,
            builders=SQL(" UNION ALL ").join(
                SQL("(%s)", self._builder(code)(company, now)) for code in codes
            ),
            mine=mine,
            same_line=same_line,
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

    # One builder per list.

    @api.model
    def _sql_keep_in_touch(self, company, now):
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
            company=company.id,
            now=now,
            purchase_days=purchase_days,
            contact_days=contact_days,
            lcd_local=_local_date(SQL("m.lcd"), SQL("m.tz")),
            members=self._sql_members(company.clienteling_advisor_keep_in_touch_list, now),
        )

    @api.model
    def _sql_important_date(self, company, now):
        days = company.clienteling_advisor_important_date_days
        return SQL(
            """
            SELECT %(company)s, i.scope, 'important_date', i.employee_id, i.store_id, i.id, NULL,
                   i.today - i.lpd, i.today - %(lcd_local)s, i.lpd, i.lcd,
                   i.date_id, i.occurrence, i.kind, i.occurrence - i.today, NULL,
                   i.occurrence - i.today, i.today, %(now)s
              FROM (SELECT m.*, d.id AS date_id, d.kind, %(occurrence)s AS occurrence
                      FROM (%(members)s) m
                      JOIN (
                          -- Only the dates that come within the window of some store's
                          -- day (the earliest one's next occurrence is before the end
                          -- of the latest window): joined to the customers, then
                          -- judged by their store's day.
                          SELECT d.id, d.partner_id, d.kind, d.month, d.day
                            FROM clienteling_important_date d,
                                 (SELECT LEAST((SELECT min(today) FROM clienteling_advisor_emp),
                                               (SELECT min(today) FROM clienteling_advisor_store),
                                               %(now)s::timestamp::date) AS first_day,
                                         GREATEST((SELECT max(today) FROM clienteling_advisor_emp),
                                                  (SELECT max(today) FROM clienteling_advisor_store),
                                                  %(now)s::timestamp::date) AS last_day) b
                           WHERE %(first_occurrence)s <= b.last_day + %(days)s
                      ) d ON d.partner_id = m.id) i
             WHERE i.occurrence <= i.today + %(days)s
            """,
            company=company.id,
            now=now,
            days=days,
            occurrence=_next_occurrence(SQL("m.today")),
            first_occurrence=_next_occurrence(SQL("b.first_day")),
            lcd_local=_local_date(SQL("i.lcd"), SQL("i.tz")),
            members=self._sql_members(company.clienteling_advisor_important_date_list, now),
        )

    @api.model
    def _sql_add_to_client_book(self, company, now):
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
            company=company.id,
            now=now,
            same_store=same_store,
            contact_local=_local_date(SQL("ac.last_contact_date"), SQL("e.tz")),
        )

    @api.model
    def _sql_new_customer(self, company, now):
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
            company=company.id,
            now=now,
            days=days,
            lcd_local=_local_date(SQL("n.lcd"), SQL("n.tz")),
            created_local=_local_date(SQL("c.create_date"), SQL("e.tz")),
        )

    @api.model
    def _sql_pending_customer(self, company, now):
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
            company=company.id,
            now=now,
            created_local=_local_date(SQL("en.create_date"), SQL("st.tz")),
        )

    # Pending entries appear and disappear at once, not at the next refresh.

    @api.model
    def _sync_pending_entries(self, entries):
        """Add a line for each pending entry of ``entries``, remove the others'
        (all of them when the Pending Customers list is archived)."""
        self.env.flush_all()
        cr = self.env.cr
        self.env["clienteling.advisor.recommendation"]._check_lines_current()
        table = SQL.identifier(self.env["clienteling.advisor.recommendation"]._table)
        listed = (
            self.env["clienteling.advisor.category"]
            .sudo()
            .search_count([("code", "=", "pending_customer")])
        )
        reviewed = entries.filtered(lambda e: e.state != "pending" or not listed)
        if reviewed:
            cr.execute(SQL("DELETE FROM %s WHERE entry_id IN %s", table, tuple(reviewed.ids)))
        pending = entries - reviewed
        now = fields.Datetime.now()
        for company in pending.company_id:
            company_entries = pending.filtered_domain([("company_id", "=", company.id)])
            cr.execute(
                SQL(
                    "%s %s",
                    SQL(
                        """
                        WITH clienteling_advisor_store AS (
                            SELECT s.id, s.tz,
                                   ((%(now)s::timestamp AT TIME ZONE 'UTC') AT TIME ZONE s.tz)::date
                                   AS today
                              FROM clienteling_store s
                             WHERE s.active AND s.company_id = %(company)s)
                        """,
                        now=now,
                        company=company.id,
                    ),
                    self._sql_insert(
                        "pending_customer",
                        SQL(
                            "%s AND en.id IN %s",
                            self._sql_pending_customer(company, now),
                            tuple(company_entries.ids),
                        ),
                    ),
                )
            )
        self.env["clienteling.advisor.recommendation"].invalidate_model()
