from . import test_inbox, test_inbox_form, test_security_boundaries
