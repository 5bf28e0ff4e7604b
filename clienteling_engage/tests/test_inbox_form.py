from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_inbox import EngageCase, make_email

MENU_ACTIONS = ("assign", "change_customer", "mark_unread", "delete")


@tagged("post_install", "-at_install", "clienteling_engage")
class TestInboxForm(EngageCase):
    """The message form: few primary actions, the others in its action menu."""

    def arch(self, user, view_type):
        Inbox = self.env["clienteling.inbox.message"].with_user(user)
        views = Inbox.get_views([(False, view_type)], {"toolbar": True})
        return etree.fromstring(views["views"][view_type]["arch"]), views

    def server_action(self, name):
        return self.env.ref(f"clienteling_engage.clienteling_inbox_message_action_server_{name}")

    def synced_message(self, subject="Hello", sender=None):
        account = self.new_account()
        self.deliver(account, make_email(subject, sender=sender or "someone@example.com"))
        account._sync()
        return account, self.messages(account)

    def test_sync_button_only_for_store_managers(self):
        for user, shown in (
            (self.user_associate_a, False),
            (self.user_store_manager_a, True),
            (self.user_manager, True),
        ):
            list_arch, _views = self.arch(user, "list")
            buttons = list_arch.xpath("//header/button[@name='action_sync_my_inbox']")
            self.assertEqual(bool(buttons), shown, user.login)

    def test_form_header(self):
        form, views = self.arch(self.user_associate_a, "form")
        self.assertEqual(form.xpath("//header/field[@name='state']/@widget"), ["statusbar"])
        header = form.xpath("//header")[0]
        self.assertFalse(header.xpath("button[@name='action_delete']"))
        self.assertFalse(header.xpath("button[@name='action_mark_unread']"))
        self.assertFalse(header.xpath("button[@name='action_assign_user']"))
        self.assertEqual(form.get("delete"), "false")
        link = header.xpath("button[@name='action_link_customer']")[0]
        self.assertEqual(link.get("invisible"), "partner_id")
        primaries = [
            b.get("name") for b in header.xpath("button") if "btn-primary" in b.get("class", "")
        ]
        self.assertIn("action_email_reply", primaries)
        # the action menu of the form holds the secondary actions
        menu = views["views"]["form"]["toolbar"]["action"]
        self.assertEqual(
            {a["id"] for a in menu} & {self.server_action(n).id for n in MENU_ACTIONS},
            {self.server_action(n).id for n in MENU_ACTIONS},
        )

    def test_reply_buttons_only_where_they_can_work(self):
        _account, message = self.synced_message(sender="stranger@example.com")
        self.assertFalse(message.partner_id)
        self.assertFalse(message.can_email_reply)
        message.partner_id = self.customer_a
        self.assertTrue(message.can_email_reply)
        self.customer_a.email = False
        self.assertFalse(message.can_email_reply)
        form, _views = self.arch(self.user_associate_a, "form")
        header = form.xpath("//header")[0]
        for button in header.xpath("button[@name='action_email_reply']"):
            self.assertIn("not can_email_reply", button.get("invisible"))
        for name in ("action_todo", "action_appointment"):
            self.assertEqual(header.xpath(f"button[@name='{name}']/@invisible"), ["not partner_id"])

    def test_delete_dialog(self):
        Wizard = self.env["clienteling.inbox.assign"].with_user(self.user_associate_a)
        arch = etree.fromstring(Wizard.get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertTrue(arch.xpath("//p[contains(., 'The audit trail keeps a record')]"))
        self.assertEqual(
            arch.xpath("//footer/button[@string='Delete']/@invisible"), ["mode != 'delete'"]
        )

    def test_state(self):
        _account, message = self.synced_message()
        self.assertEqual(message.state, "open")
        message.user_id = self.user_associate_a
        self.assertEqual(message.state, "assigned")
        message.action_complete()
        self.assertEqual(message.state, "completed")

    def test_menu_actions(self):
        _account, message = self.synced_message(sender=self.customer_a.email)
        message.is_read = True
        as_associate = message.with_user(self.user_associate_a)
        ctx = {"active_model": message._name, "active_id": message.id, "active_ids": message.ids}
        self.server_action("mark_unread").with_user(self.user_associate_a).with_context(**ctx).run()
        self.assertFalse(message.is_read)
        action = (
            self.server_action("change_customer")
            .with_user(self.user_associate_a)
            .with_context(**ctx)
            .run()
        )
        self.assertEqual(action["context"]["default_mode"], "link")
        action = (
            self.server_action("delete").with_user(self.user_associate_a).with_context(**ctx).run()
        )
        self.assertEqual(action["context"]["default_mode"], "delete")
        wizard = (
            self.env["clienteling.inbox.assign"]
            .with_user(self.user_associate_a)
            .with_context(**action["context"])
            .create({})
        )
        result = wizard.action_apply()
        self.assertEqual(result["res_model"], "clienteling.inbox.message")
        self.assertFalse(as_associate.exists())
        audit = self.env["clienteling.inbox.audit"].search(
            [("message_name", "=", "Hello"), ("action", "=", "delete")]
        )
        self.assertEqual(audit.user_id, self.user_associate_a)

    def test_menu_actions_refused_to_another_store(self):
        _account, message = self.synced_message()
        ctx = {"active_model": message._name, "active_id": message.id, "active_ids": message.ids}
        for name in MENU_ACTIONS:
            with self.subTest(name), self.assertRaises(AccessError):
                self.server_action(name).with_user(self.user_associate_b).with_context(**ctx).run()
        wizard = self.env["clienteling.inbox.assign"].with_user(self.user_associate_b)
        with self.assertRaises(AccessError):
            wizard.create({"mode": "delete", "message_ids": [(6, 0, message.ids)]}).action_apply()
        self.assertTrue(message.exists())
