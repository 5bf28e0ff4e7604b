from . import customer_entry, product_link
