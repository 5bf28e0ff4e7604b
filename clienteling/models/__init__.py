from . import (
    clienteling_associate_contact,
    clienteling_consent,
    clienteling_customer_entry,
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
