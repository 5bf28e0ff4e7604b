"""Pure helpers of clienteling_sms: no ``odoo`` import here."""

from . import (
    keywords,
    privacy,
    provider,
    quiet_hours,
    retry,
    sandbox,
    segments,
    signature,
    twilio_provider,
)
