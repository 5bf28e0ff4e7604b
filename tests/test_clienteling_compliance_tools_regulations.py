import copy
import json

import pytest
from clienteling_compliance_tools import regulations as regs


def _detail(name, label, description=""):
    return {"machine_name": name, "friendly_name": label, "description": description}


# The shape of Twilio's live IE/local/business Regulation (research 1.5/1.6:
# a public fixture reproducing the live response, RN5b82d0c0...), with the
# keys a list call adds (url, constraints) that the parser ignores.
IE_LOCAL = {
    "sid": "RN5b82d0c001b4ef265770d022986f794f",
    "friendly_name": "Ireland: Local - Business",
    "iso_country": "IE",
    "number_type": "local",
    "end_user_type": "business",
    "url": "https://numbers.twilio.com/v2/RegulatoryCompliance/Regulations/RN5b82d0c0",
    "constraints": {},
    "requirements": {
        "end_user": [
            {
                "name": "Business",
                "type": "business",
                "requirement_name": "business_info",
                "url": "https://numbers.twilio.com/v2/RegulatoryCompliance/FieldTypes/business",
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
                    _detail("business_name", "Business Name", "The legal name of the business"),
                    _detail("business_website", "Business Website"),
                    _detail(
                        "business_registration_number",
                        "Business Registration Number",
                        "CRO Company Registration Number",
                    ),
                    _detail("first_name", "First Name", "Authorized representative"),
                    _detail("last_name", "Last Name", "Authorized representative"),
                    _detail("email", "Email"),
                    dict(
                        _detail("business_identity", "Business Identity"),
                        choices=["DIRECT_CUSTOMER", "INDEPENDENT_SOFTWARE_VENDOR"],
                    ),
                    dict(_detail("is_subassigned", "Is Subassigned"), choices=["YES", "NO"]),
                    _detail("comments", "Comments"),
                ],
            }
        ],
        "supporting_document": [
            [
                {
                    "name": "Business Address (Proof of Address)",
                    "type": "document",
                    "requirement_name": "business_address_proof_info",
                    "description": "The address must include the Eircode and be within the "
                    "locality or region covered by the phone number's prefix",
                    "accepted_documents": [
                        {
                            "name": "Business Address",
                            "type": "business_address",
                            "url": "https://numbers.twilio.com/v2/RegulatoryCompliance/"
                            "DocumentTypes/business_address",
                            "fields": ["address_sids"],
                            "detailed_fields": [_detail("address_sids", "Address")],
                        }
                    ],
                }
            ]
        ],
    },
}

# 'Estonia: Mobile - Business' as seen live (research 1.3/1.6): business_name
# proven by an extract from the commercial register.
EE_MOBILE = {
    "sid": "RN26dca8d0e541a6c8fce4abd46e518506",
    "friendly_name": "Estonia: Mobile - Business",
    "iso_country": "EE",
    "number_type": "mobile",
    "end_user_type": "business",
    "requirements": {
        "end_user": [
            {
                "name": "Business",
                "type": "business",
                "requirement_name": "business_info",
                "fields": ["business_name"],
                "detailed_fields": [_detail("business_name", "Business Name")],
            }
        ],
        "supporting_document": [
            [
                {
                    "name": "Business Name",
                    "type": "document",
                    "requirement_name": "business_name_info",
                    "description": "Extract from the commercial register",
                    "accepted_documents": [
                        {
                            "name": "Extract from the commercial register",
                            "type": "commercial_registrar_excerpt",
                            "fields": ["business_name"],
                            "detailed_fields": [_detail("business_name", "Business Name")],
                        }
                    ],
                }
            ]
        ],
    },
}
# The live evaluation of an empty EE bundle (research 1.3, 2026-08-14).
EE_EVALUATION = {
    "status": "noncompliant",
    "results": [
        {
            "friendly_name": "Extract from the commercial register",
            "requirement_name": "business_name_info",
            "requirement_friendly_name": "Business Name",
            "object_type": "commercial_registrar_excerpt",
            "passed": False,
            "error_code": 22216,
            "failure_reason": "An Extract from the commercial register is missing. "
            "Please add one to the regulatory bundle.",
            "valid": [],
            "invalid": [
                {
                    "friendly_name": "Business Name",
                    "object_field": "business_name",
                    "error_code": 22217,
                    "failure_reason": "The Business Name is missing.",
                }
            ],
        }
    ],
}


