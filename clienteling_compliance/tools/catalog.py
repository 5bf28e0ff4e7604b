"""The offline regulations catalog the addon ships.

A new install and the demo show what each country asks before any provider
credentials exist; the sandbox provider serves this catalog through the same
interface as Twilio. Entries are in the shape of Twilio's Regulation resource,
so :func:`regulations.from_twilio` reads them exactly as it reads live data;
what Twilio does not say (where the address must be, self-service, one
approval per number, the evidence) comes from :func:`extra_of`.

The countries are those of seed 000's table (plus US/CA) and the
self-service countries of seed 000's list. Evidence is the research of
November 2026 (``research/compliance.md`` sections 1.6 and 2): where Twilio's
own field lists were read, the entry follows them; elsewhere it is a generic
business set, marked as such, to be confirmed with the provider. Twilio says
regulations change and must be read at runtime: this catalog is a planning
aid, replaced by the provider's regulations once credentials exist.
No ``odoo`` import here.
"""

import copy

from . import regulations as _regulations

READ = "Twilio regulation read 2026-11 ({})"
GENERIC = "Generic business requirements: confirm with the provider before submitting"

# Seed 000: "Customers are empowered to assign phone numbers to their stores
# once they have the necessary compliance approval" in these countries only.
SELF_SERVICE = frozenset(
    {
        "US",
        "CA",
        "GB",
        "AU",
        "DE",
        "IT",
        "AT",
        "PL",
        "EE",
        "DK",
        "CZ",
        "FI",
        "IL",
        "PH",
        "ZA",
        "HK",
        "TH",
    }
)

COUNTRY_NAMES = {
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "CA": "Canada",
    "CH": "Switzerland",
    "CZ": "Czech Republic",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "HK": "Hong Kong",
    "IE": "Ireland",
    "IL": "Israel",
    "IT": "Italy",
    "MY": "Malaysia",
    "NL": "Netherlands",
    "NO": "Norway",
    "PH": "Philippines",
    "PL": "Poland",
    "PT": "Portugal",
    "SE": "Sweden",
    "TH": "Thailand",
    "US": "United States",
    "ZA": "South Africa",
}

# The number type that carries two-way texts: outside NANP an in-country
# mobile number (research 2.4), Sweden a national number (seed 000's table),
# US local (A2P 10DLC), Canada toll-free (carriers filter A2P on long codes).
TEXTING_NUMBER_TYPES = {"SE": "national", "US": "local", "CA": "toll-free"}

_TYPE_LABELS = {
    "local": "Local",
    "mobile": "Mobile",
    "national": "National",
    "toll-free": "Toll Free",
}


def texting_number_type(country):
    """The number type a store texts from in ``country`` (ISO alpha-2)."""
    return TEXTING_NUMBER_TYPES.get((country or "").upper(), "mobile")


# Builders of Twilio-shaped pieces.


def _field(name, label, description="", choices=None):
    """A detailed field of a requirement (Twilio: ``detailed_fields`` item)."""
    detail = {"machine_name": name, "friendly_name": label, "description": description}
    if choices:
        detail["choices"] = list(choices)
    return detail


def _end_user(*fields, name="Business", requirement_name="business_info"):
    return {
        "name": name,
        "type": "business",
        "requirement_name": requirement_name,
        "fields": [f["machine_name"] for f in fields],
        "detailed_fields": list(fields),
    }


def _doc(code, name, *field_names):
    """An accepted document type and the fields read from it."""
    return {
        "name": name,
        "type": code,
        "fields": list(field_names),
        "detailed_fields": [
            _field(n, FIELDS[n]["friendly_name"] if n in FIELDS else n) for n in field_names
        ],
    }


def _requirement(requirement_name, name, description, *accepted):
    return {
        "name": name,
        "type": "document",
        "requirement_name": requirement_name,
        "description": description,
        "accepted_documents": list(accepted),
    }


# Information fields, by Twilio machine name.
FIELDS = {
    f["machine_name"]: f
    for f in (
        _field(
            "business_name",
            "Business Name",
            "The legal name of the business, exactly as on its registration document.",
        ),
        _field(
            "business_registration_number",
            "Business Registration Number",
            "The number under which the business is registered (company register, VAT or tax).",
        ),
        _field("business_website", "Business Website", "The business's public website."),
        _field("first_name", "First Name", "First name of the authorized representative."),
        _field("last_name", "Last Name", "Last name of the authorized representative."),
        _field("email", "Email", "Email address of the authorized representative."),
        _field(
            "business_identity",
            "Business Identity",
            "Whether the business uses the numbers itself or resells them as a software vendor.",
            ("DIRECT_CUSTOMER", "INDEPENDENT_SOFTWARE_VENDOR"),
        ),
        _field(
            "is_subassigned",
            "Is Subassigned",
            "Whether the numbers are assigned on to another business.",
            ("YES", "NO"),
        ),
        _field("comments", "Comments", "Anything the reviewer should know (optional)."),
        _field("address_sids", "Address", "The address the document proves."),
        _field("document_number", "Document Number", "The number printed on the document."),
    )
}


