"""The people who must not cross a store or company boundary, for security tests."""

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import MANAGER_GROUPS, STORE_MANAGER_GROUPS, ClientelingCase

SYSTEM_GROUPS = "base.group_user,base.group_system,clienteling.group_clienteling_manager"


class BoundaryCase(ClientelingCase):
    """Adds a store manager of store B, a Clienteling Administrator of another
    company (with a store there), and a system administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_store_manager_b = mail_new_test_user(
            cls.env, login="t_mgr_b", name="Sue Store Manager B", groups=STORE_MANAGER_GROUPS
        )
        cls.employee_manager_b = cls.env["hr.employee"].create(
            {
                "name": "Sue Store Manager B",
                "user_id": cls.user_store_manager_b.id,
                "clienteling_store_id": cls.store_b.id,
                "clienteling_role": "store_manager",
            }
        )
        cls.other_company = cls.env["res.company"].create(
            {"name": "Other Retail", "country_id": cls.fr.id}
        )
        cls.store_other = cls.env["clienteling.store"].create(
            {
                "name": "Test Lyon",
                "code": "T-LYO",
                "country_id": cls.fr.id,
                "tz": "Europe/Paris",
                "company_id": cls.other_company.id,
            }
        )
        cls.user_other_company = mail_new_test_user(
            cls.env,
            login="t_other_co",
            name="Olga Other Company",
            groups=MANAGER_GROUPS,
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        cls.employee_other = cls.env["hr.employee"].create(
            {
                "name": "Olga Other Company",
                "user_id": cls.user_other_company.id,
                "company_id": cls.other_company.id,
                "clienteling_store_id": cls.store_other.id,
                "clienteling_role": "associate",
            }
        )
        cls.user_system = mail_new_test_user(
            cls.env, login="t_system", name="Sys Admin", groups=SYSTEM_GROUPS
        )
        # Users who are not system administrators, and who are not of store A.
        cls.outsiders_of_store_a = {
            "associate of another store": cls.user_associate_b,
            "store manager of another store": cls.user_store_manager_b,
            "user of another company": cls.user_other_company,
        }