def _ie(extra=None):
    return regs.from_twilio(copy.deepcopy(IE_LOCAL), extra)


# from_twilio


def test_from_twilio_reads_the_ie_local_regulation():
    regulation = _ie()
    assert regulation.ref == "RN5b82d0c001b4ef265770d022986f794f"
    assert (regulation.country, regulation.number_type, regulation.end_user_type) == (
        "IE",
        "local",
        "business",
    )
    assert regulation.name == "Ireland: Local - Business"
    assert regulation.kind == "bundle"
    assert regulation.field_names() == IE_LOCAL["requirements"]["end_user"][0]["fields"]
    fields = {f.name: f for f in regulation.fields}
    assert fields["business_registration_number"].description == "CRO Company Registration Number"
    assert fields["business_identity"].choices == ("DIRECT_CUSTOMER", "INDEPENDENT_SOFTWARE_VENDOR")
    assert fields["is_subassigned"].choices == ("YES", "NO")
    assert fields["email"].choices == ()
    assert not fields["comments"].required  # Twilio does not say: known by name
    assert all(f.required for f in regulation.fields if f.name != "comments")
    (requirement,) = regulation.documents
    assert requirement.name == "business_address_proof_info"
    assert requirement.label == "Business Address (Proof of Address)"
    assert "Eircode" in requirement.description
    (accepted,) = requirement.accepted
    assert (accepted.code, accepted.label) == ("business_address", "Business Address")
    assert accepted.fields == ()  # address_sids is the address, not a value read
    # an address is needed (address_sids); Twilio does not say it is local
    assert regulation.address == "country"
    assert not regulation.self_service and not regulation.per_number and regulation.source == ""


def test_from_twilio_extra_says_what_twilio_does_not():
    regulation = _ie(
        {"address": "locality", "per_number": True, "source": "live", "kind": "bundle"}
    )
    assert regulation.address == "locality"
    assert regulation.per_number and regulation.source == "live"
    extra = {"address": "locality"}
    _ie(extra)
    assert extra == {"address": "locality"}  # not consumed
    with pytest.raises(TypeError):
        _ie({"not_a_regulation_key": 1})


def test_from_twilio_estonia_without_address():
    regulation = regs.from_twilio(EE_MOBILE)
    assert regulation.address == "none"  # no document carries address_sids
    assert regulation.field_names() == ["business_name"]
    assert regulation.documents[0].accepted[0].fields == ("business_name",)


def test_from_twilio_normalizes_and_tolerates():
    payload = {
        "sid": "RNx",
        "iso_country": "us",
        "number_type": "TOLL_FREE",
        "kind": "toll_free",
        "optional_fields": ["note"],
        "requirements": {
            "end_user": [
                # no "fields": the detailed fields give the names
                {"detailed_fields": [_detail("business_name", ""), _detail("note", "Note")]},
                {"fields": ["business_name", "tax_id"]},  # repeated field kept once
            ],
            # a requirement not wrapped in a group
            "supporting_document": [
                {
                    "name": "Proof",
                    "requirement_name": "",
                    "accepted_documents": [
                        {
                            "type": "tax_document",
                            "detailed_fields": [_detail("document_number", "Number")],
                        }
                    ],
                }
            ],
        },
    }
    regulation = regs.from_twilio(payload)
    assert (regulation.country, regulation.number_type) == ("US", "toll-free")
    assert regulation.end_user_type == "business"
    assert regulation.kind == "toll_free"
    assert regulation.field_names() == ["business_name", "note", "tax_id"]
    fields = {f.name: f for f in regulation.fields}
    assert fields["business_name"].label == "Business name"  # from the machine name
    assert fields["tax_id"].label == "Tax id"
    assert not fields["note"].required and fields["tax_id"].required
    (requirement,) = regulation.documents
    assert requirement.name == "Proof"  # no requirement_name: the name
    (accepted,) = requirement.accepted
    assert (accepted.code, accepted.label, accepted.fields) == (
        "tax_document",
        "Tax document",
        ("document_number",),
    )


