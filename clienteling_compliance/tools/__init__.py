"""Pure helpers of clienteling_compliance: no ``odoo`` import here."""

from . import provider, regulations
