"""Display safety of inbound e-mail bodies (no ``odoo`` import).

An e-mail is shown inside Odoo's own page, so its HTML must not be able to cover
the screen (``position: fixed``, huge boxes, negative margins) nor call anything
when it is opened (remote images are tracking pixels; a relative URL would call
the Odoo server itself). Odoo's sanitizer (``html_sanitize``) removes scripts,
``<style>`` blocks and, with ``sanitize_style``, CSS properties outside its list;
this module is the part it does not do:

* :func:`display_html` gives the body as shown (remote content blocked) and,
  when something was blocked, the body with its remote content, shown only when
  the user asks for it ("Load Remote Images", as mail clients do).
"""

import re

from lxml import etree, html

# Attributes that make a browser fetch a URL when the message is displayed.
FETCHING_ATTRIBUTES = ("src", "srcset", "background", "poster", "lowsrc", "dynsrc", "data")
# CSS properties that take an element out of the message's box.
OVERLAY_PROPERTIES = {
    "position",
    "z-index",
    "top",
    "left",
    "right",
    "bottom",
    "inset",
    "transform",
    "translate",
    "scale",
    "clip-path",
    "mask",
    "filter",
}
SIZE_PROPERTIES = {"width", "height", "min-width", "min-height", "max-width", "max-height"}
# Largest sizes kept, in CSS pixels (a letter-size page is about 800 px wide).
MAX_BOX = 2000
MAX_FONT = 96
MAX_SPACING = 400
UNIT_PIXELS = {"px": 1, "pt": 4 / 3, "pc": 16, "in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4}
UNIT_PIXELS.update({"em": 16, "rem": 16, "ex": 8, "ch": 8, "q": 96 / 101.6})
VIEWPORT_UNITS = re.compile(r"\d\s*(?:vw|vh|vmin|vmax|dvh|dvw|svh|svw|lvh|lvw)\b", re.I)
LENGTH = re.compile(r"(-?\d*\.?\d+)\s*([a-z%]*)", re.I)
URL = re.compile(r"url\s*\(", re.I)


def _is_remote(url):
    """True for a URL the browser would fetch from a server (http, https, any
    scheme but data: and cid:, protocol-relative or relative URLs)."""
    value = (url or "").strip().lower()
    return bool(value) and not value.startswith(("data:", "cid:"))


def _is_http(url):
    value = (url or "").strip().lower()
    return value.startswith(("http://", "https://"))


def _pixels(value):
    """Largest absolute length in a CSS value, in pixels (percentages as %)."""
    largest = 0.0
    for number, unit in LENGTH.findall(value):
        try:
            amount = abs(float(number))
        except ValueError:
            continue
        unit = unit.lower()
        if unit == "%":
            largest = max(largest, amount * MAX_BOX / 100 if amount > 100 else 0)
        else:
            largest = max(largest, amount * UNIT_PIXELS.get(unit, 1))
    return largest


def _declaration_safe(name, value):
    """Whether a CSS declaration may stay (sizes and overlays checked)."""
    if name in OVERLAY_PROPERTIES or "expression(" in value.lower():
        return False
    if VIEWPORT_UNITS.search(value):
        return False
    if name in SIZE_PROPERTIES:
        return _pixels(value) <= MAX_BOX
    if name.startswith("margin"):
        return not re.search(r"(^|[\s(])-\s*\.?\d", value) and _pixels(value) <= MAX_SPACING
    if name.startswith("padding") or name in ("letter-spacing", "word-spacing", "text-indent"):
        return _pixels(value) <= MAX_SPACING and not value.strip().startswith("-")
    if name == "font-size":
        return _pixels(value) <= MAX_FONT
    if name == "line-height":
        return _pixels(value) <= MAX_FONT * 4
    return True


def _urls(value):
    return re.findall(r"url\s*\(\s*['\"]?([^'\")]*)", value, re.I)


def _clean_style(style, keep_remote):
    """(style kept, number of remote http(s) resources removed) of a style
    attribute. Declarations with a url() are kept only when every URL is data:
    (or http(s) with ``keep_remote``)."""
    kept, blocked = [], 0
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name = name.strip().lower()
        if not colon or not name or not _declaration_safe(name, value):
            continue
        urls = _urls(value) if URL.search(value) else []
        allowed = [url for url in urls if url.strip().lower().startswith("data:")]
        if keep_remote:
            allowed += [url for url in urls if _is_http(url)]
        if len(allowed) < len(urls) or (URL.search(value) and not urls):
            blocked += any(_is_http(url) for url in urls)
            continue
        kept.append(f"{name}:{value.strip()}")
    return "; ".join(kept), blocked


def _walk(root, keep_remote):
    """Clean ``root`` in place; return how many remote http(s) resources were
    removed (other fetching URLs are always removed and not counted)."""
    blocked = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        for attribute in FETCHING_ATTRIBUTES:
            value = element.get(attribute)
            if value is None or not _is_remote(value):
                continue
            candidates = [c.strip().split(" ")[0] for c in value.split(",") if c.strip()]
            if attribute in ("src", "background", "poster", "lowsrc", "dynsrc"):
                candidates = [value.strip()]
            http = bool(candidates) and all(_is_http(c) for c in candidates)
            if keep_remote and http and attribute != "data":
                continue
            del element.attrib[attribute]
            blocked += http
        for attribute in ("width", "height"):
            if _pixels(element.get(attribute) or "") > MAX_BOX:
                del element.attrib[attribute]
        style = element.get("style")
        if style is not None:
            cleaned, removed = _clean_style(style, keep_remote)
            blocked += removed
            if cleaned:
                element.set("style", cleaned)
            else:
                del element.attrib["style"]
    return blocked


def _parse(source):
    """The <body> element of ``source`` (a document or a fragment), or None."""
    for data in (source, source.encode("utf-8", "replace")):
        try:  # a str with an XML encoding declaration is refused: read its bytes
            document = html.document_fromstring(
                data, parser=html.HTMLParser(encoding="utf-8") if isinstance(data, bytes) else None
            )
        except (etree.ParserError, ValueError):
            continue
        return document.find("body")
    return None


def _serialize(body):
    text = (body.text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in body
    )


def display_html(source):
    """(HTML to show, HTML with remote content or None) of an e-mail body.

    Both have overlay styles, huge sizes and negative margins removed, and no
    relative or non-http URL that the browser would fetch. The first has no remote
    content at all (images, backgrounds, tracking pixels); the second, returned
    only when something was blocked, keeps the http(s) ones.
    """
    source = str(source or "")
    if not source.strip():
        return "", None
    shown, original = _parse(source), _parse(source)
    if shown is None:
        return "", None
    blocked = _walk(shown, keep_remote=False)
    _walk(original, keep_remote=True)
    return _serialize(shown), (_serialize(original) if blocked else None)
