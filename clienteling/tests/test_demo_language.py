from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "clienteling")
class TestDemoLanguage(TransactionCase):
    """The demo's Paris store works in French: Odoo's own screens included."""

    def test_odoo_terms_loaded_with_the_demo_language(self):
        if not self.env.ref("clienteling.store_paris_demo", raise_if_not_found=False):
            self.skipTest("a database without demo data")
        french = self.env["res.lang"]._lang_get("fr_FR")
        self.assertTrue(french.active)
        # menus of modules installed before ours (base, hr) are in French too
        for xmlid, label in (
            ("base.menu_administration", "Paramètres"),
            ("hr.menu_hr_root", "Employés"),
        ):
            menu = self.env.ref(xmlid).with_context(lang="fr_FR")
            self.assertEqual(menu.name, label, xmlid)
