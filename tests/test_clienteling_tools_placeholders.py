from clienteling_tools.placeholders import (
    PLACEHOLDERS,
    first_name,
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
