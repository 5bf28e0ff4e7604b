from . import (
    test_boundaries,
    test_demo,
    test_inbound,
    test_numbers,
    test_odoo_sms,
    test_odoo_sms_consent,
    test_security,
    test_security_boundaries,
    test_sending,
    test_text_button,
    test_ui,
    test_webhooks,
)
