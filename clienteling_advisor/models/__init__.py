from . import (
    clienteling_advisor_category,
    clienteling_advisor_recommendation,
    clienteling_advisor_refresh,
    clienteling_advisor_snooze,
    clienteling_customer_entry,
    clienteling_important_date,
    clienteling_store,
    hr_employee,
    res_company,
    res_config_settings,
    res_partner,
)
