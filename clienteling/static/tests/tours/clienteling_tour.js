import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// An associate adds a customer from "My Client Book" with a birthday: the customer
// joins the associate's client book and store book.
registry.category("web_tour.tours").add("clienteling_client_book_tour", {
    steps: () => [
        {
            content: "New customer",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name",
            trigger: ".o_form_view div[name=name] input",
            run: "edit Grace Tour",
        },
        {
            content: "Mobile, as dialled locally",
            trigger: ".o_form_view div[name=mobile] input",
            run: "edit (212) 555-0177",
        },
        {
            content: "Open the Clienteling tab",
            trigger: ".o_notebook a.nav-link:contains(Clienteling)",
            run: "click",
        },
        {
            content: "Add an important date",
            trigger: "div[name=clienteling_important_date_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Month",
            trigger: "div[name=clienteling_important_date_ids] .o_data_row td[name=month] input",
            run: "edit 2",
        },
        {
            content: "Day: 29 February",
            trigger: "div[name=clienteling_important_date_ids] .o_data_row td[name=day] input",
            run: "edit 29",
        },
        ...stepUtils.saveForm(),
        {
            content: "The customer is in my client book and my store's book",
            trigger: "div[name=clienteling_associate_id] input:value(Ann Associate)",
        },
    ],
});