def test_from_twilio_empty_payload():
    regulation = regs.from_twilio({})
    assert regulation.ref == "" and regulation.country == ""
    assert regulation.fields == () and regulation.documents == ()
    assert regulation.address == "none" and regulation.kind == "bundle"


# fingerprint and changes


def _changed(mutate):
    payload = copy.deepcopy(IE_LOCAL)
    mutate(payload)
    return regs.from_twilio(payload)


def _end_user(payload):
    return payload["requirements"]["end_user"][0]


def _address_requirement(payload):
    return payload["requirements"]["supporting_document"][0][0]


def test_fingerprint_is_stable_and_short():
    assert regs.fingerprint(_ie()) == regs.fingerprint(_ie())
    assert len(regs.fingerprint(_ie())) == 20
    # labels, descriptions and field order are not requirements
    reordered = _changed(lambda p: _end_user(p)["fields"].reverse())
    relabelled = _changed(lambda p: _end_user(p)["detailed_fields"][0].update(friendly_name="X"))
    assert regs.fingerprint(reordered) == regs.fingerprint(_ie())
    assert regs.fingerprint(relabelled) == regs.fingerprint(_ie())
    # the snapshot survives being stored as JSON
    stored = json.loads(json.dumps(regs.requirements_snapshot(_ie())))
    assert regs.changes(stored, _ie()) == []


def test_changes_field_added_and_removed():
    snapshot = regs.requirements_snapshot(_ie())
    added = _changed(lambda p: _end_user(p)["fields"].append("vat_number"))
    assert regs.changes(snapshot, added) == [("field_added", "vat_number")]
    assert regs.fingerprint(added) != regs.fingerprint(_ie())
    removed = _changed(lambda p: _end_user(p)["fields"].remove("business_website"))
    assert regs.changes(snapshot, removed) == [("field_removed", "business_website")]


def test_changes_field_now_required():
    optional = _changed(lambda p: p.update(optional_fields=["business_website"]))
    snapshot = regs.requirements_snapshot(optional)
    assert regs.changes(snapshot, _ie()) == [("field_now_required", "business_website")]
    # becoming optional asks nothing new of an application
    assert regs.changes(regs.requirements_snapshot(_ie()), optional) == []
    assert regs.fingerprint(optional) != regs.fingerprint(_ie())


def test_changes_documents():
    snapshot = regs.requirements_snapshot(_ie())

    def add(payload):
        payload["requirements"]["supporting_document"].append(
            [copy.deepcopy(EE_MOBILE["requirements"]["supporting_document"][0][0])]
        )

    assert regs.changes(snapshot, _changed(add)) == [("document_added", "business_name_info")]
    assert regs.changes(regs.requirements_snapshot(_changed(add)), _ie()) == [
        ("document_removed", "business_name_info")
    ]

    def more_types(payload):
        _address_requirement(payload)["accepted_documents"].append(
            {"name": "Utility bill", "type": "utility_bill", "fields": ["address_sids"]}
        )

    assert regs.changes(snapshot, _changed(more_types)) == [
        ("document_types_changed", "business_address_proof_info")
    ]

    def more_fields_read(payload):
        _address_requirement(payload)["accepted_documents"][0]["fields"].append("business_name")

    assert regs.changes(snapshot, _changed(more_fields_read)) == [
        ("document_types_changed", "business_address_proof_info")
    ]


