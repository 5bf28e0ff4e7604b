import { registry } from "@web/core/registry";

// An associate reviews a pending customer who looks like an existing one and merges
// the entry into that customer, replacing the name.
registry.category("web_tour.tours").add("clienteling_customer_entry_tour", {
    steps: () => [
        {
            content: "Open the pending entry",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Jane Doe-Smith)",
            run: "click",
        },
        {
            content: "The existing customer is listed as a possible duplicate",
            trigger: ".o_form_view div[name=duplicate_ids] .o_data_row:contains(Jane Doe)",
        },
        {
            content: "Merge into a customer",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_merge]",
            run: "click",
        },
        {
            content: "The duplicate is proposed",
            trigger: ".modal div[name=partner_id] input:value(Jane Doe)",
        },
        {
            content: "Use the entered name",
            trigger: ".modal div[name=replace_name] input",
            run: "click",
        },
        {
            content: "Merge",
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "The customer's form, with the new name",
            trigger: ".o_form_view div[name=name] input:value(Jane Doe-Smith)",
        },
    ],
});
