from . import (
    test_batch,
    test_boundaries,
    test_discuss,
    test_inbound,
    test_numbers,
    test_odoo_sms,
    test_odoo_sms_consent,
    test_security,
    test_security_boundaries,
    test_sending,
    test_ui,
    test_webhooks,
)
