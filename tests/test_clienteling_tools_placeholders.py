from clienteling_tools.placeholders import (
    PLACEHOLDERS,
    fill_store,
    first_name,
    modernize,
    render_values,
    unknown_placeholders,
)


def test_unknown_placeholders_lists_each_unknown_once_in_order():
    expressions = [
        "customer.first_name",
        "object.partner_id.sudo()",
        "",
        "x",
        "object.partner_id.sudo()",
    ]
    assert unknown_placeholders(expressions) == ["object.partner_id.sudo()", "x"]
    assert unknown_placeholders(list(PLACEHOLDERS)) == []


def test_first_name():
    assert first_name("Jane Doe") == "Jane"
    assert first_name("  Félix   Moreau ") == "Félix"
    assert first_name("") == ""
    assert first_name(None) == ""


def test_render_values_exposes_every_placeholder_and_blanks_missing_objects():
    values = render_values(
        {"name": "Jane Doe"}, None, {"name": "Fifth Avenue", "landline": "+12125550100"}, {}
    )
    for key in PLACEHOLDERS:
        obj, attribute = key.split(".")
        assert isinstance(getattr(values[obj], attribute), str)
    assert values["customer"].first_name == "Jane"
    assert values["associate"].name == ""
    assert values["store"].landline == "+12125550100"


def test_store_texts_use_the_quick_reply_syntax_and_understand_the_former_one():
    assert fill_store(
        "From {{ store.name }}: {{store.landline}}", "Fifth Avenue", "(212) 555-0100"
    ) == ("From Fifth Avenue: (212) 555-0100")
    assert (
        fill_store("From {store}, call {landline}", "Fifth Avenue", "")
        == "From Fifth Avenue, call "
    )
    assert fill_store("", "Fifth Avenue") == ""
    assert fill_store(None, "Fifth Avenue") == ""
    # other names are left alone
    assert fill_store("{{ customer.name }}", "Fifth Avenue") == "{{ customer.name }}"
    assert modernize("from {store} ({landline})") == "from {{ store.name }} ({{ store.landline }})"
    assert modernize(False) is False
