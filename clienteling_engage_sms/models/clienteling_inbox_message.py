from odoo import api, fields, models
from odoo.exceptions import UserError


class ClientelingInboxMessage(models.Model):
    """Engage and texting: inbound texts to a store number appear in the store's
    inbox, and an inbox message can be answered by text."""

    _inherit = "clienteling.inbox.message"

    # SMS Reply shows only where it can work: a linked customer with a number, and
    # a store number to answer from (as the current user sees the store).
    can_sms_reply = fields.Boolean(compute="_compute_can_sms_reply", compute_sudo=False)

    @api.depends("partner_id", "store_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_can_sms_reply(self):
        for message in self:
            partner = message.partner_id
            message.can_sms_reply = bool(
                partner
                and message.store_id.clienteling_number_id
                and (
                    partner.phone_sanitized
                    or partner._phone_format(fname="mobile")
                    or partner._phone_format(fname="phone")
                )
            )

    def action_open_chat(self):
        """An inbound text opens its conversation in Discuss, where the reply is
        written (and audited here)."""
        self.ensure_one()
        self.check_access("write")
        conversation = self._clienteling_conversation()
        if not conversation:
            raise UserError(self.env._("This text's conversation is no longer available."))
        if not self.is_read:
            self.action_mark_read()
        return conversation.action_open_chat()

    def _clienteling_conversation(self):
        """The conversation an inbound text of the inbox came in."""
        self.ensure_one()
        if self.channel != "sms":
            return self.env["clienteling.conversation"]
        text = (
            self.env["clienteling.sms.message"]
            .sudo()
            .search(
                [("provider_sid", "=", self.message_id), ("direction", "=", "inbound")], limit=1
            )
        )
        conversation = text.conversation_id
        if not conversation and self.store_id.clienteling_number_id:
            # a text whose ledger row is gone: the store number's conversation with the sender
            conversation = (
                self.env["clienteling.conversation"]
                .sudo()
                .search(
                    [
                        ("phone_number_id", "=", self.store_id.clienteling_number_id.id),
                        ("customer_number", "=", self.sender),
                    ],
                    limit=1,
                )
            )
        return conversation.with_env(self.env)

    def action_sms_reply(self):
        self.ensure_one()
        self.check_access("write")
        self._check_customer()
        return self._clienteling_sms_reply()

    def _clienteling_sms_reply(self):
        """The text composer for the linked customer, on the store's number, under
        the usual consent rules. The audit row is written when the text is sent."""
        self.ensure_one()
        self.check_access("read")
        number = self.store_id.clienteling_number_id
        if not number:
            raise UserError(
                self.env._(
                    "%s has no clienteling number: onboard the store first.", self.store_id.name
                )
            )
        conversation = self.env["clienteling.conversation"]._open_for_partner(
            self.partner_id, number
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write a Text"),
            "res_model": "clienteling.sms.composer",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_conversation_id": conversation.id,
                "clienteling_inbox_message_id": self.id,
            },
        }

    @api.model
    def _clienteling_message_from_context(self):
        """The inbox message named by ``clienteling_inbox_message_id`` in the
        context (a To-Do, appointment or reply screen opened from it), checked: the
        user must be allowed to change it (the context comes from the client)."""
        message_id = self.env.context.get("clienteling_inbox_message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            return self.browse()
        message = self.browse(message_id).exists()
        message.check_access("write")
        return message

    @api.model
    def _clienteling_audit_from_context(self, action, details):
        """Audit an action finished in another model's screen opened from an inbox
        message (the SMS composer): the screen's context carries
        ``clienteling_inbox_message_id``. To-Dos, appointments and e-mail replies
        are linked to the message itself and audited from that link."""
        message = self._clienteling_message_from_context()
        message._clienteling_audit(action, details)
        return message
