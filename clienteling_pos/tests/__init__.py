from . import test_pos_credit, test_pos_till, test_pos_till_tour
