"""A local endpoint that answers like Twilio's compliance APIs (Regulatory
Compliance v2, Addresses, Trust Hub, toll-free verifications, A2P brands and
campaigns) and records what it receives, multipart uploads included.

``TwilioProvider(api_base_url=recorder.url)`` sends the SDK's requests here. No
``odoo`` import: the repo-level tests use it too.

Settable answers: ``bundle_status[sid]``, ``valid_until[sid]``,
``evaluation`` ("compliant" or "noncompliant", for bundles and Trust Hub),
``evaluation_results`` (the results of a noncompliant evaluation),
``brand_status[sid]``, ``campaign_status[sid]``, ``toll_free_status[sid]``,
``rejection_reason[sid]``, ``document_failure[sid]``; ``fail_on(path_fragment,
status, code, message)`` makes every request to such a path fail.
"""

import base64
import itertools
import json
import threading
from email.parser import BytesParser
from email.policy import default as default_policy
from urllib.parse import parse_qs, urlsplit

try:
    from odoo.addons.clienteling_sms.tests.twilio_recorder import TwilioRecorder
except ImportError:
    from twilio_recorder import TwilioRecorder

# The shapes of live Regulation resources (read with IncludeConstraints): Ireland
# local business (regulation RN5b82..., as a public fixture reproduces it) and
# Germany local business (fields and documents from Twilio's German guidelines).
IE_LOCAL_BUSINESS = {
    "sid": "RN5b82d0c001b4ef265770d022986f794f",
    "friendly_name": "Ireland: Local - Business",
    "iso_country": "IE",
    "number_type": "local",
    "end_user_type": "business",
    "requirements": {
        "end_user": [
            {
                "name": "Business",
                "type": "business",
                "requirement_name": "business_info",
                "url": "https://numbers.twilio.com/v2/RegulatoryCompliance/EndUserTypes/business",
                "fields": [
                    "business_name",
                    "business_website",
                    "business_registration_number",
                    "first_name",
                    "last_name",
                    "email",
                    "business_identity",
                    "is_subassigned",
                    "comments",
                ],
                "detailed_fields": [
                    {
                        "machine_name": "business_name",
                        "friendly_name": "Business Name",
                        "description": "The legal name of the business",
                        "constraint": {"type": "String", "max_length": 255},
                    },
                    {
                        "machine_name": "business_website",
                        "friendly_name": "Business Website",
                        "description": "The website of the business",
                    },
                    {
                        "machine_name": "business_registration_number",
                        "friendly_name": "Company Registration Number",
                        "description": "CRO number of the business",
                    },
                    {"machine_name": "first_name", "friendly_name": "First Name"},
                    {"machine_name": "last_name", "friendly_name": "Last Name"},
                    {"machine_name": "email", "friendly_name": "Email"},
                    {
                        "machine_name": "business_identity",
                        "friendly_name": "Business Identity",
                        "choices": ["DIRECT_CUSTOMER", "INDEPENDENT_SOFTWARE_VENDOR"],
                    },
                    {
                        "machine_name": "is_subassigned",
                        "friendly_name": "Is Subassigned",
                        "choices": ["YES", "NO"],
                    },
                    {"machine_name": "comments", "friendly_name": "Comments"},
                ],
            }
        ],
        "supporting_document": [
            [
                {
                    "name": "Proof of Address",
                    "type": "document",
                    "requirement_name": "proof_of_address",
                    "description": (
                        "An address within the locality or region covered by the phone"
                        " number's prefix, including the Eircode."
                    ),
                    "accepted_documents": [
                        {
                            "name": "Business Address (Proof of Address)",
                            "type": "business_address",
                            "url": "https://numbers.twilio.com/v2/RegulatoryCompliance/"
                            "SupportingDocumentTypes/business_address",
                            "fields": ["address_sids"],
                            "detailed_fields": [
                                {
                                    "machine_name": "address_sids",
                                    "friendly_name": "Address Sids",
                                    "description": "Address sids",
                                }
                            ],
                        }
                    ],
                }
            ]
        ],
    },
    "url": "https://numbers.twilio.com/v2/RegulatoryCompliance/Regulations/"
    "RN5b82d0c001b4ef265770d022986f794f",
}

