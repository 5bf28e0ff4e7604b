from datetime import date, datetime, timedelta

from odoo.tools import SQL

from odoo.addons.clienteling.tests.common import ClientelingCase

# 10 March 2027, 15:00 UTC: 10:00 in New York, 16:00 in Paris.
NOW = datetime(2027, 3, 10, 15, 0)
TODAY = date(2027, 3, 10)


class AdvisorCase(ClientelingCase):
    """The clienteling test stores (New York: Ann, Sam; Paris: Bea) and a refresh
    at a fixed moment, so that every expected list is known exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Recommendation = cls.env["clienteling.advisor.recommendation"]
        cls.company.write(
            {
                "clienteling_advisor_lapsed_purchase_days": 90,
                "clienteling_advisor_lapsed_contact_days": 60,
                "clienteling_advisor_keep_in_touch_list": "client",
                "clienteling_advisor_add_to_book_list": "store",
                "clienteling_advisor_new_customer_days": 10,
                "clienteling_advisor_important_date_days": 60,
                "clienteling_advisor_important_date_list": "client",
            }
        )

    def setUp(self):
        super().setUp()
        self.mine = self.customer_a | self.customer_b

    def customer(self, name, store=None, owner=None, **values):
        store = store or self.store_a
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "clienteling_store_id": store.id,
                "clienteling_associate_id": owner.id if owner else False,
                **values,
            }
        )
        self.mine |= partner
        return partner

    def purchased(self, partner, days_ago):
        partner.write({"clienteling_last_purchase_date": TODAY - timedelta(days=days_ago)})

    def contacted(self, partner, when, employee=None):
        partner._clienteling_register_contact("sms", "outbound", when, employee)

    def created(self, partner, when, user):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET create_date = %s, create_uid = %s WHERE id = %s",
                when,
                user.id,
                partner.id,
            )
        )
        partner.invalidate_recordset(["create_date", "create_uid"])

    def refresh(self, now=NOW, company=None):
        return self.Recommendation._refresh_company(company or self.company, now=now)

    def lines(self, user, category):
        return self.Recommendation.with_user(user).search(
            [("for_me", "=", True), ("category", "=", category)]
        )

    def names(self, user, category):
        """Names in ``user``'s list, in its order: this test's customers only (the
        demo customers are in the company's lists too)."""
        return [
            line.partner_id.name or line.entry_id.name
            for line in self.lines(user, category)
            if line.entry_id or line.partner_id in self.mine
        ]
