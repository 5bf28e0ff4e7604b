from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestPartnerScreens(ClientelingCase):
    """The screens associates live in: the customer form and the client book card."""

    def _arch(self, user, view_type, view_id=None):
        Partner = self.env["res.partner"].with_user(user)
        views = Partner.get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_clienteling_tab_first_and_focused_for_associates(self):
        arch = self._arch(self.user_associate_a, "form")
        pages = arch.xpath("//notebook/page")
        self.assertEqual(pages[0].get("name"), "clienteling")
        self.assertEqual(pages[0].get("autofocus"), "autofocus")
        focused = [page.get("name") for page in pages if page.get("autofocus")]
        self.assertEqual(focused, ["clienteling"])
        for fname in (
            "clienteling_last_contact_date",
            "clienteling_current_consent_ids",
            "clienteling_next_important_date_id",
            "clienteling_associate_id",
            "clienteling_purchase_count",
            "clienteling_purchase_total",
        ):
            self.assertTrue(pages[0].xpath(f".//field[@name='{fname}']"), fname)

    def test_other_users_keep_the_contacts_tab_first(self):
        user = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "accountant_screens",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        pages = self._arch(user, "form").xpath("//notebook/page")
        self.assertNotIn("clienteling", [page.get("name") for page in pages])
        self.assertEqual(pages[0].get("name"), "contact_addresses")

    def test_client_book_card(self):
        action = self.env.ref("clienteling.res_partner_action_client_book")
        kanban = action.view_ids.filtered(lambda v: v.view_mode == "kanban").view_id
        self.assertEqual(kanban, self.env.ref("clienteling.res_partner_view_kanban_clienteling"))
        arch = self._arch(self.user_associate_a, "kanban", kanban.id)
        card = arch.xpath("//t[@t-name='card']")[0]
        for fname in (
            "clienteling_last_contact_date",
            "clienteling_consent_summary",
            "clienteling_next_important_date_id",
        ):
            self.assertTrue(card.xpath(f".//field[@name='{fname}']"), fname)
        for fname in ("country_id", "email"):
            self.assertFalse(card.xpath(f".//field[@name='{fname}']"), fname)

    def _dates(self, partner):
        Date = self.env["clienteling.important.date"]
        birthday = Date.create({"partner_id": partner.id, "kind": "birthday", "month": 1, "day": 5})
        anniversary = Date.create(
            {"partner_id": partner.id, "kind": "anniversary", "month": 12, "day": 28}
        )
        return birthday, anniversary

    def test_next_important_date_across_the_new_year(self):
        birthday, anniversary = self._dates(self.customer_a)
        with freeze_time("2026-12-20"):
            self.customer_a.invalidate_recordset()
            self.assertEqual(self.customer_a.clienteling_next_important_date_id, anniversary)
            self.assertEqual(self.customer_a.clienteling_next_important_date, date(2026, 12, 28))
        with freeze_time("2026-12-29"):
            self.customer_a.invalidate_recordset()
            self.assertEqual(self.customer_a.clienteling_next_important_date_id, birthday)
            self.assertEqual(self.customer_a.clienteling_next_important_date, date(2027, 1, 5))
        with freeze_time("2027-01-05"):  # today counts
            self.customer_a.invalidate_recordset()
            self.assertEqual(self.customer_a.clienteling_next_important_date, date(2027, 1, 5))
        self.assertFalse(self.customer_b.clienteling_next_important_date_id)
        self.assertFalse(self.customer_b.clienteling_next_important_date)

    def test_consent_by_store_is_the_newest_row_of_each_store(self):
        customer = self.customer_a
        customer._clienteling_record_consent("sms", "pending", self.store_a, "associate")
        customer._clienteling_record_consent("sms", "opted_in", self.store_a, "keyword")
        customer._clienteling_record_consent("sms", "opted_out", self.store_b, "keyword")
        customer.invalidate_recordset()
        current = customer.clienteling_current_consent_ids
        self.assertEqual(len(current), 2)
        self.assertEqual(
            sorted(current.mapped("state")), ["opted_in", "opted_out"], current.mapped("state")
        )
        summary = customer.clienteling_consent_summary
        self.assertIn(f"{self.store_a.name}: SMS Opted In", summary)
        self.assertIn(f"{self.store_b.name}: SMS Opted Out", summary)
        self.assertNotIn("Pending", summary)
        self.assertEqual(
            summary, f"{self.store_a.name}: SMS Opted In, {self.store_b.name}: SMS Opted Out"
        )
        # An associate sees their own stores' consent only (record rules).
        mine = customer.with_user(self.user_associate_a)
        self.assertEqual(mine.clienteling_consent_summary, f"{self.store_a.name}: SMS Opted In")
        self.assertEqual(mine.clienteling_current_consent_ids.store_id, self.store_a)
