from . import clienteling_sms_composer
