"""The sandbox's regulatory side: the offline catalog as its regulations, ids
for what an application sends, and reviews decided by a person (a simulated,
signed status callback carries the decision). Nothing leaves Odoo.

The sandbox evaluates a bundle with the regulation's own rules
(``regulations.evaluate``), which the application runs before it asks the
provider: what reaches :meth:`SandboxCompliance.evaluate` has passed them.
"""

import uuid

from . import catalog
from .provider import ComplianceProvider, Submission, register
from .regulations import Evaluation


def _sid(prefix):
    return prefix + uuid.uuid4().hex


@register
class SandboxCompliance(ComplianceProvider):
    key = "sandbox"

    def list_regulations(self, country=None, number_type=None, end_user_type=None):
        return catalog.regulations(country, number_type, end_user_type)

    def create_end_user(self, name, end_user_type, attributes):
        return _sid("IT")

    def update_end_user(self, ref, name, attributes):
        return ref

    def create_address(self, name, street, city, region, postal_code, country, street2=""):
        return _sid("AD")

    def create_document(self, name, document_type, attributes, filename, content, mimetype):
        return _sid("RD")

    def create_bundle(self, name, email, regulation_ref, status_callback=None):
        return _sid("BU")

    def assigned_items(self, bundle_ref):
        return []  # the sandbox keeps nothing: assigning again is harmless

    def assign_item(self, bundle_ref, object_ref):
        return _sid("BV")

    def unassign_item(self, bundle_ref, object_ref):
        return None

    def evaluate(self, bundle_ref):
        return Evaluation("compliant", [], ref=_sid("EL"))

    def submit(self, bundle_ref):
        return Submission(bundle_ref, "pending-review")

    def fetch_bundle(self, bundle_ref):
        return Submission(bundle_ref, "")  # only a simulated review decides

    def copy_bundle(self, bundle_ref, name):
        return _sid("BU")

    def replace_items(self, bundle_ref, from_bundle_ref):
        return True

    def submit_registration(self, kind, values, status_callback=None):
        prefix = {"toll_free": "HH", "a2p_10dlc": "BN"}.get(kind, "RG")
        return Submission(_sid(prefix), "pending-review")

    def fetch_registration(self, kind, ref):
        return Submission(ref, "")

    @staticmethod
    def review_payload(account_ref, ref, status, reason="", valid_until=""):
        """The status callback a simulated review posts."""
        return {
            "AccountSid": account_ref,
            "BundleSid": ref,
            "Status": status,
            "FailureReason": reason,
            "ValidUntil": valid_until,
            "EventSid": _sid("EV"),
        }

    def submission_from_callback(self, params):
        return Submission(
            params.get("BundleSid", ""),
            params.get("Status", ""),
            valid_until=params.get("ValidUntil", ""),
            reason=params.get("FailureReason", ""),
        )