def test_changes_address():
    snapshot = regs.requirements_snapshot(_ie({"address": "country"}))
    assert regs.changes(snapshot, _ie({"address": "locality"})) == [("address_changed", "locality")]
    assert regs.changes(snapshot, _ie({"address": "country"})) == []


def test_changes_without_a_snapshot_lists_everything_but_the_address():
    result = regs.changes(None, regs.from_twilio(EE_MOBILE))
    assert result == [("field_added", "business_name"), ("document_added", "business_name_info")]
    assert regs.changes({}, regs.from_twilio(EE_MOBILE)) == result


def test_changes_combined_in_order():
    def mutate(payload):
        _end_user(payload)["fields"].append("vat_number")
        _end_user(payload)["fields"].remove("email")
        payload["requirements"]["supporting_document"] = []

    snapshot = regs.requirements_snapshot(_ie({"address": "locality"}))
    result = regs.changes(snapshot, regs.from_twilio(_mutated(mutate), {"address": "country"}))
    assert result == [
        ("field_added", "vat_number"),
        ("field_removed", "email"),
        ("document_removed", "business_address_proof_info"),
        ("address_changed", "country"),
    ]


def _mutated(mutate):
    payload = copy.deepcopy(IE_LOCAL)
    mutate(payload)
    return payload


# check_value


@pytest.mark.parametrize(
    ("name", "value", "country", "failed"),
    [
        ("email", "anna@store.example", "", ""),
        ("business_contact_email", "anna@store.example", "", ""),
        ("notification_email", " a.b+c@sub.example.co.uk ", "", ""),
        ("email", "anna@store", "", "email"),
        ("email", "anna store@example.com", "", "email"),
        ("email", "@example.com", "", "email"),
        ("email", "anna@@example.com", "", "email"),
        ("business_website", "https://store.example", "", ""),
        ("website_url", "http://store.example/about?x=1", "", ""),
        ("opt_in_proof_url", "https://store.example/join", "", ""),
        ("business_website", "store.example", "", "url"),
        ("business_website", "www.store.example", "", "url"),
        ("business_website", "ftp://store.example", "", "url"),
        ("business_website", "https://localhost", "", "url"),
        ("business_website", "https://store .example", "", "url"),
        ("opt_in_proof_url", "javascript:alert(1)", "", "url"),
        # US EIN
        ("business_registration_number", "12-3456789", "US", ""),
        ("business_registration_number", "123456789", "US", ""),
        ("business_registration_number", "12-345678", "US", "registration"),
        ("business_registration_number", "AB-3456789", "US", "registration"),
        # Companies House
        ("business_registration_number", "01234567", "GB", ""),
        ("business_registration_number", "SC123456", "GB", ""),
        ("business_registration_number", "sc 123 456", "GB", ""),
        ("business_registration_number", "1234567", "GB", "registration"),
        ("business_registration_number", "S1234567", "GB", "registration"),
        # SIREN / SIRET, with their Luhn key
        ("business_registration_number", "732 829 320", "FR", ""),
        ("business_registration_number", "73282932000074", "FR", ""),
        ("business_registration_number", "732829321", "FR", "registration"),
        ("business_registration_number", "73282932000075", "FR", "registration"),
        ("business_registration_number", "73282932", "FR", "registration"),
        ("business_registration_number", "732 829 321", "fr", "registration"),
        # German register (HRB), VAT ID, Steuernummer
        ("business_registration_number", "HRB 12345", "DE", ""),
        ("business_registration_number", "HRB 12345 B", "DE", ""),
        ("business_registration_number", "hra 987", "DE", ""),
        ("business_registration_number", "DE123456789", "DE", ""),
        ("business_registration_number", "12/345/67890", "DE", ""),
        ("business_registration_number", "HRC 12345", "DE", "registration"),
        ("business_registration_number", "12345", "DE", "registration"),
        ("business_registration_number", "Amtsgericht Berlin", "de", "registration"),
        # other known formats
        ("business_registration_number", "123456", "IE", ""),
        ("business_registration_number", "12345678", "IE", "registration"),
        ("business_registration_number", "51 824 753 556", "AU", ""),
        ("ein", "12-3456789", "US", ""),
        # unknown country or no known format: passes
        ("business_registration_number", "anything at all", "BR", ""),
        ("business_registration_number", "anything at all", "", ""),
        ("business_name", "not an email", "US", ""),
        # empty: nothing to check (missing is evaluate's business)
        ("email", "", "", ""),
        ("email", "   ", "", ""),
        ("email", None, "", ""),
    ],
)
def test_check_value(name, value, country, failed):
    assert regs.check_value(name, value, country) == failed


