from . import test_pos_till
from . import test_pos_till_tour
