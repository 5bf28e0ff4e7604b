from . import (
    clienteling_associate_contact,
    clienteling_consent,
    clienteling_important_date,
    clienteling_quick_reply,
    clienteling_store,
    hr_employee,
    hr_employee_base,
    res_company,
    res_config_settings,
    res_partner,
    res_users,
)
from . import (
    calendar_event,
    clienteling_inbox_audit,
    clienteling_inbox_message,
    clienteling_mail_account,
    mail_activity,
)
