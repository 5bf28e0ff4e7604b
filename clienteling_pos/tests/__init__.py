from . import test_pos_credit
