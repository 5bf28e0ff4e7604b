from . import customer_entry, service_request
