"""The placeholders a quick reply may use, and the values they render to.

Bodies use Odoo's inline template syntax: ``Hi {{ customer.first_name }}``, with
an optional default: ``{{ customer.first_name ||| there }}``. Only the names
below are allowed, so associates may write templates without template-editor
rights and nothing but these values can be reached.

The store's texts (the consent wording of the customer entry form, the SMS
account's automatic replies) use the same syntax with the store's names only:
``{{ store.name }}`` and ``{{ store.landline }}``. Their former ``{store}`` and
``{landline}`` still render (:func:`fill_store`); :func:`modernize` rewrites them.
"""

import re
from types import SimpleNamespace

# The allowed names, in the order the quick reply form lists them (with the labels
# of ``clienteling.quick.reply._placeholder_labels``).
PLACEHOLDERS = (
    "customer.name",
    "customer.first_name",
    "associate.name",
    "associate.first_name",
    "store.name",
    "store.landline",
    "company.name",
)

SAMPLE_VALUES = {
    "customer": {"name": "Jane Doe"},
    "associate": {"name": "Sam Smith"},
    "store": {"name": "Main Street", "landline": "+14155550100"},
    "company": {"name": "Hartley & Vane"},
}


def unknown_placeholders(expressions):
    """The expressions that are not allowed placeholders, in order, without repeats."""
    unknown = []
    for expression in expressions:
        if expression and expression not in PLACEHOLDERS and expression not in unknown:
            unknown.append(expression)
    return unknown


def first_name(full_name):
    """First word of a name ("Jane" for "Jane Doe"); empty for an empty name."""
    parts = (full_name or "").split()
    return parts[0] if parts else ""


def render_values(customer, associate, store, company):
    """Namespaces for the template engine, one per object.

    Each argument is a mapping with ``name`` (and ``landline`` for the store);
    missing objects render as empty strings.
    """
    values = {}
    for key, data in (
        ("customer", customer),
        ("associate", associate),
        ("store", store),
        ("company", company),
    ):
        data = dict(data or {})
        name = data.get("name") or ""
        values[key] = SimpleNamespace(
            name=name,
            first_name=first_name(name),
            landline=data.get("landline") or "",
        )
    return values


# The store texts' former placeholders and the ones that replace them.
LEGACY_STORE_PLACEHOLDERS = {
    "{store}": "{{ store.name }}",
    "{landline}": "{{ store.landline }}",
}

_STORE_PLACEHOLDER = re.compile(r"{{\s*store\.(name|landline)\s*}}")


def modernize(text):
    """``text`` with its former ``{store}``/``{landline}`` written as
    ``{{ store.name }}``/``{{ store.landline }}``."""
    if not text:
        return text
    for old, new in LEGACY_STORE_PLACEHOLDERS.items():
        text = text.replace(old, new)
    return text


def fill_store(text, name, landline=""):
    """A store text with ``{{ store.name }}`` and ``{{ store.landline }}`` (spaces
    inside the braces optional; the former ``{store}`` and ``{landline}`` too)
    replaced by ``name`` and ``landline``."""
    values = {"name": name or "", "landline": landline or ""}
    return _STORE_PLACEHOLDER.sub(lambda match: values[match.group(1)], modernize(text or ""))
