"""Regulations in a provider-neutral shape, their fingerprint, and the checks
the sandbox (and the screens, before anything is sent) run on an application.

Providers turn their own payloads into :class:`Regulation`; Twilio's Regulation
resource shape is read by :func:`from_twilio` (the offline catalog uses it too).
No ``odoo`` import here.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field

NUMBER_TYPES = ("local", "mobile", "national", "toll-free")
END_USER_TYPES = ("business", "individual")
# What an application registers: a provider's regulatory bundle, or the US/CA
# registrations that take its place for texting, or nothing (numbers bought
# without approval, e.g. Canadian local numbers).
KINDS = ("bundle", "a2p_10dlc", "toll_free", "none")
# Where the address sent with a number must be.
ADDRESS_RULES = ("none", "country", "locality")

# Error codes of a failed requirement, as Twilio's evaluations give them.
MISSING_FIELD = "22215"
MISSING_DOCUMENT = "22216"
DOCUMENT_FIELD = "22217"

# Twilio lists fields without saying which are optional: these are, by name.
OPTIONAL_FIELDS = {"comments", "social_media_profile_urls", "business_website_optional"}


@dataclass(frozen=True)
class InfoField:
    """A piece of information the regulation asks for (Twilio: an end-user field)."""

    name: str
    label: str
    description: str = ""
    required: bool = True
    choices: tuple = ()  # allowed values, when the regulation lists them


@dataclass(frozen=True)
class DocumentType:
    """A kind of document accepted for a requirement, with the fields read from it."""

    code: str
    label: str
    fields: tuple = ()


@dataclass(frozen=True)
class DocumentRequirement:
    name: str
    label: str
    description: str = ""
    accepted: tuple = ()  # DocumentType


@dataclass
class Regulation:
    ref: str  # the provider's id of the regulation
    country: str  # ISO 3166 alpha-2
    number_type: str
    end_user_type: str
    name: str
    kind: str = "bundle"
    fields: tuple = ()  # InfoField
    documents: tuple = ()  # DocumentRequirement
    address: str = "country"
    self_service: bool = False
    per_number: bool = False
    source: str = ""  # where the requirements come from (offline catalog: its evidence)

    def field_names(self):
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class Finding:
    """One failed requirement of an evaluation."""

    requirement: str  # the regulation's field or document requirement name
    code: str  # MISSING_FIELD, MISSING_DOCUMENT, DOCUMENT_FIELD, or "format"
    object_field: str = ""  # the field concerned
    reason: str = ""  # the provider's own words (English), when it gave some
    check: str = ""  # for "format": the check that failed (email, url, ...)


@dataclass
class Evaluation:
    status: str  # compliant / noncompliant
    findings: list = field(default_factory=list)
    ref: str = ""  # the provider's id of the evaluation

    @property
    def compliant(self):
        return self.status == "compliant"


# Regulations from Twilio's Regulation resource (and the offline catalog).


def _label(name):
    return name.replace("_", " ").strip().capitalize()


def _info_fields(end_user_requirement, optional=()):
    detailed = {d.get("machine_name"): d for d in end_user_requirement.get("detailed_fields") or []}
    names = list(end_user_requirement.get("fields") or []) or list(detailed)
    result = []
    for name in names:
        detail = detailed.get(name) or {}
        result.append(
            InfoField(
                name=name,
                label=detail.get("friendly_name") or _label(name),
                description=detail.get("description") or "",
                required=name not in OPTIONAL_FIELDS and name not in optional,
                choices=tuple(detail.get("choices") or ()),
            )
        )
    return result


def _document_types(accepted):
    types = []
    for document in accepted or ():
        detailed = {d.get("machine_name"): d for d in document.get("detailed_fields") or []}
        types.append(
            DocumentType(
                code=document.get("type") or "",
                label=document.get("name") or _label(document.get("type") or ""),
                fields=tuple(
                    name for name in (document.get("fields") or detailed) if name != "address_sids"
                ),
            )
        )
    return tuple(types)


def from_twilio(payload, extra=None):
    """A :class:`Regulation` from a Twilio Regulation resource (a dict with
    ``sid``, ``friendly_name``, ``iso_country``, ``number_type``,
    ``end_user_type``, ``requirements``). ``extra`` adds what Twilio does not
    say (``address``, ``self_service``, ``per_number``, ``source``)."""
    requirements = payload.get("requirements") or {}
    fields_ = []
    for end_user in requirements.get("end_user") or ():
        fields_.extend(_info_fields(end_user, (payload.get("optional_fields") or ())))
    documents = []
    needs_address = False
    for group in requirements.get("supporting_document") or ():
        for requirement in group if isinstance(group, list) else [group]:
            accepted = requirement.get("accepted_documents") or ()
            needs_address = needs_address or any(
                "address_sids" in (doc.get("fields") or ()) for doc in accepted
            )
            documents.append(
                DocumentRequirement(
                    name=requirement.get("requirement_name") or requirement.get("name") or "",
                    label=requirement.get("name") or "",
                    description=requirement.get("description") or "",
                    accepted=_document_types(accepted),
                )
            )
    extra = dict(extra or {})
    number_type = (payload.get("number_type") or "").lower().replace("_", "-")
    return Regulation(
        ref=payload.get("sid") or "",
        country=(payload.get("iso_country") or "").upper(),
        number_type=number_type,
        end_user_type=(payload.get("end_user_type") or "business").lower(),
        name=payload.get("friendly_name") or "",
        kind=extra.pop("kind", payload.get("kind") or "bundle"),
        fields=tuple(_dedupe(fields_)),
        documents=tuple(documents),
        address=extra.pop("address", "country" if needs_address else "none"),
        **extra,
    )


def _dedupe(info_fields):
    seen, result = set(), []
    for info in info_fields:
        if info.name not in seen:
            seen.add(info.name)
            result.append(info)
    return result


# Fingerprint and drift.


def requirements_snapshot(regulation):
    """What an application must answer, as plain data (kept with a submission)."""
    return {
        "fields": sorted([f.name, f.required] for f in regulation.fields),
        "documents": sorted(
            [
                d.name,
                sorted(t.code for t in d.accepted),
                sorted({x for t in d.accepted for x in t.fields}),
            ]
            for d in regulation.documents
        ),
        "address": regulation.address,
    }


def fingerprint(regulation):
    """A short hash of the requirements: it changes when they do."""
    data = json.dumps(requirements_snapshot(regulation), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:20]


def changes(old_snapshot, regulation):
    """What changed from ``old_snapshot`` (a :func:`requirements_snapshot`) to
    ``regulation``: a list of (kind, name) with kind one of field_added,
    field_removed, field_now_required, document_added, document_removed,
    document_types_changed, address_changed."""
    new = requirements_snapshot(regulation)
    old = old_snapshot or {"fields": [], "documents": [], "address": new["address"]}
    result = []
    old_fields = dict(tuple(f) for f in old.get("fields", ()))
    new_fields = dict(tuple(f) for f in new["fields"])
    for name in sorted(set(new_fields) - set(old_fields)):
        result.append(("field_added", name))
    for name in sorted(set(old_fields) - set(new_fields)):
        result.append(("field_removed", name))
    for name in sorted(set(new_fields) & set(old_fields)):
        if new_fields[name] and not old_fields[name]:
            result.append(("field_now_required", name))
    old_docs = {d[0]: d[1:] for d in old.get("documents", ())}
    new_docs = {d[0]: d[1:] for d in new["documents"]}
    for name in sorted(set(new_docs) - set(old_docs)):
        result.append(("document_added", name))
    for name in sorted(set(old_docs) - set(new_docs)):
        result.append(("document_removed", name))
    for name in sorted(set(new_docs) & set(old_docs)):
        if [list(x) for x in new_docs[name]] != [list(x) for x in old_docs[name]]:
            result.append(("document_types_changed", name))
    if old.get("address") != new["address"]:
        result.append(("address_changed", new["address"]))
    return result


# Checks of values.

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)
# Registration numbers whose format is known, by country (field value, stripped).
REGISTRATION_FORMATS = {
    "US": re.compile(r"^\d{2}-?\d{7}$"),  # EIN
    "GB": re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$"),  # Companies House number
    "FR": re.compile(r"^(\d{9}|\d{14})$"),  # SIREN or SIRET
    "DE": re.compile(r"^(HR[AB]\s?\d{1,6}(\s?[A-Z]{1,2})?|DE\d{9}|\d{2,3}/\d{3,4}/\d{4,5})$"),
    "IE": re.compile(r"^\d{5,6}$"),  # CRO number
    "AU": re.compile(r"^(\d{11}|\d{9})$"),  # ABN or ACN
    "CA": re.compile(r"^\d{9}([A-Z]{2}\d{4})?$"),  # CRA business number
    "IT": re.compile(r"^(IT)?\d{11}$"),  # partita IVA
    "ES": re.compile(r"^[A-Z]\d{7}[A-Z0-9]$"),  # CIF
    "NL": re.compile(r"^\d{8}$"),  # KvK
}
# The country whose format a registration number has, by the registration
# authority a toll-free verification names (other authorities: not checked).
AUTHORITY_COUNTRIES = {
    "EIN": "US",
    "CBN": "CA",
    "SIREN": "FR",
    "SIRET": "FR",
    "ABN": "AU",
    "ACN": "AU",
}
REGISTRATION_FIELDS = {
    "business_registration_number",
    "business_registration_identifier_number",
    "ein",
    "company_registration_number",
}
EMAIL_FIELDS = {"email", "business_email", "contact_email", "notification_email"}
URL_FIELDS = {
    "business_website",
    "website",
    "website_url",
    "opt_in_proof_url",
    "privacy_policy_url",
}


def _luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return total % 10 == 0


def check_value(name, value, country=""):
    """The check ``value`` of the field ``name`` fails (email, url,
    registration), or "" when it passes or has no known format."""
    value = str(value or "").strip()
    country = (country or "").upper()
    if not value:
        return ""
    if name in EMAIL_FIELDS or name.endswith("_email"):
        return "" if EMAIL.match(value) else "email"
    if name in URL_FIELDS or name.endswith(("_url", "_website")):
        return "" if URL.match(value) else "url"
    if name in REGISTRATION_FIELDS:
        pattern = REGISTRATION_FORMATS.get(country)
        compact = re.sub(r"[\s.]", "", value).upper() if country != "DE" else value.upper()
        if pattern and not pattern.match(compact):
            return "registration"
        if country == "FR" and not _luhn_ok(compact):
            return "registration"
    return ""


def evaluate(regulation, values, documents):
    """The evaluation a provider makes of an application, by the regulation's
    rules: ``values`` {field name: value}, ``documents`` a list of dicts
    (``requirement``, ``type``, ``fields`` {name: value}, ``has_file``).
    Document fields that repeat an information field must match it (as Twilio
    checks business_name against the document)."""
    findings = []
    country = regulation.country
    if "business_registration_authority" in regulation.field_names():
        # Toll-free: the number is checked by its authority (a Canadian CBN or
        # NEQ may verify a US number), and not at all for other authorities.
        authority = _text(values.get("business_registration_authority")).upper()
        country = AUTHORITY_COUNTRIES.get(authority, "")
    for info in regulation.fields:
        value = _text(values.get(info.name))
        if not value:
            if info.required:
                findings.append(Finding(info.name, MISSING_FIELD, info.name))
            continue
        failed = check_value(info.name, value, country)
        if failed:
            findings.append(Finding(info.name, "format", info.name, check=failed))
        elif info.choices and value not in info.choices:
            findings.append(Finding(info.name, "format", info.name, check="choice"))
    for requirement in regulation.documents:
        accepted = {t.code: t for t in requirement.accepted}
        candidates = [
            d
            for d in documents
            if d.get("requirement") == requirement.name
            and d.get("type") in accepted
            and d.get("has_file")
        ]
        if not candidates:
            findings.append(Finding(requirement.name, MISSING_DOCUMENT))
            continue
        # Several documents may answer one requirement: the best one counts.
        findings.extend(
            min(
                (
                    _document_findings(requirement, accepted[d["type"]], d, values)
                    for d in candidates
                ),
                key=len,
            )
        )
    return Evaluation("noncompliant" if findings else "compliant", findings)


def _document_findings(requirement, document_type, document, values):
    findings = []
    document_fields = document.get("fields") or {}
    for name in document_type.fields:
        read = _text(document_fields.get(name))
        if not read:
            findings.append(Finding(requirement.name, DOCUMENT_FIELD, name))
        elif _text(values.get(name)) and _normalized(read) != _normalized(values.get(name)):
            # (an empty information field is reported as missing, not as a mismatch)
            findings.append(Finding(requirement.name, DOCUMENT_FIELD, name, check="mismatch"))
    return findings


def _text(value):
    return str(value if value is not None else "").strip()


def _normalized(value):
    return re.sub(r"\s+", " ", _text(value)).casefold()


# Generic names of the document types providers accept (Twilio's codes); a
# regulation may name them in the country's terms (Extrait K-bis...).
DOCUMENT_TYPE_LABELS = {
    "commercial_registrar_excerpt": "Excerpt from the commercial register",
    "business_registration": "Business registration certificate",
    "corporate_registry": "Corporate registry extract",
    "trade_license": "Trade licence",
    "tax_document": "Tax registration document",
    "utility_bill": "Utility bill",
    "business_address": "Proof of business address",
    "passport": "Passport",
    "government_issued_document": "Government-issued ID",
    "national_id": "National ID card",
    "power_of_attorney": "Power of attorney",
    "rental_receipt": "Rental agreement or receipt",
    "title_deed": "Title deed",
}


# Files.

ACCEPTED_MIMETYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_FILE_SIZE = 5 * 1024 * 1024  # Twilio's upload limit per supporting document


def file_kind(content):
    """The type of a document's bytes by their signature (not their name):
    one of ``ACCEPTED_MIMETYPES`` or ""."""
    content = content or b""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return ""
