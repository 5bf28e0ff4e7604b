"""Pure helpers of the clienteling addon: no ``odoo`` import here."""

from . import dates, imap, phone, placeholders
