"""Pure IMAP helpers of the Engage inbox (no server, no database)."""

import datetime
import email
import email.policy

import pytest
from clienteling_engage_tools import imap
from imapclient.response_types import BodyData


def test_plan_first_sync_fetches_everything():
    server = {"uidvalidity": 7, "uidnext": 4, "messages": 3, "modseq": 10}
    plan = imap.plan({"uidvalidity": 0, "last_uid": 0, "modseq": None}, server)
    assert plan == {"reset": False, "last_uid": 0, "fetch_new": True, "fetch_flags": True}


def test_plan_nothing_new_does_nothing():
    server = {"uidvalidity": 7, "uidnext": 4, "messages": 3, "modseq": 10}
    plan = imap.plan({"uidvalidity": 7, "last_uid": 3, "modseq": 10}, server)
    assert not plan["fetch_new"] and not plan["fetch_flags"] and not plan["reset"]


def test_plan_flags_changed_and_new_mail():
    server = {"uidvalidity": 7, "uidnext": 6, "messages": 5, "modseq": 12}
    plan = imap.plan({"uidvalidity": 7, "last_uid": 3, "modseq": 10}, server)
    assert plan["fetch_new"] and plan["fetch_flags"] and plan["last_uid"] == 3


def test_plan_without_condstore_always_reads_flags():
    server = {"uidvalidity": 7, "uidnext": 4, "messages": 3, "modseq": None}
    plan = imap.plan({"uidvalidity": 7, "last_uid": 3, "modseq": None}, server)
    assert plan["fetch_flags"] and not plan["fetch_new"]


def test_plan_uidvalidity_reset_starts_over():
    server = {"uidvalidity": 8, "uidnext": 4, "messages": 3, "modseq": 2}
    plan = imap.plan({"uidvalidity": 7, "last_uid": 90, "modseq": 50}, server)
    assert plan == {"reset": True, "last_uid": 0, "fetch_new": True, "fetch_flags": False}


def test_uids_above_and_batched():
    assert imap.uids_above([9, 3, 12], 9) == [12]
    assert imap.uids_above([9], 9) == []  # "UID 10:*" answers the last message
    assert list(imap.batched(range(5), 2)) == [[0, 1], [2, 3], [4]]


def test_is_seen():
    assert imap.is_seen((b"\\Seen", b"\\Recent"))
    assert not imap.is_seen(()) and not imap.is_seen(None)


def test_fingerprint_ignores_rewritten_headers_not_content():
    raw = b"Message-ID: <a@x>\r\nDate: Sat, 1 Nov 2026 10:00:00 +0000\r\n\r\nHello\r\n"
    moved = b"X-Server: rewrote\r\nReceived: by mx\r\n" + raw
    assert imap.fingerprint(raw) == imap.fingerprint(moved)
    assert imap.fingerprint(raw) == imap.fingerprint(raw.replace(b"\r\n", b"\n"))
    assert imap.fingerprint(raw) != imap.fingerprint(raw.replace(b"Hello", b"Hallo"))
    assert imap.fingerprint(raw) != imap.fingerprint(raw.replace(b"<a@x>", b"<b@x>"))


def test_fingerprint_tells_apart_messages_without_id_and_date():
    one = b"From: a@x\r\nSubject: Yes\r\n\r\nYes\r\n"
    other_sender = one.replace(b"a@x", b"b@x")
    other_recipient = b"To: c@x\r\n" + one
    folded = b"From: a@x\r\nSubject:\r\n  Yes\r\n\r\nYes\r\n"
    prints = {imap.fingerprint(raw) for raw in (one, other_sender, other_recipient)}
    assert len(prints) == 3
    assert imap.fingerprint(folded) == imap.fingerprint(one)
    # a message with no header at all is told apart by its text
    assert imap.fingerprint(b"\x00 garbage one") != imap.fingerprint(b"\x00 garbage two")
    assert imap.fingerprint(one).startswith(imap.FINGERPRINT_PREFIX)


def test_fingerprint_copies():
    base = imap.fingerprint(b"Subject: x\r\n\r\nbody")
    assert imap.fingerprint_copy(base, 1) == base
    assert imap.fingerprint_base(imap.fingerprint_copy(base, 3)) == (base, 3)
    assert imap.fingerprint_base(base) == (base, 1)


def test_legacy_fingerprint_is_the_previous_one():
    raw = b"Message-ID: <a@x>\r\nDate: Sat, 1 Nov 2026 10:00:00 +0000\r\n\r\nHello\r\n"
    assert imap.legacy_fingerprint(raw) == imap.legacy_fingerprint(b"X-New: 1\r\n" + raw)
    assert not imap.legacy_fingerprint(raw).startswith(imap.FINGERPRINT_PREFIX)


def test_repair_headers():
    raw = (
        b"Received: by mx\r\nquite Delivered-To: x@y\r\n  continued\r\n"
        b"Subject   : Hello\r\nFrom: a@x\r\n\r\nBody\r\n"
    )
    repaired, dropped = imap.repair_headers(raw)
    assert dropped == 1
    assert repaired == b"Received: by mx\r\nSubject: Hello\r\nFrom: a@x\r\n\r\nBody\r\n"
    # a body right after the headers stays the body; a message without headers as is
    assert imap.repair_headers(b"Subject: x\r\nHello there\r\n") == (
        b"Subject: x\r\nHello there\r\n",
        0,
    )
    assert imap.repair_headers(b"\x00 not an email\r\n") == (b"\x00 not an email\r\n", 0)
    mbox = b"From someone@x Mon May  2 16:07:05 2005\r\nSubject: x\r\n\r\nb"
    assert imap.repair_headers(mbox) == (mbox, 0)


