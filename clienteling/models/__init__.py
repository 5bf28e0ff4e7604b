# The public forms' models inherit the rate limit mixin: it is defined first.
from . import clienteling_rate_limit_mixin

# isort: split
from . import (
    clienteling_associate_contact,
    clienteling_associate_pick,
    clienteling_consent,
    clienteling_customer_entry,
    clienteling_important_date,
    clienteling_kpi,
    clienteling_product_link,
    clienteling_product_link_click,
    clienteling_quick_reply,
    clienteling_sale_credit,
    clienteling_service_request,
    clienteling_store,
    clienteling_storefront_open,
    clienteling_storefront_visit,
    hr_employee,
    hr_employee_base,
    hr_employee_public,
    mail_canned_response,
    res_company,
    res_config_settings,
    res_partner,
    res_users,
)
