import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import SQL, sql

# Imported from here by earlier callers.
from .clienteling_advisor_refresh import REFRESH_LOCK  # noqa: F401 pylint: disable=unused-import

_logger = logging.getLogger(__name__)

SCOPES = [
    ("associate", "Associate"),
    ("store", "Store"),
    ("company", "Company"),
]


class ClientelingAdvisorRecommendation(models.Model):
    """One line of an Advisor list: a customer (or a pending entry) an associate
    should look at, and why. Rebuilt by ``clienteling.advisor.refresh``; never
    edited by hand.

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
    # A cache rebuilt every night: its table is created by ``init`` from the fields
    # but without the foreign keys Odoo would add, whose checks would cost 60% of a
    # refresh. Deleting a customer, an associate, a store, an entry or an important
    # date deletes its lines (``unlink`` overrides, and the autovacuum for deletions
    # that go round them).
    _auto = False

    # No index of its own: a refresh deletes most of a company's lines at once.
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    scope = fields.Selection(SCOPES, required=True, readonly=True)
    category = fields.Selection(
        selection=lambda self: self.env["clienteling.advisor.category"]._code_selection(),
        required=True,
        readonly=True,
    )
    # Partial: the store and company lines (most lines with store books) have none.
    employee_id = fields.Many2one(
        "hr.employee",
        string="Associate",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
    )
    store_id = fields.Many2one("clienteling.store", index=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, readonly=True, ondelete="cascade"
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
        columns = [
            field
            for field in sorted(self._fields.values(), key=lambda f: f.column_order)
            if field.store and field.column_type and field.name != "id"
        ]
        if not sql.table_exists(cr, self._table):
            # As Odoo's ``_auto_init`` creates a table, foreign keys aside.
            sql.create_model_table(
                cr,
                self._table,
                self._description,
                [
                    (
                        field.name,
                        field.column_type[1] + (" NOT NULL" if field.required else ""),
                        field.string,
                    )
                    for field in columns
                ],
            )
        existing = sql.table_columns(cr, self._table)
        for field in columns:
            if field.name not in existing:  # a field added since, here or by another addon
                sql.create_column(cr, self._table, field.name, field.column_type[1], field.string)
            if field.type == "many2one":
                # Databases installed by the first versions have Odoo's foreign keys.
                cr.execute(
                    SQL(
                        "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s",
                        SQL.identifier(self._table),
                        SQL.identifier(f"{self._table}_{field.name}_fkey"),
                    )
                )
            if field.index:
                self._drop_index_unless_partial(f"{self._table}_{field.name}_idx", field)
                sql.create_index(
                    cr,
                    f"{self._table}_{field.name}_idx",
                    self._table,
                    [field.name],
                    where=f"{field.name} IS NOT NULL" if field.index == "btree_not_null" else "",
                )
        # Company-wide lines: with the employee and store indexes, "my lines" is a
        # bitmap OR of three small index scans instead of a scan of the table, and a
        # company-wide list's first page is read in order. No index on all lines by
        # list and order: each index costs a refresh an entry per line (a third of
        # its time at 5,000,000 customers); an associate's or a store's lines are
        # few enough to sort.
        sql.drop_index(cr, f"{self._table}_company_scope_idx", self._table)
        sql.drop_index(cr, f"{self._table}_list_idx", self._table)
        sql.create_index(
            cr,
            f"{self._table}_company_list_idx",
            self._table,
            ["company_id", "category", "sort_key"],
            where="scope = 'company'",
        )
        # Partial: a refresh does not write an index entry per line without entry.
        sql.drop_index(cr, f"{self._table}_entry_uniq", self._table)
        cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (entry_id) WHERE entry_id IS NOT NULL",
                SQL.identifier(f"{self._table}_entry_key"),
                SQL.identifier(self._table),
            )
        )
        return res

    def _drop_index_unless_partial(self, name, field):
        """Drop index ``name`` of ``field`` if it is a full index but the field asks
        for a partial one (created full by earlier versions)."""
        if field.index != "btree_not_null":
            return
        self.env.cr.execute(SQL("SELECT indexdef FROM pg_indexes WHERE indexname = %s", name))
        row = self.env.cr.fetchone()
        if row and " WHERE " not in row[0]:
            sql.drop_index(self.env.cr, name, self._table)

    @api.model
    def _check_lines_current(self, mode="ROW EXCLUSIVE", nowait=False):
        """Lock the lines' table in ``mode`` before reading or writing lines in a
        transaction that writes lines: wait for a refresh that rebuilds the whole
        table (``clienteling.advisor.refresh._rebuild_table``; with ``nowait``,
        return False at once instead), then, if one committed since this
        transaction began, have the transaction retried (serialization failure):
        the new table's lines are invisible to it, its writes would be lost.

        First thing, before reading lines: a transaction that read the table
        holds a lock until its end which the rebuild's swap waits for."""
        cr = self.env.cr
        lock = SQL(
            "LOCK TABLE %s IN %s MODE %s",
            SQL.identifier(self._table),
            SQL(mode),
            SQL("NOWAIT") if nowait else SQL(),
        )
        if nowait:
            try:
                with cr.savepoint(flush=False):
                    cr.execute(lock)
            except LockNotAvailable:
                return False
        else:
            cr.execute(lock)
        cr.execute(
            SQL(
                """DO $$ BEGIN
                     IF NOT EXISTS (SELECT FROM pg_class WHERE oid = %s::regclass) THEN
                       RAISE EXCEPTION 'Advisor lines rebuilt by a concurrent refresh'
                             USING ERRCODE = 'serialization_failure';
                     END IF;
                   END $$""",
                self._table,
            )
        )
        return True

    def unlink(self):
        if self:
            self._check_lines_current()
        return super().unlink()

    @api.model
    def _forget(self, fname, records):
        """Delete the lines of ``records`` (deleted customers, associates...)."""
        if records:
            self._check_lines_current()
            self.env.cr.execute(
                SQL(
                    "DELETE FROM %s WHERE %s IN %s",
                    SQL.identifier(self._table),
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
        self.sudo()._check_lines_current()
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
        self.env["clienteling.advisor.action"]._record(self, employee, "added")
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
        self.env["clienteling.advisor.action"]._record(
            lines, employee, "snoozed" if days else "dismissed"
        )

    # Refresh: ``clienteling.advisor.refresh`` rebuilds the lines. Its entry points
    # stay here too: the Refresh button, the scheduled action (kept as it is in
    # existing databases) and callers of earlier versions.

    def action_refresh(self):
        """The Refresh button (no record needed): queue a refresh of the current
        company's lists by the scheduled action, which runs one at a time, instead of
        rebuilding the whole company inside the associate's request. Purchases and
        contacts update the lines at once anyway."""
        if not self.env.user.has_group("clienteling.group_clienteling_associate"):
            raise UserError(self.env._("Only Clienteling users can refresh the Advisor."))
        self.env["clienteling.advisor.refresh"].sudo()._request_refresh(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("The Advisor will be refreshed in a moment."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_refresh(self, now=None):
        return self.env["clienteling.advisor.refresh"]._cron_refresh(now=now)

    @api.model
    def _companies_to_refresh(self, now):
        return self.env["clienteling.advisor.refresh"]._companies_to_refresh(now)

    @api.model
    def _refresh_company(self, company, now=None):
        return self.env["clienteling.advisor.refresh"]._refresh_company(company, now=now)

    @api.autovacuum
    def _gc_lines_of_deleted_records(self):
        """Delete the lines whose customer, associate, store, entry, important date
        or company no longer exists: the table has no foreign keys, and a database
        cascade or a direct SQL delete goes round the ``unlink`` overrides."""
        cr = self.env.cr
        self._check_lines_current()
        deleted = 0
        for field in self._fields.values():
            if field.type != "many2one" or not field.store:
                continue
            cr.execute(
                SQL(
                    """DELETE FROM %(lines)s l
                        WHERE l.%(column)s IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM %(target)s t WHERE t.id = l.%(column)s)""",
                    lines=SQL.identifier(self._table),
                    column=SQL.identifier(field.name),
                    target=SQL.identifier(self.env[field.comodel_name]._table),
                )
            )
            deleted += cr.rowcount
        if deleted:
            _logger.info("Advisor: %s lines of deleted records removed", deleted)
            self.invalidate_model()

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
