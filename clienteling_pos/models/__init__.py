from . import clienteling_sale_credit, clienteling_store, pos_config, res_config_settings
