from . import clienteling_compliance_review
from . import clienteling_phone_number_provision
from . import clienteling_store_onboard
