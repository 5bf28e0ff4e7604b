"""IMAP sync helpers of the Engage inbox: connection, UID bookkeeping, batching,
flags, fingerprints, large-attachment handling, tolerant reading of broken MIME,
phone numbers in text.

No ``odoo`` import: the models call these and keep only the database glue.
"""

import codecs
import contextlib
import datetime
import email.header
import email.policy
import email.utils
import hashlib
import re
import ssl
from email.message import Message

import phonenumbers
from imapclient import IMAPClient
from imapclient.imapclient import SocketTimeout

SEEN = b"\\Seen"
DELETED = b"\\Deleted"
SECURITY_CHOICES = ("ssl", "starttls", "none")
DEFAULT_BATCH = 200


class ImapSyncError(Exception):
    """A sync problem worth telling the user. ``code`` says what: ``unknown_security``
    (``params["security"]``), ``unreachable`` and ``connection_failed`` (``host``,
    ``port``, ``detail``), ``login_refused`` (``login``, ``detail``) or ``folder``
    (``folder``, ``detail``); ``detail`` is the server's or the system's words.
    ``str()`` is English, for logs: models show users their translated message
    (``clienteling.mail.account._imap_error_message``). Never the password."""

    def __init__(self, code, message, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def connect(host, port, security, login, password, connect_timeout=15, read_timeout=60):
    """Open an authenticated :class:`IMAPClient`; raise :class:`ImapSyncError` when
    it cannot (the password never appears in it)."""
    if security not in SECURITY_CHOICES:
        raise ImapSyncError(
            "unknown_security", f"Unknown connection security {security!r}.", security=security
        )
    timeout = SocketTimeout(connect=connect_timeout, read=read_timeout)
    context = ssl.create_default_context() if security in ("ssl", "starttls") else None
    try:
        client = IMAPClient(
            host, port=port, ssl=security == "ssl", ssl_context=context, timeout=timeout
        )
    except (OSError, ssl.SSLError) as error:
        raise ImapSyncError(
            "unreachable",
            f"Cannot reach {host}:{port}: {error}.",
            host=host,
            port=port,
            detail=str(error),
        ) from error
    try:
        if security == "starttls":
            client.starttls(context)
        client.login(login, password)
    except IMAPClient.Error as error:
        _close(client)
        raise ImapSyncError(
            "login_refused",
            f"The server refused the login of {login!r}: {_text(error)}",
            login=login,
            detail=_text(error),
        ) from error
    except (OSError, ssl.SSLError) as error:
        _close(client)
        raise ImapSyncError(
            "connection_failed",
            f"Connection to {host}:{port} failed: {error}.",
            host=host,
            port=port,
            detail=str(error),
        ) from error
    return client


def _text(error):
    text = str(error)
    return text[2:-1] if text.startswith("b'") else text


def _close(client):
    with contextlib.suppress(OSError):
        client.shutdown()


def logout(client):
    """Log out, ignoring a connection that is already gone."""
    try:
        client.logout()
    except (IMAPClient.Error, OSError):
        _close(client)


def folder_state(client, folder):
    """UIDVALIDITY, UIDNEXT, message count and HIGHESTMODSEQ (or None) of a folder,
    with one STATUS command (no SELECT)."""
    items = [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"]
    condstore = client.has_capability("CONDSTORE")
    if condstore:
        items.append(b"HIGHESTMODSEQ")
    try:
        status = client.folder_status(folder, items)
    except IMAPClient.Error as error:
        raise ImapSyncError(
            "folder", f"Folder {folder!r}: {_text(error)}", folder=folder, detail=_text(error)
        ) from error
    return {
        "uidvalidity": int(status[b"UIDVALIDITY"]),
        "uidnext": int(status[b"UIDNEXT"]),
        "messages": int(status[b"MESSAGES"]),
        "modseq": int(status[b"HIGHESTMODSEQ"]) if condstore else None,
    }


def plan(stored, server):
    """What a sync has to do, from the stored state and :func:`folder_state`.

    ``stored``: dict with ``uidvalidity``, ``last_uid``, ``modseq`` (None/0 when
    never synced). Returns a dict: ``reset`` (UIDVALIDITY changed: every UID is
    new, deduplicate by fingerprint), ``fetch_new`` (UIDs above ``last_uid`` may
    exist), ``fetch_flags`` (flags may have changed on the server).
    """
    reset = bool(stored.get("uidvalidity")) and stored["uidvalidity"] != server["uidvalidity"]
    last_uid = 0 if reset or not stored.get("uidvalidity") else stored.get("last_uid") or 0
    fetch_new = server["messages"] > 0 and server["uidnext"] > last_uid + 1
    if reset or server["modseq"] is None or not stored.get("modseq"):
        fetch_flags = not reset
    else:
        fetch_flags = server["modseq"] != stored["modseq"]
    return {
        "reset": reset,
        "last_uid": last_uid,
        "fetch_new": fetch_new,
        "fetch_flags": fetch_flags,
    }


def uids_above(uids, last_uid):
    """Sorted UIDs greater than ``last_uid`` (``UID n:*`` also returns the last
    message when none is greater)."""
    return sorted(uid for uid in uids if uid > last_uid)


def batched(items, size=DEFAULT_BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def is_seen(flags):
    return SEEN in tuple(flags or ())


def split_raw(raw):
    """(header bytes, body bytes) of a raw RFC 822 message."""
    match = re.search(rb"\r?\n\r?\n", raw)
    if not match:
        return raw, b""
    return raw[: match.end()], raw[match.end() :]


def header_value(header, name):
    """First value of a header in raw header bytes (unfolded, undecoded), or ''."""
    pattern = rb"^" + re.escape(name.encode()) + rb":[ \t]*(.*(?:\r?\n[ \t].*)*)"
    match = re.search(pattern, header, re.IGNORECASE | re.MULTILINE)
    if not match:
        return ""
    return re.sub(rb"\r?\n[ \t]+", b" ", match.group(1)).strip().decode("ascii", "replace")


# Headers written by the author's side: they tell two messages apart. Headers that
# receiving servers add or rewrite (Received, Return-Path, Delivered-To, X-...) are
# left out, so that the same message read again (UIDVALIDITY reset, another
# server) keeps its fingerprint.
IDENTITY_HEADERS = (
    "message-id",
    "date",
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "subject",
    "in-reply-to",
    "references",
    "resent-from",
    "resent-to",
    "resent-cc",
    "resent-date",
    "resent-message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
)
FINGERPRINT_PREFIX = "v2:"
COPY_SEPARATOR = "#"


def _headers(header):
    """[(lowercased name, unfolded value bytes)] of raw header bytes, in order; a
    line that is no header (garbage, a broken message) has the name ''. The mbox
    "From " line, written by the delivery agent, is left out."""
    lines = re.split(rb"\r?\n(?![ \t])", header.rstrip(b"\r\n"))
    found = []
    for line in lines:
        if line.startswith(b"From "):
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip() or b" " in name.strip():
            name, value = b"", line
        value = re.sub(rb"\s+", b" ", value).strip()
        found.append((name.strip().decode("ascii", "replace").lower(), value))
    return found


def fingerprint(raw):
    """Identity of a message's content across UIDVALIDITY changes and re-fetches:
    the headers its author wrote (see ``IDENTITY_HEADERS``) and its body, line
    endings normalized. Two messages that differ in any of these never share it;
    identical copies do (:func:`fingerprint_copy` numbers them)."""
    header, body = split_raw(raw)
    digest = hashlib.sha256()
    for name, value in _headers(header):
        if not name or name in IDENTITY_HEADERS:
            digest.update(name.encode() + b":" + value + b"\0")
    digest.update(b"\0")
    digest.update(body.replace(b"\r\n", b"\n").rstrip(b"\n"))
    return FINGERPRINT_PREFIX + digest.hexdigest()


def legacy_fingerprint(raw):
    """The fingerprint of messages imported before 18.0.1.1.0 (Message-ID, Date
    and body only): a UIDVALIDITY reset still recognizes them."""
    header, body = split_raw(raw)
    digest = hashlib.sha256()
    digest.update(header_value(header, "Message-ID").encode())
    digest.update(b"\0")
    digest.update(header_value(header, "Date").encode())
    digest.update(b"\0")
    digest.update(body.replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def fingerprint_copy(base, number):
    """The stored fingerprint of the ``number``-th identical copy (1 = the first)
    of a message whose fingerprint is ``base``."""
    return base if number <= 1 else f"{base}{COPY_SEPARATOR}{number}"


def fingerprint_base(stored):
    """(base fingerprint, copy number) of a stored fingerprint."""
    base, separator, number = (stored or "").partition(COPY_SEPARATOR)
    return base, int(number) if separator and number.isdigit() else 1


# Tolerant reading: what Python's email package or Odoo's parser cannot read is
# still shown as far as possible, never raised.


def clean_text(value):
    """A string PostgreSQL accepts: no NUL, no other C0 control character but
    tab and line breaks."""
    if not value:
        return value
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(value))


def known_charset(charset):
    try:
        codecs.lookup(charset)
    except (LookupError, TypeError, ValueError):
        return False
    return True


def guess_charset(data):
    """utf-8 when ``data`` decodes as such, else windows-1252 (decodes anything
    but five bytes, replaced)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def repair_charsets(message):
    """Replace, in place, the charsets Python does not know (``X-UNKNOWN``,
    ``NONE``, misspellings) of ``message``'s text parts by one that decodes their
    content. Returns the charsets replaced."""
    replaced = []
    for part in message.walk():
        if part.is_multipart():
            continue
        charset = part.get_param("charset")
        if isinstance(charset, tuple):
            charset = email.utils.collapse_rfc2231_value(charset)
        if not charset or known_charset(str(charset)):
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:  # a payload the email package cannot decode
            payload = b""
        part.set_param("charset", guess_charset(payload))
        replaced.append(str(charset))
    return replaced


HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")
OBSOLETE_HEADER_LINE = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:")


def _line_kind(index, line):
    text = line.rstrip(b"\r\n")
    if HEADER_LINE.match(text):
        return "header"
    if OBSOLETE_HEADER_LINE.match(text):
        return "obsolete"
    if index == 0 and text.startswith(b"From "):
        return "mbox"
    if text[:1] in (b" ", b"\t"):
        return "continuation"
    return "bad"


def repair_headers(raw):
    """(raw message to parse, number of lines dropped). Python's parser ends the
    headers at the first line that is not one (``quite Delivered-To: ...``,
    ``Subject   : ...``) and shows the headers after it as body. Here such lines
    among the headers are dropped, obsolete ``Name  :`` headers are rewritten
    ``Name:``, and text after the last header without a blank line becomes the
    body. A message without any header line is returned as is."""
    lines = raw.splitlines(keepends=True)
    first_blank = next((i for i, line in enumerate(lines) if not line.strip(b"\r\n")), len(lines))
    block = lines[:first_blank]
    kinds = [_line_kind(i, line) for i, line in enumerate(block)]
    headers = [i for i, kind in enumerate(kinds) if kind in ("header", "obsolete")]
    if not headers or ("obsolete" not in kinds and "bad" not in kinds[: headers[-1]]):
        return raw, 0
    last = headers[-1]
    while last + 1 < len(block) and kinds[last + 1] == "continuation":
        last += 1
    kept, dropped, keep_continuation = [], 0, False
    for index in range(last + 1):
        kind, line = kinds[index], block[index]
        if kind == "obsolete":
            line = OBSOLETE_HEADER_LINE.sub(rb"\1:", line)
        if kind == "bad" or (kind == "continuation" and not keep_continuation):
            dropped += kind == "bad"
            keep_continuation = False
            continue
        keep_continuation = True
        kept.append(line if line.endswith(b"\n") else line + b"\r\n")
    tail = block[last + 1 :]
    if tail:  # body text right after the headers, without a blank line
        kept += [b"\r\n", *tail]
    return b"".join(kept + lines[first_blank:]), dropped


def decode_words(value):
    """A header value with its RFC 2047 encoded words decoded; unknown charsets
    and broken encodings are read as well as possible, never raised."""
    if not value:
        return ""
    try:
        chunks = email.header.decode_header(value)
    except Exception:  # the header decoder raises on broken words
        return clean_text(value)
    text = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            text.append(chunk)
            continue
        if not charset or not known_charset(charset):
            charset = guess_charset(chunk)
        text.append(chunk.decode(charset, "replace"))
    return clean_text("".join(text).strip())


def parse_date(value):
    """UTC naive datetime of a Date header, or None when it cannot be read."""
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment


def utc_naive(moment):
    """UTC naive datetime of an IMAP INTERNALDATE as imapclient returns it: aware,
    or naive in the local time of this machine (its ``normalise_times``)."""
    if not isinstance(moment, datetime.datetime):
        return None
    try:  # astimezone() reads a naive datetime as local time
        return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


def message_bytes(message):
    """Bytes of an ``email.message.Message`` (a forwarded message, a bounce's
    original), as far as the generator can write it."""
    writers = (
        lambda: message.as_bytes(),
        lambda: message.as_bytes(policy=email.policy.compat32),
        lambda: message.as_string(policy=email.policy.compat32).encode("utf-8", "replace"),
    )
    for write in writers:
        try:
            return write()
        except Exception:  # the generator raises on broken parts
            continue
    return None


def attachment_bytes(content, encoding=None):
    """The bytes to store of an attachment extracted by Odoo's parser, whatever
    it returned: bytes, text (in ``encoding``), a whole ``Message`` (forwarded
    messages, digests, bounces), or None (nothing to store)."""
    if content is None:
        return None
    if isinstance(content, bytes):
        return content
    if isinstance(content, Message):
        return message_bytes(content)
    if not isinstance(content, str):
        content = str(content)
    if encoding and known_charset(encoding):
        with contextlib.suppress(UnicodeError):
            return content.encode(encoding)
    return content.encode("utf-8", "replace")


def attachment_name(name, content):
    """A file name for an extracted attachment: forwarded messages get ``.eml``."""
    name = clean_text(name or "").strip()
    if isinstance(content, Message):
        if not name or name == "attachment":
            name = decode_words(str(content.get("Subject", "") or "")) or "message"
        if not name.lower().endswith(".eml"):
            name += ".eml"
    return name or "attachment"


def text_parts(message, raw=b""):
    """(html or None, plain text) of a message that Odoo's parser could not read:
    its text parts decoded as well as possible. Without any readable part, the
    raw body (never the headers) as text."""
    html, texts = None, []
    try:
        parts = [part for part in message.walk() if not part.is_multipart()] if message else []
    except Exception:  # walk() of a broken tree
        parts = []
    for part in parts:
        try:
            mimetype = part.get_content_type()
            if not mimetype.startswith("text/") or part.get_filename():
                continue
            data = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or ""
        except Exception:  # one unreadable part
            continue
        if not known_charset(charset):
            charset = guess_charset(data)
        text = data.decode(charset, "replace")
        if mimetype == "text/html" and html is None:
            html = text
        elif mimetype != "text/html":
            texts.append(text)
    if html is None and not texts:
        body = split_raw(raw)[1]
        texts.append(body.decode(guess_charset(body), "replace"))
    return html, clean_text("\n\n".join(texts))


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _pairs(value):
    """A parameter list of a BODYSTRUCTURE as a dict of lowercased names."""
    if not isinstance(value, (tuple, list)):
        return {}
    items = list(value)
    return {
        _decode(items[i]).lower(): _decode(items[i + 1])
        for i in range(0, len(items) - 1, 2)
        if isinstance(items[i], (bytes, str))
    }


def _leaf_filename(part):
    params = _pairs(part[2])
    if params.get("name"):
        return params["name"]
    for item in part[7:]:
        if (
            isinstance(item, (tuple, list))
            and len(item) == 2
            and isinstance(item[0], (bytes, str))
            and isinstance(item[1], (tuple, list))
        ):
            found = _pairs(item[1]).get("filename")
            if found:
                return found
    return None


def leaves(bodystructure, prefix=""):
    """Leaf parts of an IMAP BODYSTRUCTURE: dicts with ``section`` ("1", "2.1"),
    ``mimetype``, ``size`` (encoded octets) and ``filename``."""
    parts = []
    if isinstance(bodystructure[0], (list, tuple)):  # multipart
        for index, child in enumerate(bodystructure[0], 1):
            section = f"{prefix}.{index}" if prefix else str(index)
            parts.extend(leaves(child, section))
        return parts
    return [
        {
            "section": prefix or "1",
            "mimetype": f"{_decode(bodystructure[0])}/{_decode(bodystructure[1])}".lower(),
            "size": int(bodystructure[6] or 0),
            "filename": _leaf_filename(bodystructure),
        }
    ]


def split_parts(bodystructure, max_size):
    """(parts to download, parts too large to download) of a message: text
    parts are always downloaded, other parts only up to ``max_size`` octets."""
    keep, skip = [], []
    for part in leaves(bodystructure):
        is_text = part["mimetype"].startswith("text/") and not part["filename"]
        (keep if is_text or part["size"] <= max_size else skip).append(part)
    return keep, skip


def rebuild(header, parts):
    """A raw message made of the top ``header`` (bytes of ``BODY[HEADER]``) and
    the downloaded ``parts`` (list of ``BODY[n.MIME] + BODY[n]`` bytes), as
    multipart/mixed: what is left of a message once large parts are dropped."""
    boundary = b"clienteling-engage-" + hashlib.sha1(header).hexdigest().encode()[:16]
    kept = [
        line
        for line in re.split(rb"\r?\n(?![ \t])", split_raw(header)[0].rstrip(b"\r\n"))
        if not re.match(rb"(content-type|content-transfer-encoding|mime-version):", line, re.I)
    ]
    lines = [*kept, b"MIME-Version: 1.0"]
    lines.append(b'Content-Type: multipart/mixed; boundary="' + boundary + b'"')
    out = b"\r\n".join(lines) + b"\r\n\r\n"
    for part in parts:
        out += b"--" + boundary + b"\r\n" + part.rstrip(b"\r\n") + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def size_in_unit(size):
    """``(amount, unit)`` of a size in bytes for a person: the amount rounded
    (whole bytes, else one decimal), the unit one of ``bytes``, ``KB``, ``MB``,
    ``GB`` (models say it in the user's language)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return (round(size), unit) if unit == "bytes" else (round(size, 1), unit)
        size /= 1024
    return round(size), "bytes"


def phone_numbers_in(text, region=None, limit=5):
    """E.164 numbers found in free text (e.g. an SMS relayed to a mailbox),
    read with ``region`` (ISO code) as default country; at most ``limit``."""
    found = []
    if not text:
        return found
    for match in phonenumbers.PhoneNumberMatcher(text, (region or "ZZ").upper()):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if number not in found:
            found.append(number)
        if len(found) >= limit:
            break
    return found
