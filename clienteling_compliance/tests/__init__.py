from . import test_documents, test_security, test_twilio, test_ui
