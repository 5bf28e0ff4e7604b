"""Twilio's compliance APIs through the real ``twilio`` SDK, against a local
recorder that answers like Twilio (``ComplianceRecorder``)."""

import json

import pytest
from clienteling_compliance_tools import provider as compliance
from clienteling_compliance_tools import regulations
from clienteling_compliance_tools.twilio_compliance import (
    SECONDARY_CUSTOMER_PROFILE_POLICY,
    TwilioCompliance,
    findings,
    join_a2p_ref,
    multipart,
    split_a2p_ref,
)
from clienteling_sms_tools.provider import ProviderError
from clienteling_sms_tools.twilio_provider import TwilioProvider
from twilio_compliance_recorder import (
    DE_LOCAL_BUSINESS,
    IE_LOCAL_BUSINESS,
    NONCOMPLIANT_RESULTS,
    ComplianceRecorder,
    parse_body,
)

ACCOUNT = "AC00000000000000000000000000000001"
PDF = b"%PDF-1.7\n\x00\xff\xfe binary \r\n--not-a-boundary\r\n%%EOF"


@pytest.fixture
def recorder():
    with ComplianceRecorder() as running:
        yield running


@pytest.fixture
def twilio(recorder):
    return TwilioCompliance(TwilioProvider(ACCOUNT, "token", api_base_url=recorder.url))


def _posts(recorder, path_end):
    return [r for r in recorder.requests if r["method"] == "POST" and r["path"].endswith(path_end)]


def test_registered_under_the_sms_providers_key():
    assert compliance.get_compliance_class("twilio") is TwilioCompliance
    sms = TwilioProvider(ACCOUNT, "token")
    assert TwilioCompliance(sms).sms is sms


# Regulations


def test_regulations_are_read_with_constraints_and_parsed(recorder, twilio):
    (ireland,) = twilio.list_regulations("ie", "local", "business")
    query = recorder.requests[-1]["query"]
    assert recorder.requests[-1]["path"] == "/v2/RegulatoryCompliance/Regulations"
    assert query["IsoCountry"] == ["IE"]
    assert query["NumberType"] == ["local"]
    assert query["EndUserType"] == ["business"]
    assert query["IncludeConstraints"] == ["true"]
    assert recorder.requests[-1]["user"] == ACCOUNT

    assert ireland.ref == IE_LOCAL_BUSINESS["sid"]
    assert (ireland.country, ireland.number_type, ireland.end_user_type) == (
        "IE",
        "local",
        "business",
    )
    assert ireland.name == "Ireland: Local - Business"
    assert ireland.field_names() == IE_LOCAL_BUSINESS["requirements"]["end_user"][0]["fields"]
    by_name = {f.name: f for f in ireland.fields}
    assert by_name["business_registration_number"].label == "Company Registration Number"
    assert by_name["business_identity"].choices == (
        "DIRECT_CUSTOMER",
        "INDEPENDENT_SOFTWARE_VENDOR",
    )
    assert by_name["comments"].required is False
    assert by_name["business_name"].required is True
    (proof,) = ireland.documents
    assert proof.name == "proof_of_address"
    assert [t.code for t in proof.accepted] == ["business_address"]
    assert proof.accepted[0].fields == ()  # address_sids is the address, not a field
    assert ireland.address == "country"


def test_regulations_with_several_documents_and_no_filter(recorder, twilio):
    found = twilio.list_regulations()
    assert {r.country for r in found} == {"IE", "DE"}
    query = recorder.requests[-1]["query"]
    assert "IsoCountry" not in query and "NumberType" not in query
    assert query["IncludeConstraints"] == ["true"]
    (germany,) = twilio.list_regulations("DE", "local", "business")
    assert germany.ref == DE_LOCAL_BUSINESS["sid"]
    assert germany.field_names() == ["business_name", "business_registration_number"]
    documents = {d.name: d for d in germany.documents}
    assert list(documents) == ["business_name_info", "proof_of_address_info"]
    address = documents["proof_of_address_info"]
    assert [t.code for t in address.accepted] == ["commercial_registrar_excerpt", "utility_bill"]
    assert address.accepted[1].fields == ("first_name", "last_name")
    assert regulations.fingerprint(germany) != regulations.fingerprint(
        twilio.list_regulations("IE")[0]
    )


def test_no_regulation_for_a_country_gives_an_empty_list(twilio):
    assert twilio.list_regulations("FR", "mobile", "business") == []


def test_regulations_refused_become_provider_errors(recorder, twilio):
    recorder.fail_next(401, 20003, "Authenticate")
    with pytest.raises(ProviderError) as error:
        twilio.list_regulations("IE")
    assert error.value.code == "20003"
    assert error.value.kind == "credentials_refused"
    assert error.value.status == 401