# evaluate


def _ee():
    return regs.from_twilio(EE_MOBILE)


def _excerpt(name="Rätsep OÜ", **extra):
    document = {
        "requirement": "business_name_info",
        "type": "commercial_registrar_excerpt",
        "fields": {"business_name": name},
        "has_file": True,
    }
    document.update(extra)
    return document


def test_evaluate_reproduces_the_live_estonia_evaluation():
    evaluation = regs.evaluate(_ee(), {"business_name": "Rätsep OÜ"}, [])
    assert evaluation.status == EE_EVALUATION["status"] and not evaluation.compliant
    (live,) = EE_EVALUATION["results"]
    (finding,) = evaluation.findings
    assert finding.requirement == live["requirement_name"]
    assert finding.code == str(live["error_code"]) == regs.MISSING_DOCUMENT


def test_evaluate_compliant():
    evaluation = regs.evaluate(_ee(), {"business_name": "Rätsep OÜ"}, [_excerpt()])
    assert evaluation.compliant and evaluation.findings == []
    # the comparison ignores case and repeated spaces
    evaluation = regs.evaluate(_ee(), {"business_name": "rätsep  oü"}, [_excerpt()])
    assert evaluation.compliant


def test_evaluate_missing_field():
    evaluation = regs.evaluate(_ee(), {"business_name": "  "}, [_excerpt()])
    # missing, and not also reported as a mismatch with the document
    assert evaluation.findings == [
        regs.Finding("business_name", regs.MISSING_FIELD, "business_name")
    ]
    assert regs.evaluate(_ee(), {}, [_excerpt()]).findings == evaluation.findings


def test_evaluate_missing_document():
    values = {"business_name": "Rätsep OÜ"}
    for documents in (
        [],
        [_excerpt(has_file=False)],  # no file uploaded
        [_excerpt(type="utility_bill")],  # not a type the requirement accepts
        [_excerpt(requirement="business_address_proof_info")],  # another requirement
    ):
        evaluation = regs.evaluate(_ee(), values, documents)
        assert evaluation.findings == [regs.Finding("business_name_info", regs.MISSING_DOCUMENT)]


def test_evaluate_document_field_missing_or_mismatching():
    values = {"business_name": "Rätsep OÜ"}
    missing = regs.evaluate(_ee(), values, [_excerpt(name="")]).findings
    assert missing == [regs.Finding("business_name_info", regs.DOCUMENT_FIELD, "business_name")]
    assert regs.evaluate(_ee(), values, [_excerpt(fields=None)]).findings == missing
    mismatch = regs.evaluate(_ee(), values, [_excerpt(name="Other OÜ")]).findings
    assert mismatch == [
        regs.Finding("business_name_info", regs.DOCUMENT_FIELD, "business_name", check="mismatch")
    ]


def test_evaluate_the_best_of_several_documents_counts():
    values = {"business_name": "Rätsep OÜ"}
    documents = [_excerpt(name="Other OÜ"), _excerpt()]
    assert regs.evaluate(_ee(), values, documents).compliant
    assert regs.evaluate(_ee(), values, list(reversed(documents))).compliant


def _ie_values(**changes):
    values = {
        "business_name": "Brogue Ltd",
        "business_website": "https://brogue.example",
        "business_registration_number": "654321",
        "first_name": "Aoife",
        "last_name": "Byrne",
        "email": "aoife@brogue.example",
        "business_identity": "DIRECT_CUSTOMER",
        "is_subassigned": "NO",
    }
    values.update(changes)
    return values


