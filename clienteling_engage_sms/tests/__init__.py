from . import test_inbox_sms
