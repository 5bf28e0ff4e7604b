from . import (
    test_client_book_reassign,
    test_consent,
    test_customer_entry,
    test_customer_entry_form,
    test_important_date,
    test_inbox,
    test_partner,
    test_quick_reply,
    test_security,
    test_security_boundaries,
    test_store,
    test_ui,
)
