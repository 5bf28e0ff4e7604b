"""Pure helpers of the Advisor: no ``odoo`` import here."""

from . import days, indexes
