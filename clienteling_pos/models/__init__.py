from . import clienteling_store, pos_config, pos_order, res_config_settings
