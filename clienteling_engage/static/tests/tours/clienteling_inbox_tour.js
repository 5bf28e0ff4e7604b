import { registry } from "@web/core/registry";

// An associate opens the Engage inbox: a mailbox of the store that fails to sync is
// shown above the messages; an e-mail's remote images wait until asked for.
registry.category("web_tour.tours").add("clienteling_inbox_tour", {
    steps: () => [
        {
            content: "The failing mailbox is shown above the messages",
            trigger: ".o_clienteling_mailbox_warning:contains(could not be synced):contains(Cannot reach)",
        },
        {
            content: "Open the e-mail",
            trigger: ".o_list_view .o_data_row td[name=subject]:contains(Hostile)",
            run: "click",
        },
        {
            content: "Its text is shown without its remote image",
            trigger:
                ".o_form_view .o_clienteling_inbox_body div[name=body]:contains(Your order is ready):not(:has(img[src*='/web/static/img/']))",
        },
        {
            content: "Load the remote images",
            trigger: ".o_form_view button[name=action_load_remote_images]",
            run: "click",
        },
        {
            content: "The remote image is shown",
            trigger:
                ".o_form_view .o_clienteling_inbox_body div[name=body_original] img[src*='/web/static/img/']",
        },
    ],
});
