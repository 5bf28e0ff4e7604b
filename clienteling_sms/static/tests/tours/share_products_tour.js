import { registry } from "@web/core/registry";

// An associate shares a product from a customer's chat in Discuss: the text with
// its short link appears in the chat.
registry.category("web_tour.tours").add("clienteling_sms_share_products_tour", {
    steps: () => [
        {
            content: "Open Jane's chat",
            trigger: ".o-mail-DiscussSidebarChannel:contains(Jane Doe)",
            run: "click",
        },
        {
            content: "Share Products, from the composer",
            trigger: ".o-mail-Composer .o-clienteling-ShareProducts",
            run: "click",
        },
        {
            content: "Write a few words",
            trigger: ".modal div[name=body] textarea",
            run: "edit Just in:",
        },
        {
            content: "Add a product",
            trigger: ".modal div[name=product_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Search for it (other apps' products may fill the first page)",
            trigger: ".modal .o_searchview_input",
            run: "edit Tour Wool Coat",
        },
        {
            content: "Search",
            trigger: ".modal .o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Pick the coat",
            trigger: ".modal .o_data_row .o_data_cell:contains(Tour Wool Coat)",
            run: "click",
        },
        {
            content: "The coat is in the list",
            trigger: ".modal div[name=product_ids] .o_data_row:contains(Tour Wool Coat)",
        },
        {
            content: "Share",
            trigger: ".modal button[name=action_share]",
            run: "click",
        },
        {
            content: "The text with the coat's link is in the chat",
            trigger: ".o-mail-Message:contains(Tour Wool Coat: https://shop.example.com/clienteling/p/)",
        },
    ],
});
