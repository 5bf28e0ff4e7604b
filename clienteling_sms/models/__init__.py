from . import (
    clienteling_conversation,
    clienteling_phone_number,
    clienteling_sms_account,
    clienteling_sms_event,
    clienteling_sms_message,
    clienteling_store,
    discuss_channel,
    hr_employee,
    mail_message,
    mail_notification,
    res_partner,
    sms_sms,
)