def _fields(*names):
    return [FIELDS[n] for n in names]


def _business(*names):
    return _end_user(*_fields(*names))


# Document requirements used by several countries.


def _registration_proof(*codes):
    """Proof of registration: the document shows the name and the number."""
    labels = {
        "commercial_registrar_excerpt": "Excerpt from the commercial register",
        "business_registration": "Business registration certificate",
        "corporate_registry": "Corporate registry certificate",
    }
    return _requirement(
        "business_registration_info",
        "Business Registration",
        "A document issued by the registry showing the business name and registration number.",
        *(
            _doc(code, labels[code], "business_name", "business_registration_number")
            for code in codes
        ),
    )


def _address_proof(locality=False, codes=("utility_bill", "commercial_registrar_excerpt")):
    labels = {
        "utility_bill": "Utility bill",
        "commercial_registrar_excerpt": "Excerpt from the commercial register",
        "trade_license": "Trade license",
        "tax_document": "Tax document",
        "business_address": "Business address",
        "corporate_registry": "Corporate registry certificate",
    }
    where = (
        "inside the locality covered by the phone number's prefix"
        if locality
        else "in the country of the phone number"
    )
    return _requirement(
        "business_address_proof_info",
        "Business Address (Proof of Address)",
        f"A document showing the business address, which must be {where}.",
        *(_doc(code, labels[code], "address_sids") for code in codes),
    )


# Regulations.

REGULATIONS = []
_EXTRAS = {}


def _bundle(
    country,
    number_type,
    end_users,
    documents=(),
    *,
    address="country",
    source=GENERIC,
    kind="bundle",
    optional=(),
    label="",
):
    sid = f"RNOFFLINE-{country}-{number_type.upper()}-BUSINESS"
    entry = {
        "sid": sid,
        "friendly_name": f"{COUNTRY_NAMES[country]}: {_TYPE_LABELS[number_type]} - Business"
        + (f" ({label})" if label else ""),
        "iso_country": country,
        "number_type": number_type,
        "end_user_type": "business",
        # (copies: the entries share no field or document dict)
        "requirements": copy.deepcopy(
            {
                "end_user": list(end_users),
                "supporting_document": [[doc] for doc in documents],
            }
        ),
    }
    if optional:
        entry["optional_fields"] = list(optional)
    REGULATIONS.append(entry)
    _EXTRAS[sid] = {
        "kind": kind,
        "address": address,
        "self_service": country in SELF_SERVICE,
        # One approval per number where the address must be in its locality.
        "per_number": address == "locality",
        "source": source,
    }
    return entry


def extra_of(entry):
    """What Twilio's payload does not say about ``entry``: ``kind``,
    ``address``, ``self_service``, ``per_number``, ``source``."""
    return dict(_EXTRAS[entry["sid"]])


GENERIC_FIELDS = (
    "business_name",
    "business_registration_number",
    "business_website",
    "first_name",
    "last_name",
    "email",
    "comments",
)


def _generic(country, number_type, address="country", note=""):
    """Seed 000 lists the country but Twilio's requirements were not read:
    the usual business set (registration and address proofs)."""
    _bundle(
        country,
        number_type,
        [_business(*GENERIC_FIELDS)],
        [
            _registration_proof("commercial_registrar_excerpt", "business_registration"),
            _address_proof(locality=address == "locality"),
        ],
        address=address,
        source=GENERIC + (f" ({note})" if note else ""),
    )


# Germany (A+B): local needs an address in the number's Ortsnetz matching the
# register document; one PDF (Handelsregisterauszug, Gewerbeanmeldung or the
# Finanzamt's confirmation) may prove identity, address and registration.
_DE_CODES = (
    ("commercial_registrar_excerpt", "Handelsregisterauszug"),
    ("trade_license", "Gewerbeanmeldung / Gewerbeummeldung / Empfangsbescheinigung"),
    ("tax_document", "Bestätigung Freier Beruf (Finanzamt)"),
)


