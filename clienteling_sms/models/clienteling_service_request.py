from markupsafe import Markup, escape

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import format_datetime


class ClientelingServiceRequest(models.Model):
    _inherit = "clienteling.service.request"

    # Reply by text (seed 003): open the customer's existing conversation or start
    # one, with a preview of the request in the chat.

    def _check_can_reply_by_text(self):
        self.ensure_one()
        self.check_access("write")
        if self.state in ("closed", "declined"):
            raise UserError(
                self.env._(
                    "The request of %(customer)s is %(state)s: reopen it to reply.",
                    customer=self.customer_name,
                    state=self._state_label(),
                )
            )
        if not self.mobile:
            raise UserError(
                self.env._("%s left no mobile number: reply by email.", self.customer_name)
            )
        if not self.env["clienteling.conversation"]._number_is_textable(self.mobile):
            raise UserError(
                self.env._("%s cannot receive texts: reply by email.", self.mobile_display)
            )

    def _clienteling_reply_numbers(self):
        """Our numbers that answer this request's customer, for the current user:
        their personal number when they work at the request's store, then the
        store's number."""
        self.ensure_one()
        employee = self.env.user.employee_ids.filtered(
            lambda e: e.clienteling_store_id == self.store_id
        )[:1]
        domain = [("state", "=", "assigned"), ("store_id", "=", self.store_id.id)]
        if employee:
            domain = [
                ("state", "=", "assigned"),
                "|",
                ("store_id", "=", self.store_id.id),
                ("employee_id", "=", employee.id),
            ]
        # ascending puts NULL last: a personal number (with an employee) first
        return self.env["clienteling.phone.number"].search(domain, order="employee_id, id")

    def _clienteling_reply_options(self):
        """``(number, existing)``: the number a new conversation would text from,
        and the customer's most recent conversation (by the request's number or
        its customer) on the user's or the store's numbers, as the user sees them."""
        self.ensure_one()
        numbers = self._clienteling_reply_numbers()
        contact = [("customer_number", "=", self.mobile)]
        if self.partner_id:
            contact = ["|", *contact, ("partner_id", "=", self.partner_id.id)]
        existing = self.env["clienteling.conversation"].search(
            [("phone_number_id", "in", numbers.ids), *contact],
            order="last_message_date desc nulls last, id desc",
            limit=1,
        )
        return numbers[:1], existing

    def _clienteling_start_conversation(self, number):
        """The conversation of the request's mobile number with ``number``
        (created if needed), for a user who may read both."""
        self.ensure_one()
        number.check_access("read")
        Conversation = self.env["clienteling.conversation"]
        conversation = Conversation._get_or_create(
            number, self.mobile, self.partner_id or None
        ).sudo(False)
        conversation.check_access("write")
        if not conversation.partner_id and self.partner_id:
            conversation.sudo().partner_id = self.partner_id
        return conversation

    def action_reply_by_text(self):
        self.ensure_one()
        self._check_can_reply_by_text()
        number, existing = self._clienteling_reply_options()
        if not number and not existing:
            raise UserError(
                self.env._(
                    "%s has no clienteling number yet: onboard it first.", self.store_id.name
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply by Text"),
            "res_model": "clienteling.service.request.reply",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def _clienteling_card_html(self):
        """The request's preview, posted in the customer's chat: kind, customer,
        message, products of interest, preferred time, and its buttons."""
        self.ensure_one()
        request = self.sudo()
        kinds = dict(request._fields["kind"]._description_selection(self.env))
        customer = request.customer_name
        if request.mobile_display:
            customer = f"{customer} · {request.mobile_display}"
        rows = [(self.env._("Customer"), escape(customer))]
        if request.message:
            rows.append(
                (self.env._("Message"), escape(request.message).replace("\n", Markup("<br>")))
            )
        if "product_ids" in request._fields and request.product_ids:
            rows.append(
                (
                    self.env._("Products of Interest"),
                    escape(", ".join(request.product_ids.mapped("display_name"))),
                )
            )
        tz = request.store_id.tz or self.env.user.tz or "UTC"
        start, end = request.preferred_date_start, request.preferred_date_end
        if start or end:
            when = " \u2013 ".join(
                format_datetime(self.env, date, tz=tz, dt_format="short")
                for date in (start, end)
                if date
            )
            rows.append((self.env._("Preferred Time"), escape(when)))
        details = Markup("").join(
            Markup('<div><span class="text-muted">%s:</span> %s</div>') % (label, value)
            for label, value in rows
        )
        return Markup(
            '<div class="o-clienteling-RequestCard card text-start my-1" data-oe-id="%(id)s">'
            '<div class="card-body p-2">'
            '<div class="fw-bold mb-1"><i class="fa fa-inbox me-1"></i>%(title)s</div>'
            "%(details)s"
            '<div class="mt-2 d-flex gap-2">'
            '<a href="#" class="btn btn-sm btn-primary o-clienteling-RequestCard-reply">%(reply)s</a>'
            '<a href="/odoo/clienteling.service.request/%(id)s"'
            ' class="btn btn-sm btn-secondary o-clienteling-RequestCard-open">%(open)s</a>'
            "</div></div></div>"
        ) % {
            "id": request.id,
            "title": self.env._("Customer Request: %s", kinds[request.kind]),
            "details": details,
            "reply": self.env._("Reply"),
            "open": self.env._("Open the Request"),
        }
