from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, create_index

from ..tools.customer_entry import name_words
from ..tools.dates import DateError, check_month_day, next_occurrence
from ..tools.phone import PhoneNumberError, to_e164

CONTACT_CHANNELS = [
    ("sms", "SMS"),
    ("email", "Email"),
    ("phone", "Phone Call"),
    ("visit", "Store Visit"),
]
CONTACT_DIRECTIONS = [("inbound", "From the Customer"), ("outbound", "To the Customer")]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "mail.thread.phone"]

    # Indexed: inbound messages find their customer by this E.164 number.
    phone_sanitized = fields.Char(index="btree_not_null")
    # Indexed: inbound emails and customer entries find their customer by it.
    email_normalized = fields.Char(index="btree_not_null")
    clienteling_associate_id = fields.Many2one(
        "hr.employee",
        string="Client Book Owner",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The associate whose client book this customer is in.",
    )
    clienteling_store_id = fields.Many2one(
        "clienteling.store",
        string="Store Book",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The store whose store book this customer is in. Its country reads "
        "the customer's numbers when the customer has no country.",
    )
    clienteling_last_purchase_date = fields.Date(string="Last Purchase", readonly=True)
    clienteling_purchase_count = fields.Integer(string="Purchases", readonly=True)
    clienteling_purchase_total = fields.Float(
        string="Lifetime Spend", digits=(16, 2), readonly=True
    )
    # The currency the spend is in (the company's): shown with it on the screens.
    clienteling_currency_id = fields.Many2one(
        "res.currency", compute="_compute_clienteling_currency_id", string="Spend Currency"
    )
    clienteling_last_contact_date = fields.Datetime(
        string="Last Contact", readonly=True, index="btree_not_null"
    )
    clienteling_important_date_ids = fields.One2many(
        "clienteling.important.date", "partner_id", string="Important Dates"
    )
    clienteling_sale_credit_ids = fields.One2many(
        "clienteling.sale.credit",
        "partner_id",
        string="Purchases in Stores and Online",
        readonly=True,
    )
    clienteling_consent_ids = fields.One2many(
        "clienteling.consent", "partner_id", string="Consent History", readonly=True
    )
    clienteling_contact_ids = fields.One2many(
        "clienteling.associate.contact", "partner_id", string="Contacts by Associate", readonly=True
    )
    clienteling_next_important_date_id = fields.Many2one(
        "clienteling.important.date",
        string="Next Important Date",
        compute="_compute_clienteling_next_important_date",
    )
    clienteling_next_important_date = fields.Date(
        string="Next Important Day", compute="_compute_clienteling_next_important_date"
    )
    clienteling_current_consent_ids = fields.Many2many(
        "clienteling.consent",
        string="Consent by Store",
        compute="_compute_clienteling_current_consent",
        help="The current consent of each store and channel (the newest row of the ledger).",
    )
    clienteling_consent_summary = fields.Char(
        string="Consent", compute="_compute_clienteling_current_consent"
    )
    clienteling_in_my_client_book = fields.Boolean(
        compute="_compute_clienteling_in_my_books", search="_search_clienteling_in_my_client_book"
    )
    clienteling_in_my_store_book = fields.Boolean(
        compute="_compute_clienteling_in_my_books", search="_search_clienteling_in_my_store_book"
    )

    def init(self):
        res = super().init()
        if self.env.registry.has_trigram:
            # Pending customers are matched to customers by every word of their name
            # (ilike): a trigram index keeps that fast on a large customer base.
            create_index(
                self.env.cr,
                "res_partner_clienteling_name_trgm_idx",
                self._table,
                ["name gin_trgm_ops"],
                method="gin",
            )
        return res

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_clienteling_currency_id(self):
        for partner in self:
            partner.clienteling_currency_id = (
                partner.company_id.currency_id or self.env.company.currency_id
            )

    @api.depends(
        "clienteling_important_date_ids.month",
        "clienteling_important_date_ids.day",
    )
    @api.depends_context("tz")
    def _compute_clienteling_next_important_date(self):
        today = fields.Date.context_today(self)
        nothing = self.env["clienteling.important.date"]
        for partner in self:
            upcoming = []
            for important in partner.clienteling_important_date_ids:
                try:
                    check_month_day(important.month, important.day)
                except DateError:
                    continue
                day = next_occurrence(important.month, important.day, today)
                upcoming.append((day, important.id, important))
            first = min(upcoming, default=(False, 0, nothing))
            partner.clienteling_next_important_date = first[0]
            partner.clienteling_next_important_date_id = first[2]

    @api.depends("clienteling_consent_ids")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_clienteling_current_consent(self):
        # The rows this user may read (record rules), newest first: the first row of
        # each customer, store and channel is its current consent.
        rows = self.env["clienteling.consent"].search([("partner_id", "in", self._origin.ids)])
        current = {}
        for row in rows:
            current.setdefault(row.partner_id.id, {}).setdefault((row.store_id, row.channel), row)
        channels = dict(rows._fields["channel"]._description_selection(self.env))
        states = dict(rows._fields["state"]._description_selection(self.env))
        for partner in self:
            latest = sorted(
                current.get(partner._origin.id, {}).items(),
                key=lambda item: (item[0][0].sudo().name or "", item[0][1]),
            )
            partner.clienteling_current_consent_ids = rows.browse([row.id for _key, row in latest])
            partner.clienteling_consent_summary = ", ".join(
                self.env._(
                    "%(store)s: %(channel)s %(state)s",
                    store=store.sudo().name,
                    channel=channels[channel],
                    state=states[row.state],
                )
                for (store, channel), row in latest
            )

    def _compute_clienteling_in_my_books(self):
        employees = self.env.user.employee_ids
        stores = self.env.user.clienteling_store_ids
        for partner in self:
            partner.clienteling_in_my_client_book = partner.clienteling_associate_id in employees
            partner.clienteling_in_my_store_book = partner.clienteling_store_id in stores

    def _search_clienteling_in_my_client_book(self, operator, value):
        return self._clienteling_book_domain(
            "clienteling_associate_id", self.env.user.employee_ids, operator, value
        )

    def _search_clienteling_in_my_store_book(self, operator, value):
        return self._clienteling_book_domain(
            "clienteling_store_id", self.env.user.clienteling_store_ids, operator, value
        )

    def _clienteling_book_domain(self, fname, records, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "Unsupported search: %(operator)s %(value)s", operator=operator, value=value
                )
            )
        inside = (operator == "=") == value
        return [(fname, "in" if inside else "not in", records.ids)]

    # Phone numbers: the store's country reads the numbers of customers without one.

    def _phone_get_country(self):
        countries = super()._phone_get_country()
        for partner in self:
            if partner.id not in countries and partner.clienteling_store_id.country_id:
                countries[partner.id] = partner.clienteling_store_id.country_id
        return countries

    def _phone_get_sanitize_triggers(self):
        return [*super()._phone_get_sanitize_triggers(), "clienteling_store_id"]

    @api.model
    def _clienteling_search_by_phone(self, number, country=None):
        """Customers whose sanitized number is ``number`` (any format), read with
        ``country`` (a res.country) as default region. Uses the indexed column."""
        try:
            e164 = to_e164(number, country.code if country else None)
        except PhoneNumberError:
            return self.browse()
        return self.search([("phone_sanitized", "=", e164)])

    @api.model
    def _clienteling_duplicate_domain(self, email=None, mobile=None, name=None):
        """Customers with the same email or number (E.164), or whose name has every
        word of ``name`` (in any order, any case); None when nothing is given."""
        branches = []
        if email:
            branches.append([("email_normalized", "=", email.lower())])
        if mobile:
            branches.append([("phone_sanitized", "=", mobile)])
        words = name_words(name or "")
        if words:
            branches.append(expression.AND([[("name", "ilike", word)] for word in words]))
        return expression.OR(branches) if branches else None

    @api.model
    def _clienteling_phone_error_message(self, error):
        """Why a number was refused (a :class:`PhoneNumberError`), for the user."""
        params = error.params
        if error.code == "empty":
            return self.env._("The phone number is empty.")
        if error.code == "not_a_number":
            reasons = {
                "unknown_country_code": self.env._("unknown country code"),
                "not_a_number": self.env._("not a number"),
                "too_short": self.env._("too short"),
                "too_long": self.env._("too long"),
            }
            return self.env._(
                '"%(number)s" is not a phone number (%(reason)s).',
                number=params["number"],
                reason=reasons.get(params["reason"]) or self.env._("unreadable"),
            )
        if error.code == "wrong_country":
            return self.env._(
                '"%(number)s" is a number of %(actual)s, not of %(expected)s.',
                number=params["number"],
                actual=params["actual"],
                expected=params["expected"],
            )
        if params.get("region"):
            return self.env._(
                '"%(number)s" is not a valid phone number in %(region)s.',
                number=params["number"],
                region=params["region"],
            )
        return self.env._('"%(number)s" is not a valid phone number.', number=params["number"])

    # Creation from the Clienteling app puts the customer in the creator's books.

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            self.env.context.get("clienteling_assign_books")
            and self.env.company.clienteling_auto_assign_books
        ):
            employee = self.env.user.employee_id
            if employee.clienteling_store_id:
                if "clienteling_associate_id" in fields_list:
                    values.setdefault("clienteling_associate_id", employee.id)
                if "clienteling_store_id" in fields_list:
                    values.setdefault("clienteling_store_id", employee.clienteling_store_id.id)
        return values

    # Store boundary: associates and store managers put customers only in their
    # stores' books (the record rules check the customers they change).

    @api.model_create_multi
    def create(self, vals_list):
        self._clienteling_check_book_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._clienteling_check_book_values([vals])
        return super().write(vals)

    @api.model
    def _clienteling_check_book_values(self, vals_list):
        """Refuse to put customers in the store book or client book of a store the
        user does not work in (Clienteling administrators: of a company they are not
        working in). Users without a Clienteling group are not concerned."""

        def ids(fname):
            values = (vals.get(fname) for vals in vals_list)
            return {
                value.id if isinstance(value, models.BaseModel) else value
                for value in values
                if value
            }

        store_ids = ids("clienteling_store_id")
        employee_ids = ids("clienteling_associate_id")
        user = self.env.user
        if (
            not (store_ids or employee_ids)
            or self.env.su
            or not user.has_group("clienteling.group_clienteling_associate")
        ):
            return
        stores = self.env["clienteling.store"].sudo().browse(store_ids)
        employees = self.env["hr.employee"].sudo().browse(employee_ids)
        if user.has_group("clienteling.group_clienteling_manager"):
            companies = self.env.companies
            stores = stores.filtered(lambda s: s.company_id not in companies)
            employees = employees.filtered(lambda e: e.company_id not in companies)
        else:
            mine = user.clienteling_store_ids
            stores -= mine
            employees = employees.filtered(
                lambda e: e.clienteling_store_id not in mine and e not in user.employee_ids
            )
        if stores or employees:
            raise AccessError(
                self.env._(
                    "You can only put customers in the books of your own stores, not in "
                    "those of %s.",
                    ", ".join(stores.mapped("name") + employees.mapped("name")),
                )
            )

    # Public API for integrations (POS, e-commerce, SMS and email gateways).

    def _clienteling_register_purchase(self, date, amount=0.0, store=None):
        """Record a purchase of these customers: last purchase date, count, spend.

        Cheap and safe under concurrency (one UPDATE, increments done by
        PostgreSQL): callable from webhooks and POS bridges. A customer with no
        store book joins ``store``'s. ``amount`` is in the company currency;
        a negative amount (a refund) lowers the spend without counting a purchase
        nor moving the last purchase date.
        A purchase is a fact, not an edit of the customer: readable customers are
        enough (joining a store book is an ordinary write, checked by the rules).
        """
        if not self:
            return
        try:
            day = fields.Date.to_date(date)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Invalid purchase date: %s", date)) from error
        if not day:
            raise UserError(self.env._("A purchase needs a date."))
        try:
            amount = float(amount or 0.0)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Invalid purchase amount: %s", amount)) from error
        self.check_access("read")
        if store:
            self.filtered(lambda p: not p.clienteling_store_id).write(
                {"clienteling_store_id": store.id}
            )
        fnames = [
            "clienteling_last_purchase_date",
            "clienteling_purchase_count",
            "clienteling_purchase_total",
        ]
        self.flush_recordset(fnames)
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET clienteling_last_purchase_date = CASE WHEN %(count)s = 1
                           THEN GREATEST(clienteling_last_purchase_date, %(day)s)
                           ELSE clienteling_last_purchase_date END,
                       clienteling_purchase_count = COALESCE(clienteling_purchase_count, 0) + %(count)s,
                       clienteling_purchase_total = COALESCE(clienteling_purchase_total, 0) + %(amount)s
                 WHERE id IN %(ids)s
                """,
                day=day,
                count=1 if amount >= 0 else 0,
                amount=amount,
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset(fnames)

    def _clienteling_register_contact(self, channel, direction, when=None, employee=None):
        """Record that these customers and ``employee`` (hr.employee, optional)
        talked on ``channel`` in ``direction`` at ``when`` (default: now).

        Updates each customer's last contact date and, with an employee, the
        per-associate contact row (who last talked to whom, when, how). One
        UPDATE and one upsert: cheap, idempotent in its effect on dates, and
        safe when two webhooks run at once. A contact is a fact, not an edit of the
        customer: it is recorded on any customer the user can read (e.g. a customer
        of another store's book who wrote to the user's store).
        """
        if not self:
            return
        if channel not in dict(CONTACT_CHANNELS):
            raise UserError(self.env._("Unknown contact channel: %s", channel))
        if direction not in dict(CONTACT_DIRECTIONS):
            raise UserError(self.env._("Unknown contact direction: %s", direction))
        try:
            moment = fields.Datetime.to_datetime(when) if when else fields.Datetime.now()
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Invalid contact date: %s", when)) from error
        self.check_access("read")
        self.flush_recordset(["clienteling_last_contact_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET clienteling_last_contact_date = GREATEST(clienteling_last_contact_date, %(moment)s)
                 WHERE id IN %(ids)s
                """,
                moment=moment,
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset(["clienteling_last_contact_date"])
        if employee:
            self.env["clienteling.associate.contact"]._upsert(
                self, employee, channel, direction, moment
            )

    # Consent.

    def _clienteling_consent_state(self, channel, store, address=None):
        """Current consent state ('pending', 'opted_in', 'opted_out') of this
        customer for ``channel`` with ``store``, or False when none was recorded.
        ``address`` (a number or email) narrows it to one address."""
        self.ensure_one()
        return self.env["clienteling.consent"]._current_state(self, channel, store, address)

    def _clienteling_record_consent(
        self,
        channel,
        state,
        store,
        source,
        wording=None,
        address=None,
        employee=None,
        reference=None,
    ):
        """Append a consent row (the ledger is never rewritten) and return it.

        ``address`` defaults to the customer's sanitized number (SMS) or email.
        An SMS opt-out also puts the number on Odoo's phone blacklist.
        """
        self.ensure_one()
        return self.env["clienteling.consent"].create(
            {
                "partner_id": self.id,
                "channel": channel,
                "state": state,
                "store_id": store.id,
                "source": source,
                "wording": wording,
                "address": address,
                "employee_id": employee.id if employee else False,
                "reference": reference,
            }
        )