def _de_documents(locality):
    return [
        _requirement(
            "business_name_info",
            "Business Name (Proof of Identity)",
            "A German register or trade document showing the business name.",
            *(_doc(code, name, "business_name") for code, name in _DE_CODES),
        ),
        _requirement(
            "business_registration_number_info",
            "Business Registration Number (Proof of Registration)",
            "The same document showing the HRB number, VAT ID or Steuernummer.",
            *(_doc(code, name, "business_registration_number") for code, name in _DE_CODES),
        ),
        _requirement(
            "business_address_proof_info",
            "Business Address (Proof of Address)",
            "The same document showing the business address"
            + (", inside the locality (Ortsnetz) of the number's prefix." if locality else "."),
            *(_doc(code, name, "address_sids") for code, name in _DE_CODES),
        ),
    ]


_bundle(
    "DE",
    "local",
    [_business(*GENERIC_FIELDS)],
    _de_documents(locality=True),
    address="locality",
    source=READ.format("A+B")
    + ": address inside the number's Ortsnetz, matching the register document",
)
_bundle(
    "DE",
    "mobile",
    [_business("business_name")],
    [
        _requirement(
            "business_name_info",
            "Business Name",
            "The business name, proven by the commercial register.",
            _doc("commercial_registrar_excerpt", "Handelsregisterauszug", "business_name"),
        ),
        _requirement(
            "business_address_proof_info",
            "Business Address (Proof of Address)",
            "A document showing a business address in Germany.",
            _doc("commercial_registrar_excerpt", "Handelsregisterauszug", "address_sids"),
            _doc("trade_license", "Gewerbeanmeldung", "address_sids"),
        ),
    ],
    source=READ.format("A") + ": business name and address proofs (prefixes +49157/+49158)",
)
_bundle(
    "DE",
    "national",
    [_business(*GENERIC_FIELDS)],
    _de_documents(locality=False),
    source=READ.format("A") + ": as local, with an address anywhere in Germany",
)

# Ireland local (B: live IE/local/business response, RN5b82d0c001b4ef265770d022986f794f).
_bundle(
    "IE",
    "local",
    [
        _business(
            "business_name",
            "business_website",
            "business_registration_number",
            "first_name",
            "last_name",
            "email",
            "business_identity",
            "is_subassigned",
            "comments",
        )
    ],
    [
        _requirement(
            "business_address_proof_info",
            "Business Address (Proof of Address)",
            "The business address, with its Eircode, inside the locality of the number's prefix.",
            _doc("business_address", "Business address", "address_sids"),
        )
    ],
    address="locality",
    source=READ.format("B") + ": registration number is the CRO number; address with Eircode",
)
_generic("IE", "mobile")

# Estonia mobile (B: live 'Estonia: Mobile - Business' regulation and evaluation).
_bundle(
    "EE",
    "mobile",
    [_business("business_name")],
    [
        _requirement(
            "business_name_info",
            "Business Name",
            "An extract from the commercial register showing the business name.",
            _doc(
                "commercial_registrar_excerpt",
                "Extract from the commercial register",
                "business_name",
            ),
        )
    ],
    address="none",
    source=READ.format("B") + ": other document requirements not seen",
)

# France mobile (A/B: Twilio's evaluation example; Extrait K-bis naming the
# authorized representative).
_bundle(
    "FR",
    "mobile",
    [_business("business_name", "business_registration_number", "first_name", "last_name")],
    [
        _requirement(
            "business_registration_info",
            "Excerpt from the commercial register (Extrait K-bis)",
            "The Extrait K-bis showing the business, its SIREN and its authorized representative.",
            _doc(
                "commercial_registrar_excerpt",
                "Extrait K-bis",
                "business_name",
                "business_registration_number",
                "first_name",
                "last_name",
            ),
        )
    ],
    source=READ.format("A/B") + ": other documents unknown",
)

# Thailand (B: approved bundles seen). Only mobile numbers carry SMS; Thai
# operators block international long codes since 2025-10-06.
_bundle(
    "TH",
    "mobile",
    [_business("business_name", "business_registration_number", "first_name", "last_name")],
    [
        _requirement(
            "business_registration_info",
            "Corporate Registration",
            "The corporate registration certificate showing the name and registration number.",
            _doc(
                "corporate_registry",
                "Corporate registry certificate",
                "business_name",
                "business_registration_number",
            ),
        ),
        _address_proof(codes=("utility_bill", "corporate_registry")),
        _requirement(
            "representative_identity_info",
            "Legal Representative's Identity",
            "The legal representative's identity document (name and ID number).",
            _doc("passport", "Passport", "first_name", "last_name", "document_number"),
            _doc(
                "government_issued_document",
                "National ID card",
                "first_name",
                "last_name",
                "document_number",
            ),
        ),
    ],
    source=READ.format("B") + ": exact document types unknown",
)
_generic("TH", "local", note="Thai local numbers do not carry SMS")

