from . import (
    clienteling_compliance_review,
    clienteling_phone_number_provision,
    clienteling_store_onboard,
)
