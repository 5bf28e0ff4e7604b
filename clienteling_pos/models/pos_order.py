import logging

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PAID_STATES = ("paid", "done", "invoiced")


class PosOrder(models.Model):
    _inherit = "pos.order"

    def action_pos_order_paid(self):
        res = super().action_pos_order_paid()
        self._clienteling_credit_sales()
        return res

    def _clienteling_credit_sales(self):
        """Credit these paid orders (once each, whatever retries happen) and
        register the purchases. Never loses a sale at the till for clienteling's
        sake: on an error the order stays paid, uncredited (logged); the history
        backfill credits it later."""
        try:
            with self.env.cr.savepoint():
                self._clienteling_credit_orders()
        except (UserError, ValidationError, AccessError):
            _logger.exception("Could not credit the POS orders %s", self.ids)

    def _clienteling_credit_orders(self):
        # A payment is a fact the cashier may not be able to write on customers or
        # credits: written as such, after the POS did its checks.
        Credit = self.env["clienteling.sale.credit"].sudo()
        for order in self.sudo():
            if not order.partner_id or order.state not in PAID_STATES:
                continue
            values = order._clienteling_credit_values()
            if Credit._insert_credits(
                SQL(
                    """
                    SELECT %(key)s AS key, %(name)s AS name, %(res_model)s AS res_model,
                           %(res_id)s AS res_id, %(partner_id)s AS partner_id,
                           %(employee_id)s::int AS employee_id, %(store_id)s::int AS store_id,
                           %(company_id)s AS company_id, %(amount)s::numeric AS amount,
                           %(date)s::timestamp AS date, %(source)s AS source,
                           %(kind)s AS kind, NULL::int AS reversed_credit_id
                    """,
                    **values,
                )
            ):
                order.partner_id._clienteling_register_purchase(
                    values["date"],
                    values["amount"],
                    store=Credit.env["clienteling.store"].browse(values["store_id"]),
                )

    def _clienteling_seller(self):
        """The associate who rang up this order: its cashier (pos_hr) when an
        associate of the order's company, else the associate of the order's user."""
        self.ensure_one()
        cashier = self.employee_id
        if cashier.active and cashier.clienteling_role and cashier.company_id == self.company_id:
            return cashier
        if not self.user_id:
            return self.env["hr.employee"]
        return self.env["hr.employee"].search(
            [
                ("user_id", "=", self.user_id.id),
                ("company_id", "=", self.company_id.id),
                ("clienteling_role", "!=", False),
            ],
            order="id",
            limit=1,
        )

    def _clienteling_credit_values(self):
        """The credit of this paid order, as ``_clienteling_credit_select`` computes
        it for many (the backfill): the same rules, without planning a large query
        for the one order the till just paid."""
        self.ensure_one()
        company = self.company_id
        amount = company.currency_id.round(
            (self.amount_total - self.amount_tax) / (self.currency_rate or 1.0)
        )
        seller = self._clienteling_seller()
        employee = seller
        if amount < 0:
            refunded = self.lines.refunded_orderline_id.order_id[:1]
            employee = (refunded and refunded._clienteling_seller()) or seller
        config_store = self.config_id.clienteling_store_id
        if config_store.company_id != company:
            config_store = config_store.browse()
        store = config_store or seller.clienteling_store_id or self.partner_id.clienteling_store_id
        return {
            "key": f"{self._name},{self.id}",
            "name": self.name,
            "res_model": self._name,
            "res_id": self.id,
            "partner_id": self.partner_id.id,
            "employee_id": employee.id or None,
            "store_id": store.id or None,
            "company_id": company.id,
            "amount": amount,
            "date": self.date_order,
            "source": "pos",
            "kind": "return" if amount < 0 else "sale",
        }

    @api.model
    def _clienteling_seller_join(self, order_alias, alias):
        """SQL: LATERAL join ``alias`` = the associate who rang up ``order_alias``:
        its cashier (pos_hr) when an associate of the order's company, else the
        associate of the order's user."""
        return SQL(
            """
            LEFT JOIN LATERAL (
                SELECT e.id, e.clienteling_store_id
                  FROM hr_employee e
                 WHERE e.id IN (%(order)s.employee_id, (
                            SELECT u.id FROM hr_employee u
                             WHERE u.user_id = %(order)s.user_id
                               AND u.company_id = %(order)s.company_id
                               AND u.clienteling_role IS NOT NULL AND u.active
                             ORDER BY u.id LIMIT 1))
                   AND e.company_id = %(order)s.company_id
                   AND e.clienteling_role IS NOT NULL AND e.active
                 ORDER BY e.id = %(order)s.employee_id DESC
                 LIMIT 1
            ) AS %(alias)s ON TRUE
            """,
            order=SQL.identifier(order_alias),
            alias=SQL.identifier(alias),
        )

    @api.model
    def _clienteling_credit_select(self, where):
        """SQL: the credits (``CREDIT_COLUMNS``) of the paid orders ``po`` with a
        customer matching ``where``, one per order (key ``pos.order,<id>``).

        A sale is credited to the associate who rang it up; a refund (negative
        amount) to the associate credited with the refunded order, else the one who
        refunded, so that sales by associate are net of returns. Store: the point
        of sale's store, else the associate's, else the customer's store book.
        Amount: untaxed, in the company currency at the order's rate. Date: the
        order's (an offline order synced later counts on the day it was made)."""
        return SQL(
            """
            SELECT %(model)s || ',' || po.id AS key,
                   po.name, %(model)s AS res_model, po.id AS res_id, po.partner_id,
                   CASE WHEN amounts.amount < 0
                        THEN COALESCE(refunded_seller.id, seller.id)
                        ELSE seller.id
                   END AS employee_id,
                   COALESCE(config_store.id, seller.clienteling_store_id,
                            p.clienteling_store_id) AS store_id,
                   po.company_id,
                   amounts.amount,
                   po.date_order AS date,
                   'pos' AS source,
                   CASE WHEN amounts.amount < 0 THEN 'return' ELSE 'sale' END AS kind,
                   NULL::int AS reversed_credit_id
              FROM pos_order po
              JOIN res_partner p ON p.id = po.partner_id
              JOIN res_company co ON co.id = po.company_id
              JOIN res_currency cur ON cur.id = co.currency_id
              JOIN pos_session ps ON ps.id = po.session_id
              JOIN pos_config pc ON pc.id = ps.config_id
              LEFT JOIN clienteling_store config_store
                     ON config_store.id = pc.clienteling_store_id
                    AND config_store.company_id = po.company_id
              CROSS JOIN LATERAL (
                    SELECT ROUND(((po.amount_total - po.amount_tax)
                                  / COALESCE(NULLIF(po.currency_rate, 0), 1))::numeric,
                                 cur.decimal_places) AS amount
              ) AS amounts
              %(seller)s
              LEFT JOIN LATERAL (
                    SELECT rl.order_id
                      FROM pos_order_line l
                      JOIN pos_order_line rl ON rl.id = l.refunded_orderline_id
                     WHERE l.order_id = po.id AND amounts.amount < 0
                     LIMIT 1
              ) AS refunded ON TRUE
              LEFT JOIN pos_order ro ON ro.id = refunded.order_id
              %(refunded_seller)s
             WHERE po.state IN %(states)s AND po.partner_id IS NOT NULL AND (%(where)s)
            """,
            model=self._name,
            seller=self._clienteling_seller_join("po", "seller"),
            refunded_seller=self._clienteling_seller_join("ro", "refunded_seller"),
            states=PAID_STATES,
            where=where,
        )

    @api.model
    def _clienteling_backfill_purchases(self):
        """Credit every paid order with a customer not credited yet and add them to
        their customers' last purchase date, count and spend, set-based
        (``clienteling.sale.credit._backfill_credits``: a large history is loaded in
        bulk, the credit table locked meanwhile). Idempotent: a second run finds
        nothing to credit. For Clienteling administrators (their companies) and
        ``odoo shell`` (all). Returns the number of orders credited."""
        Credit = self.env["clienteling.sale.credit"]
        where = Credit._backfill_scope(SQL.identifier("po", "company_id"))
        return Credit.sudo()._backfill_credits(self._clienteling_credit_select(where))
