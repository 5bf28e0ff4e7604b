from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import AdvisorCase


def _sql_test_vip(self, company, now):
    """A builder as another addon would add it to ``clienteling.advisor.refresh``:
    the client-book customers whose name starts with "VIP"."""
    return SQL(
        """
        SELECT %(company)s, m.scope, 'test_vip', m.employee_id, m.store_id, m.id, NULL,
               NULL, NULL, m.lpd, m.lcd, NULL, NULL, NULL, NULL, NULL, m.id, m.today, %(now)s
          FROM (%(members)s) m
          JOIN res_partner p ON p.id = m.id
         WHERE p.name LIKE %(pattern)s
        """,
        company=company.id,
        now=now,
        members=self._sql_members("client", now),
        pattern="VIP %",
    )


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorListBuilders(AdvisorCase):
    """The refresh builds the active list records, each with its builder: what an
    addon adding a list does (a ``selection_add`` on the list's code, a list record,
    a builder by inheritance) is done here on the registry, for this test only."""

    def add_code(self):
        """What the addon's ``selection_add`` on the list's code gives the field."""
        code = self.env["clienteling.advisor.category"]._fields["code"]
        selection = [*code.selection, ("test_vip", "VIP Customers")]
        self.patch(code, "selection", selection)
        self.patch(code, "_selection", dict(selection))

    def add_builder(self):
        refresh = type(self.env["clienteling.advisor.refresh"])
        self.startPatcher(patch.object(refresh, "_sql_test_vip", _sql_test_vip, create=True))

    def test_an_addon_adds_a_list(self):
        self.add_code()
        self.add_builder()
        vip_list = self.env["clienteling.advisor.category"].create(
            {"code": "test_vip", "name": "VIP Customers", "sequence": 60}
        )
        vip = self.customer("VIP Vera", owner=self.employee_a)
        self.customer("Plain Paul", owner=self.employee_a)
        counts = self.refresh()
        self.assertEqual(counts["test_vip"], 1)
        ann = self.user_associate_a
        self.assertEqual(self.names(ann, "test_vip"), ["VIP Vera"])
        self.assertEqual(self.names(self.user_associate_b, "test_vip"), [])
        line = self.lines(ann, "test_vip")
        self.assertEqual(line.partner_id, vip)
        # The lines' and snoozes' list fields know the new list without a selection_add.
        labels = dict(line._fields["category"]._description_selection(line.env))
        self.assertEqual(labels["test_vip"], "VIP Customers")
        tile = vip_list.with_user(ann)
        self.assertEqual(tile.recommendation_count, 1)
        self.assertEqual(
            tile.action_open()["domain"], [("for_me", "=", True), ("category", "=", "test_vip")]
        )
        line.with_user(ann).action_dismiss()
        self.assertEqual(self.names(ann, "test_vip"), [])
        self.assertEqual(
            self.env["clienteling.advisor.snooze"].search([("partner_id", "=", vip.id)]).category,
            "test_vip",
        )
        # An archived list is no longer built; the others are.
        vip_list.active = False
        counts = self.refresh()
        self.assertNotIn("test_vip", counts)
        self.assertIn("keep_in_touch", counts)
        self.assertFalse(self.Recommendation.search([("category", "=", "test_vip")]))

    def test_a_list_needs_its_builder(self):
        self.add_code()
        with self.assertRaisesRegex(
            ValidationError, "_sql_test_vip of clienteling.advisor.refresh"
        ):
            self.env["clienteling.advisor.category"].create({"code": "test_vip", "name": "VIP"})
        self.assertFalse(
            self.env["clienteling.advisor.category"].search([("code", "=", "test_vip")])
        )

    def test_snooze_names_a_list(self):
        with self.assertRaisesRegex(ValidationError, "test_vip is not an Advisor list"):
            self.env["clienteling.advisor.snooze"]._set(
                self.employee_a, self.customer_a, "test_vip", False
            )

    def test_archived_pending_list_is_not_kept_live(self):
        self.env.ref("clienteling_advisor.category_pending_customer").active = False
        entry, _errors = self.env["clienteling.customer.entry"]._submit(
            self.store_a, {"name": "Unlisted Entry", "email": "unlisted@example.com"}, "192.0.2.4"
        )
        self.assertFalse(self.Recommendation.search([("entry_id", "=", entry.id)]))
        self.assertNotIn("pending_customer", self.refresh())


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorLinesTable(AdvisorCase):
    def test_table_follows_the_fields_without_foreign_keys(self):
        Recommendation = self.Recommendation
        self.env.cr.execute(
            """SELECT column_name, udt_name, is_nullable FROM information_schema.columns
                WHERE table_name = %s""",
            [Recommendation._table],
        )
        columns = {name: (udt, nullable == "NO") for name, udt, nullable in self.env.cr.fetchall()}
        stored = {
            name: field
            for name, field in Recommendation._fields.items()
            if field.store and field.column_type
        }
        self.assertEqual(set(columns), set(stored))
        for name, field in stored.items():
            self.assertEqual(columns[name], (field.column_type[0], field.required or name == "id"))
        self.env.cr.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [Recommendation._table],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_autovacuum_removes_lines_of_rows_deleted_in_sql(self):
        gone = self.customer("Gone By SQL", owner=self.employee_a)
        kept = self.customer("Kept", owner=self.employee_a)
        for partner in gone | kept:
            self.purchased(partner, 200)
        dates = self.env["clienteling.important.date"].create(
            [
                {"partner_id": gone.id, "kind": "birthday", "month": 3, "day": 20},
                {"partner_id": kept.id, "kind": "birthday", "month": 3, "day": 21},
            ]
        )
        entries = self.env["clienteling.customer.entry"]
        for name in ("Gone Entry", "Kept Entry"):
            entry, _errors = entries._submit(
                self.store_a, {"name": name, "email": f"{name[:4]}@example.com"}, "192.0.2.5"
            )
            entries |= entry
        self.refresh()
        ann = self.user_associate_a
        self.assertEqual(sorted(self.names(ann, "keep_in_touch")), ["Gone By SQL", "Kept"])
        self.assertEqual(sorted(self.names(ann, "important_date")), ["Gone By SQL", "Kept"])
        before = self.Recommendation.search_count([])
        # The customer's important date goes with it by the database's cascade; nothing
        # goes through unlink.
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM res_partner WHERE id = %s", [gone.id])
        self.env.cr.execute("DELETE FROM clienteling_customer_entry WHERE id = %s", [entries[0].id])
        self.env.invalidate_all()
        self.assertFalse(dates[0].exists())
        gc = self.Recommendation._gc_lines_of_deleted_records
        self.assertTrue(getattr(gc, "_autovacuum", False), "run by the daily autovacuum")
        gc()
        self.assertEqual(self.Recommendation.search_count([]), before - 3)
        self.assertFalse(
            self.Recommendation.search(
                [
                    "|",
                    "|",
                    ("partner_id", "=", gone.id),
                    ("important_date_id", "=", dates[0].id),
                    ("entry_id", "=", entries[0].id),
                ]
            )
        )
        self.assertEqual(self.names(ann, "keep_in_touch"), ["Kept"])
        self.assertEqual(self.names(ann, "important_date"), ["Kept"])
        self.assertTrue(self.Recommendation.search([("entry_id", "=", entries[1].id)]))
