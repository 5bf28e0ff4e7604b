from . import customer_entry
