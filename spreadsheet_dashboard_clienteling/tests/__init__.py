from . import test_clienteling_dashboard
