from odoo import api, models
from odoo.tools import SQL

DEFAULT_LINK_DAYS = 14


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        res = super()._action_confirm()
        self._clienteling_credit_sales()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        # the user could cancel the orders: their credits are facts, written as such
        self.env["clienteling.sale.credit"].sudo()._active_sale_credits(
            self._name, self.ids
        )._cancel_credits()
        return res

    def _clienteling_credit_sales(self):
        """Credit these confirmed orders (once each) and register the purchases."""
        if not self:
            return
        credits = (
            self.env["clienteling.sale.credit"]
            .sudo()
            ._insert_credits(self._clienteling_credit_select(SQL("so.id IN %s", tuple(self.ids))))
        )
        credits._register_purchases()

    @api.model
    def _clienteling_online_condition(self):
        """SQL: the order ``so`` was placed online. With eCommerce, a website order;
        without it, an order with no salesperson."""
        if "website_id" in self._fields:
            return SQL("so.website_id IS NOT NULL")
        return SQL("so.user_id IS NULL")

    @api.model
    def _clienteling_credit_select(self, where):
        """SQL: the credits (``CREDIT_COLUMNS``) of the confirmed orders ``so``
        matching ``where`` that have no credit standing.

        Associate: for an online order, the one whose product link or storefront
        (``clienteling.storefront.open``) the customer last opened in the company's
        attribution window before ordering (source ``link``, store: the link's or
        storefront's); else the salesperson when an associate of the order's
        company (source ``online``). Store: the sales team's store, else the
        customer's store book, else the salesperson's store. Amount: untaxed, in the
        company currency at the order's rate."""
        return SQL(
            """
            SELECT %(model)s || ',' || so.id || ',' || (
                       SELECT COUNT(*) + 1 FROM clienteling_sale_credit c
                        WHERE c.res_model = %(model)s AND c.res_id = so.id AND c.kind = 'sale'
                   ) AS key,
                   so.name, %(model)s AS res_model, so.id AS res_id, so.partner_id,
                   COALESCE(click.employee_id, seller.id) AS employee_id,
                   CASE WHEN click.employee_id IS NOT NULL
                        THEN COALESCE(click.store_id, team_store.id, p.clienteling_store_id)
                        ELSE COALESCE(team_store.id, p.clienteling_store_id,
                                      seller.clienteling_store_id)
                   END AS store_id,
                   so.company_id,
                   ROUND((so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))::numeric,
                         cur.decimal_places) AS amount,
                   so.date_order AS date,
                   CASE WHEN click.employee_id IS NOT NULL THEN 'link' ELSE 'online' END AS source,
                   'sale' AS kind,
                   NULL::int AS reversed_credit_id
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
              JOIN res_company co ON co.id = so.company_id
              JOIN res_currency cur ON cur.id = co.currency_id
              LEFT JOIN crm_team team ON team.id = so.team_id
              LEFT JOIN clienteling_store team_store
                     ON team_store.id = team.clienteling_store_id
                    AND team_store.company_id = so.company_id
              LEFT JOIN LATERAL (
                    SELECT e.id, e.clienteling_store_id
                      FROM hr_employee e
                     WHERE e.user_id = so.user_id AND e.company_id = so.company_id
                       AND e.clienteling_role IS NOT NULL AND e.active
                     ORDER BY e.id
                     LIMIT 1
              ) AS seller ON TRUE
              LEFT JOIN LATERAL (
                    SELECT latest.employee_id, latest.store_id
                      FROM ((SELECT k.employee_id, k.store_id, k.clicked_at AS opened_at
                               FROM clienteling_product_link_click k
                               JOIN clienteling_product_link l ON l.id = k.link_id
                              WHERE l.partner_id = so.partner_id
                                AND k.company_id = so.company_id
                                AND k.employee_id IS NOT NULL
                                AND k.clicked_at <= so.date_order
                                AND k.clicked_at > %(since)s
                              ORDER BY k.clicked_at DESC, k.id DESC
                              LIMIT 1)
                            UNION ALL
                            (SELECT o.employee_id, o.store_id, o.opened_at
                               FROM (SELECT f.employee_id, f.store_id, f.id,
                                            CASE WHEN f.last_opened_at <= so.date_order
                                                 THEN f.last_opened_at ELSE f.opened_at
                                            END AS opened_at
                                       FROM clienteling_storefront_open f
                                      WHERE f.partner_id = so.partner_id
                                        AND f.company_id = so.company_id
                                        AND f.last_opened_at > %(since)s
                                        AND f.opened_at <= so.date_order) AS o
                              WHERE o.opened_at > %(since)s
                              ORDER BY o.opened_at DESC, o.id DESC
                              LIMIT 1)) AS latest
                     ORDER BY latest.opened_at DESC
                     LIMIT 1
              ) AS click ON %(online)s
             WHERE so.state = 'sale' AND (%(where)s)
               AND NOT EXISTS (
                    SELECT 1 FROM clienteling_sale_credit c
                     WHERE c.res_model = %(model)s AND c.res_id = so.id AND c.kind = 'sale'
                       AND NOT EXISTS (SELECT 1 FROM clienteling_sale_credit x
                                        WHERE x.reversed_credit_id = c.id))
            """,
            model=self._name,
            since=SQL(
                "so.date_order - make_interval(days => "
                "COALESCE(co.clienteling_link_attribution_days, %s))",
                DEFAULT_LINK_DAYS,
            ),
            online=self._clienteling_online_condition(),
            where=where,
        )

    @api.model
    def _clienteling_backfill_purchases(self):
        """Credit every confirmed order not credited yet and add them to their
        customers' last purchase date, count and spend, set-based
        (``clienteling.sale.credit._backfill_credits``: a large history is loaded in
        bulk, the credit table locked meanwhile). Idempotent: a second run finds
        nothing to credit. For Clienteling administrators (their companies) and
        ``odoo shell`` (all). Returns the number of orders credited."""
        Credit = self.env["clienteling.sale.credit"]
        where = Credit._backfill_scope(SQL.identifier("so", "company_id"))
        return Credit.sudo()._backfill_credits(self._clienteling_credit_select(where))
