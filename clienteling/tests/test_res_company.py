from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


def insert_company_unaware_of(env, prefix, name):
    """Insert a company as code that does not know the columns starting with
    ``prefix`` does: Odoo's ``at_install`` tests run on a database where our addons
    are installed with a registry holding only the modules loaded before theirs.
    The other columns are those of the current company."""
    env.flush_all()
    env.cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'res_company'"
        )
    )
    columns = [
        column
        for (column,) in env.cr.fetchall()
        if column not in ("id", "name", "parent_path") and not column.startswith(prefix)
    ]
    env.cr.execute(
        SQL(
            "INSERT INTO res_company (name, %s) SELECT %s, %s FROM res_company WHERE id = %s"
            " RETURNING id",
            SQL(", ").join(map(SQL.identifier, columns)),
            name,
            SQL(", ").join(map(SQL.identifier, columns)),
            env.company.id,
        )
    )
    company = env["res.company"].browse(env.cr.fetchone()[0])
    env.cr.execute(
        SQL("UPDATE res_company SET parent_path = %s WHERE id = %s", f"{company.id}/", company.id)
    )
    return company


@tagged("post_install", "-at_install", "clienteling")
class TestCompanyDefaults(TransactionCase):
    def test_company_inserted_without_our_columns(self):
        company = insert_company_unaware_of(self.env, "clienteling_", "Inserted Company")
        self.assertTrue(company.clienteling_auto_assign_books)

    def test_rows_left_empty_get_the_default(self):
        company = self.env["res.company"].create({"name": "Empty Setting Company"})
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET clienteling_auto_assign_books = NULL WHERE id = %s",
                company.id,
            )
        )
        self.env["res.company"].init()
        company.invalidate_recordset()
        self.assertTrue(company.clienteling_auto_assign_books)
