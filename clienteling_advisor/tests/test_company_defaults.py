from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.clienteling.tests.test_res_company import insert_company_unaware_of

from ..models.res_company import ADVISOR_SETTINGS


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestCompanyDefaults(TransactionCase):
    def _defaults(self):
        Company = self.env["res.company"]
        return {fname: Company._fields[fname].default(Company) for fname in ADVISOR_SETTINGS}

    def test_company_inserted_without_the_advisor_columns(self):
        """A company created by code unaware of the Advisor settings (Odoo's own
        at_install tests on a database with our addons) is created, with the
        settings' defaults, and the Advisor can use it."""
        company = insert_company_unaware_of(
            self.env, "clienteling_advisor_", "Inserted Advisor Company"
        )
        self.assertEqual(company.read(ADVISOR_SETTINGS)[0], {"id": company.id, **self._defaults()})
        self.assertEqual(company.clienteling_advisor_keep_in_touch_list, "client")
        company.write({"clienteling_advisor_new_customer_days": 5})
        self.assertEqual(company.clienteling_advisor_lapsed_purchase_days, 90)

    def test_rows_left_empty_get_the_default(self):
        company = self.env["res.company"].create({"name": "Empty Settings Company"})
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET clienteling_advisor_lapsed_purchase_days = NULL,"
                " clienteling_advisor_important_date_days = NULL WHERE id = %s",
                company.id,
            )
        )
        self.env["res.company"].init()
        company.invalidate_recordset()
        self.assertEqual(company.clienteling_advisor_lapsed_purchase_days, 90)
        self.assertEqual(company.clienteling_advisor_important_date_days, 60)
