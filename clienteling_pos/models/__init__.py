from . import (
    clienteling_sale_credit,
    clienteling_store,
    pos_config,
    pos_order,
    res_config_settings,
    res_partner,
)
