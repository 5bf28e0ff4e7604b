from . import test_pos_till