DE_LOCAL_BUSINESS = {
    "sid": "RN" + "de" * 15 + "01",
    "friendly_name": "Germany: Local - Business",
    "iso_country": "DE",
    "number_type": "local",
    "end_user_type": "business",
    "requirements": {
        "end_user": [
            {
                "name": "Business",
                "type": "business",
                "requirement_name": "business_info",
                "fields": ["business_name", "business_registration_number"],
                "detailed_fields": [
                    {
                        "machine_name": "business_name",
                        "friendly_name": "Business Name",
                        "description": "Name of the company",
                    },
                    {
                        "machine_name": "business_registration_number",
                        "friendly_name": "Business Registration Number",
                        "description": "Handelsregisternummer",
                    },
                ],
            }
        ],
        "supporting_document": [
            [
                {
                    "name": "Business Name",
                    "type": "document",
                    "requirement_name": "business_name_info",
                    "description": "An excerpt from the commercial register showing the name.",
                    "accepted_documents": [
                        {
                            "name": "Excerpt from the commercial register (Handelsregisterauszug)",
                            "type": "commercial_registrar_excerpt",
                            "fields": ["business_name"],
                            "detailed_fields": [
                                {"machine_name": "business_name", "friendly_name": "Business Name"}
                            ],
                        }
                    ],
                }
            ],
            [
                {
                    "name": "Proof of Address",
                    "type": "document",
                    "requirement_name": "proof_of_address_info",
                    "description": "An address in the number's local area (Ortsnetz).",
                    "accepted_documents": [
                        {
                            "name": "Excerpt from the commercial register",
                            "type": "commercial_registrar_excerpt",
                            "fields": ["address_sids", "business_name"],
                        },
                        {
                            "name": "Utility bill",
                            "type": "utility_bill",
                            "fields": ["address_sids", "first_name", "last_name"],
                        },
                    ],
                }
            ],
        ],
    },
}

REGULATIONS = [IE_LOCAL_BUSINESS, DE_LOCAL_BUSINESS]

# A noncompliant evaluation as Twilio gives it: an end-user field missing
# (22215), a document missing (22216), a document field missing (22217).
NONCOMPLIANT_RESULTS = [
    {
        "friendly_name": "Business",
        "requirement_name": "business_info",
        "requirement_friendly_name": "Business",
        "object_type": "business",
        "passed": False,
        "error_code": 22214,
        "failure_reason": "The End-User is missing required fields.",
        "valid": [{"friendly_name": "Business Name", "object_field": "business_name"}],
        "invalid": [
            {
                "friendly_name": "Business Registration Number",
                "object_field": "business_registration_number",
                "error_code": 22215,
                "failure_reason": "The Business Registration Number is missing.",
            }
        ],
    },
    {
        "friendly_name": "Excerpt from the commercial register",
        "requirement_name": "business_name_info",
        "requirement_friendly_name": "Business Name",
        "object_type": "commercial_registrar_excerpt",
        "passed": False,
        "error_code": 22216,
        "failure_reason": "An Excerpt from the commercial register is missing. Please add one"
        " to the regulatory bundle.",
        "valid": [],
        "invalid": [],
    },
    {
        "friendly_name": "Utility bill",
        "requirement_name": "proof_of_address_info",
        "requirement_friendly_name": "Proof of Address",
        "object_type": "utility_bill",
        "passed": False,
        "error_code": 22216,
        "failure_reason": "The Utility bill is missing required fields.",
        "valid": [],
        "invalid": [
            {
                "friendly_name": "Last Name",
                "object_field": "last_name",
                "error_code": 22217,
                "failure_reason": "The Last Name is missing.",
            }
        ],
    },
]

