from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import AdvisorCase

REFRESH_MODULE = "odoo.addons.clienteling_advisor.models.clienteling_advisor_refresh"
TABLE = "clienteling_advisor_recommendation"


@contextmanager
def rebuilding_table(env, written_meanwhile=False):
    """Refreshes rebuild the whole table whatever its size; ``written_meanwhile``:
    as if lines had been written since the transaction began."""
    Refresh = type(env["clienteling.advisor.refresh"])
    with (
        patch(f"{REFRESH_MODULE}.BULK_MIN_LINES", 0),
        patch.object(Refresh, "_lines_written_meanwhile", lambda self, *args: written_meanwhile),
    ):
        yield


def table_oid(cr):
    cr.execute(SQL("SELECT %s::regclass::oid", TABLE))
    return cr.fetchone()[0]


def table_shape(cr):
    """Columns, indexes, constraints of the lines' table and foreign keys to it."""
    cr.execute(
        SQL(
            """SELECT column_name, data_type, is_nullable, column_default,
                      col_description(%(t)s::regclass, ordinal_position::int)
                 FROM information_schema.columns WHERE table_name = %(t)s
                ORDER BY ordinal_position""",
            t=TABLE,
        )
    )
    columns = cr.fetchall()
    cr.execute(SQL("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", TABLE))
    indexes = sorted(cr.fetchall())
    cr.execute(
        SQL(
            """SELECT conname, contype, conrelid::regclass::text, pg_get_constraintdef(oid)
                 FROM pg_constraint WHERE %(t)s::regclass IN (conrelid, confrelid)""",
            t=TABLE,
        )
    )
    constraints = sorted(cr.fetchall())
    cr.execute(
        SQL(
            "SELECT pg_get_serial_sequence(%(t)s, 'id'), obj_description(%(t)s::regclass)",
            t=TABLE,
        )
    )
    return columns, indexes, constraints, cr.fetchall()


