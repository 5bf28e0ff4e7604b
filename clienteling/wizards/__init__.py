from . import (
    clienteling_client_book_reassign,
    clienteling_consent_correction,
    clienteling_customer_entry_merge,
    clienteling_storefront_edit,
)
