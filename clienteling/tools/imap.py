"""IMAP sync helpers of the Engage inbox: connection, UID bookkeeping, batching,
flags, fingerprints, large-attachment handling, phone numbers in text.

No ``odoo`` import: the models call these and keep only the database glue.
"""

import hashlib
import re
import ssl

import phonenumbers
from imapclient import IMAPClient
from imapclient.imapclient import SocketTimeout

SEEN = b"\\Seen"
DELETED = b"\\Deleted"
SECURITY_CHOICES = ("ssl", "starttls", "none")
DEFAULT_BATCH = 200


class ImapSyncError(Exception):
    """A sync problem worth telling the user (bad login, missing folder...)."""


def connect(host, port, security, login, password, connect_timeout=15, read_timeout=60):
    """Open an authenticated :class:`IMAPClient`; raise :class:`ImapSyncError` with a
    sentence for a person (the password never appears in it)."""
    if security not in SECURITY_CHOICES:
        raise ImapSyncError(f"Unknown connection security {security!r}.")
    timeout = SocketTimeout(connect=connect_timeout, read=read_timeout)
    context = ssl.create_default_context() if security in ("ssl", "starttls") else None
    try:
        client = IMAPClient(
            host, port=port, ssl=security == "ssl", ssl_context=context, timeout=timeout
        )
    except (OSError, ssl.SSLError) as error:
        raise ImapSyncError(f"Cannot reach {host}:{port}: {error}.") from error
    try:
        if security == "starttls":
            client.starttls(context)
        client.login(login, password)
    except IMAPClient.Error as error:
        _close(client)
        raise ImapSyncError(f"The server refused the login of {login!r}: {_text(error)}") from error
    except (OSError, ssl.SSLError) as error:
        _close(client)
        raise ImapSyncError(f"Connection to {host}:{port} failed: {error}.") from error
    return client


def _text(error):
    text = str(error)
    return text[2:-1] if text.startswith("b'") else text


def _close(client):
    try:
        client.shutdown()
    except OSError:
        pass


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
        raise ImapSyncError(f"Folder {folder!r}: {_text(error)}") from error
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


def fingerprint(raw):
    """Identity of a message across UIDVALIDITY changes and re-fetches: its
    Message-ID and a digest of its body (servers rewrite headers, not bodies)."""
    header, body = split_raw(raw)
    digest = hashlib.sha256()
    digest.update(header_value(header, "Message-ID").encode())
    digest.update(b"\0")
    digest.update(header_value(header, "Date").encode())
    digest.update(b"\0")
    digest.update(body.replace(b"\r\n", b"\n"))
    return digest.hexdigest()


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


def human_size(size):
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


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
