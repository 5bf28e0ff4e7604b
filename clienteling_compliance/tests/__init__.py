from . import test_ui
