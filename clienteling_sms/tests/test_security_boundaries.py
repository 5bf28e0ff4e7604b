from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.clienteling.tests.security_common import SecurityBoundaryMixin

from .common import ClientelingSmsCase


@tagged("post_install", "-at_install", "clienteling_sms")
class TestSmsSecurityBoundaries(SecurityBoundaryMixin, ClientelingSmsCase):
    """Every model and wizard of the SMS addon, attacked from store B and company B.

    No deliberate sharing: the SMS account and its numbers are the company's
    (Clienteling administrators of that company only; associates read their own
    store's and their own number), conversations and texts are the store's (or the
    personal number's associate's), webhook events the company administrators'.
    """

    security_addons = ("clienteling_sms",)

    @classmethod
    def _security_conversation_a(cls):
        if "conversation_a" not in vars(cls):
            cls.conversation_a = cls.Conversation._open_for_partner(cls.customer_a, cls.number_a)
            cls.conversation_a._record_consent("opted_in", "keyword", "YES")
        return cls.conversation_a

    @classmethod
    def _security_record_clienteling_sms_account(cls):
        return cls.account, cls.user_manager

    @classmethod
    def _security_record_clienteling_phone_number(cls):
        return cls.number_a, cls.user_store_manager_a

    @classmethod
    def _security_record_clienteling_conversation(cls):
        return cls._security_conversation_a(), cls.user_associate_a

    @classmethod
    def _security_record_clienteling_sms_message(cls):
        # scheduled (a text started at night): Cancel and Send Now work for its owner
        message = cls.env["clienteling.sms.message"].create(
            {
                "conversation_id": cls._security_conversation_a().id,
                "direction": "outbound",
                "body": "Your order is ready, come by tomorrow.",
                "employee_id": cls.employee_a.id,
                "state": "scheduled",
                "scheduled_date": fields.Datetime.now(),
            }
        )
        return message, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_sms_event(cls):
        # stored, not processed yet: Retry processes it for its owner
        params = {
            "MessageSid": "SM" + "a" * 32,
            "AccountSid": cls.account._provider_account_ref(),
            "From": "+12125550142",
            "To": cls.number_a.number,
            "Body": "Is my order ready?",
            "NumMedia": "0",
        }
        event = (
            cls.env["clienteling.sms.event"]
            .sudo()
            ._receive("inbound", cls.account, params, process=False)
        )
        return event.with_env(cls.env), cls.user_manager

    def _security_write_values_clienteling_phone_number(self, record):
        return {"mms_capable": record.mms_capable}

    def _security_write_values_clienteling_sms_message(self, record):
        return {"body": record.body}

    def _security_write_values_clienteling_sms_event(self, record):
        return {"state": record.state}

    @classmethod
    def _security_wizard_clienteling_sms_composer(cls):
        return cls.user_associate_a, {
            "conversation_id": cls._security_conversation_a().id,
            "body": "Your jacket came in.",
        }

    @classmethod
    def _security_wizard_clienteling_product_share(cls):
        coat = cls.env["product.product"].create({"name": "Boundary Coat", "list_price": 10.0})
        return cls.user_associate_a, {
            "conversation_id": cls._security_conversation_a().id,
            "product_ids": [(6, 0, coat.ids)],
        }

    @classmethod
    def _security_wizard_clienteling_sms_simulate(cls):
        return cls.user_associate_a, {
            "conversation_id": cls._security_conversation_a().id,
            "body": "Thanks!",
        }

    @classmethod
    def _security_wizard_clienteling_conversation_link(cls):
        return cls.user_associate_a, {
            "conversation_id": cls._security_conversation_a().id,
            "mode": "create",
            "name": "Jane From The Text",
        }

    @classmethod
    def _security_wizard_clienteling_service_request_reply(cls):
        request = cls.env["clienteling.service.request"].create(
            {
                "customer_name": "Jane Doe",
                "mobile": "+12125550142",
                "preferred_channel": "text",
                "store_id": cls.store_a.id,
                "source": "storefront",
                "associate_id": cls.employee_a.id,
            }
        )
        return cls.user_associate_a, {"request_id": request.id, "choice": "new"}

    @classmethod
    def _security_wizard_clienteling_phone_number_provision(cls):
        return cls.user_manager, {
            "account_id": cls.account.id,
            "target": "pool",
            "country_id": cls.env.ref("base.us").id,
            "quantity": 1,
        }

    @classmethod
    def _security_wizard_clienteling_store_onboard(cls):
        spare = cls.env["clienteling.phone.number"].create(
            {"number": "+12125550179", "account_id": cls.account.id}
        )
        cls.store_a.sms_onboarded = False
        return cls.user_manager, {"store_id": cls.store_a.id, "phone_number_id": spare.id}

    @classmethod
    def _security_record_clienteling_kpi_text_reply(cls):
        conversation = cls._security_conversation_a()
        Message = cls.env["clienteling.sms.message"]
        Message.create(
            [
                {"conversation_id": conversation.id, "direction": "inbound", "state": "received"},
                {
                    "conversation_id": conversation.id,
                    "direction": "outbound",
                    "employee_id": cls.employee_a.id,
                    "state": "sent",
                    "body": "Yes, we have it.",
                },
            ]
        )
        cls.env["clienteling.kpi"]._kpi_refresh()
        reply = cls.env["clienteling.kpi.text.reply"].search(
            [("conversation_id", "=", conversation.id)], limit=1
        )
        return reply, cls.user_associate_a

    def test_event_without_account_is_nobodys(self):
        """An event whose account is gone (the account deleted: ``set null``) keeps
        the customer's number and text: no company's administrator reads it."""
        event = self.security_records["clienteling.sms.event"][0]
        event.sudo().write({"account_id": False})
        event.flush_recordset()
        for user in (self.user_manager, self.user_admin_company_b):
            self.env.invalidate_all()
            Event = self.env["clienteling.sms.event"].with_user(user)
            self.assertFalse(Event.search([("id", "=", event.id)]), user.name)
            with self.assertRaises(AccessError):
                event.with_user(user).read(["payload"])
