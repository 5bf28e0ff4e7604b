import pytest
from clienteling_compliance_tools import catalog
from clienteling_compliance_tools import regulations as regs

# Seed 000's table of supported countries ("Canada & USA" is two).
TABLE_COUNTRIES = {
    "Australia": "AU",
    "Austria": "AT",
    "Belgium": "BE",
    "Czech Republic": "CZ",
    "Denmark": "DK",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Hong Kong": "HK",
    "Ireland": "IE",
    "Italy": "IT",
    "Malaysia": "MY",
    "Netherlands": "NL",
    "Norway": "NO",
    "Poland": "PL",
    "Portugal": "PT",
    "Spain": "ES",
    "Sweden (National Number)": "SE",
    "Switzerland": "CH",
    "Canada": "CA",
    "USA": "US",
    "UK": "GB",
}
# Seed 000's list of countries where customers buy numbers themselves.
SEED_SELF_SERVICE = {
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


def _one(country, number_type):
    found = catalog.regulations(country, number_type)
    assert len(found) == 1, (country, number_type, found)
    return found[0]


@pytest.mark.parametrize("entry", catalog.REGULATIONS, ids=lambda e: e["sid"])
def test_every_entry_parses_with_its_extras(entry):
    regulation = regs.from_twilio(entry, catalog.extra_of(entry))
    extra = catalog.extra_of(entry)
    assert regulation.ref == entry["sid"]
    assert regulation.country == entry["iso_country"]
    assert regulation.country in catalog.COUNTRY_NAMES
    assert regulation.number_type in regs.NUMBER_TYPES
    assert regulation.end_user_type == "business"
    assert regulation.kind in regs.KINDS and regulation.kind == extra["kind"]
    assert regulation.address in regs.ADDRESS_RULES and regulation.address == extra["address"]
    assert regulation.source and regulation.source == extra["source"]
    assert regulation.name.startswith(catalog.COUNTRY_NAMES[regulation.country] + ": ")
    # Every field has a label; every document requirement accepts something,
    # and every accepted document type reads at least one field.
    for info in regulation.fields:
        assert info.label and info.name
    for requirement in regulation.documents:
        assert requirement.name and requirement.label and requirement.accepted
        for document_type in requirement.accepted:
            assert document_type.code and document_type.label
    for group in entry["requirements"]["supporting_document"]:
        for requirement in group:
            for accepted in requirement["accepted_documents"]:
                assert accepted["fields"]
    # Bundles ask for something; only US/CA registrations have no documents.
    if regulation.kind == "bundle":
        assert regulation.fields and regulation.documents
    else:
        assert regulation.country in ("US", "CA") and not regulation.documents


def test_extra_of_is_a_copy():
    entry = catalog.REGULATIONS[0]
    catalog.extra_of(entry)["address"] = "none"
    assert catalog.extra_of(entry)["address"] != "none"


def test_refs_are_unique_and_deterministic():
    refs = [entry["sid"] for entry in catalog.REGULATIONS]
    assert len(refs) == len(set(refs))
    assert "RNOFFLINE-DE-LOCAL-BUSINESS" in refs
    assert "RNOFFLINE-US-TOLL-FREE-BUSINESS" in refs
    keys = {(e["iso_country"], e["number_type"], e["end_user_type"]) for e in catalog.REGULATIONS}
    assert len(keys) == len(refs)


@pytest.mark.parametrize("country", sorted(set(TABLE_COUNTRIES.values()) | SEED_SELF_SERVICE))
def test_every_seed_country_has_its_texting_number_type(country):
    number_type = catalog.texting_number_type(country)
    regulation = _one(country, number_type)
    assert regulation.end_user_type == "business"


def test_texting_number_types():
    assert catalog.texting_number_type("SE") == "national"
    assert catalog.texting_number_type("us") == "local"
    assert catalog.texting_number_type("CA") == "toll-free"
    assert catalog.texting_number_type("DE") == "mobile"
    assert catalog.texting_number_type("") == "mobile"


def test_self_service_is_seed_000_list_exactly():
    assert catalog.SELF_SERVICE == SEED_SELF_SERVICE
    flagged = {r.country for r in catalog.regulations() if r.self_service}
    assert flagged == SEED_SELF_SERVICE
    for regulation in catalog.regulations():
        assert regulation.self_service == (regulation.country in SEED_SELF_SERVICE)
    # Table countries outside the list need the provider's help to buy numbers.
    assert not _one("FR", "mobile").self_service
    assert not _one("SE", "national").self_service


def test_per_number_only_where_the_address_is_in_the_locality():
    per_number = {(r.country, r.number_type) for r in catalog.regulations() if r.per_number}
    for regulation in catalog.regulations():
        assert regulation.per_number == (regulation.address == "locality")
    assert {("DE", "local"), ("IE", "local"), ("PH", "local"), ("AT", "local")} <= per_number
    assert {("BE", "local"), ("CH", "local")} <= per_number
    assert not _one("DE", "mobile").per_number
    assert _one("DE", "mobile").address == "country"


def test_germany_local():
    regulation = _one("DE", "local")
    names = regulation.field_names()
    assert {"business_name", "business_registration_number", "first_name", "email"} <= set(names)
    assert not next(f for f in regulation.fields if f.name == "comments").required
    assert next(f for f in regulation.fields if f.name == "business_name").required
    codes = {t.code for d in regulation.documents for t in d.accepted}
    assert "commercial_registrar_excerpt" in codes
    assert {"trade_license", "tax_document"} <= codes
    proof = next(d for d in regulation.documents if d.name == "business_address_proof_info")
    assert "Ortsnetz" in proof.description
    # address_sids is how the address is attached, not a field typed in
    for requirement in regulation.documents:
        for document_type in requirement.accepted:
            assert "address_sids" not in document_type.fields
    assert regulation.source.startswith("Twilio regulation read 2026-11")


def test_ireland_local_has_isv_choices():
    regulation = _one("IE", "local")
    fields = {f.name: f for f in regulation.fields}
    assert fields["business_identity"].choices == ("DIRECT_CUSTOMER", "INDEPENDENT_SOFTWARE_VENDOR")
    assert fields["is_subassigned"].choices == ("YES", "NO")
    assert not fields["comments"].required
    assert regulation.address == "locality"
    assert [t.code for t in regulation.documents[0].accepted] == ["business_address"]
    assert "Eircode" in regulation.documents[0].description


def test_estonia_and_france_follow_the_read_regulations():
    estonia = _one("EE", "mobile")
    assert estonia.field_names() == ["business_name"]
    assert estonia.documents[0].name == "business_name_info"
    assert estonia.documents[0].accepted[0].code == "commercial_registrar_excerpt"
    france = _one("FR", "mobile")
    kbis = france.documents[0].accepted[0]
    assert kbis.label == "Extrait K-bis"
    assert set(kbis.fields) == {
        "business_name",
        "business_registration_number",
        "first_name",
        "last_name",
    }


def test_generic_entries_say_so():
    for country, number_type in (("NL", "mobile"), ("SE", "national"), ("GB", "mobile")):
        assert _one(country, number_type).source.startswith(catalog.GENERIC)
    for country, number_type in (("DE", "local"), ("IE", "local"), ("EE", "mobile")):
        assert _one(country, number_type).source.startswith("Twilio regulation read")


def test_us_10dlc_samples():
    regulation = _one("US", "local")
    assert regulation.kind == "a2p_10dlc"
    assert regulation.address == "none" and not regulation.documents
    fields = {f.name: f for f in regulation.fields}
    assert fields["message_sample_1"].required and fields["message_sample_2"].required
    for n in (3, 4, 5):
        assert not fields[f"message_sample_{n}"].required
    assert "message_sample_6" not in fields
    for name in (
        "business_name",
        "business_registration_number",
        "business_type",
        "business_industry",
        "website_url",
        "street",
        "city",
        "region",
        "postal_code",
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "description",
        "message_flow",
        "opt_in_keywords",
        "opt_out_keywords",
        "opt_out_message",
        "help_keywords",
        "help_message",
    ):
        assert fields[name].required, name
    assert {"MARKETING", "MIXED", "LOW_VOLUME", "CUSTOMER_CARE"} <= set(
        fields["us_app_to_person_usecase"].choices
    )
    assert "RETAIL" in fields["business_industry"].choices


def test_toll_free_verification():
    for country in ("US", "CA"):
        regulation = _one(country, "toll-free")
        assert regulation.kind == "toll_free" and not regulation.documents
        fields = {f.name: f for f in regulation.fields}
        assert {"EIN", "CBN", "NEQ"} <= set(fields["business_registration_authority"].choices)
        assert fields["opt_in_type"].choices == (
            "VERBAL",
            "WEB_FORM",
            "PAPER_FORM",
            "VIA_TEXT",
            "MOBILE_QR_CODE",
            "IMPORT",
        )
        assert fields["opt_in_proof_url"].required
        assert fields["message_volume"].choices
        assert not fields["opt_out_keywords"].required
    # the underscore spelling of the type filters too
    assert catalog.regulations("US", "toll_free")[0].kind == "toll_free"


def test_canada_local_needs_no_approval():
    regulation = _one("CA", "local")
    assert regulation.kind == "none"
    assert not regulation.fields and not regulation.documents
    assert "filter" in regulation.source
    assert regs.evaluate(regulation, {}, []).compliant


def test_fingerprints_differ_between_de_local_and_mobile():
    local, mobile, national = _one("DE", "local"), _one("DE", "mobile"), _one("DE", "national")
    assert regs.fingerprint(local) != regs.fingerprint(mobile)
    # same documents and fields, but the address rule differs
    assert regs.fingerprint(local) != regs.fingerprint(national)
    assert regs.fingerprint(local) == regs.fingerprint(_one("DE", "local"))
    assert ("address_changed", "country") in regs.changes(
        regs.requirements_snapshot(local), national
    )


def test_filters():
    everything = catalog.regulations()
    assert len(everything) == len(catalog.REGULATIONS)
    germany = catalog.regulations("DE")
    assert {r.number_type for r in germany} == {"local", "mobile", "national"}
    assert {r.country for r in catalog.regulations(country="de")} == {"DE"}
    mobiles = catalog.regulations(number_type="mobile")
    assert mobiles and all(r.number_type == "mobile" for r in mobiles)
    assert "US" not in {r.country for r in mobiles}
    assert len(catalog.regulations(end_user_type="business")) == len(everything)
    assert catalog.regulations(end_user_type="individual") == []
    assert catalog.regulations("XX") == []
    assert catalog.regulations("SE", "mobile") == []
    assert catalog.regulations("DE", "local", "business")[0].ref == "RNOFFLINE-DE-LOCAL-BUSINESS"


def test_catalog_regulations_evaluate():
    """The sandbox evaluates with the catalog's rules: DE local end to end."""
    regulation = _one("DE", "local")
    values = {
        "business_name": "Muster Mode GmbH",
        "business_registration_number": "HRB 12345 B",
        "business_website": "https://muster-mode.de",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": "erika@muster-mode.de",
    }
    excerpt = {
        "type": "commercial_registrar_excerpt",
        "has_file": True,
    }
    documents = [
        dict(
            excerpt, requirement="business_name_info", fields={"business_name": "Muster Mode GmbH"}
        ),
        dict(
            excerpt,
            requirement="business_registration_number_info",
            fields={"business_registration_number": "HRB 12345 B"},
        ),
        dict(excerpt, requirement="business_address_proof_info", fields={}),
    ]
    assert regs.evaluate(regulation, values, documents).compliant
    result = regs.evaluate(regulation, dict(values, business_name=""), documents[1:])
    codes = {(f.requirement, f.code) for f in result.findings}
    assert codes == {
        ("business_name", regs.MISSING_FIELD),
        ("business_name_info", regs.MISSING_DOCUMENT),
    }


def test_toll_free_registration_number_follows_its_authority():
    regulation = _one("CA", "toll-free")
    required = {f.name: "x" for f in regulation.fields if f.required}
    values = dict(
        required,
        business_registration_authority="NEQ",
        business_registration_number="1171234567",
        business_registration_country="CA",
        business_type="PRIVATE_PROFIT",
        business_website="https://boutique.example",
        business_contact_email="marie@boutique.example",
        notification_email="compliance@boutique.example",
        use_case_categories="CUSTOMER_CARE",
        opt_in_type="WEB_FORM",
        opt_in_proof_url="https://boutique.example/sms",
        message_volume="1,000",
    )
    assert regs.evaluate(regulation, values, []).compliant
    values["business_registration_authority"] = "CBN"
    findings = regs.evaluate(regulation, values, []).findings
    assert [(f.requirement, f.check) for f in findings] == [
        ("business_registration_number", "registration")
    ]


def test_entries_share_nothing():
    """Changing one entry (a provider or a test may) leaves the others alone."""
    de_local = next(e for e in catalog.REGULATIONS if e["sid"] == "RNOFFLINE-DE-LOCAL-BUSINESS")
    de_national = next(
        e for e in catalog.REGULATIONS if e["sid"] == "RNOFFLINE-DE-NATIONAL-BUSINESS"
    )
    detail = de_local["requirements"]["end_user"][0]["detailed_fields"][0]
    original = detail["description"]
    try:
        detail["description"] = "changed"
        other = de_national["requirements"]["end_user"][0]["detailed_fields"][0]
        assert other["description"] == original
        assert catalog.FIELDS["business_name"]["description"] == original
    finally:
        detail["description"] = original
