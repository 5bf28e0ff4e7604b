"""Twilio's regulatory compliance through the official ``twilio`` SDK: regulations,
end users, addresses, supporting documents (their files uploaded), bundles and
their evaluations, and the US registrations (toll-free verification, A2P 10DLC).

It wraps the account's SMS provider (``self.sms``, clienteling_sms'
``TwilioProvider``): its SDK client (``self.sms.client``, which may send to a
proxy or a local recorder) and its error handling (``self.sms._call``, Twilio
errors become ``ProviderError``). No ``odoo`` import, and no import of
clienteling_sms: only what ``self.sms`` offers.
"""

import importlib
import json
import uuid

from . import regulations
from .provider import ComplianceProvider, Submission, register

# Twilio documents the file upload of a supporting document as a multipart POST
# to this host (the SDK's create() sends no file).
UPLOAD_URL = "https://numbers-upload.twilio.com/v2/RegulatoryCompliance/SupportingDocuments"

# Trust Hub policies (Twilio's published SIDs) of the A2P 10DLC chain.
SECONDARY_CUSTOMER_PROFILE_POLICY = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
A2P_TRUST_PRODUCT_POLICY = "RNb0d4771c2c98518d916a3d4cd70a8f8b"

# The ids an A2P 10DLC registration is made of, in the order of its ``ref``
# ("BU...|BU...|BN...|QE...", empty where not created yet).
A2P_STEPS = ("customer_profile", "trust_product", "brand", "campaign")

# Our names of a toll-free verification's values -> the SDK's create() parameters.
TOLL_FREE_FIELDS = {
    "business_name": "business_name",
    "website_url": "business_website",
    "business_website": "business_website",
    "notification_email": "notification_email",
    "email": "notification_email",
    "use_case_categories": "use_case_categories",
    "use_case_summary": "use_case_summary",
    "production_message_sample": "production_message_sample",
    "opt_in_image_urls": "opt_in_image_urls",
    "opt_in_type": "opt_in_type",
    "message_volume": "message_volume",
    "tollfree_phone_number_sid": "tollfree_phone_number_sid",
    "customer_profile_sid": "customer_profile_sid",
    "street": "business_street_address",
    "street2": "business_street_address2",
    "city": "business_city",
    "region": "business_state_province_region",
    "postal_code": "business_postal_code",
    "country": "business_country",
    "additional_information": "additional_information",
    "contact_first_name": "business_contact_first_name",
    "contact_last_name": "business_contact_last_name",
    "contact_email": "business_contact_email",
    "contact_phone": "business_contact_phone",
    "external_reference_id": "external_reference_id",
    "business_registration_number": "business_registration_number",
    "business_registration_authority": "business_registration_authority",
    "business_registration_country": "business_registration_country",
    "business_type": "business_type",
    "doing_business_as": "doing_business_as",
    "opt_in_confirmation_message": "opt_in_confirmation_message",
    "help_message_sample": "help_message_sample",
    "privacy_policy_url": "privacy_policy_url",
    "terms_and_conditions_url": "terms_and_conditions_url",
    "age_gated_content": "age_gated_content",
    "opt_in_keywords": "opt_in_keywords",
    # the names the regulations catalog asks them under
    "business_street_address": "business_street_address",
    "business_city": "business_city",
    "business_state_province_region": "business_state_province_region",
    "business_postal_code": "business_postal_code",
    "business_country": "business_country",
    "business_contact_first_name": "business_contact_first_name",
    "business_contact_last_name": "business_contact_last_name",
    "business_contact_email": "business_contact_email",
    "business_contact_phone": "business_contact_phone",
    "opt_in_proof_url": "opt_in_image_urls",
    "opt_in_message": "opt_in_confirmation_message",
    "help_message": "help_message_sample",
}
TOLL_FREE_REQUIRED = (
    "business_name",
    "business_website",
    "notification_email",
    "use_case_categories",
    "use_case_summary",
    "production_message_sample",
    "opt_in_image_urls",
    "opt_in_type",
    "message_volume",
    "tollfree_phone_number_sid",
)
TOLL_FREE_LISTS = {"use_case_categories", "opt_in_image_urls", "opt_in_keywords"}