def lines_content(cr, company_id, with_ids=False):
    """The lines of a company, as rows of all their columns (ids aside)."""
    cr.execute(
        SQL(
            "SELECT to_jsonb(l) %s FROM %s l WHERE company_id = %s",
            SQL("") if with_ids else SQL("- 'id'"),
            SQL.identifier(TABLE),
            company_id,
        )
    )
    return sorted(repr(sorted(row[0].items())) for row in cr.fetchall())


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorTableRebuild(AdvisorCase):
    """A large company's refresh builds a new table and swaps it in: same lines,
    same table, the other companies' lines kept."""

    def setUp(self):
        super().setUp()
        lapsed = self.customer("Lapsed", owner=self.employee_a)
        self.purchased(lapsed, 200)
        self.env["clienteling.important.date"].create(
            {"partner_id": lapsed.id, "kind": "birthday", "month": 3, "day": 20}
        )
        walk_in = self.customer("Walk-in")
        self.purchased(walk_in, 10)
        self.contacted(walk_in, datetime(2027, 3, 1), self.employee_a)
        self.lapsed = lapsed
        self.other = self.env["res.company"].create({"name": "Other Retailer"})
        self.other.clienteling_advisor_keep_in_touch_list = "all"
        store = self.env["clienteling.store"].create(
            {
                "name": "Other Store",
                "code": "O-1",
                "company_id": self.other.id,
                "country_id": self.us.id,
                "tz": "UTC",
            }
        )
        theirs = self.customer("Theirs", store=store, company_id=self.other.id)
        self.purchased(theirs, 400)

    def test_rebuilt_table_has_the_same_lines_and_shape(self):
        self.refresh(company=self.other)
        theirs = lines_content(self.cr, self.other.id, with_ids=True)
        self.assertTrue(theirs)
        self.refresh()
        cr = self.cr
        in_place = lines_content(cr, self.company.id)
        shape = table_shape(cr)
        oid = table_oid(cr)
        keep_in_touch = self.lines(self.user_associate_a, "keep_in_touch")
        wizard = self.env["clienteling.advisor.snooze.wizard"].create(
            {"recommendation_ids": keep_in_touch.ids}
        )
        self.env.flush_all()
        with rebuilding_table(self.env):
            counts = self.refresh()
        self.assertTrue(counts)
        self.assertNotEqual(table_oid(cr), oid, "a new table")
        self.assertEqual(lines_content(cr, self.company.id), in_place)
        self.assertEqual(lines_content(cr, self.other.id, with_ids=True), theirs)
        self.assertEqual(table_shape(cr), shape)
        self.assertEqual(
            sum(counts.values()),
            self.Recommendation.search_count([("company_id", "=", self.company.id)]),
        )
        # The wizard's lines went with the previous lines, as with a cascade.
        wizard.invalidate_recordset()
        self.assertFalse(wizard.recommendation_ids)
        # New ids from the same sequence; the lists and their live updates work.
        self.assertGreater(
            min(self.lines(self.user_associate_a, "keep_in_touch").ids), max(keep_in_touch.ids)
        )
        self.assertIn("Lapsed", self.names(self.user_associate_a, "keep_in_touch"))
        self.lapsed._clienteling_register_purchase(datetime(2027, 3, 9))
        self.assertNotIn("Lapsed", self.names(self.user_associate_a, "keep_in_touch"))
        self.assertEqual(self.names(self.user_associate_a, "important_date"), ["Lapsed"])
        # Rebuilt again: nothing left of the first rebuild.
        with rebuilding_table(self.env):
            self.assertTrue(self.refresh())
        self.assertEqual(table_shape(cr), shape)

    def test_in_place_when_lines_were_written_meanwhile(self):
        self.refresh()
        oid = table_oid(self.cr)
        in_place = lines_content(self.cr, self.company.id)
        with rebuilding_table(self.env, written_meanwhile=True), mute_logger(REFRESH_MODULE):
            self.assertTrue(self.refresh())
        self.assertEqual(table_oid(self.cr), oid)
        self.assertEqual(lines_content(self.cr, self.company.id), in_place)

    def test_in_place_for_a_company_with_fewer_lines_than_the_others(self):
        self.refresh()
        oid = table_oid(self.cr)
        with rebuilding_table(self.env):
            self.assertTrue(self.refresh(company=self.other))
        self.assertEqual(table_oid(self.cr), oid)


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestTableRebuildConcurrency(AdvisorCase):
    """Commits: in a class of its own (see TestRefreshVisibility)."""

    def test_writer_older_than_the_rebuild_is_retried(self):
        """A transaction that began before a table rebuild committed would not see
        the new lines: before writing lines it fails as a serialization failure
        (retried by Odoo), instead of losing its writes."""
        db = db_connect(self.env.cr.dbname)
        with db.cursor() as writer, db.cursor() as late:
            # (fails rather than waits if this test's transaction held a lock)
            writer.execute("SET lock_timeout = '10s'")
            writer_env = self.env(cr=writer)
            Line = writer_env["clienteling.advisor.recommendation"]
            self.assertTrue(Line._refresh_company(writer_env.company))
            writer.commit()
            writer.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(TABLE)))
            committed = writer.fetchone()[0]
            writer.commit()
            # Its snapshot taken, the lines' table not read yet (a transaction that
            # has read it holds a lock the rebuild waits for).
            late.execute("SELECT count(*) FROM res_partner")
            late_env = self.env(cr=late)
            try:
                with patch(f"{REFRESH_MODULE}.BULK_MIN_LINES", 0):
                    before = table_oid(writer)
                    self.assertTrue(Line._refresh_company(writer_env.company))
                    self.assertNotEqual(table_oid(writer), before)
                writer.commit()
                with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                    late_env["clienteling.advisor.recommendation"]._check_lines_current()
                late.rollback()
                # A transaction begun since writes normally and sees the same lines.
                late_env["clienteling.advisor.recommendation"]._check_lines_current()
                late.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(TABLE)))
                self.assertEqual(late.fetchone()[0], committed)
            finally:
                writer.rollback()
                late.rollback()

    def test_rebuild_gives_up_if_the_table_stays_in_use(self):
        """A transaction still reading the previous lines at the swap: the rebuild
        waits SWAP_LOCK_TIMEOUT, then gives up (nothing changed, due next time)."""
        db = db_connect(self.env.cr.dbname)
        with db.cursor() as writer, db.cursor() as reader:
            writer.execute("SET lock_timeout = '10s'")
            writer_env = self.env(cr=writer)
            Line = writer_env["clienteling.advisor.recommendation"]
            self.assertTrue(Line._refresh_company(writer_env.company))
            writer.commit()
            before = table_oid(writer)
            lines = lines_content(writer, writer_env.company.id, with_ids=True)
            writer.commit()
            try:
                reader.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(TABLE)))
                with (
                    patch(f"{REFRESH_MODULE}.BULK_MIN_LINES", 0),
                    patch(f"{REFRESH_MODULE}.SWAP_LOCK_TIMEOUT", "200ms"),
                    mute_logger(REFRESH_MODULE, "odoo.sql_db"),
                ):
                    self.assertFalse(Line._refresh_company(writer_env.company))
                self.assertEqual(table_oid(writer), before)
                self.assertEqual(lines_content(writer, writer_env.company.id, with_ids=True), lines)
                writer.rollback()
                reader.rollback()
                # Once the reader is done, the next refresh swaps the table.
                with patch(f"{REFRESH_MODULE}.BULK_MIN_LINES", 0):
                    self.assertTrue(Line._refresh_company(writer_env.company))
                self.assertNotEqual(table_oid(writer), before)
                writer.commit()
            finally:
                writer.rollback()
                reader.rollback()
