import logging
import time

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, create_index

_logger = logging.getLogger(__name__)

SALE_CREDIT_SOURCES = [("pos", "Point of Sale"), ("online", "Online"), ("link", "Shared Link")]
SALE_CREDIT_KINDS = [("sale", "Sale"), ("return", "Return"), ("cancel", "Cancellation")]
# the columns a credit SELECT (``_insert_credits``) returns, in order
CREDIT_COLUMNS = (
    "key",
    "name",
    "res_model",
    "res_id",
    "partner_id",
    "employee_id",
    "store_id",
    "company_id",
    "amount",
    "date",
    "source",
    "kind",
    "reversed_credit_id",
)
PURCHASE_FIELDS = (
    "clienteling_last_purchase_date",
    "clienteling_purchase_count",
    "clienteling_purchase_total",
)
# a backfill of at least this many new credits, and at least this share of the
# credits already there, is loaded in bulk (``_backfill_credits``)
BULK_MIN_CREDITS = 50_000
BULK_MIN_SHARE = 0.25
# exclusive bulk load: how long to wait for the tables the credits point to before
# falling back to checking their foreign keys row by row (the default bulk load)
EXCLUSIVE_LOCK_TIMEOUT = "5s"
# memory for the bulk load's sorts, aggregations and index builds (this transaction)
BULK_SETTINGS = {"work_mem": "256MB", "maintenance_work_mem": "512MB"}