# Philippines local (A, partial): address inside the prefix's locality, no PO box.
_bundle(
    "PH",
    "local",
    [_business("business_name", "business_registration_number")],
    [
        _requirement(
            "business_name_info",
            "Business Name",
            "DTI certificate of business-name registration or SEC certificate of registration.",
            _doc("business_registration", "DTI certificate of business name", "business_name"),
            _doc("corporate_registry", "SEC certificate of registration", "business_name"),
        ),
        _requirement(
            "business_registration_number_info",
            "Business Registration Number",
            "A certificate of registration showing the number.",
            _doc(
                "business_registration",
                "DTI certificate of business name",
                "business_registration_number",
            ),
            _doc(
                "corporate_registry",
                "SEC certificate of registration",
                "business_registration_number",
            ),
        ),
        _requirement(
            "business_address_proof_info",
            "Business Address (Proof of Address)",
            "The Mayor's permit showing the local address (no PO box), inside the number's "
            "locality.",
            _doc("trade_license", "Mayor's permit", "address_sids"),
        ),
    ],
    address="locality",
    source=READ.format("A, partial") + ": remaining fields not retrieved",
)
_generic("PH", "mobile")

# Australia (A): business name and an Australian address (no PO box),
# digitally verified; KYC changes pending under ACMA's Scam Prevention Framework.
_bundle(
    "AU",
    "local",
    [_business("business_name")],
    [
        _requirement(
            "business_address_info",
            "Business Address",
            "A business address in Australia (no PO box).",
            _doc("business_address", "Business address", "address_sids"),
        )
    ],
    source=READ.format("A") + ": documents may now be required (list not retrieved)",
)
_generic("AU", "mobile", note="KYC changes pending in Australia")

# United Kingdom: local and national share one regulation; mobile's fields
# were not read (secondary sources: name, Companies House number, UK address).
_generic("GB", "mobile", note="secondary sources: Companies House number, UK address")
_generic("GB", "local")

# Geographic numbers must be used inside their zone (AT: RTR; BE: BIPT art. 43;
# CH: Swiss address expected): the address is the store's.
for _country in ("AT", "BE", "CH"):
    _generic(_country, "mobile")
    _generic(_country, "local", address="locality", note="geographic number: address in its zone")

# Not read at Twilio: generic sets.
for _country in ("CZ", "DK", "FI", "HK", "IL", "IT", "MY", "NL", "NO", "PL", "PT", "ES", "ZA"):
    _generic(_country, "mobile")
_generic("SE", "national")


# US and Canada: no regulatory bundle (Twilio: bundles are for "most phone
# numbers outside the US and Canada"); texting needs a registration.