IE_ADDRESS = {
    "requirement": "business_address_proof_info",
    "type": "business_address",
    "fields": {},
    "has_file": True,
}


def test_evaluate_ie_optional_field_empty_passes():
    evaluation = regs.evaluate(_ie(), _ie_values(comments=""), [IE_ADDRESS])
    assert evaluation.compliant


def test_evaluate_choice_not_allowed():
    evaluation = regs.evaluate(_ie(), _ie_values(business_identity="RESELLER"), [IE_ADDRESS])
    assert evaluation.findings == [
        regs.Finding("business_identity", "format", "business_identity", check="choice")
    ]
    # choices are exact values
    evaluation = regs.evaluate(_ie(), _ie_values(is_subassigned="no"), [IE_ADDRESS])
    assert [f.check for f in evaluation.findings] == ["choice"]


def test_evaluate_formats_by_the_regulation_country():
    evaluation = regs.evaluate(
        _ie(),
        _ie_values(email="aoife", business_website="brogue", business_registration_number="1"),
        [IE_ADDRESS],
    )
    assert {(f.requirement, f.check) for f in evaluation.findings} == {
        ("email", "email"),
        ("business_website", "url"),
        ("business_registration_number", "registration"),
    }
    assert all(f.code == "format" for f in evaluation.findings)


def test_evaluate_everything_missing():
    evaluation = regs.evaluate(_ie(), {}, [])
    codes = [(f.requirement, f.code) for f in evaluation.findings]
    assert codes == [
        (name, regs.MISSING_FIELD)
        for name in IE_LOCAL["requirements"]["end_user"][0]["fields"]
        if name != "comments"
    ] + [("business_address_proof_info", regs.MISSING_DOCUMENT)]


def _toll_free():
    return regs.from_twilio(
        {
            "sid": "RNtf",
            "iso_country": "US",
            "number_type": "toll-free",
            "requirements": {
                "end_user": [
                    {
                        "fields": ["business_registration_number"],
                        "detailed_fields": [
                            dict(
                                _detail("business_registration_authority", "Authority"),
                                choices=["EIN", "CBN", "NEQ", "OTHER"],
                            )
                        ],
                    },
                    {"fields": ["business_registration_authority"]},
                ]
            },
        },
        {"kind": "toll_free"},
    )


@pytest.mark.parametrize(
    ("authority", "number", "compliant"),
    [
        ("EIN", "12-3456789", True),
        ("EIN", "123", False),
        ("CBN", "123456789", True),  # a Canadian business verifying a US number
        ("CBN", "12-3456789", False),
        ("NEQ", "1234567890", True),  # format not known: not checked
        ("OTHER", "anything", True),
    ],
)
def test_evaluate_toll_free_checks_the_number_by_its_authority(authority, number, compliant):
    values = {"business_registration_number": number, "business_registration_authority": authority}
    assert regs.evaluate(_toll_free(), values, []).compliant is compliant


# file_kind


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"\xff\xd8\xff\xe1\x00\x18Exif\x00\x00", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        # a .pdf name with text inside is not a PDF: only the bytes count
        (b"This is my Handelsregisterauszug.pdf, honest", ""),
        (b" %PDF-1.7", ""),  # the signature must come first
        (b"%PDF", ""),  # truncated signature
        (b"\x89PNG\r\n", ""),
        (b"GIF89a\x01\x00", ""),  # an image type not accepted
        (b"PK\x03\x04", ""),  # a .docx
        (b"", ""),
        (None, ""),
    ],
)
def test_file_kind(content, kind):
    assert regs.file_kind(content) == kind
    if kind:
        assert kind in regs.ACCEPTED_MIMETYPES


def test_max_file_size_is_twilio_limit():
    assert regs.MAX_FILE_SIZE == 5 * 1024 * 1024
