from . import (
    clienteling_conversation_link,
    clienteling_phone_number_provision,
    clienteling_product_share,
    clienteling_service_request_reply,
    clienteling_sms_composer,
    clienteling_sms_simulate,
    clienteling_store_onboard,
)
