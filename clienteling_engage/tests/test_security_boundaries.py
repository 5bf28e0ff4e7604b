from odoo.tests import tagged

from odoo.addons.clienteling.tests.common import ClientelingCase
from odoo.addons.clienteling.tests.security_common import SecurityBoundaryMixin


@tagged("post_install", "-at_install", "clienteling_engage")
class TestEngageSecurityBoundaries(SecurityBoundaryMixin, ClientelingCase):
    """Every model of the Engage inbox, attacked from store B and company B."""

    security_addons = ("clienteling_engage",)
    security_shared_secrets = {
        # Whether a password is stored (a warning on the account form), not the password.
        "clienteling.mail.account": {"password_set": "a flag, not the password"},
    }

    @classmethod
    def _security_record_clienteling_mail_account(cls):
        if "mail_account_a" in vars(cls):
            return cls.mail_account_a, cls.user_manager
        cls.mail_account_a = cls.env["clienteling.mail.account"].create(
            {
                "name": "Fifth Avenue mailbox",
                "host": "127.0.0.1",
                "port": 9,
                "security": "none",
                "login": "fifth-avenue",
                "password": "s3cret-of-store-a",
                "store_ids": [(6, 0, cls.store_a.ids)],
            }
        )
        return cls.mail_account_a, cls.user_manager

    @classmethod
    def _security_record_clienteling_inbox_message(cls):
        if "inbox_message_a" in vars(cls):
            return cls.inbox_message_a, cls.user_associate_a
        cls._security_record_clienteling_mail_account()
        cls.inbox_message_a = cls.env["clienteling.inbox.message"].create(
            {
                "store_id": cls.store_a.id,
                "account_id": cls.mail_account_a.id,
                "company_id": cls.company.id,
                "channel": "email",
                "sender": "jane.doe@example.com",
                "sender_email": "jane.doe@example.com",
                "subject": "My order",
                "body": "<p>Store A's customer writes to store A.</p>",
                "partner_id": cls.customer_a.id,
            }
        )
        return cls.inbox_message_a, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_inbox_audit(cls):
        cls._security_record_clienteling_inbox_message()
        audit = cls.env["clienteling.inbox.audit"].create(
            {
                "message_id": cls.inbox_message_a.id,
                "message_name": cls.inbox_message_a.subject,
                "store_id": cls.store_a.id,
                "account_id": cls.mail_account_a.id,
                "action": "read",
                "details": "Read by store A.",
            }
        )
        return audit, cls.user_manager

    def _security_write_values_clienteling_inbox_message(self, record):
        return {"is_read": True}

    @classmethod
    def _security_wizard_clienteling_inbox_assign(cls):
        cls._security_record_clienteling_inbox_message()
        return cls.user_associate_a, {
            "mode": "assign",
            "message_ids": [(6, 0, cls.inbox_message_a.ids)],
            "user_id": cls.user_associate_a.id,
        }
