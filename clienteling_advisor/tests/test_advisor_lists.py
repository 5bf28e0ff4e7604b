from datetime import date, datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import NOW, TODAY, AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestKeepInTouch(AdvisorCase):
    def test_boundary_days_and_order(self):
        ann = self.employee_a
        exactly_90 = self.customer("Exactly 90", owner=ann)
        self.purchased(exactly_90, 90)
        only_89 = self.customer("Only 89", owner=ann)
        self.purchased(only_89, 89)
        contact_60 = self.customer("Contact 60", owner=ann)
        # 60 days before 10 March is 9 January: 23:30 in New York is 10 January 04:30 UTC.
        self.contacted(contact_60, datetime(2027, 1, 10, 4, 30))
        contact_59 = self.customer("Contact 59", owner=ann)
        self.contacted(contact_59, datetime(2027, 1, 10, 5, 30))  # 10 January 00:30 local
        long_gone = self.customer("Long Gone", owner=ann)
        self.purchased(long_gone, 400)
        self.customer("No History", owner=ann)
        self.refresh()
        names = self.names(self.user_associate_a, "keep_in_touch")
        # Most lapsed first; the two exactly at their threshold tie.
        self.assertEqual(names[0], "Long Gone")
        self.assertEqual(sorted(names[1:]), ["Contact 60", "Exactly 90"])
        line = self.lines(self.user_associate_a, "keep_in_touch").filtered(
            lambda r: r.partner_id == exactly_90
        )
        self.assertEqual((line.days_since_purchase, line.days_since_contact), (90, 0))
        self.assertEqual(line.last_purchase_date, date(2026, 12, 10))
        self.assertEqual(line.reference_date, TODAY)
        contact_line = self.lines(self.user_associate_a, "keep_in_touch").filtered(
            lambda r: r.partner_id == contact_60
        )
        self.assertEqual(contact_line.days_since_contact, 60)
        self.assertFalse(contact_line.days_since_purchase)

    def test_each_customer_list(self):
        ann, sam, bea = self.user_associate_a, self.user_store_manager_a, self.user_associate_b
        anns = self.customer("Ann's Client", owner=self.employee_a)
        sams = self.customer("Sam's Client", owner=self.employee_manager_a)
        store_only = self.customer("Store Book Only")
        paris = self.customer("Paris Client", store=self.store_b, owner=self.employee_b)
        for partner in anns | sams | store_only | paris:
            self.purchased(partner, 120)
        self.refresh()
        self.assertEqual(self.names(ann, "keep_in_touch"), ["Ann's Client"])
        self.assertEqual(self.names(sam, "keep_in_touch"), ["Sam's Client"])
        self.assertEqual(self.names(bea, "keep_in_touch"), ["Paris Client"])

        self.company.clienteling_advisor_keep_in_touch_list = "store"
        self.refresh()
        new_york = ["Ann's Client", "Sam's Client", "Store Book Only"]
        self.assertEqual(sorted(self.names(ann, "keep_in_touch")), new_york)
        self.assertEqual(sorted(self.names(sam, "keep_in_touch")), new_york)
        self.assertEqual(self.names(bea, "keep_in_touch"), ["Paris Client"])

        no_book = self.customer("No Store Book")
        no_book.write({"clienteling_store_id": False, "company_id": self.company.id})
        self.purchased(no_book, 120)
        self.company.clienteling_advisor_keep_in_touch_list = "all"
        self.refresh()
        # All customers each associate may see: their store's and those of no store book.
        for user in (ann, sam):
            self.assertEqual(
                sorted(self.names(user, "keep_in_touch")), sorted([*new_york, "No Store Book"])
            )
        self.assertEqual(
            sorted(self.names(bea, "keep_in_touch")), ["No Store Book", "Paris Client"]
        )
        # Stored once for the company, not once per associate.
        self.assertEqual(
            self.Recommendation.search_count(
                [("category", "=", "keep_in_touch"), ("partner_id", "=", anns.id)]
            ),
            1,
        )

    def test_archived_customers_and_associates_are_left_out(self):
        gone = self.customer("Archived Customer", owner=self.employee_a)
        self.purchased(gone, 200)
        gone.active = False
        self.refresh()
        self.assertEqual(self.names(self.user_associate_a, "keep_in_touch"), [])
        kept = self.customer("Active Customer", owner=self.employee_a)
        self.purchased(kept, 200)
        self.employee_a.active = False
        self.refresh()
        self.assertFalse(self.Recommendation.search([("employee_id", "=", self.employee_a.id)]))

    def test_settings_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "between 1 and 3650"):
            self.company.clienteling_advisor_lapsed_purchase_days = 0
        with self.assertRaisesRegex(ValidationError, "between 1 and 3650"):
            self.company.clienteling_advisor_important_date_days = 5000


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAddToClientBook(AdvisorCase):
    def test_only_customers_in_nobodys_client_book(self):
        ann = self.employee_a
        unassigned = self.customer("Unassigned")
        self.contacted(unassigned, NOW - timedelta(days=3), ann)
        recent = self.customer("Recent")
        self.contacted(recent, NOW - timedelta(hours=2), ann)
        sams = self.customer("Sam's", owner=self.employee_manager_a)
        self.contacted(sams, NOW - timedelta(days=1), ann)
        mine = self.customer("Already Mine", owner=ann)
        self.contacted(mine, NOW - timedelta(days=1), ann)
        former = self.env["hr.employee"].create(
            {"name": "Former Associate", "clienteling_store_id": self.store_a.id}
        )
        orphan = self.customer("Of a Former Associate", owner=former)
        self.contacted(orphan, NOW - timedelta(days=5), ann)
        former.active = False
        not_talked = self.customer("Never Talked To")
        self.contacted(not_talked, NOW - timedelta(days=1), self.employee_manager_a)
        paris = self.customer("Paris Book", store=self.store_b)
        self.contacted(paris, NOW - timedelta(days=2), ann)
        self.refresh()
        self.assertEqual(
            self.names(self.user_associate_a, "add_to_client_book"),
            ["Recent", "Unassigned", "Of a Former Associate"],
        )
        line = self.lines(self.user_associate_a, "add_to_client_book")[1]
        self.assertEqual(line.days_since_contact, 3)
        self.assertEqual(
            self.names(self.user_store_manager_a, "add_to_client_book"), ["Never Talked To"]
        )

        no_book = self.customer("No Store Book")
        no_book.clienteling_store_id = False
        self.contacted(no_book, NOW - timedelta(days=4), ann)
        self.company.clienteling_advisor_add_to_book_list = "all"
        self.refresh()
        # Customers of another store's book are that store's to add: never suggested.
        self.assertEqual(
            self.names(self.user_associate_a, "add_to_client_book"),
            ["Recent", "Unassigned", "No Store Book", "Of a Former Associate"],
        )

    def test_add_to_my_client_book(self):
        walk_in = self.customer("Walk In", store=None)
        walk_in.clienteling_store_id = False
        self.contacted(walk_in, NOW - timedelta(days=1), self.employee_a)
        self.company.clienteling_advisor_add_to_book_list = "all"
        self.refresh()
        line = self.lines(self.user_associate_a, "add_to_client_book").filtered(
            lambda r: r.partner_id == walk_in
        )
        line.action_add_to_my_client_book()
        self.assertEqual(walk_in.clienteling_associate_id, self.employee_a)
        self.assertEqual(walk_in.clienteling_store_id, self.store_a)
        self.assertEqual(self.names(self.user_associate_a, "add_to_client_book"), [])


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestNewCustomers(AdvisorCase):
    def test_created_in_the_last_days(self):
        ann_user = self.user_associate_a
        # New York local days: 10 March is day 0, 1 March is day 9, 28 February day 10.
        for name, when in (
            ("Today", datetime(2027, 3, 10, 14, 0)),
            ("Day 9", datetime(2027, 3, 1, 5, 0)),  # 1 March 00:00 local
            ("Day 10", datetime(2027, 3, 1, 4, 59)),  # 28 February 23:59 local
            ("Yesterday", datetime(2027, 3, 9, 18, 0)),
        ):
            self.created(self.customer(name), when, ann_user)
        self.created(self.customer("By Bea", store=self.store_b), NOW, self.user_associate_b)
        self.refresh()
        self.assertEqual(self.names(ann_user, "new_customer"), ["Today", "Yesterday", "Day 9"])
        ages = self.lines(ann_user, "new_customer").mapped("days_since_creation")
        self.assertEqual(ages[:1] + ages[-1:], [0, 9])
        self.assertEqual(self.names(self.user_associate_b, "new_customer"), ["By Bea"])


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestPendingCustomers(AdvisorCase):
    def submit(self, name, store):
        entry, errors = self.env["clienteling.customer.entry"]._submit(
            store, {"name": name, "email": f"{name.lower()}@example.com"}, "192.0.2.1"
        )
        self.assertFalse(errors)
        return entry

    def test_pending_entries_show_at_once_and_leave_when_reviewed(self):
        first = self.submit("First", self.store_a)
        second = self.submit("Second", self.store_a)
        self.submit("Parisian", self.store_b)
        self.assertEqual(
            sorted(self.names(self.user_associate_a, "pending_customer")), ["First", "Second"]
        )
        self.assertEqual(
            sorted(self.names(self.user_store_manager_a, "pending_customer")), ["First", "Second"]
        )
        self.assertEqual(self.names(self.user_associate_b, "pending_customer"), ["Parisian"])
        self.refresh()
        self.assertEqual(
            sorted(self.names(self.user_associate_a, "pending_customer")), ["First", "Second"]
        )
        first.with_user(self.user_associate_a).action_approve()
        second.with_user(self.user_associate_a).action_reject()
        self.assertEqual(self.names(self.user_associate_a, "pending_customer"), [])
        self.refresh()
        self.assertEqual(self.names(self.user_associate_a, "pending_customer"), [])
        # The approved customer is a new customer of the approving associate... tomorrow's
        # refresh at the latest; today's manual refresh already shows it.
        self.refresh(now=datetime.now())
        self.assertIn(
            first.partner_id, self.lines(self.user_associate_a, "new_customer").partner_id
        )


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestImportantDates(AdvisorCase):
    def date(self, partner, month, day, kind="birthday", label=False):
        return self.env["clienteling.important.date"].create(
            {"partner_id": partner.id, "kind": kind, "month": month, "day": day, "label": label}
        )

    def test_window_boundary_and_order(self):
        ann = self.employee_a
        self.date(self.customer("Today", owner=ann), 3, 10)
        self.date(self.customer("Day 60", owner=ann), 5, 9)  # 10 March + 60 days
        self.date(self.customer("Day 61", owner=ann), 5, 10)
        self.date(self.customer("Yesterday", owner=ann), 3, 9)  # next year: out
        both = self.customer("Two Dates", owner=ann)
        self.date(both, 4, 1)
        self.date(both, 3, 20, kind="anniversary")
        self.refresh()
        self.assertEqual(
            self.names(self.user_associate_a, "important_date"),
            ["Today", "Two Dates", "Two Dates", "Day 60"],
        )
        lines = self.lines(self.user_associate_a, "important_date")
        self.assertEqual(lines.mapped("days_until"), [0, 10, 22, 60])
        self.assertEqual(lines[1].important_date_kind, "anniversary")
        self.assertEqual(lines[1].important_date, date(2027, 3, 20))

    def test_december_to_january(self):
        ann = self.employee_a
        self.date(self.customer("New Year", owner=ann), 1, 5)
        self.date(self.customer("Passed", owner=ann), 12, 19)
        self.date(self.customer("Christmas", owner=ann), 12, 25)
        self.refresh(now=datetime(2027, 12, 20, 15, 0))
        self.assertEqual(
            self.names(self.user_associate_a, "important_date"), ["Christmas", "New Year"]
        )
        new_year = self.lines(self.user_associate_a, "important_date")[1]
        self.assertEqual((new_year.important_date, new_year.days_until), (date(2028, 1, 5), 16))

    def test_29_february(self):
        leapling = self.customer("Leapling", owner=self.employee_a)
        self.date(leapling, 2, 29)
        self.refresh(now=datetime(2027, 2, 1, 15, 0))  # common year: the 28th
        line = self.lines(self.user_associate_a, "important_date")
        self.assertEqual(line.important_date, date(2027, 2, 28))
        self.refresh(now=datetime(2028, 2, 1, 15, 0))  # leap year: the 29th
        line = self.lines(self.user_associate_a, "important_date")
        self.assertEqual(line.important_date, date(2028, 2, 29))
        self.refresh(now=datetime(2028, 3, 1, 15, 0))  # passed: next is 28 February 2029
        self.assertFalse(self.lines(self.user_associate_a, "important_date"))

    def test_time_zones_around_midnight(self):
        # 1 March 2027, 03:30 UTC: still 28 February (22:30) in New York, 1 March in Paris.
        now = datetime(2027, 3, 1, 3, 30)
        self.company.clienteling_advisor_important_date_days = 1
        self.date(self.customer("New Yorker", owner=self.employee_a), 2, 28)
        self.date(self.customer("Parisienne", store=self.store_b, owner=self.employee_b), 2, 28)
        self.refresh(now=now)
        new_yorker = self.lines(self.user_associate_a, "important_date")
        self.assertEqual((new_yorker.days_until, new_yorker.reference_date), (0, date(2027, 2, 28)))
        self.assertFalse(self.lines(self.user_associate_b, "important_date"))

    def test_store_and_all_lists(self):
        self.company.clienteling_advisor_important_date_list = "store"
        self.date(self.customer("Store Book Birthday"), 3, 15)
        self.date(self.customer("Paris Birthday", store=self.store_b), 3, 16)
        self.refresh()
        self.assertEqual(
            self.names(self.user_associate_a, "important_date"), ["Store Book Birthday"]
        )
        self.assertEqual(self.names(self.user_associate_b, "important_date"), ["Paris Birthday"])
        no_book = self.customer("No Store Book Birthday")
        no_book.write({"clienteling_store_id": False, "company_id": self.company.id})
        self.date(no_book, 3, 17)
        self.company.clienteling_advisor_important_date_list = "all"
        self.refresh()
        # Another store's customers' dates stay with that store.
        self.assertEqual(
            self.names(self.user_associate_b, "important_date"),
            ["Paris Birthday", "No Store Book Birthday"],
        )
        self.assertEqual(
            self.names(self.user_associate_a, "important_date"),
            ["Store Book Birthday", "No Store Book Birthday"],
        )


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestDemo(AdvisorCase):
    def test_demo_associates_have_every_list(self):
        alice = self.env.ref("clienteling.user_alice_demo", raise_if_not_found=False)
        if not alice:
            self.skipTest("demo data not installed")
        self.refresh(now=datetime.now())
        for login in ("alice", "bob", "charlotte", "david", "emma", "felix"):
            user = self.env.ref(f"clienteling.user_{login}_demo")
            tiles = self.env["clienteling.advisor.category"].with_user(user).search([])
            for tile in tiles:
                self.assertGreater(tile.recommendation_count, 0, f"{login}: {tile.code}")
