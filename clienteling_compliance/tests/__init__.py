from . import test_callbacks, test_gate, test_lifecycle
