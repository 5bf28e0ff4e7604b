from . import test_advisor_text
