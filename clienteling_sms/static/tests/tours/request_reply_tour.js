import { registry } from "@web/core/registry";

// An associate replies to a customer's request by text: the existing conversation
// opens in Discuss with the request's preview card; its Reply button puts them in
// the composer, and the text they send answers the request.
registry.category("web_tour.tours").add("clienteling_sms_request_reply_tour", {
    steps: () => [
        {
            content: "Reply by Text on the request",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_reply_by_text]",
            run: "click",
        },
        {
            content: "The customer's conversation exists: open it",
            trigger: ".modal .o_field_widget[name=choice] input[data-value=existing]:checked",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The request's preview is in the chat, as a card",
            trigger: ".o-mail-Message .o-clienteling-RequestCard:contains(Customer Request: Appointment):contains(A fitting for a suit)",
        },
        {
            content: "Its Reply button",
            trigger: ".o-clienteling-RequestCard-reply",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Hi Jane, Saturday at 3pm works!",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "press Enter",
        },
        {
            content: "Sent and delivered",
            trigger: ".o-mail-Message:contains(Saturday at 3pm works) .o-clienteling-TextState[data-state=delivered]",
        },
    ],
});