# Items: end users, addresses, documents


def test_end_user_created_and_updated_with_json_attributes(recorder, twilio):
    attributes = {"business_name": "Maison Ölm", "business_identity": "DIRECT_CUSTOMER"}
    sid = twilio.create_end_user("Maison Ölm", "business", attributes)
    assert sid.startswith("IT")
    sent = recorder.requests[-1]
    assert sent["path"] == "/v2/RegulatoryCompliance/EndUsers"
    assert sent["form"]["FriendlyName"] == ["Maison Ölm"]
    assert sent["form"]["Type"] == ["business"]
    assert json.loads(sent["form"]["Attributes"][0]) == attributes

    changed = dict(attributes, business_registration_number="123456")
    assert twilio.update_end_user(sid, "Maison Ölm Ltd", changed) == sid
    sent = recorder.requests[-1]
    assert sent["method"] == "POST"
    assert sent["path"] == f"/v2/RegulatoryCompliance/EndUsers/{sid}"
    assert sent["form"]["FriendlyName"] == ["Maison Ölm Ltd"]
    assert json.loads(sent["form"]["Attributes"][0]) == changed
    assert "Type" not in sent["form"]


def test_updating_an_unknown_end_user_is_a_provider_error(twilio):
    with pytest.raises(ProviderError) as error:
        twilio.update_end_user("IT" + "0" * 32, "x", {})
    assert error.value.code == "20404"
    assert error.value.kind == "not_found"


