from . import (
    test_callbacks,
    test_documents,
    test_gate,
    test_lifecycle,
    test_security,
    test_twilio,
    test_ui,
)