class ClientelingSaleCredit(models.Model):
    """A sale (or its return or cancellation) credited to a store and, when one
    made it, an associate. Written by the sales bridges (POS, sale orders) only,
    once per event: ``key`` is unique and inserts skip a key already there, so a
    retried confirmation or a payment synced twice is credited once."""

    _name = "clienteling.sale.credit"
    _description = "Clienteling Sale Credit"
    _order = "date desc, id desc"

    name = fields.Char("Order", required=True, readonly=True)
    key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="The event credited: one credit per key, whatever retries happen.",
    )
    res_model = fields.Char("Order Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Order ID", model_field="res_model", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    employee_id = fields.Many2one(
        "hr.employee", string="Associate", index="btree_not_null", readonly=True
    )
    store_id = fields.Many2one("clienteling.store", index="btree_not_null", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        readonly=True,
        help="In the company currency, without taxes; negative for returns and cancellations.",
    )
    date = fields.Datetime(required=True, readonly=True, index=True)
    source = fields.Selection(SALE_CREDIT_SOURCES, required=True, readonly=True)
    kind = fields.Selection(SALE_CREDIT_KINDS, required=True, readonly=True, default="sale")
    reversed_credit_id = fields.Many2one(
        "clienteling.sale.credit",
        string="Cancels",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
    )
    reversal_ids = fields.One2many(
        "clienteling.sale.credit", "reversed_credit_id", string="Cancellations", readonly=True
    )

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "A sale is credited once."),
    ]

    def init(self):
        res = super().init()
        # an order's credits, looked up at each confirmation and cancellation
        create_index(
            self.env.cr, "clienteling_sale_credit_order_idx", self._table, ["res_id", "res_model"]
        )
        return res

    @api.model
    def _backfill_models(self):
        """The order models whose history ``_backfill_purchases`` loads: each sales
        bridge adds its own, which has ``_clienteling_backfill_purchases()`` (credits
        its confirmed orders not credited yet, set-based and idempotent, and returns
        how many)."""
        return []

    @api.model
    def _backfill_purchases(self):
        """Load the sales history of every installed bridge into the customers'
        purchases (Settings > Clienteling > Sales and ``odoo-bin
        clienteling_backfill``): their orders not credited yet, once, whatever the
        runs. For Clienteling administrators (their companies) and the superuser
        (all). Returns ``{model: number of orders credited}``."""
        if not self.env.su and not self.env.user.has_group("clienteling.group_clienteling_manager"):
            raise AccessError(
                self.env._("Only Clienteling administrators can load the sales history.")
            )
        return {
            model: self.env[model]._clienteling_backfill_purchases()
            for model in self._backfill_models()
        }

    @api.model
    def _backfill_scope(self, company_column):
        """SQL: the condition on ``company_column`` (SQL) of the orders this user may
        load into the history: all for the superuser (``odoo shell``, the command),
        their companies for Clienteling administrators; AccessError for anyone else."""
        if self.env.su:
            return SQL("TRUE")
        if self.env.user.has_group("clienteling.group_clienteling_manager"):
            return SQL("%s IN %s", company_column, tuple(self.env.companies.ids))
        raise AccessError(self.env._("Only Clienteling administrators can load the sales history."))

    @api.model
    def _insert_credits(self, select):
        """Insert the credits ``select`` (SQL returning ``CREDIT_COLUMNS``) returns,
        skipping keys already credited (also by a concurrent transaction).
        Returns the new credits. Callers check access first: this is sudo-free SQL."""
        self.env.flush_all()
        now = fields.Datetime.now()
        uid = self.env.uid
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_sale_credit
                       (%(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (%(select)s) AS credits
                ON CONFLICT (key) DO NOTHING
                RETURNING id
                """,
                columns=SQL(", ").join(SQL.identifier(c) for c in CREDIT_COLUMNS),
                select=select,
                uid=uid,
                now=now,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _active_sale_credits(self, res_model, res_ids):
        """The sale credits of these orders not cancelled since."""
        return self.search(
            [
                ("res_model", "=", res_model),
                ("res_id", "in", list(res_ids)),
                ("kind", "=", "sale"),
                ("reversal_ids", "=", False),
            ]
        )

    def _cancel_credits(self, date=None):
        """Cancel these sale credits (an order cancelled): one negative credit each,
        once. Returns the new cancellations, purchases already lowered."""
        if not self:
            return self
        cancels = self._insert_credits(
            SQL(
                """
                SELECT key || ':cancel' AS key, name, res_model, res_id, partner_id,
                       employee_id, store_id, company_id, -amount AS amount,
                       %(date)s::timestamp AS date, source, 'cancel' AS kind,
                       id AS reversed_credit_id
                  FROM clienteling_sale_credit
                 WHERE id IN %(ids)s AND kind = 'sale'
                """,
                date=date or fields.Datetime.now(),
                ids=tuple(self.ids),
            )
        )
        cancels._register_purchases()
        return cancels

    def _register_purchases(self):
        """Apply these new credits to their customers' purchase figures, one at a
        time (``res.partner._clienteling_register_purchase``): a sale counts a
        purchase, a return lowers the spend, a cancellation undoes its sale."""
        for credit in self:
            partner = credit.partner_id
            if credit.kind == "cancel":
                sale = credit.reversed_credit_id
                partner._clienteling_register_purchase(sale.date, credit.amount)
                self._undo_purchase_count(partner, sale)
            else:
                partner._clienteling_register_purchase(
                    credit.date, credit.amount, store=credit.store_id
                )

    @api.model
    def _undo_purchase_count(self, partner, sale):
        """A cancelled sale is no purchase: one less, and the last purchase date
        goes back to the latest credited sale still standing when it was this one."""
        partner.flush_recordset(list(PURCHASE_FIELDS))
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET clienteling_purchase_count = GREATEST(
                           COALESCE(p.clienteling_purchase_count, 0) - 1, 0),
                       clienteling_last_purchase_date = CASE
                           WHEN p.clienteling_last_purchase_date > %(day)s
                           THEN p.clienteling_last_purchase_date
                           ELSE (SELECT MAX(c.date::date)
                                   FROM clienteling_sale_credit c
                                  WHERE c.partner_id = p.id AND c.kind = 'sale'
                                    AND NOT EXISTS (
                                        SELECT 1 FROM clienteling_sale_credit x
                                         WHERE x.reversed_credit_id = c.id))
                       END
                 WHERE p.id = %(partner)s
                """,
                day=fields.Date.to_date(sale.date),
                partner=partner.id,
            )
        )
        partner.invalidate_recordset(list(PURCHASE_FIELDS))

    def _register_purchases_set_based(self):
        """Apply these new sale credits to their customers' figures in one UPDATE:
        the same figures as ``_register_purchases`` of each."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            self._purchases_update(
                SQL(
                    """SELECT id, partner_id, date, amount, kind, store_id
                         FROM clienteling_sale_credit WHERE id IN %s""",
                    tuple(self.ids),
                )
            )
        )
        self.env["res.partner"].invalidate_model([*PURCHASE_FIELDS, "clienteling_store_id"])

    @api.model
    def _purchases_update(self, rows):
        """SQL: the UPDATE adding the credits ``rows`` (SQL or a CTE name returning
        id, partner_id, date, amount, kind, store_id) to their customers' last
        purchase date, count, spend and, when they have none, store book (the
        store of their first credit with one)."""
        return SQL(
            """
            UPDATE res_partner p
               SET clienteling_last_purchase_date =
                       GREATEST(p.clienteling_last_purchase_date, c.last_day),
                   clienteling_purchase_count =
                       COALESCE(p.clienteling_purchase_count, 0) + c.purchases,
                   clienteling_purchase_total =
                       COALESCE(p.clienteling_purchase_total, 0) + c.total,
                   clienteling_store_id = COALESCE(p.clienteling_store_id, c.store_id)
              FROM (SELECT partner_id,
                           MAX(date::date) FILTER (WHERE kind = 'sale') AS last_day,
                           COUNT(*) FILTER (WHERE kind = 'sale') AS purchases,
                           SUM(amount) AS total,
                           (ARRAY_AGG(store_id ORDER BY date, id)
                                FILTER (WHERE store_id IS NOT NULL))[1] AS store_id
                      FROM (%(rows)s) AS rows
                     GROUP BY partner_id) AS c
             WHERE p.id = c.partner_id
            """,
            rows=rows,
        )

    @api.model
    def _backfill_credits(self, select):
        """Insert the credits ``select`` (SQL returning ``CREDIT_COLUMNS``) returns,
        skipping keys already credited, and add the new ones to their customers'
        figures (``_register_purchases_set_based``'s), set-based: the history
        backfill of the sales bridges. Returns the number of new credits. Callers
        check access first: this is sudo-free SQL.

        The credits are first read into a temporary table. When there are many
        (``BULK_MIN_CREDITS``, and ``BULK_MIN_SHARE`` of the credits already
        there), they are loaded in bulk: the credit table's indexes but its
        primary key are dropped and built again after the insert, and its unique
        key (and foreign key to itself) dropped and added again after it (checked
        in one query instead of row by row), with the same names and definitions.
        This DDL is part of the transaction (undone with it if anything fails), but
        until the transaction ends it locks the credit table, reads included: a
        till paid meanwhile waits for the backfill (40 to 70 s for a million POS
        orders on a small server). The foreign keys to other tables are checked
        row by row: dropping them would lock their tables (users, customers...),
        reads included. With ``clienteling_backfill_exclusive`` in the context,
        for a maintenance window, they are dropped and added again too, about
        three times faster (15 to 20 s for a million orders) but locking until the
        transaction ends the customers, users, companies, employees and stores
        tables, reads included: the whole database waits for the backfill. If one
        of them stays busy (``EXCLUSIVE_LOCK_TIMEOUT``: a long transaction would
        otherwise hold everyone behind the backfill's lock request), the default
        bulk load runs instead."""
        cr = self.env.cr
        self.env.flush_all()
        started = time.perf_counter()
        saved = self._set_bulk_settings(BULK_SETTINGS)
        cr.execute("DROP TABLE IF EXISTS pg_temp.clienteling_backfill_credit")
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE clienteling_backfill_credit ON COMMIT DROP AS
                SELECT %(columns)s
                  FROM (%(select)s) AS credits
                 WHERE NOT EXISTS (SELECT 1 FROM clienteling_sale_credit c
                                    WHERE c.key = credits.key)
                """,
                columns=SQL(", ").join(SQL.identifier(c) for c in CREDIT_COLUMNS),
                select=select,
            )
        )
        count = cr.rowcount
        _logger.info("backfill: %s credits to insert (%.1f s)", count, _since(started))
        if not count:
            cr.execute("DROP TABLE clienteling_backfill_credit")
            self._set_bulk_settings(saved)
            return 0
        cr.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [self._table])
        existing = max(cr.fetchone()[0], 0)  # estimated: -1 before the first ANALYZE
        bulk = count >= BULK_MIN_CREDITS and count >= existing * BULK_MIN_SHARE
        conflict = SQL("ON CONFLICT (key) DO NOTHING")
        if bulk:
            cr.execute(SQL("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", SQL.identifier(self._table)))
            # credited since the temporary table was filled (nothing can be now)
            cr.execute(
                """DELETE FROM clienteling_backfill_credit t
                    USING clienteling_sale_credit c WHERE c.key = t.key"""
            )
            indexes = self._drop_secondary_indexes()
            constraints = None
            if self.env.context.get("clienteling_backfill_exclusive"):
                constraints = self._try_drop_all_constraints()
            if constraints is None:
                constraints = self._drop_constraints()
            # no unique key to check against meanwhile: added back after, it fails
            # (and undoes everything) if the same key came twice
            conflict = SQL()
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                """
                WITH new AS (
                    INSERT INTO clienteling_sale_credit
                           (%(columns)s, create_uid, create_date, write_uid, write_date)
                    SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM clienteling_backfill_credit
                    %(conflict)s
                    RETURNING id, partner_id, date, amount, kind, store_id
                ), updated AS (%(update)s)
                SELECT count(*) FROM new
                """,
                columns=SQL(", ").join(SQL.identifier(c) for c in CREDIT_COLUMNS),
                uid=self.env.uid,
                now=now,
                conflict=conflict,
                update=self._purchases_update(SQL("SELECT * FROM new")),
            )
        )
        inserted = cr.fetchone()[0]
        _logger.info(
            "backfill: %s credits inserted, customers updated (%.1f s)", inserted, _since(started)
        )
        if bulk:
            for definition in indexes:
                cr.execute(definition)
            for name, definition in constraints:
                cr.execute(
                    SQL(
                        "ALTER TABLE %s ADD CONSTRAINT %s %s",
                        SQL.identifier(self._table),
                        SQL.identifier(name),
                        SQL(definition),
                    )
                )
            _logger.info("backfill: indexes and constraints back (%.1f s)", _since(started))
        cr.execute("DROP TABLE clienteling_backfill_credit")
        self._set_bulk_settings(saved)
        self.env["res.partner"].invalidate_model([*PURCHASE_FIELDS, "clienteling_store_id"])
        return inserted

    @api.model
    def _set_bulk_settings(self, settings):
        """Set these PostgreSQL settings for the transaction; returns the former."""
        saved = {}
        for name, value in settings.items():
            self.env.cr.execute(
                "SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value]
            )
            saved[name] = self.env.cr.fetchone()[0]
        return saved

    @api.model
    def _drop_secondary_indexes(self):
        """Drop the credit table's indexes but its constraints' (primary key,
        unique key); returns their definitions, to build them again."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
              FROM pg_index i
             WHERE i.indrelid = %s::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            """,
            [self._table],
        )
        rows = cr.fetchall()
        for name, _definition in rows:
            cr.execute(SQL("DROP INDEX %s", SQL(name)))
        return [SQL(definition) for _name, definition in rows]

    @api.model
    def _try_drop_all_constraints(self):
        """``_drop_constraints(all_foreign_keys=True)``, or None (nothing dropped)
        when a table they point to is not free within ``EXCLUSIVE_LOCK_TIMEOUT``."""
        saved = self._set_bulk_settings({"lock_timeout": EXCLUSIVE_LOCK_TIMEOUT})
        try:
            with self.env.cr.savepoint(flush=False):
                return self._drop_constraints(all_foreign_keys=True)
        except psycopg2.errors.LockNotAvailable:
            _logger.warning(
                "backfill: a table the credits point to is busy, foreign keys checked row by row"
            )
            return None
        finally:
            self._set_bulk_settings(saved)

    @api.model
    def _drop_constraints(self, all_foreign_keys=False):
        """Drop the credit table's unique constraints and its foreign keys to
        itself, or all its foreign keys; returns their names and definitions, to
        add them again (unique ones first). Dropping a foreign key to another
        table locks that table, reads included (customers, users, companies...)."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT conname, pg_get_constraintdef(oid)
              FROM pg_constraint
             WHERE conrelid = %s::regclass
               AND (contype = 'u' OR (contype = 'f' AND (%s OR confrelid = conrelid)))
             ORDER BY contype DESC, conname
            """,
            [self._table, bool(all_foreign_keys)],
        )
        rows = cr.fetchall()
        for name, _definition in rows:
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP CONSTRAINT %s",
                    SQL.identifier(self._table),
                    SQL.identifier(name),
                ),
                # a lock timeout is expected (``_try_drop_all_constraints``)
                log_exceptions=False,
            )
        return rows


def _since(started):
    return time.perf_counter() - started
