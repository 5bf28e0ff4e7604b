from odoo.tests import TransactionCase, tagged

from ..hooks import uninstall_hook


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestHome(TransactionCase):
    def test_clienteling_app_opens_on_the_advisor(self):
        root = self.env.ref("clienteling.clienteling_menu_root")
        advisor = self.env.ref("clienteling_advisor.clienteling_advisor_category_action")
        self.assertEqual(root.action, advisor)
        menus = self.env["ir.ui.menu"].load_web_menus(debug=False)
        self.assertEqual(menus[root.id]["actionID"], advisor.id)

    def test_uninstalling_the_advisor_gives_the_app_its_first_menu_back(self):
        root = self.env.ref("clienteling.clienteling_menu_root")
        uninstall_hook(self.env)
        self.assertFalse(root.action)
