from . import clienteling_store
from . import pos_config
from . import res_config_settings
from . import res_partner
