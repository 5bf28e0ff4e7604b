import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PosHr from "@pos_hr/../tests/tours/utils/pos_hr_helpers";
import { registry } from "@web/core/registry";

const line = (name) => `.partner-list .partner-info:contains("${name}")`;

registry.category("web_tour.tours").add("ClientelingPosTillTour", {
    steps: () =>
        [
            Chrome.clickBtn("Open Register"),
            PosHr.login("Carl Cashier", "4321"),
            Dialog.confirm("Open Register"),
            ProductScreen.clickPartnerButton(),
            {
                content: "a customer of a colleague's client book shows its owner",
                trigger: `${line("Jane Doe")} .o_clienteling_owner:contains("Ann Associate")`,
            },
            {
                content: "the cashier finds the customer",
                trigger: ".modal-header .input-group input",
                run: "edit Walk In",
            },
            {
                content: "not loaded at the till yet: search the server",
                trigger: ".search-more-button button",
                run: "click",
            },
            {
                content: "the walk-in customer is in no client book, not asked for texts",
                trigger: `${line("Walk In")} .o_clienteling_sms:contains("not asked")`,
            },
            {
                content: "their next important date shows",
                trigger: `${line("Walk In")} .o_clienteling_next_date:contains("Birthday")`,
            },
            {
                content: "add them to my client book",
                trigger: `${line("Walk In")} .o_clienteling_add`,
                run: "click",
            },
            {
                content: "the sentence to read names the store",
                trigger: `.o_clienteling_book_dialog .o_clienteling_wording:contains("Test Fifth Avenue")`,
            },
            {
                content: "the customer agrees",
                trigger: ".o_clienteling_book_dialog input.o_clienteling_consent:not(:disabled)",
                run: "click",
            },
            {
                content: "confirm",
                trigger: ".modal-footer .o_clienteling_confirm",
                run: "click",
            },
            {
                content: "they are in my client book",
                trigger: `${line("Walk In")} .o_clienteling_owner:contains("Carl Cashier")`,
            },
            {
                content: "and opted in to texts",
                trigger: `${line("Walk In")} .o_clienteling_sms:contains("opted in")`,
            },
        ].flat(),
});