COMPLIANT_RESULTS = [
    {
        "friendly_name": "Business",
        "requirement_name": "business_info",
        "requirement_friendly_name": "Business",
        "object_type": "business",
        "passed": True,
        "error_code": None,
        "failure_reason": None,
        "valid": [{"friendly_name": "Business Name", "object_field": "business_name"}],
        "invalid": [],
    }
]

NOT_FOUND = {"code": 20404, "message": "The requested resource was not found", "status": 404}


def parse_body(content_type, body):
    """(form, files) of a request body: form {name: [values]} from urlencoded or
    multipart data, files {name: {filename, content_type, content}}."""
    if (content_type or "").startswith("multipart/form-data"):
        message = BytesParser(policy=default_policy).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        form, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            content = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "content": content,
                }
            else:
                form.setdefault(name, []).append(content.decode())
        return form, files
    return parse_qs(body.decode() if body else ""), {}


def _page(key, items, path):
    return {
        key: items,
        "meta": {
            "key": key,
            "page": 0,
            "page_size": 50,
            "first_page_url": path,
            "previous_page_url": None,
            "next_page_url": None,
            "url": path,
        },
    }


class ComplianceRecorder(TwilioRecorder):
    """:class:`TwilioRecorder` that also answers Twilio's compliance resources.

    Each entry of ``requests`` has ``content_type``, ``files`` {name:
    {filename, content_type, content}} and ``raw`` (the body's bytes) besides the
    base's method, path, query, form and user.
    """

    def __init__(self):
        super().__init__()
        self.objects = {}  # sid -> the resource as last answered
        self.assignments = {}  # bundle or profile sid -> [assignment payloads]
        self.bundle_status = {}
        self.valid_until = {}
        self.evaluation = "compliant"
        self.evaluation_results = NONCOMPLIANT_RESULTS
        self.brand_status = {}
        self.campaign_status = {}
        self.toll_free_status = {}
        self.rejection_reason = {}
        self.document_failure = {}
        self.regulations = list(REGULATIONS)
        self.fail_paths = {}  # path fragment -> (status, error body): see fail_on
        self._counter = itertools.count(1)
        recorder = self
        base_handler = self.server.RequestHandlerClass

        class Handler(base_handler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                auth = self.headers.get("Authorization", "")
                user = (
                    base64.b64decode(auth[6:]).decode().split(":")[0]
                    if auth.startswith("Basic ")
                    else ""
                )
                content_type = self.headers.get("Content-Type", "")
                form, files = parse_body(content_type, raw)
                entry = {
                    "method": self.command,
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "form": form,
                    "files": files,
                    "content_type": content_type,
                    "raw": raw,
                    "user": user,
                }
                with recorder._lock:
                    recorder.requests.append(entry)
                    failure = recorder._failures.pop(0) if recorder._failures else None
                    for fragment, answer in list(recorder.fail_paths.items()):
                        if not failure and fragment in parts.path:
                            failure = answer
                    if failure:
                        status, payload = failure
                    else:
                        status, payload = recorder._answer(entry)
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

        self.server.RequestHandlerClass = Handler
        # stop in 50 ms rather than the server's default half second
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def fail_on(self, path_fragment, status, code, message):
        """Every request whose path contains ``path_fragment`` fails like Twilio."""
        self.fail_paths[path_fragment] = (
            status,
            {"code": code, "message": message, "status": status},
        )

    def _sid(self, prefix):
        return f"{prefix}{next(self._counter):032x}"

    def _store(self, payload):
        self.objects[payload["sid"]] = payload
        return payload

    def _answer(self, entry):
        path, method = entry["path"], entry["method"]
        form = {k: v[0] for k, v in entry["form"].items()}
        if path.endswith("/IncomingPhoneNumbers.json") and method == "POST":
            status, payload = super()._answer(entry)
            payload["bundle_sid"] = form.get("BundleSid")
            payload["address_sid"] = form.get("AddressSid")
            return status, payload
        if path.startswith("/v2/RegulatoryCompliance/"):
            return self._regulatory(path[len("/v2/RegulatoryCompliance/") :], method, form, entry)
        if path.startswith("/2010-04-01/Accounts/") and path.endswith("/Addresses.json"):
            if method == "POST":
                return 201, self._store(
                    {
                        "sid": self._sid("AD"),
                        "account_sid": path.split("/")[3],
                        "customer_name": form.get("CustomerName"),
                        "street": form.get("Street"),
                        "street_secondary": form.get("StreetSecondary"),
                        "city": form.get("City"),
                        "region": form.get("Region"),
                        "postal_code": form.get("PostalCode"),
                        "iso_country": form.get("IsoCountry"),
                        "validated": False,
                        "verified": False,
                    }
                )
        if path.startswith("/v1/"):
            answer = self._trusthub(path[len("/v1/") :], method, form, entry)
            if answer:
                return answer
            answer = self._messaging(path[len("/v1/") :], method, form, entry)
            if answer:
                return answer
        return super()._answer(entry)

    # Regulatory Compliance v2.

    def _regulatory(self, rest, method, form, entry):
        parts = rest.split("/")
        if parts[0] == "Regulations" and method == "GET" and len(parts) == 1:
            query = {k: v[0] for k, v in entry["query"].items()}
            found = [
                r
                for r in self.regulations
                if (not query.get("IsoCountry") or r["iso_country"] == query["IsoCountry"])
                and (not query.get("NumberType") or r["number_type"] == query["NumberType"])
                and (not query.get("EndUserType") or r["end_user_type"] == query["EndUserType"])
            ]
            return 200, _page("results", found, "/v2/RegulatoryCompliance/Regulations")
        if parts[0] == "EndUsers" and method == "POST":
            if len(parts) == 1:
                payload = {"sid": self._sid("IT"), "type": form.get("Type")}
            elif parts[1] in self.objects:
                payload = dict(self.objects[parts[1]])
            else:
                return 404, NOT_FOUND
            payload["friendly_name"] = form.get("FriendlyName", payload.get("friendly_name"))
            if "Attributes" in form:
                payload["attributes"] = json.loads(form["Attributes"])
            return (201 if len(parts) == 1 else 200), self._store(payload)
        if parts[0] == "SupportingDocuments":
            if method == "POST" and len(parts) == 1:
                upload = entry["files"].get("File")
                return 201, self._store(
                    {
                        "sid": self._sid("RD"),
                        "friendly_name": form.get("FriendlyName"),
                        "type": form.get("Type"),
                        "attributes": json.loads(form.get("Attributes") or "{}"),
                        "mime_type": upload["content_type"] if upload else None,
                        "status": "draft",
                        "failure_reason": None,
                    }
                )
            if method == "GET" and len(parts) == 2 and parts[1] in self.objects:
                payload = dict(self.objects[parts[1]])
                if parts[1] in self.document_failure:
                    payload["status"] = "rejected"
                    payload["failure_reason"] = self.document_failure[parts[1]]
                return 200, payload
        if parts[0] == "Bundles":
            return self._bundles(parts[1:], method, form)
        return 404, NOT_FOUND

    def _bundle(self, sid, status=None, **extra):
        bundle = self.objects.setdefault(sid, {"sid": sid})
        if status:
            self.bundle_status[sid] = status
        bundle.update(extra)
        bundle["status"] = self.bundle_status.get(sid, "draft")
        bundle["valid_until"] = self.valid_until.get(sid)
        return dict(bundle)

    def _bundles(self, parts, method, form):
        if not parts and method == "POST":
            sid = self._sid("BU")
            return 201, self._bundle(
                sid,
                "draft",
                friendly_name=form.get("FriendlyName"),
                email=form.get("Email"),
                regulation_sid=form.get("RegulationSid"),
                status_callback=form.get("StatusCallback"),
            )
        if not parts or parts[0] not in self.objects:
            return 404, NOT_FOUND
        sid = parts[0]
        if len(parts) == 1:
            if method == "POST":
                return 200, self._bundle(sid, form.get("Status"))
            return 200, self._bundle(sid)
        sub = parts[1]
        if sub == "ItemAssignments":
            items = self.assignments.setdefault(sid, [])
            if method == "DELETE" and len(parts) == 3:
                kept = [item for item in items if item["sid"] != parts[2]]
                if len(kept) == len(items):
                    return 404, NOT_FOUND
                items[:] = kept
                return 204, None
            if method == "POST":
                item = {
                    "sid": self._sid("BV"),
                    "bundle_sid": sid,
                    "object_sid": form.get("ObjectSid"),
                }
                items.append(item)
                return 201, item
            return 200, _page("results", items, f"/v2/RegulatoryCompliance/Bundles/{sid}/Items")
        if sub == "Evaluations":
            if method == "POST":
                return 201, self._evaluation(sid, "bundle_sid")
            found = [
                e for e in self.objects.values() if e.get("bundle_sid") == sid and "results" in e
            ]
            return 200, _page("results", found, f"/v2/RegulatoryCompliance/Bundles/{sid}/E")
        if sub == "Copies" and method == "POST":
            copy = self._sid("BU")
            original = self.objects[sid]
            return 201, self._bundle(
                copy,
                "draft",
                friendly_name=form.get("FriendlyName") or original.get("friendly_name"),
                email=original.get("email"),
                regulation_sid=original.get("regulation_sid"),
            )
        if sub == "ReplaceItems" and method == "POST":
            source = form.get("FromBundleSid")
            if source not in self.objects:
                return 404, NOT_FOUND
            self.assignments[sid] = [
                dict(item, sid=self._sid("BV"), bundle_sid=sid)
                for item in self.assignments.get(source, [])
            ]
            return 201, self._bundle(sid)
        return 404, NOT_FOUND

    def _evaluation(self, owner, owner_field, policy=None):
        compliant = self.evaluation == "compliant"
        n = len(self.objects)
        payload = {
            "sid": self._sid("EL"),
            owner_field: owner,
            "status": "compliant" if compliant else "noncompliant",
            "results": COMPLIANT_RESULTS if compliant else self.evaluation_results,
            "date_created": f"2026-12-06T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
        }
        if policy:
            payload["policy_sid"] = policy
        return self._store(payload)

    # Trust Hub v1.

    def _trusthub(self, rest, method, form, entry):
        parts = rest.split("/")
        kinds = {"CustomerProfiles": "customer_profile_sid", "TrustProducts": "trust_product_sid"}
        if parts[0] in kinds:
            if len(parts) == 1 and method == "POST":
                return 201, self._bundle(
                    self._sid("BU"),
                    "draft",
                    friendly_name=form.get("FriendlyName"),
                    email=form.get("Email"),
                    policy_sid=form.get("PolicySid"),
                    status_callback=form.get("StatusCallback"),
                )
            if len(parts) < 2 or parts[1] not in self.objects:
                return 404, NOT_FOUND
            sid = parts[1]
            if len(parts) == 2:
                if method == "DELETE":
                    del self.objects[sid]
                    return 204, None
                return 200, self._bundle(sid, form.get("Status") if method == "POST" else None)
            if parts[2] == "EntityAssignments":
                items = self.assignments.setdefault(sid, [])
                if method == "POST":
                    item = {
                        "sid": self._sid("BV"),
                        kinds[parts[0]]: sid,
                        "object_sid": form.get("ObjectSid"),
                    }
                    items.append(item)
                    return 201, item
                return 200, _page("results", items, f"/v1/{rest}")
            if parts[2] == "Evaluations" and method == "POST":
                return 201, self._evaluation(sid, kinds[parts[0]], form.get("PolicySid"))
            return 404, NOT_FOUND
        if rest == "EndUsers" and method == "POST":
            return 201, self._store(
                {
                    "sid": self._sid("IT"),
                    "friendly_name": form.get("FriendlyName"),
                    "type": form.get("Type"),
                    "attributes": json.loads(form.get("Attributes") or "{}"),
                }
            )
        if rest == "SupportingDocuments" and method == "POST":
            return 201, self._store(
                {
                    "sid": self._sid("RD"),
                    "friendly_name": form.get("FriendlyName"),
                    "type": form.get("Type"),
                    "attributes": json.loads(form.get("Attributes") or "{}"),
                    "status": "draft",
                }
            )
        return None

    # Messaging v1: toll-free verifications, brands, campaigns.

    def _messaging(self, rest, method, form, entry):
        parts = rest.split("/")
        if parts[:2] == ["Tollfree", "Verifications"]:
            if len(parts) == 2 and method == "POST":
                sid = self._sid("HH")
                payload = {
                    "sid": sid,
                    "business_name": form.get("BusinessName"),
                    "business_website": form.get("BusinessWebsite"),
                    "tollfree_phone_number_sid": form.get("TollfreePhoneNumberSid"),
                    "use_case_categories": entry["form"].get("UseCaseCategories", []),
                    "opt_in_image_urls": entry["form"].get("OptInImageUrls", []),
                    "rejection_reason": None,
                    "error_code": None,
                }
                self.toll_free_status.setdefault(sid, "PENDING_REVIEW")
            elif len(parts) == 3 and parts[2] in self.objects and method == "GET":
                sid = parts[2]
                payload = dict(self.objects[sid])
                payload["rejection_reason"] = self.rejection_reason.get(sid)
            else:
                return 404, NOT_FOUND
            payload["status"] = self.toll_free_status[sid]
            return (201 if method == "POST" else 200), self._store(payload)
        if parts[:2] == ["a2p", "BrandRegistrations"]:
            if len(parts) == 2 and method == "POST":
                sid = self._sid("BN")
                payload = {
                    "sid": sid,
                    "customer_profile_bundle_sid": form.get("CustomerProfileBundleSid"),
                    "a2p_profile_bundle_sid": form.get("A2PProfileBundleSid"),
                    "brand_type": form.get("BrandType", "STANDARD"),
                    "failure_reason": None,
                }
                self.brand_status.setdefault(sid, "PENDING")
            elif len(parts) == 3 and parts[2] in self.objects and method == "GET":
                sid = parts[2]
                payload = dict(self.objects[sid])
                payload["failure_reason"] = self.rejection_reason.get(sid)
            else:
                return 404, NOT_FOUND
            payload["status"] = self.brand_status[sid]
            return (201 if method == "POST" else 200), self._store(payload)
        if len(parts) >= 4 and parts[0] == "Services" and parts[2:4] == ["Compliance", "Usa2p"]:
            service = parts[1]
            if len(parts) == 4 and method == "POST":
                sid = self._sid("QE")
                payload = {
                    "sid": sid,
                    "messaging_service_sid": service,
                    "brand_registration_sid": form.get("BrandRegistrationSid"),
                    "description": form.get("Description"),
                    "message_flow": form.get("MessageFlow"),
                    "message_samples": entry["form"].get("MessageSamples", []),
                    "us_app_to_person_usecase": form.get("UsAppToPersonUsecase"),
                    "has_embedded_links": form.get("HasEmbeddedLinks") == "true",
                    "has_embedded_phone": form.get("HasEmbeddedPhone") == "true",
                    "campaign_id": None,
                    "errors": [],
                }
                self.campaign_status.setdefault(sid, "IN_PROGRESS")
            elif len(parts) == 5 and parts[4] in self.objects and method == "GET":
                sid = parts[4]
                payload = dict(self.objects[sid])
                if sid in self.rejection_reason:
                    payload["errors"] = [
                        {"error_code": 30886, "description": self.rejection_reason[sid]}
                    ]
            else:
                return 404, NOT_FOUND
            payload["campaign_status"] = self.campaign_status[sid]
            return (201 if method == "POST" else 200), self._store(payload)
        return None
