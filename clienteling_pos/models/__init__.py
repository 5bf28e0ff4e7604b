from . import clienteling_store, pos_config, res_config_settings, res_partner
