from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, create_index

# opens are kept this long after the longest attribution window of the companies
OPEN_RETENTION_MARGIN_DAYS = 30
DEFAULT_ATTRIBUTION_DAYS = 14


class ClientelingStorefrontOpen(models.Model):
    """A known customer opened an associate's storefront: a signed-in portal
    customer opened its page, or a customer sent a request from it. One row per
    customer, associate and day. The sales bridges credit the customer's online
    orders of the next days to that associate (as a shared link), so only what
    that needs is kept: who, whose storefront, when; no address, no browser,
    forgotten after the attribution window."""

    _name = "clienteling.storefront.open"
    _description = "Storefront Opened by a Customer"
    _order = "last_opened_at desc, id desc"
    _rec_name = "partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", readonly=True
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Associate",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    store_id = fields.Many2one("clienteling.store", ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    source = fields.Selection(
        [("visit", "Storefront Page"), ("request", "Storefront Request")],
        required=True,
        readonly=True,
    )
    open_date = fields.Date(required=True, readonly=True)
    opened_at = fields.Datetime(required=True, readonly=True, help="The first time that day.")
    last_opened_at = fields.Datetime(required=True, readonly=True, help="The last time that day.")

    _sql_constraints = [
        (
            "partner_employee_day_uniq",
            "unique(partner_id, employee_id, open_date)",
            "One row per customer, associate and day.",
        ),
    ]

    def init(self):
        res = super().init()
        # the attribution of an order: its customer's latest opens
        create_index(
            self.env.cr,
            "clienteling_storefront_open_attribution_idx",
            self._table,
            ["partner_id", "last_opened_at"],
        )
        return res

    @api.model
    def _record_open(self, employee, partner, source, when=None):
        """``partner`` opened ``employee``'s storefront at ``when`` (now by
        default): a new row for the first time of the day, a later last time
        after. Sudo-free SQL: callers decide the customer is known."""
        when = when or fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_storefront_open
                       (partner_id, employee_id, store_id, company_id, source,
                        open_date, opened_at, last_opened_at)
                VALUES (%(partner)s, %(employee)s, %(store)s, %(company)s, %(source)s,
                        %(day)s, %(when)s, %(when)s)
                ON CONFLICT (partner_id, employee_id, open_date)
                DO UPDATE SET
                    opened_at = LEAST(clienteling_storefront_open.opened_at, EXCLUDED.opened_at),
                    last_opened_at = GREATEST(clienteling_storefront_open.last_opened_at,
                                              EXCLUDED.last_opened_at)
                """,
                partner=partner.id,
                employee=employee.id,
                store=employee.clienteling_store_id.id or None,
                company=employee.company_id.id,
                source=source,
                day=fields.Date.to_date(when),
                when=when,
            )
        )

    @api.autovacuum
    def _gc_opens(self):
        """Forget the opens no order can be credited to any more: older than the
        longest attribution window of the companies, plus a margin."""
        self.env.cr.execute(
            SQL(
                "SELECT MAX(COALESCE(clienteling_link_attribution_days, %s)) FROM res_company",
                DEFAULT_ATTRIBUTION_DAYS,
            )
        )
        days = (self.env.cr.fetchone()[0] or DEFAULT_ATTRIBUTION_DAYS) + OPEN_RETENTION_MARGIN_DAYS
        self.env.cr.execute(
            SQL(
                "DELETE FROM clienteling_storefront_open WHERE last_opened_at < %s",
                fields.Datetime.now() - timedelta(days=days),
            )
        )
