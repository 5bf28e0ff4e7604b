from odoo import api, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        context = dict(self.env.context)
        message_id = context.pop("clienteling_inbox_message_id", None)
        events = super(CalendarEvent, self.with_context(context)).create(vals_list)
        if message_id:
            Message = self.env["clienteling.inbox.message"].with_context(
                clienteling_inbox_message_id=message_id
            )
            for event in events:
                Message._clienteling_audit_from_context(
                    "appointment",
                    self.env._(
                        "Appointment “%(name)s” on %(start)s with %(attendees)s.",
                        name=event.name,
                        start=event.start,
                        attendees=", ".join(event.partner_ids.mapped("name")),
                    ),
                )
        return events
