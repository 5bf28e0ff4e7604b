import logging

from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class ClientelingServiceRequest(models.Model):
    _inherit = "clienteling.service.request"

    def _clienteling_send_confirmation(self):
        """Customers who prefer texts get the confirmation by text, at once, from
        the associate's number, else the store's, through the conversation: the
        consent, STOP and quiet hours hold (a text that would arrive at night
        waits for the morning)."""
        res = super()._clienteling_send_confirmation()
        for request in self.sudo().filtered(lambda r: r.preferred_channel == "text" and r.mobile):
            try:
                with self.env.cr.savepoint():
                    request._clienteling_send_confirmation_text()
            except UserError as error:
                _logger.info("Request %s: no confirmation text: %s", request.id, error)
                request.message_post(
                    body=self.env._("The confirmation text could not be sent: %s", error),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
        return res

    def _clienteling_confirmation_number(self):
        """The number the confirmation goes from: the associate's own, else the store's."""
        self.ensure_one()
        Number = self.env["clienteling.phone.number"].sudo()
        number = Number.browse()
        if self.associate_id:
            number = Number.search(
                [("employee_id", "=", self.associate_id.id), ("state", "=", "assigned")], limit=1
            )
        return number or self.store_id.sudo().clienteling_number_id

    def _clienteling_confirmation_text(self):
        self.ensure_one()
        env = self.with_context(lang=self.lang or self.partner_id.lang or None).env
        values = {"name": self.customer_name, "store": self.store_id.name}
        if self.associate_id:
            return env._(
                "Hi %(name)s, %(associate)s at %(store)s received your request and will "
                "text you back soon.",
                associate=self.associate_id.name,
                **values,
            )
        return env._(
            "Hi %(name)s, %(store)s received your request: an associate will text you back soon.",
            **values,
        )

    def _clienteling_send_confirmation_text(self):
        """Send the confirmation text of this request (a UserError when it cannot go)."""
        self.ensure_one()
        number = self._clienteling_confirmation_number()
        if not number:
            raise UserError(self.env._("%s has no texting number.", self.store_id.name))
        Conversation = self.env["clienteling.conversation"].with_user(SUPERUSER_ID)
        conversation = Conversation._get_or_create(number, self.mobile, self.partner_id)
        if self.partner_id and not conversation.partner_id:
            conversation.partner_id = self.partner_id
        # not an associate's reply: the request keeps no first reply date
        return conversation.with_context(clienteling_request_confirmation=True)._send_message(
            self._clienteling_confirmation_text(), employee=self.associate_id or None
        )
