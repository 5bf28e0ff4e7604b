"""Pure helpers of clienteling_sms: no ``odoo`` import here."""

from . import keywords, provider, quiet_hours, sandbox, segments, twilio_provider