BUSINESS_TYPES_10DLC = (
    "Sole Proprietorship",
    "Partnership",
    "Limited Liability Corporation",
    "Co-operative",
    "Non-profit Corporation",
    "Corporation",
)
INDUSTRIES = (
    "AGRICULTURE",
    "AUTOMOTIVE",
    "BANKING",
    "CONSUMER",
    "EDUCATION",
    "ENERGY",
    "ENGINEERING",
    "FAST_MOVING_CONSUMER_GOODS",
    "FINANCIAL",
    "FINTECH",
    "FOOD_AND_BEVERAGE",
    "GOVERNMENT",
    "HEALTHCARE",
    "HOSPITALITY",
    "INSURANCE",
    "JEWELRY",
    "LEGAL",
    "MANUFACTURING",
    "MEDIA",
    "NOT_FOR_PROFIT",
    "OIL_AND_GAS",
    "ONLINE",
    "PROFESSIONAL_SERVICES",
    "RAW_MATERIALS",
    "REAL_ESTATE",
    "RELIGION",
    "RETAIL",
    "TECHNOLOGY",
    "TELECOMMUNICATIONS",
    "TRANSPORTATION",
    "TRAVEL",
)
CAMPAIGN_USE_CASES = (
    "MARKETING",
    "MIXED",
    "LOW_VOLUME",
    "CUSTOMER_CARE",
    "ACCOUNT_NOTIFICATION",
    "DELIVERY_NOTIFICATION",
    "2FA",
    "SECURITY_ALERT",
    "FRAUD_ALERT",
    "POLLING_VOTING",
    "PUBLIC_SERVICE_ANNOUNCEMENT",
)
REGISTRATION_AUTHORITIES = (
    "EIN",
    "CBN",
    "CRN",
    "PROVINCIAL_NUMBER",
    "VAT",
    "ACN",
    "ABN",
    "BRN",
    "SIREN",
    "SIRET",
    "NZBN",
    "USt-IdNr",
    "CIF",
    "NIF",
    "CNPJ",
    "UID",
    "NEQ",
    "OTHER",
)
BUSINESS_TYPES_TOLL_FREE = (
    "PRIVATE_PROFIT",
    "PUBLIC_PROFIT",
    "NON_PROFIT",
    "GOVERNMENT",
    "SOLE_PROPRIETOR",
)
OPT_IN_TYPES = ("VERBAL", "WEB_FORM", "PAPER_FORM", "VIA_TEXT", "MOBILE_QR_CODE", "IMPORT")
MESSAGE_VOLUMES = (
    "10",
    "100",
    "1,000",
    "10,000",
    "100,000",
    "250,000",
    "500,000",
    "750,000",
    "1,000,000",
    "5,000,000",
    "10,000,000+",
)
USE_CASE_CATEGORIES = (
    "ACCOUNT_NOTIFICATIONS",
    "CUSTOMER_CARE",
    "DELIVERY_NOTIFICATIONS",
    "MARKETING",
    "TWO_FACTOR_AUTHENTICATION",
    "SECURITY_ALERT",
    "FRAUD_ALERT_MESSAGING",
    "EVENTS",
    "POLLING_AND_VOTING_NON_POLITICAL",
    "PUBLIC_SERVICE_ANNOUNCEMENT",
)


def _keyword_fields():
    """Opt-in, opt-out and help keywords and replies (pre-filled from the SMS account)."""
    return [
        _field("opt_in_keywords", "Opt-in Keywords", "Keywords a customer texts to opt in."),
        _field("opt_in_message", "Opt-in Message", "The reply confirming the opt-in."),
        _field("opt_out_keywords", "Opt-out Keywords", "Keywords that stop messages (STOP...)."),
        _field("opt_out_message", "Opt-out Message", "The reply confirming the opt-out."),
        _field("help_keywords", "Help Keywords", "Keywords asking for help (HELP, INFO)."),
        _field("help_message", "Help Message", "The reply to a help keyword."),
    ]


_SAMPLES = [
    _field(
        f"message_sample_{n}",
        f"Sample Message {n}",
        "A message as customers will receive it" + (" (optional)." if n > 2 else "."),
    )
    for n in range(1, 6)
]

# US local (A): A2P 10DLC brand (Trust Hub profile: EIN matched to IRS records,
# nothing uploaded) and campaign on a messaging service.
_bundle(
    "US",
    "local",
    [
        _end_user(
            _field(
                "business_name", "Legal Business Name", "As registered with the IRS for the EIN."
            ),
            _field(
                "business_registration_number",
                "EIN",
                "The Employer Identification Number (12-3456789).",
            ),
            _field("business_type", "Business Type", "", BUSINESS_TYPES_10DLC),
            _field(
                "company_type",
                "Company Type",
                "Public companies add their stock ticker.",
                ("private", "public", "non-profit", "government"),
            ),
            _field("business_industry", "Business Industry", "", INDUSTRIES),
            _field(
                "business_regions_of_operation",
                "Regions of Operation",
                "",
                ("USA_AND_CANADA", "EUROPE", "LATIN_AMERICA", "ASIA", "AFRICA"),
            ),
            _field("website_url", "Website", "The business's public website."),
            _field("street", "Street", "Street of the business address."),
            _field("city", "City", ""),
            _field("region", "State", "Two-letter state code."),
            _field("postal_code", "ZIP Code", ""),
            _field("first_name", "Contact First Name", "Authorized representative."),
            _field("last_name", "Contact Last Name", "Authorized representative."),
            _field("email", "Contact Email", "Receives the brand's verification email (OTP)."),
            _field("phone_number", "Contact Phone", "In E.164 format."),
            name="A2P Brand",
            requirement_name="a2p_brand_info",
        ),
        _end_user(
            _field(
                "us_app_to_person_usecase",
                "Campaign Use Case",
                "What the messages are for.",
                CAMPAIGN_USE_CASES,
            ),
            _field("description", "Campaign Description", "What the campaign sends, and why."),
            *_SAMPLES,
            _field(
                "message_flow",
                "Message Flow",
                "How customers opt in (40 to 2048 characters): where, what they are told.",
            ),
            _field("has_embedded_links", "Has Embedded Links", "", ("true", "false")),
            _field("has_embedded_phone", "Has Embedded Phone Numbers", "", ("true", "false")),
            *_keyword_fields(),
            name="A2P Campaign",
            requirement_name="a2p_campaign_info",
        ),
    ],
    kind="a2p_10dlc",
    address="none",
    optional=("message_sample_3", "message_sample_4", "message_sample_5"),
    label="A2P 10DLC",
    source="Twilio A2P 10DLC brand and campaign registration (A): no regulatory bundle for US "
    "numbers; the EIN is matched to IRS records, nothing is uploaded",
)


