"""Pure helpers of clienteling_compliance: no ``odoo`` import here."""

from . import catalog, provider, regulations, sandbox_compliance, twilio_compliance
