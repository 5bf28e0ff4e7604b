from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ClientelingCase


@tagged("post_install", "-at_install", "clienteling")
class TestImportantDate(ClientelingCase):
    def _date(self, month, day, **vals):
        return self.env["clienteling.important.date"].create(
            {
                "partner_id": self.customer_a.id,
                "kind": "anniversary",
                "month": month,
                "day": day,
                **vals,
            }
        )

    @freeze_time("2026-06-15")
    def test_next_date_this_year_today_or_next_year(self):
        self.assertEqual(self._date(7, 1).next_date, date(2026, 7, 1))
        self.assertEqual(self._date(6, 15).next_date, date(2026, 6, 15))
        self.assertEqual(self._date(6, 14).next_date, date(2027, 6, 14))

    @freeze_time("2027-01-10")
    def test_29_february_in_a_common_year_falls_on_the_28th(self):
        birthday = self._date(2, 29, kind="birthday", year=1992)
        self.assertEqual(birthday.next_date, date(2027, 2, 28))

    @freeze_time("2027-03-01")
    def test_29_february_after_february_waits_for_the_leap_year(self):
        self.assertEqual(self._date(2, 29).next_date, date(2028, 2, 29))

    def test_cron_moves_passed_dates_across_the_new_year(self):
        with freeze_time("2026-12-30"):
            new_year_eve = self._date(12, 31)
            new_year = self._date(1, 1)
            self.assertEqual(new_year_eve.next_date, date(2026, 12, 31))
            self.assertEqual(new_year.next_date, date(2027, 1, 1))
        with freeze_time("2027-01-01"):
            moved = self.env["clienteling.important.date"]._cron_update_next_date()
            self.assertGreaterEqual(moved, 1)
            self.assertEqual(new_year_eve.next_date, date(2027, 12, 31))
            self.assertEqual(new_year.next_date, date(2027, 1, 1))
            self.assertEqual(self.env["clienteling.important.date"]._cron_update_next_date(), 0)

    def test_editing_the_day_recomputes(self):
        with freeze_time("2026-06-15"):
            record = self._date(7, 1)
            record.write({"month": 5, "day": 2})
            self.assertEqual(record.next_date, date(2027, 5, 2))

    def test_impossible_dates_refused(self):
        bad = [
            ({"month": 2, "day": 30}, "between 1 and 29"),
            ({"month": 4, "day": 31}, "between 1 and 30"),
            ({"month": 2, "day": 29, "year": 1991}, "between 1 and 28"),
            ({"month": 1, "day": 1, "year": 1492}, "Year must be"),
        ]
        for vals, message in bad:
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, message):
                self._date(**vals)
        with self.assertRaisesRegex(ValidationError, "label is required"):
            self._date(3, 3, kind="other", label="  ")
        other = self._date(3, 3, kind="other", label="First visit")
        self.assertIn("First visit", other.display_name)

    def test_one_birthday_per_customer(self):
        self._date(3, 4, kind="birthday")
        with self.assertRaisesRegex(ValidationError, "already has a birthday"):
            self._date(5, 6, kind="birthday")
        self._date(5, 6, kind="anniversary")
        self.customer_a.invalidate_recordset()
        self.assertEqual(len(self.customer_a.clienteling_important_date_ids), 2)

    @freeze_time("2026-03-01")
    def test_dates_shown_in_the_user_language(self):
        birthday = self._date(3, 28, kind="birthday", year=1975)
        self.assertEqual(birthday.with_context(lang="en_US").display_name, "Birthday · March 28")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertIn("28 mars", birthday.with_context(lang="fr_FR").display_name)
        Dates = self.env["clienteling.important.date"]
        self.assertEqual(Dates.with_context(lang="en_US")._day_month_text(28, 3), "03/28")
        self.assertEqual(
            Dates.with_context(lang="en_US")._day_month_text(28, 3, 1975), "03/28/1975"
        )
        self.assertEqual(Dates.with_context(lang="fr_FR")._day_month_text(28, 3), "28/03")

    def test_year_and_spend_shown_as_a_year_and_an_amount(self):
        arch = self.env["res.partner"].get_view(self.env.ref("base.view_partner_form").id)["arch"]
        self.assertIn("""<field name="year" options="{'enable_formatting': false}\"""", arch)
        self.assertEqual(self.customer_a.clienteling_currency_id, self.env.company.currency_id)