def _toll_free(country):
    # Toll-free verification (A): registration number, authority and country
    # required from 2026-02-17 except for sole proprietors; STOP is enforced by
    # the carriers, so the keyword fields are optional.
    keyword_fields = _keyword_fields()
    _bundle(
        country,
        "toll-free",
        [
            _end_user(
                _field("business_name", "Legal Business Name", ""),
                _field(
                    "business_registration_number",
                    "Business Registration Number",
                    "EIN in the US; CRA business number (CBN) or NEQ in Canada.",
                ),
                _field(
                    "business_registration_authority",
                    "Registration Authority",
                    "Who issued the registration number.",
                    REGISTRATION_AUTHORITIES,
                ),
                _field(
                    "business_registration_country",
                    "Registration Country",
                    "ISO country code of the registration.",
                ),
                _field("business_type", "Business Type", "", BUSINESS_TYPES_TOLL_FREE),
                _field("business_website", "Business Website", ""),
                _field("business_street_address", "Street", ""),
                _field("business_city", "City", ""),
                _field("business_state_province_region", "State / Province", ""),
                _field("business_postal_code", "Postal Code", ""),
                _field("business_country", "Country", "ISO country code."),
                _field("business_contact_first_name", "Contact First Name", ""),
                _field("business_contact_last_name", "Contact Last Name", ""),
                _field("business_contact_email", "Contact Email", ""),
                _field("business_contact_phone", "Contact Phone", "In E.164 format."),
                _field("notification_email", "Notification Email", "Receives review results."),
                _field(
                    "use_case_categories",
                    "Use Case",
                    "What the messages are for.",
                    USE_CASE_CATEGORIES,
                ),
                _field("use_case_summary", "Use Case Summary", "Who receives what, and why."),
                _field("production_message_sample", "Sample Message", "A message as sent."),
                _field("opt_in_type", "Opt-in Type", "How customers opt in.", OPT_IN_TYPES),
                _field(
                    "opt_in_proof_url",
                    "Opt-in Proof URL",
                    "A public page or image showing the opt-in (sent as opt_in_image_urls).",
                ),
                _field("message_volume", "Monthly Message Volume", "", MESSAGE_VOLUMES),
                *keyword_fields,
                name="Toll-Free Verification",
                requirement_name="toll_free_verification_info",
            )
        ],
        kind="toll_free",
        address="none",
        optional=[f["machine_name"] for f in keyword_fields],
        label="Toll-Free Verification",
        source="Twilio toll-free verification (A): no regulatory bundle; unverified toll-free "
        "numbers cannot text US/CA",
    )


_toll_free("US")
_toll_free("CA")
# Canada local (A): nothing to approve before buying; Canadian carriers filter
# A2P messages on long codes, Twilio recommends (verified) toll-free for texting.
_bundle(
    "CA",
    "local",
    [],
    kind="none",
    address="none",
    source="No approval needed to buy (A): Canadian carriers filter A2P messages on long codes; "
    "Twilio recommends verified toll-free numbers for texting",
)


def regulations(country=None, number_type=None, end_user_type=None):
    """The catalog's :class:`regulations.Regulation` objects, filtered."""
    country = (country or "").upper()
    number_type = (number_type or "").lower().replace("_", "-")
    result = []
    for entry in REGULATIONS:
        regulation = _regulations.from_twilio(entry, extra_of(entry))
        if country and regulation.country != country:
            continue
        if number_type and regulation.number_type != number_type:
            continue
        if end_user_type and regulation.end_user_type != end_user_type.lower():
            continue
        result.append(regulation)
    return result
