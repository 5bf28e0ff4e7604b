from . import (
    clienteling_advisor_category,
    clienteling_advisor_recommendation,
    clienteling_advisor_snooze,
    clienteling_customer_entry,
    res_company,
    res_config_settings,
)
