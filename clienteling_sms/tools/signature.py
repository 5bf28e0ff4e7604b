"""Signed form webhooks: an HMAC of the URL and the sorted form fields.

The scheme Twilio documents for ``X-Twilio-Signature`` (HMAC-SHA1 of the URL
followed by each field name and value, sorted, in base64), written here without
any provider's SDK so that any provider (the sandbox first) can sign and check
webhooks with it.
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit


def _values(params, name):
    getlist = getattr(params, "getlist", None)  # werkzeug's MultiDict: every value
    return getlist(name) if getlist else [params[name]]


def form_signature(secret, url, params):
    """The signature of a POST of ``params`` (a dict or a MultiDict) to ``url``."""
    signed = url
    for name in sorted(set(params or ())):
        for value in sorted(set(_values(params, name))):
            signed += name + value
    digest = hmac.new((secret or "").encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _url_variants(url):
    """``url`` with and without its scheme's default port (proxies differ)."""
    parts = urlsplit(url)
    host = parts.netloc.split(":")[0]
    if parts.port:
        return [url, urlunsplit(parts._replace(netloc=host))]
    port = 443 if parts.scheme == "https" else 80
    return [url, urlunsplit(parts._replace(netloc=f"{host}:{port}"))]


def check_form_signature(secret, url, params, signature):
    """True when ``signature`` signs ``url`` + ``params`` with ``secret``."""
    if not secret or not signature:
        return False
    return any(
        hmac.compare_digest(form_signature(secret, variant, params).encode(), signature.encode())
        for variant in _url_variants(url)
    )
