from odoo import api, models
from odoo.exceptions import ValidationError

INBOX = "clienteling.inbox.message"


class CalendarEvent(models.Model):
    """Appointments from the Engage inbox: an event linked to an inbox message
    (``res_model``/``res_id``) is private (other users than its organizer and
    attendees read "Busy" and no description), is created only by a user who may
    change the message, and is audited on it."""

    _inherit = "calendar.event"

    @api.model
    def _clienteling_inbox_link(self, vals, event=None, defaults=None):
        """The inbox message ``vals`` link an event to (after ``event``'s own link
        and the context's defaults), or an empty recordset."""
        defaults = defaults or {}
        model_id = vals.get(
            "res_model_id", event.res_model_id.id if event else defaults.get("res_model_id")
        )
        res_id = vals.get("res_id", event.res_id if event else defaults.get("res_id"))
        Message = self.env[INBOX]
        if not model_id or not res_id or model_id != self.env["ir.model"]._get_id(INBOX):
            return Message
        return Message.browse(res_id)

    @api.model_create_multi
    def create(self, vals_list):
        defaults = self.default_get(["res_model_id", "res_id"])
        messages = self.env[INBOX]
        for vals in vals_list:
            message = self._clienteling_inbox_link(vals, defaults=defaults)
            if message:
                # before anything is written or sent (invitations)
                message.check_access("write")
                vals["privacy"] = "private"
                messages |= message
        events = super().create(vals_list)
        if messages:
            events._clienteling_audit_appointments()
        return events

    def write(self, vals):
        if {"res_model_id", "res_id"} & set(vals):
            for event in self:
                message = self._clienteling_inbox_link(vals, event=event)
                if message:
                    message.check_access("write")
                    vals = {**vals, "privacy": "private"}
        return super().write(vals)

    @api.constrains("privacy", "res_model_id", "res_id")
    def _check_clienteling_inbox_privacy(self):
        for event in self:
            if event.sudo().res_model == INBOX and event.sudo().privacy != "private":
                raise ValidationError(
                    self.env._(
                        "An appointment made from the Engage inbox stays private: its message "
                        "belongs to its store."
                    )
                )

    def _clienteling_audit_appointments(self):
        for event in self.sudo().filtered(lambda e: e.res_model == INBOX and e.res_id):
            # the user may change the message (checked before the event was created)
            message = self.env[INBOX].browse(event.res_id).sudo()
            message._clienteling_audit(
                "appointment",
                self.env._(
                    "Appointment “%(name)s” on %(start)s with %(attendees)s.",
                    name=event.name,
                    start=event.start,
                    attendees=", ".join(event.partner_ids.mapped("name")),
                ),
            )
