import { registry } from "@web/core/registry";

// An associate opens the Advisor, asks for a refresh, opens Keep in Touch, snoozes the
// most lapsed customer for 7 days and opens the next one's profile.
registry.category("web_tour.tours").add("clienteling_advisor_tour", {
    steps: () => [
        {
            content: "Refresh the lists",
            trigger: ".o_control_panel button:contains(Refresh)",
            run: "click",
        },
        {
            content: "The refresh is queued, and said so",
            trigger: ".o_notification:contains(The Advisor will be refreshed in a moment)",
        },
        {
            content: "The Keep in Touch tile counts two customers",
            trigger: ".o_kanban_record:contains(Keep in Touch) .o_clienteling_advisor_count:contains(2)",
        },
        {
            content: "Open Keep in Touch",
            trigger: ".o_kanban_record:contains(Keep in Touch)",
            run: "click",
        },
        {
            content: "The most lapsed customer comes first",
            trigger: ".o_list_view .o_data_row:first-child td[name=partner_id]:contains(Tour Long Lapsed)",
        },
        {
            content: "Snooze them",
            trigger: ".o_list_view .o_data_row:first-child button[name=action_open_snooze]",
            run: "click",
        },
        {
            content: "For 7 days",
            trigger: ".modal div[name=days] input",
            run: "edit 7",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_snooze]",
            run: "click",
        },
        {
            content: "Only the other customer is left",
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(2))) .o_data_row:first-child td[name=partner_id]:contains(Tour Lapsed)",
        },
        {
            content: "Open their profile",
            trigger: ".o_list_view .o_data_row:first-child button[name=action_open_customer]",
            run: "click",
        },
        {
            content: "The customer's form",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(Tour Lapsed), .o_form_view div[name=name] input",
        },
    ],
});
