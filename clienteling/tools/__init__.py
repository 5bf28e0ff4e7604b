"""Pure helpers of the clienteling addon: no ``odoo`` import here."""

from . import customer_entry, dates, phone, placeholders, product_link, qr_code