# A2P 10DLC: our values -> Trust Hub end-user attributes.
BUSINESS_INFORMATION = (
    "business_name",
    "business_type",
    "business_industry",
    "business_registration_identifier",
    "business_registration_number",
    "business_regions_of_operation",
    "business_identity",
    "website_url",
    "social_media_profile_urls",
)
REPRESENTATIVE = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone_number": "phone_number",
    "business_title": "business_title",
    "job_position": "job_position",
}
CAMPAIGN_REQUIRED = (
    "messaging_service_sid",
    "us_app_to_person_usecase",
    "description",
    "message_flow",
    "message_samples",
)
CAMPAIGN_OPTIONAL = (
    "opt_in_message",
    "opt_out_message",
    "help_message",
    "opt_in_keywords",
    "opt_out_keywords",
    "help_keywords",
    "subscriber_opt_in",
    "age_gated",
    "direct_lending",
    "privacy_policy_url",
    "terms_and_conditions_url",
)


def _as_list(value):
    if value in (None, "", False):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _date(value):
    """An ISO date from the SDK's datetime (or a string), "" without one."""
    if not value:
        return ""
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value)[:10]


def findings(results):
    """The :class:`regulations.Finding` of Twilio's evaluation ``results``: one per
    invalid field of a failed requirement, or one for the requirement itself (a
    missing document: 22216) when it names no field."""
    found = []
    for result in results or ():
        if result.get("passed"):
            continue
        requirement = result.get("requirement_name") or result.get("friendly_name") or ""
        invalid = result.get("invalid") or []
        for item in invalid:
            found.append(
                regulations.Finding(
                    requirement,
                    str(item.get("error_code") or result.get("error_code") or ""),
                    item.get("object_field") or "",
                    item.get("failure_reason") or "",
                )
            )
        if not invalid:
            found.append(
                regulations.Finding(
                    requirement,
                    str(result.get("error_code") or ""),
                    reason=result.get("failure_reason") or "",
                )
            )
    return found


def split_a2p_ref(ref):
    """The ids of an A2P 10DLC registration's ``ref``: {step: id or ""}."""
    parts = (ref or "").split("|")
    return {step: (parts[i] if i < len(parts) else "") for i, step in enumerate(A2P_STEPS)}


def join_a2p_ref(ids):
    return "|".join(ids.get(step) or "" for step in A2P_STEPS)


def multipart(fields, files):
    """A multipart/form-data body: ``fields`` {name: text}, ``files`` {name:
    (filename, bytes, mimetype)}; returns (content type, body bytes)."""
    boundary = uuid.uuid4().hex
    body = bytearray()
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        body += str(value).encode() + b"\r\n"
    for name, (filename, content, mimetype) in files.items():
        safe = (filename or "document").replace('"', "").replace("\r", "").replace("\n", "")
        body += (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{safe}"\r\n'
            f"Content-Type: {mimetype or 'application/octet-stream'}\r\n\r\n"
        ).encode()
        body += content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", bytes(body)


