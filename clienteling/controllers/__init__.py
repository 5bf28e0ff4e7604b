from . import customer_entry, product_link, service_request