def test_repair_charsets_and_text_parts():
    message = email.message_from_bytes(
        b"Content-Type: text/plain; charset=X-UNKNOWN\r\n\r\nEnvoy\xe9\r\n",
        policy=email.policy.SMTP,
    )
    assert imap.repair_charsets(message) == ["X-UNKNOWN"]
    assert message.get_content_charset() == "windows-1252"
    assert message.get_content().strip() == "Envoyé"
    html, text = imap.text_parts(None, b"Subject: hidden\r\n\r\nOnly the body")
    assert html is None and text == "Only the body"


def test_decode_words_and_dates():
    assert imap.decode_words("=?utf-8?q?Caf=C3=A9?=") == "Café"
    assert imap.decode_words("=?x-unknown?q?Caf=E9?=") == "Café"
    assert imap.decode_words("=?NONE?B?VEVTVA=?=") is not None
    assert imap.decode_words("a\x00b") == "ab"
    assert imap.parse_date("Sat, 21 Nov 2026 10:00:00 +0100") == datetime.datetime(
        2026, 11, 21, 9, 0
    )
    assert imap.parse_date("not a date") is None
    utc = datetime.timezone.utc
    aware = datetime.datetime(
        2026, 11, 21, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert imap.utc_naive(aware) == datetime.datetime(2026, 11, 21, 8, 0)
    local = datetime.datetime(2026, 11, 21, 10, 0)  # imapclient's local time
    assert imap.utc_naive(local) == local.astimezone(utc).replace(tzinfo=None)
    assert imap.utc_naive(None) is None
    assert imap.parse_date("") is None


def test_attachment_bytes_of_every_kind():
    forwarded = email.message_from_bytes(b"Subject: Fwd\r\n\r\ninner", policy=email.policy.SMTP)
    assert b"inner" in imap.attachment_bytes(forwarded)
    assert imap.attachment_name("attachment", forwarded) == "Fwd.eml"
    assert imap.attachment_name("", b"x") == "attachment"
    assert imap.attachment_bytes("é", "latin-1") == b"\xe9"
    assert imap.attachment_bytes("é", "x-unknown") == "é".encode()
    assert imap.attachment_bytes(b"raw") == b"raw"
    assert imap.attachment_bytes(None) is None


def test_header_value_unfolds():
    header = b"Subject: a long\r\n  folded subject\r\nFrom: x@y\r\n\r\n"
    assert imap.header_value(header, "subject") == "a long folded subject"
    assert imap.header_value(header, "To") == ""


def _structure():
    text = (
        b"text",
        b"plain",
        (b"charset", b"utf-8"),
        None,
        None,
        b"7bit",
        20,
        1,
        None,
        None,
        None,
        None,
    )
    pdf = (
        b"application",
        b"pdf",
        (b"name", b"big.pdf"),
        None,
        None,
        b"base64",
        5_000_000,
        None,
        (b"attachment", (b"filename", b"big.pdf")),
        None,
        None,
    )
    png = (
        b"image",
        b"png",
        None,
        None,
        None,
        b"base64",
        100,
        None,
        (b"attachment", (b"filename", b"s.png")),
        None,
        None,
    )
    return BodyData.create(([text, pdf, png], b"mixed", (b"boundary", b"b"), None, None, None))


def test_split_parts_skips_large_non_text():
    keep, skip = imap.split_parts(_structure(), 1_000_000)
    assert [p["section"] for p in keep] == ["1", "3"]
    assert skip == [
        {"section": "2", "mimetype": "application/pdf", "size": 5_000_000, "filename": "big.pdf"}
    ]
    assert keep[1]["filename"] == "s.png"


def test_rebuild_keeps_headers_and_parts():
    header = b"From: a@b\r\nSubject: x\r\nContent-Type: multipart/mixed;\r\n boundary=old\r\n\r\n"
    raw = imap.rebuild(header, [b"Content-Type: text/plain\r\n\r\nbody\r\n"])
    assert b"Subject: x" in raw and b"boundary=old" not in raw
    assert raw.count(b"--clienteling-engage-") == 2 and raw.endswith(b"--\r\n")


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("call me at (212) 555-0142 please", "US", ["+12125550142"]),
        ("SMS from +33 6 12 34 56 99", "US", ["+33612345699"]),
        ("no number here", "US", []),
        ("", "US", []),
    ],
)
def test_phone_numbers_in(text, region, expected):
    assert imap.phone_numbers_in(text, region) == expected


def test_size_in_unit_and_bad_security():
    assert imap.size_in_unit(512) == (512, "bytes")
    assert imap.size_in_unit(1536) == (1.5, "KB")
    assert imap.size_in_unit(2 * 1024 * 1024) == (2.0, "MB")
    assert imap.size_in_unit(3 * 1024**4) == (3072.0, "GB")
    with pytest.raises(imap.ImapSyncError) as error:
        imap.connect("localhost", 1, "tls13", "u", "p")
    assert error.value.code == "unknown_security"
    assert error.value.params == {"security": "tls13"}


def test_unreachable_server_is_a_coded_error():
    with pytest.raises(imap.ImapSyncError) as error:
        imap.connect("127.0.0.1", 9, "none", "u", "p", connect_timeout=2)
    assert error.value.code == "unreachable"
    assert error.value.params["host"] == "127.0.0.1"
    assert error.value.params["port"] == 9
    assert error.value.params["detail"]
    assert "p" not in error.value.params.values()