@register
class TwilioCompliance(ComplianceProvider):
    key = "twilio"

    @property
    def _rc(self):
        return self.sms.client.numbers.v2.regulatory_compliance

    @property
    def _trusthub(self):
        return self.sms.client.trusthub.v1

    @property
    def _messaging(self):
        return self.sms.client.messaging.v1

    def _list(self, function, **kwargs):
        """A list call of the SDK, through ``self.sms._call``: the SDK raises a
        bare "Unable to fetch page" for a refused page, made here the
        ``TwilioRestException`` (code, message) of Twilio's error body."""

        def listing():
            exceptions = importlib.import_module("twilio.base.exceptions")
            try:
                return function(**kwargs)
            except exceptions.TwilioRestException:
                raise
            except exceptions.TwilioException as error:
                response = error.args[1] if len(error.args) > 1 else None
                if response is None or not hasattr(response, "status_code"):
                    raise
                raise self.sms.client.numbers.v2.exception(
                    "GET", "", response, "Unable to fetch page"
                ) from error

        return self.sms._call(listing)

    # Regulations.

    def list_regulations(self, country=None, number_type=None, end_user_type=None):
        filters = {"include_constraints": True}
        if country:
            filters["iso_country"] = country.upper()
        if number_type:
            filters["number_type"] = number_type
        if end_user_type:
            filters["end_user_type"] = end_user_type
        found = self._list(self._rc.regulations.list, **filters)
        return [
            regulations.from_twilio(
                {
                    "sid": item.sid,
                    "friendly_name": item.friendly_name,
                    "iso_country": item.iso_country,
                    "number_type": item.number_type,
                    "end_user_type": item.end_user_type,
                    "requirements": item.requirements or {},
                }
            )
            for item in found
        ]

    # Bundle items.

    def create_end_user(self, name, end_user_type, attributes):
        end_user = self.sms._call(
            self._rc.end_users.create,
            friendly_name=name,
            type=end_user_type,
            attributes=dict(attributes or {}),
        )
        return end_user.sid

    def update_end_user(self, ref, name, attributes):
        end_user = self.sms._call(
            self._rc.end_users(ref).update, friendly_name=name, attributes=dict(attributes or {})
        )
        return end_user.sid

    def create_address(self, name, street, city, region, postal_code, country, street2=""):
        kwargs = {
            "customer_name": name,
            "street": street,
            "city": city,
            "region": region,
            "postal_code": postal_code,
            "iso_country": (country or "").upper(),
        }
        if street2:
            kwargs["street_secondary"] = street2
        address = self.sms._call(self.sms.client.addresses.create, **kwargs)
        return address.sid

    def create_document(self, name, document_type, attributes, filename, content, mimetype):
        """Upload the document with its file (multipart POST to Twilio's upload
        host, through the SDK's client: its auth, its HTTP client); its RD sid."""
        if not content:
            raise ValueError("A supporting document needs its file.")
        content_type, body = multipart(
            {
                "FriendlyName": name,
                "Type": document_type,
                "Attributes": json.dumps(dict(attributes or {})),
            },
            {"File": (filename, content, mimetype or regulations.file_kind(content))},
        )
        return self.sms._call(self._upload, content_type, body)

    def _upload(self, content_type, body):
        client = self.sms.client
        response = client.request(
            "POST",
            UPLOAD_URL,
            data=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
        )
        version = client.numbers.v2
        if response.status_code < 200 or response.status_code >= 300:
            raise version.exception(
                "POST", UPLOAD_URL, response, "Unable to upload the supporting document"
            )
        try:
            payload = json.loads(response.text)
            sid = payload["sid"]
        except (ValueError, KeyError, TypeError) as error:
            raise version.exception(
                "POST", UPLOAD_URL, response, "Twilio's answer to the upload has no sid"
            ) from error
        return sid

    # Bundles.

    def create_bundle(self, name, email, regulation_ref, status_callback=None):
        kwargs = {"friendly_name": name, "email": email, "regulation_sid": regulation_ref}
        if status_callback:
            kwargs["status_callback"] = status_callback
        return self.sms._call(self._rc.bundles.create, **kwargs).sid

    def assigned_items(self, bundle_ref):
        items = self._list(self._rc.bundles(bundle_ref).item_assignments.list)
        return [item.object_sid for item in items]

    def unassign_item(self, bundle_ref, object_ref):
        items = self._list(self._rc.bundles(bundle_ref).item_assignments.list)
        for item in items:
            if item.object_sid == object_ref:
                self.sms._call(self._rc.bundles(bundle_ref).item_assignments(item.sid).delete)

    def assign_item(self, bundle_ref, object_ref):
        assignment = self.sms._call(
            self._rc.bundles(bundle_ref).item_assignments.create, object_sid=object_ref
        )
        return assignment.sid

    def evaluate(self, bundle_ref):
        evaluation = self.sms._call(self._rc.bundles(bundle_ref).evaluations.create)
        return regulations.Evaluation(
            status=evaluation.status or "",
            findings=findings(evaluation.results),
            ref=evaluation.sid,
        )

    def submit(self, bundle_ref):
        bundle = self.sms._call(self._rc.bundles(bundle_ref).update, status="pending-review")
        return Submission(
            ref=bundle.sid or bundle_ref,
            status=bundle.status or "pending-review",
            valid_until=_date(bundle.valid_until),
        )

    def fetch_bundle(self, bundle_ref):
        bundle = self.sms._call(self._rc.bundles(bundle_ref).fetch)
        reason = ""
        if bundle.status == "twilio-rejected":
            reason = self._rejection_reason(bundle_ref)
        return Submission(
            ref=bundle.sid or bundle_ref,
            status=bundle.status or "",
            valid_until=_date(bundle.valid_until),
            reason=reason,
        )

    def _rejection_reason(self, bundle_ref):
        """Twilio's Bundle carries no reason: the failure reasons of its latest
        evaluation, then those of its rejected supporting documents."""
        reasons = []
        evaluations = self._list(self._rc.bundles(bundle_ref).evaluations.list, limit=20)
        dated = [e for e in evaluations if e.status == "noncompliant"]
        dated.sort(key=lambda e: (e.date_created is None, e.date_created), reverse=True)
        if dated:
            reasons.extend(f.reason for f in findings(dated[0].results) if f.reason)
        for sid in self.assigned_items(bundle_ref):
            if not sid.startswith("RD"):
                continue
            document = self.sms._call(self._rc.supporting_documents(sid).fetch)
            if document.failure_reason:
                reasons.append(document.failure_reason)
        return "\n".join(dict.fromkeys(reasons))

    def copy_bundle(self, bundle_ref, name):
        copy = self.sms._call(self._rc.bundles(bundle_ref).bundle_copies.create, friendly_name=name)
        return copy.sid

    def replace_items(self, bundle_ref, from_bundle_ref):
        result = self.sms._call(
            self._rc.bundles(bundle_ref).replace_items.create, from_bundle_sid=from_bundle_ref
        )
        return Submission(
            ref=result.sid or bundle_ref,
            status=result.status or "",
            valid_until=_date(result.valid_until),
        )

    # US registrations.

    def submit_registration(self, kind, values, status_callback=None):
        """``toll_free``: a Toll-Free Verification (ref: its HH sid; Twilio's
        create takes no status callback). ``a2p_10dlc``: the chain of Trust Hub
        secondary customer profile, A2P trust product, brand and campaign; the ref
        is "customer_profile|trust_product|brand|campaign" sids (see
        :func:`split_a2p_ref`), empty where a step is not done. Steps whose sid is
        in ``values`` (``customer_profile_sid``, ``trust_product_sid``,
        ``brand_registration_sid``, or a previous ``ref``) are skipped, so calling
        again continues the chain; the campaign is created once the brand is
        APPROVED. A noncompliant Trust Hub evaluation stops the chain: the draft
        profile (or trust product) is deleted, the Submission has status "draft",
        the failure reasons in ``reason`` and the ids of the steps done before."""
        if kind == "toll_free":
            return self._submit_toll_free(values)
        if kind == "a2p_10dlc":
            return self._submit_a2p(values, status_callback)
        raise ValueError(f"Unknown registration kind: {kind}")

    def fetch_registration(self, kind, ref):
        if kind == "toll_free":
            verification = self.sms._call(self._messaging.tollfree_verifications(ref).fetch)
            return self._toll_free_submission(verification)
        if kind == "a2p_10dlc":
            return self._fetch_a2p(split_a2p_ref(ref))
        raise ValueError(f"Unknown registration kind: {kind}")

    def _submit_toll_free(self, values):
        kwargs = {}
        # the SDK's own names win over ours (website_url / business_website)
        items = sorted((values or {}).items(), key=lambda kv: TOLL_FREE_FIELDS.get(kv[0]) == kv[0])
        for name, value in items:
            parameter = TOLL_FREE_FIELDS.get(name)
            if parameter and value not in (None, "", [], ()):
                kwargs[parameter] = _as_list(value) if parameter in TOLL_FREE_LISTS else value
        missing = [name for name in TOLL_FREE_REQUIRED if not kwargs.get(name)]
        if missing:
            raise ValueError(f"A toll-free verification needs: {', '.join(missing)}")
        verification = self.sms._call(self._messaging.tollfree_verifications.create, **kwargs)
        return self._toll_free_submission(verification)

    @staticmethod
    def _toll_free_submission(verification):
        reason = verification.rejection_reason or ""
        if not reason and verification.rejection_reasons:
            reason = "\n".join(
                str(r.get("reason") or r.get("description") or r) if isinstance(r, dict) else str(r)
                for r in verification.rejection_reasons
            )
        return Submission(ref=verification.sid, status=verification.status or "", reason=reason)

    def _submit_a2p(self, values, status_callback):
        values = dict(values or {})
        ids = split_a2p_ref(values.get("ref"))
        ids["customer_profile"] = values.get("customer_profile_sid") or ids["customer_profile"]
        ids["trust_product"] = values.get("trust_product_sid") or ids["trust_product"]
        ids["brand"] = values.get("brand_registration_sid") or ids["brand"]
        try:
            return self._a2p_chain(values, ids, status_callback)
        except Exception as error:
            # the steps done before the error, for a retry to go on from them
            error.registration_ref = join_a2p_ref(ids)
            raise

    def _a2p_chain(self, values, ids, status_callback):
        email = values.get("notification_email") or values.get("email")
        name = values.get("business_name") or values.get("friendly_name")
        if not ids["customer_profile"]:
            if not email or not name:
                raise ValueError("An A2P 10DLC registration needs business_name and email.")
            sid, reason = self._customer_profile(values, name, email, status_callback)
            ids["customer_profile"] = sid
            if reason:
                return Submission(ref=join_a2p_ref(ids), status="draft", reason=reason)
        if not ids["trust_product"]:
            sid, reason = self._trust_product(values, ids["customer_profile"], name, email)
            ids["trust_product"] = sid
            if reason:
                return Submission(ref=join_a2p_ref(ids), status="draft", reason=reason)
        if not ids["brand"]:
            kwargs = {
                "customer_profile_bundle_sid": ids["customer_profile"],
                "a2p_profile_bundle_sid": ids["trust_product"],
            }
            if values.get("brand_type"):
                kwargs["brand_type"] = values["brand_type"]
            brand = self.sms._call(self._messaging.brand_registrations.create, **kwargs)
            ids["brand"] = brand.sid
        else:
            brand = self.sms._call(self._messaging.brand_registrations(ids["brand"]).fetch)
        if (brand.status or "").upper() != "APPROVED" or not values.get("messaging_service_sid"):
            return Submission(
                ref=join_a2p_ref(ids),
                status=brand.status or "",
                reason=brand.failure_reason or "",
            )
        if ids["campaign"]:
            return self._fetch_a2p(ids)
        missing = [name for name in CAMPAIGN_REQUIRED if not values.get(name)]
        if missing:
            raise ValueError(f"An A2P 10DLC campaign needs: {', '.join(missing)}")
        kwargs = {
            "brand_registration_sid": ids["brand"],
            "description": values["description"],
            "message_flow": values["message_flow"],
            "message_samples": _samples(values["message_samples"]),
            "us_app_to_person_usecase": values["us_app_to_person_usecase"],
            "has_embedded_links": bool(values.get("has_embedded_links")),
            "has_embedded_phone": bool(values.get("has_embedded_phone")),
        }
        for name in CAMPAIGN_OPTIONAL:
            if values.get(name) not in (None, "", [], ()):
                value = values[name]
                kwargs[name] = _as_list(value) if name.endswith("_keywords") else value
        service = self._messaging.services(values["messaging_service_sid"])
        campaign = self.sms._call(service.us_app_to_person.create, **kwargs)
        ids["campaign"] = f"{values['messaging_service_sid']}/{campaign.sid}"
        return Submission(
            ref=join_a2p_ref(ids),
            status=campaign.campaign_status or "",
            reason=_errors(campaign.errors),
        )

    def _customer_profile(self, values, name, email, status_callback):
        """A secondary customer profile with its items, evaluated and submitted:
        (sid, "") or, when Twilio finds it noncompliant, ("", the failure
        reasons) and the draft deleted."""
        hub = self._trusthub
        kwargs = {
            "friendly_name": name,
            "email": email,
            "policy_sid": values.get("customer_profile_policy_sid")
            or SECONDARY_CUSTOMER_PROFILE_POLICY,
        }
        if status_callback:
            kwargs["status_callback"] = status_callback
        profile = self.sms._call(hub.customer_profiles.create, **kwargs)
        items = []
        business = {k: values[k] for k in BUSINESS_INFORMATION if values.get(k)}
        for key in ("business_regions_of_operation", "social_media_profile_urls"):
            if key in business and not isinstance(business[key], str):
                business[key] = ",".join(business[key])
        items.append(
            self.sms._call(
                hub.end_users.create,
                friendly_name=f"{name} business information",
                type="customer_profile_business_information",
                attributes=business,
            ).sid
        )
        representative = {
            attribute: values[f"representative_{key}"]
            for key, attribute in REPRESENTATIVE.items()
            if values.get(f"representative_{key}")
        }
        if representative:
            items.append(
                self.sms._call(
                    hub.end_users.create,
                    friendly_name=f"{name} authorized representative",
                    type="authorized_representative_1",
                    attributes=representative,
                ).sid
            )
        address = values.get("address_sid")
        if not address and values.get("street"):
            address = self.create_address(
                name,
                values.get("street"),
                values.get("city"),
                values.get("region"),
                values.get("postal_code"),
                values.get("country") or "US",
                values.get("street2") or "",
            )
        if address:
            items.append(
                self.sms._call(
                    hub.supporting_documents.create,
                    friendly_name=f"{name} address",
                    type="customer_profile_address",
                    attributes={"address_sids": address},
                ).sid
            )
        if values.get("primary_customer_profile_sid"):
            items.append(values["primary_customer_profile_sid"])
        assignments = hub.customer_profiles(profile.sid).customer_profiles_entity_assignments
        for item in items:
            self.sms._call(assignments.create, object_sid=item)
        evaluation = self.sms._call(
            hub.customer_profiles(profile.sid).customer_profiles_evaluations.create,
            policy_sid=kwargs["policy_sid"],
        )
        if evaluation.status != "compliant":
            # the draft goes: calling again with corrected values starts anew
            self.sms._call(hub.customer_profiles(profile.sid).delete)
            return "", _reasons(evaluation.results)
        self.sms._call(hub.customer_profiles(profile.sid).update, status="pending-review")
        return profile.sid, ""

    def _trust_product(self, values, customer_profile, name, email):
        hub = self._trusthub
        if not email or not name:
            raise ValueError("An A2P trust product needs business_name and email.")
        policy = values.get("trust_product_policy_sid") or A2P_TRUST_PRODUCT_POLICY
        product = self.sms._call(
            hub.trust_products.create,
            friendly_name=f"{name} A2P messaging",
            email=email,
            policy_sid=policy,
        )
        attributes = {"company_type": values.get("company_type") or "private"}
        for key in ("stock_exchange", "stock_ticker"):
            if values.get(key):
                attributes[key] = values[key]
        end_user = self.sms._call(
            hub.end_users.create,
            friendly_name=f"{name} A2P messaging profile",
            type="us_a2p_messaging_profile_information",
            attributes=attributes,
        )
        assignments = hub.trust_products(product.sid).trust_products_entity_assignments
        for item in (end_user.sid, customer_profile):
            self.sms._call(assignments.create, object_sid=item)
        evaluation = self.sms._call(
            hub.trust_products(product.sid).trust_products_evaluations.create, policy_sid=policy
        )
        if evaluation.status != "compliant":
            self.sms._call(hub.trust_products(product.sid).delete)
            return "", _reasons(evaluation.results)
        self.sms._call(hub.trust_products(product.sid).update, status="pending-review")
        return product.sid, ""

    def _fetch_a2p(self, ids):
        """The registration's status: the campaign's once there is one, else the
        brand's, else the Trust Hub profile's (or trust product's)."""
        ref = join_a2p_ref(ids)
        if ids["campaign"]:
            service, _, sid = ids["campaign"].partition("/")
            campaign = self.sms._call(self._messaging.services(service).us_app_to_person(sid).fetch)
            return Submission(
                ref=ref, status=campaign.campaign_status or "", reason=_errors(campaign.errors)
            )
        if ids["brand"]:
            brand = self.sms._call(self._messaging.brand_registrations(ids["brand"]).fetch)
            status = brand.status or ""
            reason = brand.failure_reason or ""
            if status.upper() == "APPROVED":
                # approved brand, no campaign yet: not registered for texting
                status, reason = "pending", "The brand is approved; its campaign is not created."
            return Submission(ref=ref, status=status, reason=reason)
        for step, resource in (
            ("trust_product", self._trusthub.trust_products),
            ("customer_profile", self._trusthub.customer_profiles),
        ):
            if ids[step]:
                bundle = self.sms._call(resource(ids[step]).fetch)
                status = bundle.status or ""
                if status == "twilio-approved":
                    status = "pending"  # approved profile, no brand yet
                return Submission(ref=ref, status=status, valid_until=_date(bundle.valid_until))
        raise ValueError("An A2P 10DLC ref names no registration.")


def _samples(value):
    """Sample messages: a list, or one per line of a text."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(v) for v in value if str(v).strip()]


def _reasons(results):
    return "\n".join(
        f"{f.code} {f.requirement}{'.' + f.object_field if f.object_field else ''}: {f.reason}"
        for f in findings(results)
    )


def _errors(errors):
    if not errors:
        return ""
    return "\n".join(
        str(e.get("description") or e.get("message") or e) if isinstance(e, dict) else str(e)
        for e in errors
    )
