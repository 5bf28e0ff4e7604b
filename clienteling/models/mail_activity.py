from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        context = dict(self.env.context)
        message_id = context.pop("clienteling_inbox_message_id", None)
        activities = super(MailActivity, self.with_context(context)).create(vals_list)
        if message_id:
            Message = self.env["clienteling.inbox.message"].with_context(
                clienteling_inbox_message_id=message_id
            )
            for activity in activities:
                Message._clienteling_audit_from_context(
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
