from . import (
    calendar_event,
    clienteling_inbox_audit,
    clienteling_inbox_message,
    clienteling_mail_account,
    mail_activity,
    res_partner_inbox,
)
