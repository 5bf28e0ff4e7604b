from . import (
    test_inbound,
    test_numbers,
    test_odoo_sms,
    test_security,
    test_sending,
    test_ui,
    test_webhooks,
)
