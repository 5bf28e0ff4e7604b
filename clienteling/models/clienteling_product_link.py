from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools import product_link

LINK_PATH = "/clienteling/p/%s"
# Set by sharing and by the customer's clicks (under sudo), never by a person.
SYSTEM_FIELDS = {"token", "click_count", "first_click_date", "last_click_date"}


class ClientelingProductLink(models.Model):
    """A product an associate shared with a customer: its short public link (a
    signed token) and how often the customer opened it. One link per product,
    customer and associate, used again each time they share it."""

    _name = "clienteling.product.link"
    _description = "Shared Product Link"
    _order = "create_date desc, id desc"
    _rec_name = "product_id"
    _check_company_auto = True

    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade", readonly=True
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Associate",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        check_company=True,
    )
    store_id = fields.Many2one(
        "clienteling.store", index="btree_not_null", ondelete="set null", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda s: s.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index="btree_not_null", ondelete="set null", readonly=True
    )
    res_model = fields.Char(string="Shared In", readonly=True)
    res_id = fields.Many2oneReference(
        string="Shared In Record", model_field="res_model", readonly=True
    )
    token = fields.Char(required=True, readonly=True, copy=False, index=True)
    url = fields.Char(string="Link", compute="_compute_url")
    click_count = fields.Integer(string="Clicks", readonly=True, default=0)
    first_click_date = fields.Datetime(string="First Click", readonly=True)
    last_click_date = fields.Datetime(string="Last Click", readonly=True)
    click_ids = fields.One2many("clienteling.product.link.click", "link_id", string="Click Log")

    _sql_constraints = [("token_uniq", "unique(token)", "A product link's token is unique.")]

    @api.depends("token")
    def _compute_url(self):
        for link in self:
            link.url = link._public_url()

    def _public_url(self, base_url=None):
        """The link the customer gets, on ``base_url`` (the public address of
        this Odoo) or the company's base URL."""
        self.ensure_one()
        base = (base_url or self.get_base_url()).rstrip("/")
        return base + LINK_PATH % self.token

    @api.model
    def _secret(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    @api.model_create_multi
    def create(self, vals_list):
        secret = self._secret()
        for vals in vals_list:
            # always a new signed token, whatever was given
            vals["token"] = product_link.new_token(secret)
            if not self.env.su:
                for field in SYSTEM_FIELDS - {"token"}:
                    vals.pop(field, None)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and SYSTEM_FIELDS & set(vals):
            raise AccessError(
                self.env._("The token and the clicks of a product link cannot be changed.")
            )
        return super().write(vals)

    @api.model
    def _from_token(self, token):
        """The link of ``token`` (superuser), or an empty recordset when the token
        was not signed here (tampered, guessed) or its link is gone: checked
        before the database is searched."""
        if not product_link.is_signed(self._secret(), token):
            return self.sudo().browse()
        link = self.sudo().search([("token", "=", token)], limit=1)
        return link if link.product_id.active else self.sudo().browse()

    @api.model
    def _get_or_create_links(self, products, partner=None, employee=None, store=None, origin=None):
        """The links of ``products`` shared with ``partner`` by ``employee``, one
        per product (in the order of ``products``), created when missing. Without a
        customer, one per product for ``origin`` (the record they are shared in).
        Callers check their right to share first: this runs as it is called."""
        partner = partner or self.env["res.partner"]
        employee = employee or self.env["hr.employee"]
        store = store or employee.clienteling_store_id
        company = store.company_id or employee.company_id or self.env.company
        domain = [
            ("product_id", "in", products.ids),
            ("partner_id", "=", partner.id),
            ("employee_id", "=", employee.id),
            ("company_id", "=", company.id),
        ]
        if not partner and origin:
            domain += [("res_model", "=", origin._name), ("res_id", "=", origin.id)]
        existing = {}
        for link in self.search(domain, order="id"):
            existing.setdefault(link.product_id.id, link)
        missing = [product for product in products if product.id not in existing]
        created = self.create(
            [
                {
                    "product_id": product.id,
                    "partner_id": partner.id,
                    "employee_id": employee.id,
                    "store_id": store.id,
                    "company_id": company.id,
                    "res_model": origin._name if origin else False,
                    "res_id": origin.id if origin else False,
                }
                for product in missing
            ]
        )
        existing.update(zip([product.id for product in missing], created, strict=True))
        return self.browse([existing[product.id].id for product in products])

    def _register_click(self):
        """Count one click of the customer on this link: one click row, and the
        link's counter and dates, in one statement (two clicks at once both count)."""
        self.ensure_one()
        self.flush_recordset()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH link AS (
                    UPDATE clienteling_product_link
                       SET click_count = click_count + 1,
                           first_click_date = COALESCE(first_click_date, %(now)s),
                           last_click_date = %(now)s
                     WHERE id = %(id)s
                 RETURNING id, employee_id, store_id, company_id)
                INSERT INTO clienteling_product_link_click
                       (link_id, employee_id, store_id, company_id, clicked_at,
                        create_uid, create_date, write_uid, write_date)
                SELECT id, employee_id, store_id, company_id, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM link
                """,
                now=now,
                id=self.id,
                uid=self.env.uid,
            )
        )
        self.invalidate_recordset(["click_count", "first_click_date", "last_click_date"])
        self.env["clienteling.product.link.click"].invalidate_model()

    def _customer_price(self):
        """``(price, currency)`` of the product for the customer: their pricelist's,
        else the product's sales price in the company's currency."""
        self.ensure_one()
        company = self.company_id
        product = self.product_id.with_company(company)
        partner = self.partner_id.with_company(company)
        pricelist = partner.property_product_pricelist if partner else None
        if pricelist:
            return pricelist._get_product_price(product, 1.0), pricelist.currency_id
        currency = company.currency_id
        price = product.currency_id._convert(
            product.lst_price, currency, company, fields.Date.context_today(self)
        )
        return price, currency
