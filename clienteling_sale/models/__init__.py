from . import crm_team, res_config_settings, sale_order
