from . import test_inbox, test_security_boundaries
