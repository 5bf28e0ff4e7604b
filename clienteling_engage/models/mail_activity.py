from odoo import api, models
from odoo.exceptions import ValidationError

INBOX = "clienteling.inbox.message"


class MailActivity(models.Model):
    """To-Dos from the Engage inbox are activities of the inbox message (not of the
    customer, whose activities every internal user can read): Odoo lets the users
    who may change the message create them, they go only to users who may read it,
    and each is audited on the message."""

    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        # appointments are audited as such (calendar.event)
        todos = activities.sudo().filtered(
            lambda a: a.res_model == INBOX and a.res_id and not a.calendar_event_id
        )
        for activity in todos:
            # Odoo checked that the user may change the message (create above)
            message = self.env[INBOX].browse(activity.res_id).sudo()
            message._clienteling_audit(
                "todo",
                self.env._(
                    "To-Do “%(summary)s” for %(user)s, due %(date)s, on %(record)s.",
                    summary=activity.summary or activity.activity_type_id.name,
                    user=activity.user_id.name,
                    date=activity.date_deadline,
                    record=activity.res_name,
                ),
            )
        return activities

    @api.constrains("user_id", "res_model_id", "res_id")
    def _check_clienteling_inbox_user(self):
        """A To-Do on an inbox message goes to a user who may read the message."""
        for activity in self.sudo().filtered(lambda a: a.res_model == INBOX and a.user_id):
            message = self.env[INBOX].browse(activity.res_id)
            if not message._clienteling_readable_by(activity.user_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot read the message “%(message)s” (another store): its "
                        "To-Dos go to users of its store.",
                        user=activity.user_id.name,
                        message=activity.res_name,
                    )
                )
