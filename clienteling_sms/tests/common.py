from odoo.addons.clienteling.tests.common import ClientelingCase

from ..tools.sandbox import new_sid


class ClientelingSmsCase(ClientelingCase):
    """The core's two stores (New York, Paris) with a sandbox account, a store
    number each, and a personal number for the New York associate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        existing = cls.env["clienteling.sms.account"].search([("company_id", "=", cls.company.id)])
        existing.write({"active": False})
        existing.flush_recordset()
        cls.account = cls.env["clienteling.sms.account"].create(
            {
                "name": "Test sandbox",
                "provider": "sandbox",
                "webhook_base_url": "https://shop.example.com",
                # quiet hours have their own tests (TestSending): here texts go at any hour
                "quiet_hours_start": 0,
                "quiet_hours_end": 24,
            }
        )
        Number = cls.env["clienteling.phone.number"]
        cls.number_a = Number.create(
            {"number": "+12125550170", "account_id": cls.account.id, "mms_capable": True}
        )
        cls.number_b = Number.create({"number": "+33612345670", "account_id": cls.account.id})
        cls.number_personal = Number.create(
            {"number": "+12125550171", "account_id": cls.account.id}
        )
        cls.number_a._assign(store=cls.store_a)
        cls.number_b._assign(store=cls.store_b)
        cls.number_personal._assign(employee=cls.employee_a)
        cls.Conversation = cls.env["clienteling.conversation"]
        cls.Event = cls.env["clienteling.sms.event"]

    def _inbound(self, body, from_="+12125550142", to="+12125550170", sid=None, **extra):
        params = {
            "MessageSid": sid or new_sid(),
            "AccountSid": self.account._provider_account_ref(),
            "From": from_,
            "To": to,
            "Body": body,
            "NumMedia": "0",
            **extra,
        }
        return self.Event.sudo()._receive("inbound", self.account, params)

    def _conversation(self, number=None, customer=None):
        return self.Conversation._open_for_partner(
            customer or self.customer_a, number or self.number_a
        )

    def _opt_in(self, conversation):
        conversation._record_consent("opted_in", "keyword", "YES")

    def _outbound(self, conversation):
        return conversation.sms_message_ids.filtered(lambda m: m.direction == "outbound")
