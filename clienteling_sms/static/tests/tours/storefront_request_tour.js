import { registry } from "@web/core/registry";

// The customer's side: from an associate's storefront, ask a question and choose
// to be answered by text (the consent box is required for that).
registry.category("web_tour.tours").add("clienteling_sms_storefront_request_tour", {
    steps: () => [
        {
            content: "The associate's storefront",
            trigger: "h2:contains(Ann Associate)",
        },
        {
            content: "Ask a question",
            trigger: "a.btn[data-kind=question]",
            run: "click",
        },
        {
            trigger: "input[name=name]",
            run: "edit Jane Tour",
        },
        {
            trigger: "input[name=mobile]",
            run: "edit (212) 555-0188",
        },
        {
            content: "Answer me by text",
            trigger: "input#request_channel_text",
            run: "click",
        },
        {
            trigger: "textarea[name=message]",
            run: "edit Do you have the camel coat in size 8?",
        },
        {
            content: "Send without the consent box: refused",
            trigger: "button[type=submit]",
            run: "click",
        },
        {
            content: "The consent box is asked for, and what was typed is kept",
            trigger: "input[name=consent].is-invalid",
        },
        {
            trigger: "input[name=name]:value(Jane Tour)",
        },
        {
            content: "Tick the consent box",
            trigger: "input[name=consent]",
            run: "click",
        },
        {
            content: "Send",
            trigger: "button[type=submit]",
            run: "click",
        },
        {
            content: "Thanks",
            trigger: ".alert-success:contains(Thank you, Jane Tour)",
        },
    ],
});

// The associate's side: the request is in their Customer Requests; they reply by
// text in the conversation the confirmation opened, and share a product there.
registry.category("web_tour.tours").add("clienteling_sms_request_product_reply_tour", {
    steps: () => [
        {
            content: "Jane's request in my Customer Requests",
            trigger: ".o_kanban_record:contains(Jane Tour)",
            run: "click",
        },
        {
            content: "Reply by Text",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_reply_by_text]",
            run: "click",
        },
        {
            content: "The conversation of the confirmation text exists: open it",
            trigger: ".modal .o_field_widget[name=choice] input[data-value=existing]:checked",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The request's card is in the chat",
            trigger: ".o-mail-Message .o-clienteling-RequestCard:contains(camel coat)",
        },
        {
            content: "Share Products, from the composer",
            trigger: ".o-mail-Composer .o-clienteling-ShareProducts",
            run: "click",
        },
        {
            trigger: ".modal div[name=body] textarea",
            run: "edit Yes! Here it is:",
        },
        {
            trigger: ".modal div[name=product_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Search for it (other apps' products may fill the first page)",
            trigger: ".modal .o_searchview_input",
            run: "edit Tour Camel Coat",
        },
        {
            content: "Search",
            trigger: ".modal .o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Pick the camel coat",
            trigger: ".modal .o_data_row .o_data_cell:contains(Tour Camel Coat)",
            run: "click",
        },
        {
            trigger: ".modal div[name=product_ids] .o_data_row:contains(Tour Camel Coat)",
        },
        {
            trigger: ".modal button[name=action_share]",
            run: "click",
        },
        {
            content: "The text with the coat's link is in the chat",
            trigger: ".o-mail-Message:contains(Tour Camel Coat: https://shop.example.com/clienteling/p/)",
        },
    ],
});

// The associate's figures moved: one text request, answered.
registry.category("web_tour.tours").add("clienteling_sms_request_kpi_tour", {
    steps: () => [
        {
            content: "This week",
            trigger: ".o_clienteling_kpi_dashboard button:contains(This Week)",
            run: "click",
        },
        {
            content: "One request",
            trigger: ".o_clienteling_kpi_card[data-kpi=requests] .o_clienteling_kpi_value:contains(1)",
        },
        {
            content: "All of them asked for a text",
            trigger: ".o_clienteling_kpi_card[data-kpi=text_preference] .o_clienteling_kpi_value:contains(100)",
        },
        {
            content: "A storefront visit",
            trigger: ".o_clienteling_kpi_card[data-kpi=storefront_visits] .o_clienteling_kpi_value:contains(1)",
        },
    ],
});