def test_address_created_on_the_account(recorder, twilio):
    sid = twilio.create_address(
        "Maison Ölm", "1 Grafton Street", "Dublin", "Dublin", "D02 X285", "ie", "Unit 4"
    )
    assert sid.startswith("AD")
    sent = recorder.requests[-1]
    assert sent["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Addresses.json"
    assert {k: v[0] for k, v in sent["form"].items()} == {
        "CustomerName": "Maison Ölm",
        "Street": "1 Grafton Street",
        "StreetSecondary": "Unit 4",
        "City": "Dublin",
        "Region": "Dublin",
        "PostalCode": "D02 X285",
        "IsoCountry": "IE",
    }
    twilio.create_address("Maison Ölm", "Hauptstr. 1", "Berlin", "BE", "10115", "DE")
    assert "StreetSecondary" not in recorder.requests[-1]["form"]


def test_document_uploaded_as_multipart_with_its_file(recorder, twilio):
    sid = twilio.create_document(
        "Proof of address",
        "business_address",
        {"address_sids": ["AD" + "1" * 32]},
        "bill März.pdf",
        PDF,
        "application/pdf",
    )
    assert sid.startswith("RD")
    sent = recorder.requests[-1]
    assert sent["method"] == "POST"
    assert sent["path"] == "/v2/RegulatoryCompliance/SupportingDocuments"
    assert sent["content_type"].startswith("multipart/form-data; boundary=")
    assert sent["user"] == ACCOUNT  # basic auth of the SDK's client
    assert sent["form"]["FriendlyName"] == ["Proof of address"]
    assert sent["form"]["Type"] == ["business_address"]
    assert json.loads(sent["form"]["Attributes"][0]) == {"address_sids": ["AD" + "1" * 32]}
    upload = sent["files"]["File"]
    assert upload["content"] == PDF  # bytes intact, NUL and \r\n included
    assert upload["filename"] == "bill März.pdf"
    assert upload["content_type"] == "application/pdf"
    assert recorder.objects[sid]["mime_type"] == "application/pdf"


def test_document_upload_goes_to_twilios_upload_host(recorder, twilio):
    http_client = twilio.sms.client.http_client
    sent_to = []
    original = http_client.request

    def spy(method, url, *args, **kwargs):
        sent_to.append((method, url))
        return original(method, url, *args, **kwargs)

    http_client.request = spy
    twilio.create_document("Bill", "utility_bill", {}, "b.pdf", PDF, "application/pdf")
    twilio.create_end_user("Maison", "business", {})
    assert sent_to == [
        ("POST", "https://numbers-upload.twilio.com/v2/RegulatoryCompliance/SupportingDocuments"),
        ("POST", "https://numbers.twilio.com/v2/RegulatoryCompliance/EndUsers"),
    ]


def test_document_type_read_from_the_bytes_when_not_given(recorder, twilio):
    twilio.create_document("Bill", "utility_bill", {}, "scan", b"\x89PNG\r\n\x1a\n...", "")
    assert recorder.requests[-1]["files"]["File"]["content_type"] == "image/png"
    twilio.create_document("Bill", "utility_bill", {}, "scan", b"plain", "")
    assert recorder.requests[-1]["files"]["File"]["content_type"] == "application/octet-stream"


def test_document_without_a_file_is_refused_before_any_request(recorder, twilio):
    with pytest.raises(ValueError):
        twilio.create_document("x", "business_address", {}, "a.pdf", b"", "application/pdf")
    assert recorder.requests == []


@pytest.mark.parametrize(
    "status, code, message",
    [
        (413, 20413, "Request Entity Too Large"),
        (400, 22218, "The supporting document type is invalid"),
    ],
)
def test_upload_refused_is_a_provider_error_with_twilios_code(
    recorder, twilio, status, code, message
):
    recorder.fail_next(status, code, message)
    with pytest.raises(ProviderError) as error:
        twilio.create_document("x", "utility_bill", {}, "a.pdf", PDF, "application/pdf")
    assert error.value.code == str(code)
    assert error.value.status == status
    assert message in error.value.params["provider_message"]


def test_upload_refused_with_a_body_that_is_not_twilios_json(recorder, twilio):
    recorder._answer = lambda entry: (413, "<html>Request Entity Too Large</html>")
    with pytest.raises(ProviderError) as error:
        twilio.create_document("x", "utility_bill", {}, "a.pdf", PDF, "application/pdf")
    assert error.value.code == "413"
    assert error.value.status == 413


def test_upload_answer_without_a_sid_is_a_provider_error(recorder, twilio):
    recorder._answer = lambda entry: (201, {"status": "draft"})
    with pytest.raises(ProviderError) as error:
        twilio.create_document("x", "utility_bill", {}, "a.pdf", PDF, "application/pdf")
    assert error.value.status == 201


def test_upload_unreachable_is_a_provider_error():
    twilio = TwilioCompliance(TwilioProvider(ACCOUNT, "token", api_base_url="http://127.0.0.1:9"))
    with pytest.raises(ProviderError) as error:
        twilio.create_document("x", "utility_bill", {}, "a.pdf", PDF, "application/pdf")
    assert error.value.kind == "provider_unreachable"


def test_multipart_body_round_trips_and_strips_quotes_from_the_filename():
    content_type, body = multipart(
        {"Attributes": '{"a": "b"}'}, {"File": ('evil".pdf\r\n', PDF, "")}
    )
    form, files = parse_body(content_type, body)
    assert form == {"Attributes": ['{"a": "b"}']}
    assert files["File"]["filename"] == "evil.pdf"
    assert files["File"]["content"] == PDF
    assert files["File"]["content_type"] == "application/octet-stream"


# Bundles


def _bundle(twilio, recorder, callback="https://shop.example.com/clienteling/compliance/twilio"):
    return twilio.create_bundle(
        "Store 042 IE local", "compliance@shop.example.com", IE_LOCAL_BUSINESS["sid"], callback
    )


def test_bundle_created_and_items_assigned_once(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    assert bundle.startswith("BU")
    sent = recorder.requests[-1]
    assert sent["path"] == "/v2/RegulatoryCompliance/Bundles"
    assert {k: v[0] for k, v in sent["form"].items()} == {
        "FriendlyName": "Store 042 IE local",
        "Email": "compliance@shop.example.com",
        "RegulationSid": IE_LOCAL_BUSINESS["sid"],
        "StatusCallback": "https://shop.example.com/clienteling/compliance/twilio",
    }
    end_user = twilio.create_end_user("Maison", "business", {"business_name": "Maison"})
    document = twilio.create_document("Bill", "business_address", {}, "b.pdf", PDF, "")
    assert twilio.assigned_items(bundle) == []
    assignment = twilio.assign_item(bundle, end_user)
    assert assignment.startswith("BV")
    assert recorder.requests[-1]["form"]["ObjectSid"] == [end_user]
    assert recorder.requests[-1]["path"].endswith(f"/Bundles/{bundle}/ItemAssignments")

    # a retry assigns only what is not assigned yet
    assigned = set(twilio.assigned_items(bundle))
    assert assigned == {end_user}
    for item in (end_user, document):
        if item not in assigned:
            twilio.assign_item(bundle, item)
    assert len(_posts(recorder, "/ItemAssignments")) == 2
    assert twilio.assigned_items(bundle) == [end_user, document]


def test_bundle_without_status_callback_sends_none(recorder, twilio):
    twilio.create_bundle("B", "c@shop.example.com", DE_LOCAL_BUSINESS["sid"])
    assert "StatusCallback" not in recorder.requests[-1]["form"]


def test_evaluation_compliant(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    evaluation = twilio.evaluate(bundle)
    assert recorder.requests[-1]["path"].endswith(f"/Bundles/{bundle}/Evaluations")
    assert recorder.requests[-1]["method"] == "POST"
    assert evaluation.compliant
    assert evaluation.findings == []
    assert evaluation.ref.startswith("EL")


def test_evaluation_noncompliant_gives_a_finding_per_failed_field(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    recorder.evaluation = "noncompliant"
    evaluation = twilio.evaluate(bundle)
    assert evaluation.status == "noncompliant"
    assert not evaluation.compliant
    assert [(f.requirement, f.code, f.object_field) for f in evaluation.findings] == [
        ("business_info", regulations.MISSING_FIELD, "business_registration_number"),
        ("business_name_info", regulations.MISSING_DOCUMENT, ""),
        ("proof_of_address_info", regulations.DOCUMENT_FIELD, "last_name"),
    ]
    assert evaluation.findings[0].reason == "The Business Registration Number is missing."
    assert evaluation.findings[1].reason.startswith("An Excerpt from the commercial register")


def test_findings_of_odd_results():
    assert findings(None) == []
    assert findings([{"passed": True, "invalid": [{"error_code": 22215}]}]) == []
    # an invalid field without its own code takes the requirement's
    (finding,) = findings(
        [
            {
                "friendly_name": "Business",
                "passed": False,
                "error_code": 22215,
                "invalid": [{"object_field": "email"}],
            }
        ]
    )
    assert (finding.requirement, finding.code, finding.object_field, finding.reason) == (
        "Business",
        "22215",
        "email",
        "",
    )


def test_submit_and_fetch_with_valid_until(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    submitted = twilio.submit(bundle)
    sent = recorder.requests[-1]
    assert sent["path"] == f"/v2/RegulatoryCompliance/Bundles/{bundle}"
    assert sent["form"] == {"Status": ["pending-review"]}
    assert (submitted.ref, submitted.status, submitted.state) == (
        bundle,
        "pending-review",
        "submitted",
    )
    assert submitted.valid_until == ""

    recorder.bundle_status[bundle] = "twilio-approved"
    recorder.valid_until[bundle] = "2027-03-01T00:00:00Z"
    fetched = twilio.fetch_bundle(bundle)
    assert recorder.requests[-1]["method"] == "GET"
    assert (fetched.status, fetched.state, fetched.valid_until, fetched.reason) == (
        "twilio-approved",
        "approved",
        "2027-03-01",
        "",
    )


def test_fetch_rejected_bundle_gives_twilios_reasons(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    document = twilio.create_document("Bill", "utility_bill", {}, "b.pdf", PDF, "")
    end_user = twilio.create_end_user("Maison", "business", {})
    twilio.assign_item(bundle, end_user)
    twilio.assign_item(bundle, document)
    recorder.evaluation = "noncompliant"
    twilio.evaluate(bundle)
    recorder.bundle_status[bundle] = "twilio-rejected"
    recorder.document_failure[document] = "The document is illegible."
    fetched = twilio.fetch_bundle(bundle)
    assert fetched.state == "rejected"
    reasons = fetched.reason.split("\n")
    assert "The Business Registration Number is missing." in reasons
    assert "The document is illegible." in reasons
    assert len(reasons) == len(set(reasons))
    # only documents are fetched for their reason, not end users
    assert not any(r["path"].endswith(end_user) for r in recorder.requests if r["method"] == "GET")


def test_fetch_rejected_bundle_without_any_reason(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    recorder.bundle_status[bundle] = "twilio-rejected"
    fetched = twilio.fetch_bundle(bundle)
    assert (fetched.state, fetched.reason) == ("rejected", "")


@pytest.mark.parametrize(
    "code, message",
    [
        (22215, "End-User is missing required fields"),
        (22216, "Bundle is missing a required Supporting Document"),
        (22217, "Supporting Document is missing required fields"),
    ],
)
def test_submit_refused_with_twilios_compliance_codes(recorder, twilio, code, message):
    bundle = _bundle(twilio, recorder)
    recorder.fail_next(400, code, message)
    with pytest.raises(ProviderError) as error:
        twilio.submit(bundle)
    assert error.value.code == str(code)
    assert error.value.status == 400
    assert message in error.value.params["provider_message"]
    assert recorder.bundle_status[bundle] == "draft"


def test_fetch_unknown_bundle_is_not_found(twilio):
    with pytest.raises(ProviderError) as error:
        twilio.fetch_bundle("BU" + "f" * 32)
    assert error.value.kind == "not_found"


def test_copy_then_replace_items(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    end_user = twilio.create_end_user("Maison", "business", {})
    twilio.assign_item(bundle, end_user)
    recorder.bundle_status[bundle] = "twilio-approved"

    copy = twilio.copy_bundle(bundle, "Store 042 IE local (update)")
    assert copy.startswith("BU") and copy != bundle
    sent = recorder.requests[-1]
    assert sent["path"] == f"/v2/RegulatoryCompliance/Bundles/{bundle}/Copies"
    assert sent["form"] == {"FriendlyName": ["Store 042 IE local (update)"]}
    assert twilio.fetch_bundle(copy).status == "draft"

    new_user = twilio.create_end_user("Maison Ltd", "business", {})
    twilio.assign_item(copy, new_user)
    recorder.bundle_status[copy] = "twilio-approved"
    replaced = twilio.replace_items(bundle, copy)
    sent = recorder.requests[-1]
    assert sent["path"] == f"/v2/RegulatoryCompliance/Bundles/{bundle}/ReplaceItems"
    assert sent["form"] == {"FromBundleSid": [copy]}
    assert replaced.ref == bundle
    assert replaced.state == "approved"
    assert twilio.assigned_items(bundle) == [new_user]


def test_replace_items_from_an_unknown_bundle_fails(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    recorder.fail_next(400, 22228, "Source and destination bundle regulation mismatch")
    with pytest.raises(ProviderError) as error:
        twilio.replace_items(bundle, "BU" + "e" * 32)
    assert error.value.code == "22228"


# Numbers bought with the bundle and address


def test_purchase_with_bundle_and_address(recorder, twilio):
    bundle = _bundle(twilio, recorder)
    address = twilio.create_address("Maison", "1 Grafton St", "Dublin", "D", "D02", "IE")
    bought = twilio.sms.purchase_number(
        "+35312345678",
        "https://x/in",
        "https://x/voice",
        bundle_ref=bundle,
        address_ref=address,
    )
    assert bought.sid.startswith("PN")
    form = recorder.requests[-1]["form"]
    assert (
        recorder.requests[-1]["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json"
    )
    assert form["BundleSid"] == [bundle]
    assert form["AddressSid"] == [address]
    assert form["PhoneNumber"] == ["+35312345678"]


def test_purchase_without_approval_is_regulatory_approval_missing(recorder, twilio):
    recorder.fail_next(400, 21649, "Phone Number Requires a Bundle")
    with pytest.raises(ProviderError) as error:
        twilio.sms.purchase_number("+35312345678", "https://x/in", "https://x/voice")
    assert error.value.code == "21649"
    assert error.value.kind == "regulatory_approval_missing"
    assert "BundleSid" not in recorder.requests[-1]["form"]


# Toll-free verification

TOLL_FREE = {
    "business_name": "Maison Olm Inc",
    "website_url": "https://maison.example.com",
    "notification_email": "compliance@maison.example.com",
    "use_case_categories": "CUSTOMER_CARE, MARKETING",
    "use_case_summary": "Store associates answer their customers.",
    "production_message_sample": "Hi Ana, your order is ready at Maison Olm SoHo.",
    "opt_in_image_urls": ["https://maison.example.com/opt-in.png"],
    "opt_in_type": "WEB_FORM",
    "message_volume": "1,000",
    "tollfree_phone_number_sid": "PN" + "7" * 32,
    "street": "1 Spring St",
    "city": "New York",
    "region": "NY",
    "postal_code": "10012",
    "country": "US",
    "contact_first_name": "Ana",
    "contact_last_name": "Olm",
    "contact_email": "ana@maison.example.com",
    "contact_phone": "+12125550100",
    "business_registration_number": "12-3456789",
    "business_registration_authority": "EIN",
    "business_registration_country": "US",
    "business_type": "PRIVATE_PROFIT",
    "unknown_field": "ignored",
}


def test_toll_free_verification_submitted_and_fetched(recorder, twilio):
    submission = twilio.submit_registration("toll_free", TOLL_FREE, "https://x/status")
    sent = recorder.requests[-1]
    assert sent["path"] == "/v1/Tollfree/Verifications"
    form = sent["form"]
    assert form["BusinessName"] == ["Maison Olm Inc"]
    assert form["BusinessWebsite"] == ["https://maison.example.com"]
    assert form["NotificationEmail"] == ["compliance@maison.example.com"]
    assert form["UseCaseCategories"] == ["CUSTOMER_CARE", "MARKETING"]
    assert form["OptInImageUrls"] == ["https://maison.example.com/opt-in.png"]
    assert form["OptInType"] == ["WEB_FORM"]
    assert form["MessageVolume"] == ["1,000"]
    assert form["TollfreePhoneNumberSid"] == ["PN" + "7" * 32]
    assert form["BusinessStreetAddress"] == ["1 Spring St"]
    assert form["BusinessCity"] == ["New York"]
    assert form["BusinessStateProvinceRegion"] == ["NY"]
    assert form["BusinessPostalCode"] == ["10012"]
    assert form["BusinessCountry"] == ["US"]
    assert form["BusinessContactFirstName"] == ["Ana"]
    assert form["BusinessContactLastName"] == ["Olm"]
    assert form["BusinessContactEmail"] == ["ana@maison.example.com"]
    assert form["BusinessContactPhone"] == ["+12125550100"]
    assert form["BusinessRegistrationNumber"] == ["12-3456789"]
    assert form["BusinessRegistrationAuthority"] == ["EIN"]
    assert form["BusinessType"] == ["PRIVATE_PROFIT"]
    assert not any("unknown" in key.lower() for key in form)
    assert submission.ref.startswith("HH")
    assert (submission.status, submission.state) == ("PENDING_REVIEW", "submitted")

    recorder.toll_free_status[submission.ref] = "TWILIO_REJECTED"
    recorder.rejection_reason[submission.ref] = "Opt-in proof does not show consent."
    fetched = twilio.fetch_registration("toll_free", submission.ref)
    assert recorder.requests[-1]["path"] == f"/v1/Tollfree/Verifications/{submission.ref}"
    assert (fetched.state, fetched.reason) == ("rejected", "Opt-in proof does not show consent.")
    recorder.toll_free_status[submission.ref] = "TWILIO_APPROVED"
    recorder.rejection_reason.pop(submission.ref)
    assert twilio.fetch_registration("toll_free", submission.ref).state == "approved"


def test_toll_free_sdk_names_win_over_ours(recorder, twilio):
    values = dict(TOLL_FREE, business_website="https://www.maison.example.com")
    values["email"] = "other@maison.example.com"
    twilio.submit_registration("toll_free", values)
    form = recorder.requests[-1]["form"]
    assert form["BusinessWebsite"] == ["https://www.maison.example.com"]
    assert form["NotificationEmail"] == ["compliance@maison.example.com"]


def test_toll_free_verification_missing_values_sends_nothing(recorder, twilio):
    values = dict(TOLL_FREE, opt_in_image_urls=[], website_url="")
    with pytest.raises(ValueError) as error:
        twilio.submit_registration("toll_free", values)
    assert "business_website" in str(error.value)
    assert "opt_in_image_urls" in str(error.value)
    assert recorder.requests == []


def test_toll_free_verification_refused_is_a_provider_error(recorder, twilio):
    recorder.fail_next(400, 21211, "Invalid 'To' Phone Number")
    with pytest.raises(ProviderError) as error:
        twilio.submit_registration("toll_free", TOLL_FREE)
    assert error.value.code == "21211"


def test_unknown_registration_kind(twilio):
    with pytest.raises(ValueError):
        twilio.submit_registration("short_code", {})
    with pytest.raises(ValueError):
        twilio.fetch_registration("short_code", "x")


# A2P 10DLC

A2P = {
    "business_name": "Maison Olm Inc",
    "email": "compliance@maison.example.com",
    "business_type": "Corporation",
    "business_industry": "RETAIL",
    "business_registration_identifier": "EIN",
    "business_registration_number": "12-3456789",
    "business_regions_of_operation": ["USA_AND_CANADA"],
    "business_identity": "direct_customer",
    "website_url": "https://maison.example.com",
    "representative_first_name": "Ana",
    "representative_last_name": "Olm",
    "representative_email": "ana@maison.example.com",
    "representative_phone_number": "+12125550100",
    "representative_business_title": "CEO",
    "representative_job_position": "CEO",
    "street": "1 Spring St",
    "city": "New York",
    "region": "NY",
    "postal_code": "10012",
    "country": "US",
    "primary_customer_profile_sid": "BU" + "a" * 32,
    "company_type": "private",
    "brand_type": "STANDARD",
}
CAMPAIGN = {
    "messaging_service_sid": "MG" + "5" * 32,
    "us_app_to_person_usecase": "MIXED",
    "description": "Store associates text their customers about orders and visits.",
    "message_flow": "Customers opt in at the till on a signed form and online.",
    "message_samples": "Hi Ana, your order is ready.\nHi Ana, new arrivals this week.",
    "has_embedded_links": True,
    "opt_out_keywords": "STOP, ARRET",
}


def test_a2p_chain_profile_trust_product_brand_then_campaign(recorder, twilio):
    submission = twilio.submit_registration("a2p_10dlc", A2P, "https://x/trusthub")
    ids = split_a2p_ref(submission.ref)
    assert ids["customer_profile"].startswith("BU")
    assert ids["trust_product"].startswith("BU")
    assert ids["brand"].startswith("BN")
    assert ids["campaign"] == ""
    assert submission.status == "PENDING"  # the brand's, no campaign until it is approved

    profile = _posts(recorder, "/v1/CustomerProfiles")[0]["form"]
    assert profile["PolicySid"] == [SECONDARY_CUSTOMER_PROFILE_POLICY]
    assert profile["Email"] == ["compliance@maison.example.com"]
    assert profile["StatusCallback"] == ["https://x/trusthub"]
    end_users = [r["form"] for r in _posts(recorder, "/v1/EndUsers")]
    assert [u["Type"][0] for u in end_users] == [
        "customer_profile_business_information",
        "authorized_representative_1",
        "us_a2p_messaging_profile_information",
    ]
    business = json.loads(end_users[0]["Attributes"][0])
    assert business["business_registration_number"] == "12-3456789"
    assert business["business_regions_of_operation"] == "USA_AND_CANADA"
    assert "first_name" not in business
    assert json.loads(end_users[1]["Attributes"][0]) == {
        "first_name": "Ana",
        "last_name": "Olm",
        "email": "ana@maison.example.com",
        "phone_number": "+12125550100",
        "business_title": "CEO",
        "job_position": "CEO",
    }
    assert json.loads(end_users[2]["Attributes"][0]) == {"company_type": "private"}
    assert len(_posts(recorder, "/Addresses.json")) == 1
    (document,) = _posts(recorder, "/v1/SupportingDocuments")
    assert document["form"]["Type"] == ["customer_profile_address"]
    address_sid = json.loads(document["form"]["Attributes"][0])["address_sids"]
    assert address_sid.startswith("AD")
    assert recorder.objects[address_sid]["street"] == "1 Spring St"
    assigned = [r["form"]["ObjectSid"][0] for r in _posts(recorder, "/EntityAssignments")]
    assert A2P["primary_customer_profile_sid"] in assigned
    assert ids["customer_profile"] in assigned  # the profile goes into the trust product
    statuses = [
        r["form"]["Status"][0]
        for r in recorder.requests
        if r["method"] == "POST" and "Status" in r["form"]
    ]
    assert statuses == ["pending-review", "pending-review"]
    brand = _posts(recorder, "/a2p/BrandRegistrations")[0]["form"]
    assert brand["CustomerProfileBundleSid"] == [ids["customer_profile"]]
    assert brand["A2PProfileBundleSid"] == [ids["trust_product"]]
    assert brand["BrandType"] == ["STANDARD"]

    # still pending: fetching says so, nothing is created again
    assert twilio.fetch_registration("a2p_10dlc", submission.ref).state == "submitted"
    requests_before = len(recorder.requests)
    again = twilio.submit_registration("a2p_10dlc", dict(A2P, ref=submission.ref, **CAMPAIGN))
    assert again.ref == submission.ref
    assert all(r["method"] == "GET" for r in recorder.requests[requests_before:])

    # approved brand: a second call creates the campaign only
    recorder.brand_status[ids["brand"]] = "APPROVED"
    approved = twilio.fetch_registration("a2p_10dlc", submission.ref)
    assert approved.state == "submitted"  # no campaign yet: not registered
    assert "campaign" in approved.reason
    done = twilio.submit_registration("a2p_10dlc", dict(A2P, ref=submission.ref, **CAMPAIGN))
    assert len(_posts(recorder, "/v1/CustomerProfiles")) == 1
    assert len(_posts(recorder, "/a2p/BrandRegistrations")) == 1
    campaign = recorder.requests[-1]
    assert campaign["path"] == f"/v1/Services/{CAMPAIGN['messaging_service_sid']}/Compliance/Usa2p"
    form = campaign["form"]
    assert form["BrandRegistrationSid"] == [ids["brand"]]
    assert form["MessageSamples"] == [
        "Hi Ana, your order is ready.",
        "Hi Ana, new arrivals this week.",
    ]
    assert form["UsAppToPersonUsecase"] == ["MIXED"]
    assert form["HasEmbeddedLinks"] == ["true"]
    assert form["HasEmbeddedPhone"] == ["false"]
    assert form["OptOutKeywords"] == ["STOP", "ARRET"]
    final = split_a2p_ref(done.ref)
    service, _, campaign_sid = final["campaign"].partition("/")
    assert service == CAMPAIGN["messaging_service_sid"] and campaign_sid.startswith("QE")
    assert {k: final[k] for k in ("customer_profile", "trust_product", "brand")} == {
        k: ids[k] for k in ("customer_profile", "trust_product", "brand")
    }
    assert (done.status, done.state) == ("IN_PROGRESS", "in_review")

    recorder.campaign_status[campaign_sid] = "VERIFIED"
    assert twilio.fetch_registration("a2p_10dlc", done.ref).state == "approved"
    recorder.campaign_status[campaign_sid] = "FAILED"
    recorder.rejection_reason[campaign_sid] = "Message flow lacks opt-in details."
    failed = twilio.fetch_registration("a2p_10dlc", done.ref)
    assert (failed.state, failed.reason) == ("rejected", "Message flow lacks opt-in details.")


def test_a2p_with_given_profiles_registers_the_brand_only(recorder, twilio):
    values = {"customer_profile_sid": "BU" + "1" * 32, "trust_product_sid": "BU" + "2" * 32}
    submission = twilio.submit_registration("a2p_10dlc", values)
    assert [r["path"] for r in recorder.requests] == ["/v1/a2p/BrandRegistrations"]
    assert split_a2p_ref(submission.ref)["customer_profile"] == "BU" + "1" * 32
    assert "BrandType" not in recorder.requests[0]["form"]


def test_a2p_campaign_values_missing(recorder, twilio):
    values = {"customer_profile_sid": "BU" + "1" * 32, "trust_product_sid": "BU" + "2" * 32}
    ref = twilio.submit_registration("a2p_10dlc", values).ref
    recorder.brand_status[split_a2p_ref(ref)["brand"]] = "APPROVED"
    with pytest.raises(ValueError) as error:
        twilio.submit_registration(
            "a2p_10dlc", {"ref": ref, "messaging_service_sid": "MG" + "5" * 32}
        )
    assert "message_flow" in str(error.value)
    assert not _posts(recorder, "/Compliance/Usa2p")


def test_a2p_noncompliant_profile_stops_and_is_deleted(recorder, twilio):
    recorder.evaluation = "noncompliant"
    submission = twilio.submit_registration("a2p_10dlc", A2P)
    assert submission.status == "draft"
    assert submission.ref == "|||"
    assert "22215 business_info.business_registration_number" in submission.reason
    assert "22216 business_name_info" in submission.reason
    assert not _posts(recorder, "/v1/TrustProducts")
    assert not _posts(recorder, "/a2p/BrandRegistrations")
    deleted = [r for r in recorder.requests if r["method"] == "DELETE"]
    assert len(deleted) == 1 and deleted[0]["path"].startswith("/v1/CustomerProfiles/BU")
    # corrected values: a new profile, and the chain goes on
    recorder.evaluation = "compliant"
    retried = twilio.submit_registration("a2p_10dlc", A2P)
    assert split_a2p_ref(retried.ref)["brand"].startswith("BN")
    assert len(_posts(recorder, "/v1/CustomerProfiles")) == 2


def test_a2p_error_midway_keeps_the_steps_done(recorder, twilio):
    recorder.fail_on("/a2p/BrandRegistrations", 400, 21703, "Brand registration failed")
    with pytest.raises(ProviderError) as error:
        twilio.submit_registration("a2p_10dlc", A2P)
    assert error.value.code == "21703"
    ids = split_a2p_ref(error.value.registration_ref)
    assert ids["customer_profile"].startswith("BU")
    assert ids["trust_product"].startswith("BU")
    assert ids["brand"] == ""
    # the retry from that ref creates no second profile
    recorder.fail_paths.clear()
    retried = twilio.submit_registration("a2p_10dlc", dict(A2P, ref=error.value.registration_ref))
    assert len(_posts(recorder, "/v1/CustomerProfiles")) == 1
    assert len(_posts(recorder, "/v1/TrustProducts")) == 1
    assert split_a2p_ref(retried.ref)["brand"].startswith("BN")


def test_a2p_error_in_the_first_step_has_an_empty_ref(recorder, twilio):
    recorder.fail_on("/v1/EndUsers", 400, 22215, "End-User is missing required fields")
    with pytest.raises(ProviderError) as error:
        twilio.submit_registration("a2p_10dlc", A2P)
    assert error.value.registration_ref == "|||"


def test_a2p_needs_a_name_and_email(recorder, twilio):
    with pytest.raises(ValueError):
        twilio.submit_registration("a2p_10dlc", {"business_name": "Maison"})
    assert recorder.requests == []


def test_a2p_fetch_before_the_brand_reads_the_profile(recorder, twilio):
    profile = "BU" + "3" * 32
    recorder._bundle(profile, "pending-review")
    fetched = twilio.fetch_registration("a2p_10dlc", join_a2p_ref({"customer_profile": profile}))
    assert recorder.requests[-1]["path"] == f"/v1/CustomerProfiles/{profile}"
    assert fetched.state == "submitted"
    recorder.bundle_status[profile] = "twilio-approved"
    assert twilio.fetch_registration("a2p_10dlc", f"{profile}|||").status == "pending"
    with pytest.raises(ValueError):
        twilio.fetch_registration("a2p_10dlc", "|||")


def test_a2p_ref_round_trip():
    ids = {"customer_profile": "BU1", "trust_product": "", "brand": "BN1", "campaign": "MG/QE"}
    assert join_a2p_ref(ids) == "BU1||BN1|MG/QE"
    assert split_a2p_ref("BU1||BN1|MG/QE") == ids
    assert split_a2p_ref("") == dict.fromkeys(ids, "")


def test_noncompliant_results_fixture_is_twilios_shape():
    for result in NONCOMPLIANT_RESULTS:
        assert {"requirement_name", "passed", "error_code", "failure_reason", "invalid"} <= set(
            result
        )
