"""What clienteling_compliance needs from a provider, besides texting.

A compliance provider wraps the account's SMS provider (clienteling_sms'
``tools.provider.SmsProvider``, built from the account's settings): it is a
subclass of :class:`ComplianceProvider` registered with :func:`register` under
the SMS provider's key, built with ``ComplianceClass(sms_provider)``. It uses
the SMS provider's client and error handling, so every error is clienteling_sms'
``ProviderError`` (its ``code`` the provider's error code, ``kind`` what it
means). Every method takes and returns plain values.
"""

from dataclasses import dataclass

# Application states, from the provider's statuses.
BUNDLE_STATES = {
    "draft": "draft",
    "pending-review": "submitted",
    "in-review": "in_review",
    "twilio-approved": "approved",
    "provisionally-approved": "approved",
    "twilio-rejected": "rejected",
    # US/CA registrations (brands, campaigns, toll-free verifications)
    "pending": "submitted",
    "pending_review": "submitted",
    "in_progress": "in_review",
    "in_review": "in_review",
    "approved": "approved",
    "verified": "approved",
    "twilio_approved": "approved",
    "failed": "rejected",
    "twilio_rejected": "rejected",
    "rejected": "rejected",
    "suspended": "rejected",
    "expired": "expired",
}

_COMPLIANCE = {}


def register(provider_class):
    _COMPLIANCE[provider_class.key] = provider_class
    return provider_class


def get_compliance_class(key):
    return _COMPLIANCE.get(key)


@dataclass
class Submission:
    """A provider's record of an application: its status and what it says."""

    ref: str
    status: str  # the provider's own status
    valid_until: str = ""  # ISO date, when the provider set one
    reason: str = ""  # rejection reason, in the provider's words

    @property
    def state(self):
        return BUNDLE_STATES.get((self.status or "").lower(), "")


class ComplianceProvider:
    """Methods a provider implements for regulatory approval."""

    key = None

    def __init__(self, sms_provider):
        self.sms = sms_provider

    # Regulations.

    def list_regulations(self, country=None, number_type=None, end_user_type=None):
        """The provider's regulations: a list of ``tools.regulations.Regulation``."""
        raise NotImplementedError

    # A bundle, built step by step: each call creates one object and returns its id.

    def create_end_user(self, name, end_user_type, attributes):
        raise NotImplementedError

    def update_end_user(self, ref, name, attributes):
        raise NotImplementedError

    def create_address(self, name, street, city, region, postal_code, country, street2=""):
        raise NotImplementedError

    def create_document(self, name, document_type, attributes, filename, content, mimetype):
        """Create a supporting document with its file uploaded; return its id."""
        raise NotImplementedError

    def create_bundle(self, name, email, regulation_ref, status_callback=None):
        raise NotImplementedError

    def assigned_items(self, bundle_ref):
        """The ids of the objects assigned to the bundle."""
        raise NotImplementedError

    def assign_item(self, bundle_ref, object_ref):
        raise NotImplementedError

    def unassign_item(self, bundle_ref, object_ref):
        """Take the object out of the bundle (a document replaced by another)."""
        raise NotImplementedError

    def evaluate(self, bundle_ref):
        """The provider's check of the bundle: a ``tools.regulations.Evaluation``."""
        raise NotImplementedError

    def submit(self, bundle_ref):
        """Submit the bundle for review: a :class:`Submission`."""
        raise NotImplementedError

    def fetch_bundle(self, bundle_ref):
        """The bundle's current :class:`Submission`."""
        raise NotImplementedError

    def copy_bundle(self, bundle_ref, name):
        """A draft copy of an approved bundle (to update it); return the copy's id."""
        raise NotImplementedError

    def replace_items(self, bundle_ref, from_bundle_ref):
        """Put the items of the approved copy ``from_bundle_ref`` into ``bundle_ref``."""
        raise NotImplementedError

    # US and Canada: registrations instead of bundles.

    def submit_registration(self, kind, values, status_callback=None):
        """Register a US A2P 10DLC brand and campaign, or a toll-free verification
        (``kind``), from ``values`` {field: value}: a :class:`Submission`."""
        raise NotImplementedError

    def fetch_registration(self, kind, ref):
        raise NotImplementedError

    def submission_from_callback(self, params):
        """The :class:`Submission` a (verified) status callback states, or None
        when the callback is only a signal to ask the provider (Twilio)."""
        return None
