"""Pure helpers of the Engage inbox: no ``odoo`` import here."""

from . import imap, mail_display
